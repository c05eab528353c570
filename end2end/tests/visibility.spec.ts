import { Browser, Page } from "@playwright/test";
import { RECORD_PORT } from "../playwright.config";
import { test, expect, signIn, STAFF, SIGNED_OUT, signedInPage } from "./fixtures";

// Recorded on the recording server, so the other journeys' totals stay as
// the demo data has them.
const RECORD_URL = `http://127.0.0.1:${RECORD_PORT}`;
const GRACE = "grace.okafor@example.org"; // Health and wellbeing
const ELLIE = "ellie.brennan@example.org"; // Casework, Health and wellbeing

test.use({ baseURL: RECORD_URL, storageState: SIGNED_OUT });

/** A page of its own, signed in as `email`, at `path`, hydrated. */
function as(browser: Browser, email: string, path: string): Promise<Page> {
  return signedInPage(browser, RECORD_URL, email, path);
}

test.describe("record visibility", () => {
  test("a team-only interaction is invisible outside the team and visible inside it", async ({ browser, expectHttpError }) => {
    // Grace records a GP visit only her team may read.
    const grace = await as(browser, GRACE, "/interactions/new?person=3");
    await grace.getByRole("radio", { name: "GP visit", exact: true }).check();
    await grace.getByLabel("Description").fill("Kestrel clinic visit");
    await grace.getByLabel("Note").fill("Blood pressure reviewed with the kestrel clinic.");
    await grace.getByRole("checkbox", { name: "Health and wellbeing" }).check();
    await expect(grace.getByRole("radio", { name: "Teams", exact: true })).toBeChecked();
    await grace.getByRole("button", { name: "Save interaction" }).click();
    await expect(grace).toHaveURL(/\/people\/3\?recorded=\d+$/);
    const id = new URL(grace.url()).searchParams.get("recorded");
    const row = grace.locator(`table.log-table tbody tr[data-id="${id}"]`);
    await expect(row.getByTestId("lock-badge")).toHaveText("Teams: Health and wellbeing");

    // Tom (Casework) finds it nowhere: the log, a search, the profile, its
    // own URL, an export.
    const tom = await as(browser, STAFF, "/log?q=kestrel");
    await expect(tom.getByText("No interactions match this view.")).toBeVisible();
    await tom.goto("/people/3");
    await expect(tom.locator(`table.log-table tbody tr[data-id="${id}"]`)).toHaveCount(0);
    expectHttpError(404);
    const response = await tom.goto(`/interactions/${id}`);
    expect(response?.status()).toBe(404);
    await expect(tom.getByText("There is no interaction with this id.")).toBeVisible();
    await expect(tom.getByText("Kestrel")).toHaveCount(0);
    const csv = await tom.request.get("/log/export.csv?q=kestrel");
    expect(csv.status()).toBe(200);
    expect(await csv.text()).not.toContain("Kestrel");

    // Ellie, in the team, sees it with its lock in words.
    const ellie = await as(browser, ELLIE, "/log?q=kestrel");
    await expect(ellie.locator("table.log-table tbody tr")).toHaveCount(1);
    await expect(ellie.getByTestId("lock-badge")).toHaveText("Teams: Health and wellbeing");
    expect(await (await ellie.request.get("/log/export.csv?q=kestrel")).text()).toContain("Teams: Health and wellbeing");

    // Grace, its author, widens it to all staff; now Tom finds it.
    await grace.goto(`/interactions/${id}`);
    await expect(grace.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
    await grace.getByRole("button", { name: "Change who can read it" }).click();
    await grace.getByRole("radio", { name: "All staff" }).check();
    await grace.getByRole("button", { name: "Save who can read it" }).click();
    await expect(grace.getByTestId("visibility-all")).toHaveText("All staff");
    await tom.goto("/log?q=kestrel");
    await expect(tom.locator("table.log-table tbody tr")).toHaveCount(1);
    await expect(tom.getByTestId("lock-badge")).toHaveCount(0);
  });

  test("a private interaction is its author's alone, recorded without the WASM too", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: RECORD_URL, storageState: SIGNED_OUT, javaScriptEnabled: false });
    const grace = await context.newPage();
    await grace.goto("/interactions/new?person=4");
    await signIn(grace, GRACE);
    await expect(grace).toHaveURL(/\/interactions\/new\?person=4$/);
    await grace.getByRole("radio", { name: "Phone call", exact: true }).check();
    await grace.getByLabel("Description").fill("Osprey private note");
    await grace.getByLabel("Note").fill("Only for me.");
    await grace.getByRole("radio", { name: "Private" }).check();
    await grace.getByRole("button", { name: "Save interaction" }).click();
    await expect(grace).toHaveURL(/\/people\/4\?recorded=\d+$/);
    const recorded = new URL(grace.url()).searchParams.get("recorded");
    await expect(grace.locator(`table.log-table tr[data-id="${recorded}"]`).getByTestId("lock-badge")).toHaveText("Private");
    const ellie = await as(browser, ELLIE, "/log?q=osprey");
    await expect(ellie.getByText("No interactions match this view.")).toBeVisible();
  });
});
