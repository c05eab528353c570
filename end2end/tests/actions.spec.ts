import { Page } from "@playwright/test";
import { ACTIONS_PORT } from "../playwright.config";
import { test, expect, cell, signIn, ADMIN, STAFF, SIGNED_OUT } from "./fixtures";

// Follow-up actions add people and (when completed) interactions, so they
// run on their own server, away from the demo totals and the recording
// journeys.
test.use({ baseURL: `http://127.0.0.1:${ACTIONS_PORT}`, storageState: SIGNED_OUT });

async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
}

/** Signs out (if signed in), then opens `path` as `email`, hydrated. */
async function openAs(page: Page, email: string, path: string) {
  await page.context().clearCookies();
  await page.goto(path);
  await signIn(page, email);
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[?]/g, "\\?")}$`));
  await hydrated(page);
}

/** `YYYY-MM-DD`, `days` from today (in London, the demo's zone). */
function day(days: number): string {
  const at = new Date(Date.now() + days * 86_400_000);
  return at.toLocaleDateString("en-CA", { timeZone: "Europe/London" });
}

async function addPerson(page: Page, name: string) {
  await page.getByText("Add person", { exact: true }).first().click();
  const form = page.locator("details.add-person form");
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/** Fills in "Assign action" and sends it; lands on the new action's page. */
async function assign(page: Page, type: string, assignee: string, instructions: string, due: string, notify = false) {
  await page.getByRole("radio", { name: type, exact: true }).check();
  await page.getByLabel("Assigned to").pressSequentially(assignee.split(" ")[0], { delay: 30 });
  await page.getByRole("option", { name: assignee }).getByRole("button").click();
  await expect(page.getByTestId("chosen-assignee")).toHaveText(assignee);
  await page.getByLabel("Instructions").fill(instructions);
  await page.getByLabel("To be completed by").fill(due);
  if (notify) await page.getByLabel("Notify me on completion").check();
  await page.getByRole("button", { name: "Assign action" }).click();
  await expect(page).toHaveURL(/\/actions\/\d+\?assigned=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Action assigned." })).toBeVisible();
}

test.describe("follow-up actions", () => {
  test("assign to a colleague, who sees it overdue on home, completes it; the creator is told", async ({ page }) => {
    await openAs(page, ADMIN, "/people");
    await addPerson(page, "Ruth Ashdown");
    await page.getByRole("link", { name: "Assign action" }).click();
    await expect(page).toHaveURL(/\/actions\/new\?person=\d+$/);
    await hydrated(page);
    // Every missing field is named before anything is sent.
    await page.getByRole("button", { name: "Assign action" }).click();
    for (const message of [
      "Choose the type of action.",
      "Choose who will do it.",
      "The instructions cannot be empty.",
      "Give the date it is to be completed by.",
    ]) {
      await expect(page.getByText(message)).toBeVisible();
    }
    await assign(page, "Phone call", "Tom Whitaker", "Call Ruth back about the late payment", day(-2), true);
    await expect(page.getByTestId("action-assignee")).toHaveText("Tom Whitaker");
    await expect(page.locator(".status-chip")).toHaveText("Overdue");

    // Tom's home: the action, overdue in red and in words, with his initials.
    await openAs(page, STAFF, "/");
    const item = page.getByTestId("pending-actions").locator("li").filter({ hasText: "Call Ruth back" });
    await expect(item).toHaveCount(1);
    const due = item.locator(".due");
    await expect(due).toHaveClass(/overdue/);
    await expect(due).toContainText("Overdue");
    await expect(due.locator("time")).toHaveCSS("color", "rgb(180, 35, 24)");
    await expect(item.locator(".avatar.assignee")).toContainText("TW");
    await expect(item.getByText("Assigned to Tom Whitaker")).toBeAttached();
    // Overdue actions come first.
    await expect(page.getByTestId("pending-actions").locator("li").first().locator(".due")).toHaveClass(/overdue/);
    // The navigation counts his outstanding and overdue actions.
    await expect(page.getByTestId("nav-overdue")).toBeVisible();
    const overdueBefore = Number((await page.getByTestId("nav-overdue").innerText()).match(/\d+/)![0]);
    // And he was emailed about it.
    await page.getByRole("link", { name: "Emails" }).click();
    await expect(page.locator(".email-subject").filter({ hasText: "Action for you: Ruth Ashdown" })).toHaveCount(1);

    // He completes it: the summary becomes an interaction on Ruth's profile.
    await page.goto("/");
    await hydrated(page);
    await page.getByTestId("pending-actions").getByRole("link", { name: "Call Ruth back about the late payment" }).click();
    await expect(page.getByRole("heading", { name: "Complete", exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Complete action" }).click();
    await expect(page.getByText("The summary cannot be empty.")).toBeVisible();
    await page.getByLabel("Summary").fill("Rang Ruth; she will pay on Friday.");
    await page.getByRole("button", { name: "Complete action" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Completed: interaction" })).toBeVisible();
    await expect(page.locator(".status-chip")).toHaveText("Completed");
    await expect(page.getByTestId("action-summary")).toHaveText("Rang Ruth; she will pay on Friday.");
    await expect(page.getByRole("heading", { name: "Complete", exact: true })).toHaveCount(0);
    // The navigation's count follows at once.
    if (overdueBefore > 1) {
      await expect(page.getByTestId("nav-overdue")).toHaveText(`${overdueBefore - 1} overdue`);
    } else {
      await expect(page.getByTestId("nav-overdue")).toHaveCount(0);
    }
    await page.getByRole("link", { name: "Ruth Ashdown’s profile" }).click();
    const top = page.locator("table.log-table tbody tr").first();
    await expect(top.locator(cell.description)).toContainText("Done: Call Ruth back about the late payment");
    await expect(top.locator(cell.staff)).toHaveText("Tom Whitaker");
    await expect(page.getByTestId("log-total")).toHaveText("1 interaction");

    // Alex asked to be told: the email is there, and is sent.
    await openAs(page, ADMIN, "/notifications");
    const email = page.locator("li.email").filter({ hasText: "Action completed: Ruth Ashdown" });
    await expect(async () => {
      await page.reload();
      await expect(email.locator(".status-chip")).toHaveText("Sent", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await email.locator("summary").click();
    await expect(email.locator(".email-body")).toContainText("Rang Ruth; she will pay on Friday.");
    await expect(email.locator(".email-body")).toContainText("Tom Whitaker completed the action you assigned");
  });

  test("the creator edits and deletes a plan; the lists search, filter and sort", async ({ page }) => {
    await openAs(page, ADMIN, "/people");
    await addPerson(page, "Kit Marlowe");
    await page.getByRole("link", { name: "Assign action" }).click();
    await hydrated(page);
    await assign(page, "Email", "Grace Okafor", "Kestrel: send Kit the form", day(10));

    // Edit: a plan, not a record.
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    await page.getByLabel("Instructions").fill("Kestrel: send Kit the housing form");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
    await expect(page.getByTestId("action-instructions")).toHaveText("Kestrel: send Kit the housing form");

    // Everyone's outstanding actions: found as you type, sorted by a header.
    await page.goto("/actions?tab=outstanding");
    await hydrated(page);
    await page.getByLabel("Search instructions and summaries").pressSequentially("kestrel", { delay: 30 });
    await expect(page).toHaveURL(/\/actions\?tab=outstanding&q=kestrel$/);
    await expect(page.getByTestId("actions-total")).toHaveText("1 action");
    const row = page.locator("table.action-table tbody tr").first();
    await expect(row.locator("td.col-person")).toHaveText("Kit Marlowe");
    await page.getByRole("link", { name: "Assigned to" }).click();
    await expect(page).toHaveURL(/sort=assignee/);
    await expect(page.getByTestId("actions-total")).toHaveText("1 action");
    // Filters narrow it to nothing: Grace's action is not Tom's.
    await page.getByLabel("Assigned to").selectOption({ label: "Tom Whitaker" });
    await expect(page).toHaveURL(/assignee=\d+/);
    await expect(page.getByTestId("actions-total")).toHaveText("0 actions");

    // Another tab starts afresh: the search box follows the URL.
    await page.getByRole("link", { name: "Completed", exact: true }).click();
    await expect(page).toHaveURL(/\/actions\?tab=completed$/);
    await expect(page.getByLabel("Search instructions and summaries")).toHaveValue("");

    // Delete: it goes, and the audit log keeps what it said.
    await page.goto("/actions?tab=outstanding&q=kestrel");
    await hydrated(page);
    await page.getByRole("link", { name: "Kestrel: send Kit the housing form" }).click();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Delete action" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Kit Marlowe" })).toBeVisible();
    await page.goto("/actions?tab=outstanding&q=kestrel");
    await expect(page.getByTestId("actions-total")).toHaveText("0 actions");
    await page.goto("/settings/audit");
    await expect(page.getByText("Action deleted").first()).toBeVisible();
    await expect(page.getByText(/Kestrel: send Kit the housing form/).first()).toBeVisible();
  });
});
