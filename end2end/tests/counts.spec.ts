import type { Page } from "@playwright/test";
import { COUNT_PORT } from "../playwright.config";
import { test, expect, signIn, ADMIN, SIGNED_OUT, total } from "./fixtures";

// A server that counts exactly only up to 100 (`--count-limit 100`), so a
// month of the demo data (about 200 interactions) is more than a page
// counts. (The whole log's total is kept per type and never needs a count.)
test.use({ baseURL: `http://127.0.0.1:${COUNT_PORT}`, storageState: SIGNED_OUT });

/** Last month, `YYYY-MM`: wholly inside the demo data's two years. */
const MONTH = (() => {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
})();

async function signedInLog(page: Page) {
  await page.goto(`/login?next=${encodeURIComponent(`/log?q=${MONTH}`)}`);
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(new RegExp(`/log\\?q=${MONTH}$`));
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
}

test.describe("a count that stops at the limit", () => {
  test("a view with more rows than the limit says so, and counts them all when asked", async ({ page }) => {
    await signedInLog(page);
    const shown = page.getByTestId("log-total");
    await expect(shown).toHaveText("More than 100 interactions");
    const countAll = page.getByRole("link", { name: "Count them all" });
    // A real link: it works before the WASM arrives too.
    await expect(countAll).toHaveAttribute("href", `/log?q=${MONTH}&count=all`);

    await countAll.click();
    await expect(page).toHaveURL(new RegExp(`/log\\?q=${MONTH}&count=all$`));
    await expect(shown).toHaveText(/^\d{1,3}(,\d{3})* interactions$/);
    const exact = await total(page);
    expect(exact).toBeGreaterThan(100);
    await expect(countAll).toHaveCount(0);

    // The exact figure holds after a reload (it is in the URL) …
    await page.reload();
    await expect(shown).toHaveText(`${exact.toLocaleString("en-GB")} interactions`);

    // … and a new view counts to the limit again: one type is under it, so
    // it is counted exactly, with no link.
    await page.getByRole("checkbox", { name: "Visit", exact: true }).check();
    await expect(page).toHaveURL(new RegExp(`/log\\?q=${MONTH}&types=3$`));
    await expect(shown).toHaveText(/^\d+ interactions?$/);
    expect(await total(page)).toBeLessThan(exact);
    await expect(countAll).toHaveCount(0);

    // Back to the whole month: "more than" again.
    await page.getByRole("checkbox", { name: "Visit", exact: true }).uncheck();
    await expect(shown).toHaveText("More than 100 interactions");
  });
});
