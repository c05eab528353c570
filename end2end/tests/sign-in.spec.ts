import { SHORT_IDLE_PORT } from "../playwright.config";
import { test, expect, callServerFunctions, signIn, MANAGER, STAFF, SIGNED_OUT } from "./fixtures";

test.describe("signing in and out", () => {
  test.use({ storageState: SIGNED_OUT });

  test("sign in, use the log, sign out", async ({ page }) => {
    await page.goto("/log");
    await expect(page).toHaveURL(/\/login\?next=%2Flog$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await signIn(page, STAFF);
    await expect(page).toHaveURL(/\/log$/);
    await expect(page.getByRole("heading", { name: "Interaction log" })).toBeVisible();
    await expect(page.locator(".whoami")).toContainText("Tom Whitaker");
    await expect(page.locator(".whoami")).toContainText("Staff");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?signed_out=1$/);
    await expect(page.getByRole("status")).toHaveText("You have signed out.");
    await page.goto("/log");
    await expect(page).toHaveURL(/\/login\?next=%2Flog$/);
  });

  test("a wrong password is refused with words that do not say which was wrong", async ({ page }) => {
    await page.goto("/login?next=%2Flog");
    await signIn(page, "grace.okafor@example.org", "not her password");
    await expect(page).toHaveURL(/\/login\?error=invalid&next=%2Flog$/);
    await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
    await signIn(page, "nobody@example.org");
    await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
    // The right password still gets in, and goes where they were going.
    await signIn(page, "grace.okafor@example.org");
    await expect(page).toHaveURL(/\/log$/);
    await expect(page.locator(".whoami")).toContainText("Grace Okafor");
  });

  test("signing in returns to the exact page asked for", async ({ page }) => {
    await page.goto("/log?q=housing&sort=type&dir=desc");
    await expect(page).toHaveURL(/\/login\?next=%2Flog%3Fq%3Dhousing%26sort%3Dtype%26dir%3Ddesc$/);
    await signIn(page, MANAGER);
    await expect(page).toHaveURL(/\/log\?q=housing&sort=type&dir=desc$/);
    await expect(page.getByRole("searchbox", { name: "Search interactions" })).toHaveValue("housing");
    await expect(page.getByRole("columnheader", { name: /Type/ })).toHaveAttribute("aria-sort", "descending");
  });

  test("a Staff user sees no settings and is refused them, even called directly", async ({ page, expectHttpError }) => {
    expectHttpError(403);
    await page.goto("/login");
    await signIn(page, STAFF);
    await expect(page).toHaveURL(/\/$/);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Log", exact: true })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Staff", exact: true })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Audit", exact: true })).toHaveCount(0);

    for (const url of ["/settings/staff", "/settings/audit"]) {
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(403);
      await expect(page.getByRole("alert")).toHaveText("You do not have permission to do that.");
    }
    const statuses = await callServerFunctions(page, [
      ["/api/staff_directory", {}],
      ["/api/add_team", { name: "Tom's own team" }],
      ["/api/set_staff_active", { id: 1, active: false }],
      ["/api/audit_log", { before: null }],
    ]);
    expect(statuses).toEqual(Array(4).fill('403 "Forbidden"'));
  });

  test("an idle session ends, and signing in again returns to the page", async ({ browser }) => {
    // This server ends sessions after 3 idle seconds.
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${SHORT_IDLE_PORT}` });
    const page = await context.newPage();
    await page.goto("/log?q=housing");
    await signIn(page, STAFF);
    await expect(page).toHaveURL(/\/log\?q=housing$/);
    await expect(page.getByRole("heading", { name: "Interaction log" })).toBeVisible();
    await page.waitForTimeout(4_000);
    await page.goto("/log?q=housing");
    await expect(page).toHaveURL(/\/login\?expired=1&next=%2Flog%3Fq%3Dhousing$/);
    await expect(page.getByRole("status")).toHaveText("Your session has ended. Please sign in again.");
    await signIn(page, STAFF);
    await expect(page).toHaveURL(/\/log\?q=housing$/);

    // In a page already open, the next search after the session ended goes
    // to sign-in too, and back to that search after.
    await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1);
    await page.waitForTimeout(4_000);
    await page.getByRole("searchbox", { name: "Search interactions" }).fill("blood");
    await expect(page).toHaveURL(/\/login\?expired=1&next=%2Flog%3Fq%3Dblood$/);
    await signIn(page, STAFF);
    await expect(page).toHaveURL(/\/log\?q=blood$/);
    await expect(page.getByRole("searchbox", { name: "Search interactions" })).toHaveValue("blood");
    await context.close();
  });
});

test("a cross-site request cannot change anything, even with a valid session", async ({ page }) => {
  await page.goto("/log");
  // The admin's own cookie rides along, as it would from a forged form.
  const forged = await page.request.post("/api/add_team", {
    headers: { Origin: "https://evil.example", "Content-Type": "application/json" },
    data: { name: "Forged team" },
  });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).toContain("Cross-site requests cannot change anything");
  const crossSite = await page.request.post("/api/add_team", {
    headers: { "Sec-Fetch-Site": "cross-site", "Content-Type": "application/json" },
    data: { name: "Forged team" },
  });
  expect(crossSite.status()).toBe(403);
  // The same call from our own origin goes through: the session was valid.
  const own = await page.request.post("/api/staff_directory", {
    headers: { Origin: new URL(page.url()).origin, "Content-Type": "application/json" },
    data: {},
  });
  expect(own.status()).toBe(200);
  expect(await own.text()).not.toContain("Forged team");
});
