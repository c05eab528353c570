import { Page } from "@playwright/test";
import { RECORD_PORT } from "../playwright.config";
import { test, expect, cell, signIn, ADMIN, SIGNED_OUT } from "./fixtures";

// These journeys add people, interactions and tokens on their own server,
// so the other journeys' totals stay as the demo data has them.
const RECORD_URL = `http://127.0.0.1:${RECORD_PORT}`;

test.use({ baseURL: RECORD_URL, storageState: SIGNED_OUT });

async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
}

/** Opens `path` signed in as `email` on the recording server, hydrated. */
async function open(page: Page, path: string, email = ADMIN) {
  await page.goto(path);
  await signIn(page, email);
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[?]/g, "\\?")}$`));
  await hydrated(page);
}

/** Adds a person through "Add person" on /people; lands on their profile. */
async function addPerson(page: Page, name: string, email = "") {
  await page.getByText("Add person", { exact: true }).first().click();
  const form = page.locator("details.add-person form");
  await form.getByLabel("Name").fill(name);
  if (email) await form.getByLabel("Email (optional)").fill(email);
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/** Fills in the "New interaction" form (the person already chosen) and saves. */
async function record(page: Page, type: string, description: string, note: string) {
  await page.getByRole("radio", { name: type, exact: true }).check();
  await page.getByLabel("Description").fill(description);
  await page.getByLabel("Note").fill(note);
  await page.getByRole("button", { name: "Save interaction" }).click();
}

function firstRow(page: Page) {
  return page.locator("table.log-table tbody tr").first();
}

test.describe("people and recording", () => {
  test("find a person, log an interaction, and see it at the top of their profile and of /log", async ({ page }) => {
    await open(page, "/people");
    await addPerson(page, "Ada Quill", "ada.quill@example.org");
    // Find her again as you type: no page load, the URL follows.
    await page.goto("/people");
    await hydrated(page);
    await page.getByLabel("Find a person").pressSequentially("quil", { delay: 30 });
    await expect(page).toHaveURL(/\/people\?q=quil$/);
    await expect(page.getByTestId("people-total")).toHaveText("1 person");
    await page.getByRole("link", { name: "Ada Quill" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Ada Quill" })).toBeVisible();
    await expect(page.getByText("No interactions match this view.")).toBeVisible();

    await page.getByRole("link", { name: "New interaction" }).click();
    await expect(page.getByTestId("record-person")).toHaveText("Ada Quill");
    // Required fields are checked before anything is sent.
    await page.getByRole("button", { name: "Save interaction" }).click();
    await expect(page.getByText("Choose the type of interaction.")).toBeVisible();
    await expect(page.getByText("The description cannot be empty.")).toBeVisible();
    await expect(page.getByText("The note cannot be empty.")).toBeVisible();
    await record(page, "Phone call", "Rang about the rent arrears", "Agreed a payment plan of £20 a week.");

    await expect(page).toHaveURL(/\/people\/\d+\?recorded=\d+$/);
    await expect(page.getByRole("status").filter({ hasText: "Interaction recorded." })).toBeVisible();
    await expect(firstRow(page).locator(cell.description)).toContainText("Rang about the rent arrears");
    await expect(page.getByTestId("log-total")).toHaveText("1 interaction");

    await page.goto("/log");
    await hydrated(page);
    await expect(firstRow(page).locator(cell.description)).toContainText("Rang about the rent arrears");
    await expect(firstRow(page).locator(cell.person)).toHaveText("Ada Quill");
    await expect(firstRow(page).locator(cell.staff)).toHaveText("Alex Morgan");
  });

  test("rows the browser draws after hydration read as the server draws them, a row without tags included", async ({ page }) => {
    await open(page, "/people");
    await addPerson(page, "Bea Thorne");
    await page.getByRole("link", { name: "New interaction" }).click();
    await record(page, "Phone call", "Rang about the rent arrears", "Agreed a payment plan of £20 a week.");
    await expect(page).toHaveURL(/recorded=\d+$/);
    await page.getByRole("link", { name: "New interaction" }).click();
    // Nothing here makes a tag: no word of three letters or more.
    await record(page, "Phone call", "On 12/03 at 10:30", "12 34");
    await expect(page).toHaveURL(/recorded=\d+$/);

    // Newest first, as the server draws it and the browser hydrates it.
    await page.goto(page.url().replace(/\?recorded=\d+$/, ""));
    await hydrated(page);
    const tags = page.locator(`table.interactions tbody ${cell.tags}`);
    await expect(tags).toHaveText(["", /arrears/]);
    // Oldest first, drawn in the browser over the hydrated rows: the second
    // row's tags go with the row they belonged to.
    await page.getByRole("columnheader", { name: /Timestamp/ }).getByRole("link").click();
    await expect(page).toHaveURL(/dir=asc/);
    await expect(page.locator(`table.interactions tbody ${cell.description}`)).toHaveText([/rent arrears/, /12\/03/]);
    await expect(tags).toHaveText([/arrears/, ""]);
  });

  test("an interaction recorded for a colleague shows both names", async ({ page }) => {
    await open(page, "/interactions/new?person=4");
    await expect(page.getByLabel("Completed by")).toHaveValue(/\d+/);
    await expect(page.getByLabel("Completed by").locator("option:checked")).toHaveText("Alex Morgan (me)");
    await page.getByLabel("Completed by").selectOption({ label: "Grace Okafor" });
    await record(page, "Visit", "Grace's walrus visit", "Grace visited; Alex wrote it up.");
    await expect(page).toHaveURL(/\/people\/4\?recorded=\d+$/);
    const id = new URL(page.url()).searchParams.get("recorded");
    await expect(page.locator(`tr[data-id="${id}"] ${cell.staff}`)).toHaveText("Grace Okafor (logged by Alex Morgan)");
    await page.goto(`/interactions/${id}`);
    await expect(page.getByTestId("completed-by")).toHaveText("Grace Okafor");
  });

  test("New interaction on /log picks the person by searching as you type", async ({ page }) => {
    await open(page, "/log");
    await page.getByRole("link", { name: "New interaction" }).click();
    await expect(page).toHaveURL(/\/interactions\/new$/);
    await page.getByLabel("Person").pressSequentially("Ada Qu", { delay: 30 });
    await page.getByRole("button", { name: /^Ada Quill/ }).click();
    await expect(page.getByTestId("record-person")).toHaveText("Ada Quill");
    await record(page, "Email", "Sent the benefits form", "Emailed the form with a covering note.");
    await expect(page).toHaveURL(/\/people\/\d+\?recorded=\d+$/);
    await expect(firstRow(page).locator(cell.description)).toContainText("Sent the benefits form");
  });

  test("reply, then follow the Replying to link back to the original", async ({ page }) => {
    await open(page, "/people?q=ada%20quill");
    await page.getByRole("link", { name: "Ada Quill" }).click();
    const original = page.locator("table.log-table tbody tr", { hasText: "Rang about the rent arrears" });
    await original.getByRole("link", { name: /^View interaction/ }).click();
    await hydrated(page);
    await page.getByRole("link", { name: "Reply", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Reply" })).toBeVisible();
    await expect(page.locator(".reply-to")).toContainText("Rang about the rent arrears");
    await record(page, "Phone call", "Called back about the plan", "Confirmed the first payment went through.");
    await expect(page).toHaveURL(/\/people\/\d+\?recorded=\d+$/);
    const reply = firstRow(page);
    await expect(reply.locator(cell.description)).toContainText("Called back about the plan");
    await expect(reply.locator(".reply-marker")).toBeVisible();

    await reply.getByRole("link", { name: /^View interaction/ }).click();
    await expect(page.locator("p.reply-to")).toContainText("Replying to: Rang about the rent arrears");
    await page.locator("p.reply-to").getByRole("link", { name: "Rang about the rent arrears" }).click();
    await expect(page.locator("#detail-heading")).toContainText("Rang about the rent arrears");
    await expect(page.locator("ul.replies")).toContainText("Called back about the plan");
  });

  test("mark posted in error with a reason, see it struck through, then withdraw the mark", async ({ page }) => {
    await open(page, "/people?q=ada%20quill");
    await page.getByRole("link", { name: "Ada Quill" }).click();
    const row = page.locator("table.log-table tbody tr", { hasText: "Sent the benefits form" });
    await row.getByRole("link", { name: /^View interaction/ }).click();
    await hydrated(page);
    await page.getByRole("button", { name: "Mark posted in error" }).click();
    await page.getByRole("button", { name: "Mark", exact: true }).click();
    await expect(page.getByText("The reason cannot be empty.")).toBeVisible();
    await page.getByLabel("Why was it posted in error?").fill("Logged against the wrong person");
    await page.getByRole("button", { name: "Mark", exact: true }).click();
    const mark = page.getByRole("note", { name: "Posted in error" });
    await expect(mark).toContainText("marked by Alex Morgan");
    await expect(mark).toContainText("Logged against the wrong person");
    await expect(page.locator("article.interaction-detail .description-text")).toHaveCSS("text-decoration-line", "line-through");

    // Still in the log, struck through and said in words.
    await page.getByRole("link", { name: "Return to interaction log" }).click();
    const marked = page.locator("table.log-table tbody tr", { hasText: "Sent the benefits form" });
    await expect(marked).toHaveClass(/posted-in-error/);
    await expect(marked.locator(".error-badge")).toHaveText("Posted in error");
    await expect(marked.locator(".description-text")).toHaveCSS("text-decoration-line", "line-through");

    await marked.getByRole("link", { name: /^View interaction/ }).click();
    await hydrated(page);
    await page.getByRole("button", { name: "Withdraw the mark" }).click();
    await expect(page.getByRole("note", { name: "Posted in error" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Mark posted in error" })).toBeVisible();
    await page.goto("/settings/audit");
    // This mark and its withdrawal (the demo has marks of its own).
    const events = page.locator("tr", { hasText: "Logged against the wrong person" });
    await expect(events.filter({ hasText: "Posted-in-error mark withdrawn" }).first()).toBeVisible();
    await expect(events.filter({ hasText: "Marked posted in error" }).first()).toBeVisible();
  });

  test("without JavaScript the form posts itself, keeps what was typed when refused, then records", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: RECORD_URL, storageState: SIGNED_OUT });
    const page = await context.newPage();
    await page.goto("/people?q=ada");
    await signIn(page, ADMIN);
    await page.getByRole("link", { name: "Ada Quill" }).click();
    await page.getByRole("link", { name: "New interaction" }).click();
    await page.getByRole("radio", { name: "Visit", exact: true }).check();
    await page.getByLabel("Description").fill("Home visit, no answer");
    // A time in the future is refused by the server; what was typed stays.
    await page.getByLabel(/When it happened/).fill("2099-01-01T10:00");
    await page.getByRole("button", { name: "Save interaction" }).click();
    await expect(page.getByText("The note cannot be empty.")).toBeVisible();
    await expect(page.getByText("When it happened cannot be in the future.")).toBeVisible();
    await expect(page.getByLabel("Description")).toHaveValue("Home visit, no answer");
    await page.getByLabel("Note").fill("Left a card through the door.");
    await page.getByLabel(/When it happened/).fill("2026-01-05T09:30");
    await page.getByRole("button", { name: "Save interaction" }).click();
    await expect(page).toHaveURL(/\/people\/\d+\?recorded=\d+$/);
    // It happened in January: newest first, it is the last of her rows.
    await expect(page.locator("table.log-table tbody tr").last()).toContainText("Home visit, no answer");
    await expect(page.getByTestId("log-total")).toHaveText("4 interactions");
    await context.close();
  });

  test("an admin makes an API token; a system posts with it; revoked, it stops", async ({ page, request, expectHttpError }) => {
    expectHttpError(401);
    await open(page, "/settings/api-tokens");
    await page.getByLabel("Name").fill("Mail gateway");
    await page.getByLabel("Posts as").selectOption({ label: "Tom Whitaker" });
    await page.getByRole("button", { name: "Make token" }).click();
    const token = (await page.getByTestId("new-token").innerText()).trim();
    expect(token).toMatch(/^il_[A-Za-z0-9_-]{43}$/);
    const row = page.locator("table.tokens-table tbody tr", { hasText: "Mail gateway" });
    await expect(row).toContainText("Tom Whitaker");
    await expect(row).toContainText(`…${token.slice(-4)}`);

    const post = () =>
      request.post(`${RECORD_URL}/api/v1/interactions`, {
        headers: { authorization: `Bearer ${token}`, "idempotency-key": "mail-42" },
        data: { person: "ada.quill@example.org", type: "email", note: "Client wrote asking about the appointment.\nThanks", source: "email" },
      });
    const first = await post();
    expect(first.status()).toBe(201);
    const body = await first.json();
    expect(body.description).toBe("Client wrote asking about the appointment.");
    const retried = await post();
    expect(retried.status()).toBe(201);
    expect((await retried.json()).id).toBe(body.id);

    await page.goto(`/interactions/${body.id}`);
    await expect(page.locator("#detail-heading")).toContainText("Client wrote asking about the appointment.");
    await expect(page.getByText("Captured from email")).toBeVisible();
    await expect(page.locator("dl.facts")).toContainText("by Tom Whitaker");

    await page.goto("/settings/api-tokens");
    await hydrated(page);
    const live = page.locator("table.tokens-table tbody tr", { hasText: "Mail gateway" });
    await live.getByRole("button", { name: "Revoke" }).click();
    await live.getByRole("button", { name: "Revoke token" }).click();
    await expect(live).toContainText("Revoked");
    const refused = await request.post(`${RECORD_URL}/api/v1/interactions`, {
      headers: { authorization: `Bearer ${token}` },
      data: { person: "ada.quill@example.org", type: "email", note: "Again", source: "email" },
    });
    expect(refused.status()).toBe(401);
  });
});
