import { test, expect, openHydrated, signIn, SIGNED_OUT } from "./fixtures";

const NIA = "nia.adams@example.org";

test.describe("staff settings", () => {
  test("an admin adds a staff member, changes their role, and disabling them signs them out", async ({
    page,
    browser,
    baseURL,
  }) => {
    await openHydrated(page, "/settings/staff");
    await expect(page.getByRole("heading", { name: "Staff", level: 1 })).toBeVisible();
    const form = page.getByRole("form", { name: "Add a staff member" });
    await form.getByLabel("Name").fill("Nia Adams");
    await form.getByLabel("Email").fill(NIA);
    await form.getByLabel("Role").selectOption({ label: "Staff" });
    await form.getByRole("checkbox", { name: "Casework" }).check();
    await form.getByLabel("First password").fill("nia's first password");
    await form.getByRole("button", { name: "Add staff member" }).click();
    await expect(form.getByRole("status")).toHaveText("Staff member added");
    const row = page.locator(`tr[data-email='${NIA}']`);
    await expect(row).toBeVisible();
    await expect(row.getByRole("checkbox", { name: "Casework" })).toBeChecked();
    await expect(row.getByLabel("Role of Nia Adams")).toHaveValue("3");

    // Nia signs in on her own browser.
    const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT });
    const nia = await context.newPage();
    await nia.goto("/login");
    await signIn(nia, NIA, "nia's first password");
    await expect(nia).toHaveURL(/\/$/);
    await expect(nia.locator(".whoami")).toContainText("Staff");

    // The admin makes her Read-only: it applies to her next request.
    await row.getByLabel("Role of Nia Adams").selectOption({ label: "Read-only" });
    await expect(row.getByRole("status")).toHaveText("Saved");
    await nia.reload();
    await expect(nia.locator(".whoami")).toContainText("Read-only");

    // Disabled, she is signed out at once and cannot sign back in.
    await row.getByRole("button", { name: "Disable Nia Adams" }).click();
    await expect(row.getByRole("status")).toHaveText("Disabled: signed out everywhere");
    await expect(row.locator(".staff-status")).toHaveText("Disabled");
    await nia.goto("/log");
    await expect(nia).toHaveURL(/\/login\?expired=1&next=%2Flog$/);
    await signIn(nia, NIA, "nia's first password");
    await expect(nia.getByRole("alert")).toHaveText("Wrong email or password.");
    await context.close();

    // Every change is in the audit log, newest first.
    await openHydrated(page, "/settings/audit");
    const audit = page.locator("table.audit-table tbody tr");
    await expect(audit.first()).toHaveAttribute("data-action", "sign_in_failed");
    await expect(audit.nth(1)).toHaveAttribute("data-action", "staff_disabled");
    await expect(audit.nth(1)).toContainText(NIA);
    await expect(audit.nth(1)).toContainText("Alex Morgan");
    await expect(page.locator("tr[data-action='staff_changed']").first()).toContainText("role: Staff → Read-only");
    await expect(page.locator("tr[data-action='staff_added']").first()).toContainText("name: Nia Adams; role: Staff; teams: Casework");
  });

  test("the last admin cannot disable or demote themselves", async ({ page, expectHttpError }) => {
    expectHttpError(400);
    await openHydrated(page, "/settings/staff");
    const row = page.locator("tr[data-email='alex.morgan@example.org']");
    await row.getByRole("button", { name: "Disable Alex Morgan" }).click();
    await expect(row.getByRole("alert")).toContainText("at least one active staff member who may manage staff");
    await expect(row.locator(".staff-status")).toHaveText("Active");
    await row.getByLabel("Role of Alex Morgan").selectOption({ label: "Manager" });
    await expect(row.getByRole("alert")).toContainText("at least one active staff member who may manage staff");
    await expect(row.getByLabel("Role of Alex Morgan")).toHaveValue("1");
    await page.reload();
    await expect(page.locator("tr[data-email='alex.morgan@example.org'] .staff-status")).toHaveText("Active");
  });

  test("an admin resets a password: the old one stops working", async ({ page, browser, baseURL }) => {
    await openHydrated(page, "/settings/staff");
    const row = page.locator("tr[data-email='hannah.lewis@example.org']");
    await row.getByRole("button", { name: "Reset password" }).click();
    await row.getByLabel("New password for Hannah Lewis").fill("a brand new password");
    await row.getByRole("button", { name: "Set password" }).click();
    await expect(row.getByRole("status")).toHaveText("Password set: signed out everywhere");
    const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT });
    const hannah = await context.newPage();
    await hannah.goto("/login");
    await signIn(hannah, "hannah.lewis@example.org");
    await expect(hannah.getByRole("alert")).toHaveText("Wrong email or password.");
    await signIn(hannah, "hannah.lewis@example.org", "a brand new password");
    await expect(hannah).toHaveURL(/\/$/);
    await context.close();
  });
});
