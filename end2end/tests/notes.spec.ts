import { Browser, Page } from "@playwright/test";
import { RECORD_PORT } from "../playwright.config";
import { test, expect, ADMIN, STAFF, SIGNED_OUT, signedInPage } from "./fixtures";

// On the recording server: the notes added here stay out of the other
// journeys' profiles.
const RECORD_URL = `http://127.0.0.1:${RECORD_PORT}`;

test.use({ baseURL: RECORD_URL, storageState: SIGNED_OUT });

/** A page of its own, signed in as `email`, at `path`, hydrated. */
function as(browser: Browser, email: string, path: string): Promise<Page> {
  return signedInPage(browser, RECORD_URL, email, path);
}

test.describe("things to know", () => {
  test("notes are added, edited with their history, pinned and deleted", async ({ browser }) => {
    const alex = await as(browser, ADMIN, "/people/9");
    const panel = alex.getByTestId("notes-panel");
    await expect(panel.getByRole("heading", { name: "Things to know" })).toBeVisible();

    // Added, for all staff.
    await panel.getByText("Add a note").click();
    await panel.getByLabel("New note").fill("Allergic to kiwi.");
    await panel.getByRole("button", { name: "Add note" }).click();
    const added = panel.locator("li.person-note", { hasText: "Allergic to kiwi" });
    await expect(added).toBeVisible();
    // By id: while it is edited its text is in a text box, not the item's text.
    const kiwi = panel.locator(`li[data-note-id="${await added.getAttribute("data-note-id")}"]`);
    await expect(kiwi.locator(".note-meta")).toContainText("Alex Morgan");
    await expect(kiwi.getByTestId("lock-badge")).toHaveCount(0);

    // Edited in place: the old text is kept.
    await kiwi.getByRole("button", { name: "Edit" }).click();
    await kiwi.getByLabel("Note").fill("Allergic to kiwi and peanuts.");
    await kiwi.getByRole("button", { name: "Save note" }).click();
    const edited = kiwi;
    await expect(edited.locator(".note-body")).toHaveText("Allergic to kiwi and peanuts.");
    await expect(edited.locator(".note-meta")).toContainText("edited by Alex Morgan");
    await edited.getByRole("button", { name: "Earlier versions (1)" }).click();
    await expect(edited.getByRole("list", { name: "Earlier versions" })).toContainText("Allergic to kiwi.");

    // Pinned: first, and marked.
    await edited.getByRole("button", { name: "Pin" }).click();
    await expect(panel.locator("li.person-note").first()).toContainText("Allergic to kiwi and peanuts.");
    await expect(panel.locator("li.person-note").first().locator(".pin")).toBeVisible();

    // Private: Tom never sees it; the shared note he does.
    if (!(await panel.getByLabel("New note").isVisible())) await panel.getByText("Add a note").click();
    await panel.getByLabel("New note").fill("Alex's own reminder about the kiwi.");
    await panel.getByRole("radio", { name: "Private" }).check();
    await panel.getByRole("button", { name: "Add note" }).click();
    const reminder = panel.locator("li.person-note", { hasText: "Alex's own reminder" });
    await expect(reminder.getByTestId("lock-badge")).toHaveText("Private");
    const tom = await as(browser, STAFF, "/people/9");
    await expect(tom.getByTestId("notes-panel")).toContainText("Allergic to kiwi and peanuts.");
    await expect(tom.getByText("Alex's own reminder")).toHaveCount(0);
    // Notes are not interactions: the log never shows them.
    await tom.goto("/log?q=kiwi");
    await expect(tom.getByText("No interactions match this view.")).toBeVisible();

    // Deleted after a confirmation; the audit log keeps what it said.
    const pinned = kiwi;
    await pinned.getByRole("button", { name: "Delete" }).click();
    await pinned.getByRole("button", { name: "Delete note" }).click();
    await expect(panel.getByText("Allergic to kiwi and peanuts.")).toHaveCount(0);
    await alex.goto("/settings/audit");
    await expect(alex.locator("tr[data-action='note_deleted']").first()).toContainText("Allergic to kiwi and peanuts.");
  });
});
