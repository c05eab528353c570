import { readFile } from "node:fs/promises";
import { Page } from "@playwright/test";
import { RECORD_PORT } from "../playwright.config";
import { test, expect, openHydrated, total, signIn, ADMIN, SIGNED_OUT } from "./fixtures";

/** The script a stored XSS would run: it marks the page if it ever runs. */
const PAYLOAD = "</title><script>window.__pwned = 'title'</script>";

async function pwned(page: Page) {
  return page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null);
}

test.describe("hostile text and the Content-Security-Policy", () => {
  test("a person named like a script stays text in the title and the page", async ({ browser }) => {
    // Adds a person on the recording server, so the other journeys' counts
    // stay as the demo data has them.
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${RECORD_PORT}`, storageState: SIGNED_OUT });
    const page = await context.newPage();
    await page.goto("/people");
    await signIn(page, ADMIN);
    await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
    await page.getByText("Add person", { exact: true }).first().click();
    const form = page.locator("details.add-person form");
    await form.getByLabel("Name").fill(PAYLOAD);
    await form.getByRole("button", { name: "Add person" }).click();
    await expect(page.getByRole("heading", { level: 1, name: PAYLOAD })).toBeVisible();
    // A fresh load renders the profile on the server: the title holds the
    // name as text, and nothing ran.
    await page.reload();
    await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
    await expect(page).toHaveTitle(`${PAYLOAD} · Interlog`);
    await expect(page.getByRole("heading", { level: 1, name: PAYLOAD })).toBeVisible();
    expect(await pwned(page)).toBeNull();
    await context.close();
  });

  test("a script that slipped into a page would not run, and the page still works", async ({
    page,
    consoleProblems,
  }) => {
    // As if escaping had failed: the server's real answer for /log, its
    // headers untouched, with hostile markup put into the body.
    let policy = "";
    await page.route("**/log", async (route) => {
      const response = await route.fetch();
      policy = response.headers()["content-security-policy"] ?? "";
      // In the head, where hydration never looks. The handler sits on the
      // page's own stylesheet (named by its content), which loads.
      const original = await response.text();
      const styles = /href="(\/pkg\/[^"]+\.css)"/.exec(original)?.[1];
      expect(styles, "the page links its stylesheet").toBeTruthy();
      const html = original.replace(
        "</head>",
        `<script>window.__pwned = 'inline'</script>` +
          `<script src="http://127.0.0.1:9/x.js"></script>` +
          `<link rel="stylesheet" href="${styles}" onload="window.__pwned = 'handler'">` +
          `</head>`,
      );
      const headers = { ...response.headers() };
      delete headers["content-encoding"];
      delete headers["content-length"];
      await route.fulfill({ status: response.status(), headers, body: html });
    });
    await openHydrated(page, "/log");
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}' 'wasm-unsafe-eval'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(await pwned(page)).toBeNull();
    // The page's own scripts carry the nonce and ran: it is interactive.
    await page.getByRole("searchbox", { name: "Search interactions" }).fill("housing");
    await expect(page).toHaveURL(/q=housing$/);
    // The browser reported each blocked script; nothing else went wrong.
    const blocked = consoleProblems.filter((p) => p.includes("Content Security Policy"));
    expect(blocked.length).toBeGreaterThanOrEqual(3);
    consoleProblems.splice(0, consoleProblems.length, ...consoleProblems.filter((p) => !blocked.includes(p)));
  });

  test("the demo's whole log downloads as a PDF and prints", async ({ page }) => {
    await openHydrated(page, "/log");
    const n = await total(page);
    expect(n).toBeGreaterThan(5000);
    await expect(page.getByTestId("demo-banner")).toContainText("Demo server");
    const [pdf] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download this view as PDF" }).click(),
    ]);
    const bytes = await readFile(await pdf.path());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(bytes.subarray(bytes.length - 5).toString()).toBe("%%EOF");
    await page.getByRole("link", { name: "Print this view" }).click();
    await expect(page.getByTestId("print-total")).toHaveText(`${n.toLocaleString("en-GB")} interactions`, {
      timeout: 20_000,
    });
    await expect(page.locator(".print-table tbody tr")).toHaveCount(n);
  });
});
