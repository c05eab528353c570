import { Browser, Page } from "@playwright/test";
import { RECORD_PORT } from "../playwright.config";
import { test, expect, ADMIN, callServerFunctions, SIGNED_OUT, signedInPage } from "./fixtures";

// On the recording server: the staff and roles added here stay out of the
// other journeys' lists.
const RECORD_URL = `http://127.0.0.1:${RECORD_PORT}`;
const VIC = "vic.visitor@example.org";
const VIC_PASSWORD = "vic's first password";

test.use({ baseURL: RECORD_URL, storageState: SIGNED_OUT });

/** A page of its own, signed in as `email`, at `path`, hydrated. */
function as(browser: Browser, email: string, path: string, password?: string): Promise<Page> {
  return signedInPage(browser, RECORD_URL, email, path, password);
}

test.describe("custom roles", () => {
  test("a role without create interactions hides New interaction and the server refuses it", async ({
    browser,
    expectHttpError,
  }) => {
    // Alex creates "Visitor": it may only read.
    const alex = await as(browser, ADMIN, "/settings/roles");
    await expect(alex.getByRole("heading", { name: "Roles", level: 1 })).toBeVisible();
    const staffCard = alex.locator("section.role-card[data-role='Staff']");
    await expect(staffCard.getByText("Built in")).toBeVisible();
    await expect(staffCard.getByRole("checkbox", { name: "create interactions" })).toBeChecked();
    await expect(staffCard.getByRole("checkbox", { name: "create interactions" })).toBeDisabled();
    const form = alex.getByRole("form", { name: "New role" });
    await form.getByLabel("Name", { exact: true }).fill("Visitor");
    await expect(form.getByRole("checkbox", { name: "view people and interactions" })).toBeChecked();
    await form.getByRole("button", { name: "Create role" }).click();
    await expect(form.getByRole("status")).toHaveText("Role created");
    const visitor = alex.locator("section.role-card[data-role='Visitor']");
    await expect(visitor.getByText("Nobody holds it")).toBeVisible();

    // …and gives it to a new staff member.
    await alex.goto("/settings/staff");
    await expect(alex.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
    const add = alex.getByRole("form", { name: "Add a staff member" });
    await add.getByLabel("Name").fill("Vic Visitor");
    await add.getByLabel("Email").fill(VIC);
    await add.getByLabel("Role").selectOption({ label: "Visitor" });
    await add.getByLabel("First password").fill(VIC_PASSWORD);
    await add.getByRole("button", { name: "Add staff member" }).click();
    await expect(add.getByRole("status")).toHaveText("Staff member added");

    // Vic reads the log, but is never offered New interaction…
    const vic = await as(browser, VIC, "/log", VIC_PASSWORD);
    await expect(vic.locator(".whoami")).toContainText("Visitor");
    await expect(vic.locator("table.log-table tbody tr").first()).toBeVisible();
    await expect(vic.getByRole("link", { name: "New interaction" })).toHaveCount(0);
    // …and the server refuses it, whatever the page shows.
    expectHttpError(403);
    const [answer] = await callServerFunctions(vic, [
      [
        "/api/record_interaction",
        { form: { person_id: "1", type_id: "1", description: "By a visitor", note: "Tried anyway", occurred_at: "2026-01-01T10:00", reply_to: "" } },
      ],
    ]);
    expect(answer).toBe('403 "Forbidden"');
    const response = await vic.goto("/interactions/new?person=1");
    expect(response?.status()).toBe(403);
    await expect(vic.getByText("You do not have permission to do that.")).toBeVisible();

    // Alex lets Visitors record: Vic may, at his next page.
    await alex.goto("/settings/roles");
    await expect(alex.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
    await expect(visitor.getByText("Held by 1 staff member")).toBeVisible();
    await expect(visitor.getByText("To delete it, first give its holders another role.")).toBeVisible();
    await visitor.getByRole("checkbox", { name: "create interactions" }).check();
    await visitor.getByRole("button", { name: "Save role" }).click();
    await expect(visitor.getByRole("status")).toHaveText("Role saved");
    await expect(visitor.getByRole("checkbox", { name: "create interactions" })).toBeChecked();
    await vic.goto("/log");
    await expect(vic.getByRole("link", { name: "New interaction" })).toBeVisible();

    // A role nobody holds is deleted, after a confirmation.
    await form.getByLabel("Name", { exact: true }).fill("Short-lived");
    await form.getByRole("button", { name: "Create role" }).click();
    await expect(form.getByRole("status")).toHaveText("Role created");
    const shortLived = alex.locator("section.role-card[data-role='Short-lived']");
    await shortLived.getByRole("button", { name: "Delete role" }).click();
    await shortLived.getByRole("button", { name: "Yes, delete it" }).click();
    await expect(alex.getByRole("status")).toHaveText("Role deleted");
    await expect(shortLived).toHaveCount(0);

    // Every change is in the audit log.
    await alex.goto("/settings/audit");
    await expect(alex.locator("tr[data-action='role_deleted']").first()).toContainText("Short-lived");
    await expect(alex.locator("tr[data-action='role_changed']").first()).toContainText(
      "permissions: view people and interactions → view people and interactions, create interactions",
    );
    await expect(alex.locator("tr[data-action='role_created']").last()).toContainText("Visitor");
  });
});
