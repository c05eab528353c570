import { test as base, expect, Browser, Page } from "@playwright/test";

/**
 * Every journey fails on a console error or warning (hydration mismatches
 * show up as these) and on an uncaught page error.
 */
export const test = base.extend<{ consoleProblems: string[]; expectHttpError: (status: number) => void }>({
  consoleProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" || msg.type() === "warning") {
          problems.push(`${msg.type()}: ${msg.text()}`);
        }
      });
      page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
      await use(problems);
      expect(problems, "console errors or warnings").toEqual([]);
    },
    { auto: true },
  ],
  /**
   * A journey that provokes an HTTP error on purpose (a refused rename, a
   * 404 page) declares it: the browser logs those responses, and only those
   * are let through.
   */
  expectHttpError: async ({ consoleProblems }, use) => {
    const allowed: number[] = [];
    await use((status) => allowed.push(status));
    for (let i = consoleProblems.length - 1; i >= 0; i--) {
      const m = consoleProblems[i].match(/^error: Failed to load resource: the server responded with a status of (\d+)/);
      if (m && allowed.includes(Number(m[1]))) consoleProblems.splice(i, 1);
    }
  },
});

export { expect };

/** Opens a page and waits until the WASM has hydrated it. */
export async function openHydrated(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
}

/** The rows of the log table. */
export function rows(page: Page) {
  return page.locator("table.log-table tbody tr");
}

/**
 * Waits until the log shows the view its URL asks for: the table is busy
 * while the rows on screen belong to another view (a click still loading).
 */
export async function settled(page: Page) {
  await expect(page.locator(".table-wrap")).toHaveAttribute("aria-busy", "false");
}

/** The log's "N interactions" total as a number. */
export async function total(page: Page): Promise<number> {
  const shown = page.getByTestId("log-total");
  // On PostgreSQL a broad search's count follows its page.
  await expect(shown).not.toHaveText("Counting…");
  const text = await shown.innerText();
  return Number(text.replace(/[^0-9]/g, ""));
}

/** Text of one column for every row on the page. */
/** The log's cells by column: they go by their place, not a class. */
export const cell = {
  time: "td:nth-child(1)",
  type: "td:nth-child(2)",
  description: "td:nth-child(3)",
  person: "td:nth-child(4)",
  staff: "td:nth-child(5)",
  tags: "td:nth-child(6)",
  view: "td:nth-child(7)",
} as const;

/** The texts of one of the log's columns (or of `inner` within it), row by row. */
export async function columnTexts(page: Page, column: keyof typeof cell, inner = ""): Promise<string[]> {
  return page.locator(`table.interactions tbody ${cell[column]} ${inner}`.trim()).allInnerTexts();
}

/** The accessible names of the type icons, row by row. */
export async function typeNames(page: Page): Promise<string[]> {
  return page
    .locator(`table.interactions tbody ${cell.type} .type-icon`)
    .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
}

/** True when `values` is sorted, case-insensitively. */
export function isSorted(values: string[], dir: "asc" | "desc"): boolean {
  const norm = values.map((v) => v.toLowerCase());
  for (let i = 1; i < norm.length; i++) {
    const cmp = norm[i - 1] < norm[i] ? -1 : norm[i - 1] > norm[i] ? 1 : 0;
    if (dir === "asc" ? cmp > 0 : cmp < 0) return false;
  }
  return true;
}

/** The demo accounts (README): one per role, one password. */
export const ADMIN = "alex.morgan@example.org";
export const MANAGER = "priya.shah@example.org";
export const STAFF = "tom.whitaker@example.org";
export const READ_ONLY = "olivia.chen@example.org";
export const DEMO_PASSWORD = "interlog-demo";

/** A browser state with no session: for journeys that start signed out. */
export const SIGNED_OUT = { cookies: [], origins: [] };

/** Fills in and sends the sign-in form on the current page. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * A browser context of its own at `baseURL`, signed in as `email` on the
 * way to `path`, hydrated: a second user beside the journey's own page.
 */
export async function signedInPage(browser: Browser, baseURL: string, email: string, path: string, password?: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT });
  const page = await context.newPage();
  await page.goto(path);
  await signIn(page, email, password);
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
  return page;
}

/**
 * Calls server functions straight from the page (as its own scripts would,
 * with its session) and answers "status body" for each.
 */
export async function callServerFunctions(page: Page, calls: [string, unknown][]): Promise<string[]> {
  return page.evaluate(async (calls) => {
    const answers: string[] = [];
    for (const [path, body] of calls) {
      const response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      });
      answers.push(`${response.status} ${await response.text()}`);
    }
    return answers;
  }, calls);
}
