import { readFile } from "node:fs/promises";
import { test, expect, cell, columnTexts, openHydrated, rows, settled, total, typeNames } from "./fixtures";

test.describe("searching and filtering the log", () => {
  test("search narrows as you type and lands on the last keystroke's results", async ({ page }) => {
    await openHydrated(page, "/log");
    const everything = await total(page);
    const search = page.getByRole("searchbox", { name: "Search interactions" });
    await search.click();

    await search.pressSequentially("ca", { delay: 30 });
    await expect(page).toHaveURL(/q=ca$/);
    await expect.poll(() => total(page)).toBeLessThan(everything);
    const afterTwo = await total(page);

    await search.pressSequentially("ll", { delay: 30 });
    await expect(page).toHaveURL(/q=call$/);
    await expect.poll(() => total(page)).toBeLessThan(afterTwo);
    const afterFour = await total(page);

    // Fast typing: every keystroke fires a request; only the last may win.
    await search.pressSequentially(" rent", { delay: 5 });
    await expect(page).toHaveURL(/q=call%20rent$/);
    await expect(page.locator(".log-summary")).toContainText("matching “call rent”");
    await expect.poll(() => total(page)).toBeLessThan(afterFour);
    const n = await rows(page).count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      const row = rows(page).nth(i);
      // The words are in the description, the tags or (shown under it) the note.
      const text = [
        await row.locator(".description-text").innerText(),
        ...(await row.locator(".tags li").allTextContents()),
        ...(await row.locator(".note-snippet").allTextContents()),
      ].join(" ");
      expect(text.toLowerCase()).toMatch(/\bcall/);
      expect(text.toLowerCase()).toMatch(/\brent/);
    }
    await expect(search).toBeFocused();
  });

  test("a word only in a note finds the row and shows where, marked", async ({ page }) => {
    await openHydrated(page, "/log?q=mornings");
    const n = await total(page);
    expect(n).toBeGreaterThan(0);
    const shown = await rows(page).count();
    expect(shown).toBe(Math.min(n, 50));
    // Every row shows the piece of its note, the word marked.
    await expect(rows(page).locator(".note-snippet")).toHaveCount(shown);
    const marked = await rows(page).locator(".note-snippet mark").allTextContents();
    expect(marked.length).toBeGreaterThanOrEqual(shown);
    for (const word of marked) expect(word.toLowerCase()).toMatch(/^mornings?$/);
    await expect(rows(page).first().locator(".note-snippet")).toContainText("would prefer a call in the mornings");
    // Without a search, no snippets.
    await openHydrated(page, "/log");
    await expect(page.locator(".note-snippet")).toHaveCount(0);
  });

  test("search finds an interaction by id and by date", async ({ page }) => {
    await openHydrated(page, "/log?q=42");
    await expect(page.locator("tr[data-id='42']")).toHaveCount(1);

    await openHydrated(page, "/log");
    // Times show in the organisation's zone as "14 Mar 2026 09:30".
    const shown = await rows(page).first().locator("time").innerText();
    const [day, mon, year] = shown.split(" ");
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const month = `${year}-${String(months.indexOf(mon) + 1).padStart(2, "0")}`;
    const search = page.getByRole("searchbox", { name: "Search interactions" });

    await search.fill(month);
    await expect(page).toHaveURL(new RegExp(`q=${month}$`));
    await expect.poll(() => total(page)).toBeLessThan(1000);
    const times = await page.locator(`${cell.time} time`).allInnerTexts();
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(t).toContain(` ${mon} ${year} `);

    await search.fill(`${month}-${day}`);
    await expect(page).toHaveURL(new RegExp(`q=${month}-${day}$`));
    await expect.poll(() => total(page)).toBeLessThan(60);
    // Early in a month the month's own total is under 60 too: wait for the
    // day's rows rather than for the total.
    await expect
      .poll(async () => {
        const shown = await page.locator(`${cell.time} time`).allInnerTexts();
        return shown.length > 0 && shown.every((t) => t.startsWith(`${day} ${mon} ${year} `));
      })
      .toBe(true);
  });

  test("type filter checkboxes narrow the log and live in the URL", async ({ page }) => {
    await openHydrated(page, "/log");
    const everything = await total(page);
    await page.getByRole("checkbox", { name: "Incident" }).check();
    await expect(page).toHaveURL(/types=\d+/);
    await expect.poll(async () => new Set(await typeNames(page))).toEqual(new Set(["Incident"]));
    const incidents = await total(page);
    expect(incidents).toBeLessThan(everything);

    await page.getByRole("checkbox", { name: "Complaint" }).check();
    await expect.poll(async () => new Set(await typeNames(page))).toEqual(new Set(["Incident", "Complaint"]));
    expect(await total(page)).toBeGreaterThan(incidents);

    await page.getByRole("checkbox", { name: "Incident" }).uncheck();
    await page.getByRole("checkbox", { name: "Complaint" }).uncheck();
    await expect.poll(() => total(page)).toBe(everything);
    await expect(page).not.toHaveURL(/types=/);
  });

  test("a sort header clicked while a search is still loading keeps the search", async ({ page }) => {
    await openHydrated(page, "/log");
    // Every answer for the log arrives late, as from a busy server.
    await page.route("**/api/list_interactions", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await page.getByRole("checkbox", { name: "Phone call" }).check();
    await page.getByRole("searchbox", { name: "Search interactions" }).fill("call");
    // The rows on screen are still the old ones; the click must not drop the search.
    await page.getByRole("columnheader", { name: /Person/ }).getByRole("link").click();
    await expect(page).toHaveURL(/q=call.*sort=person.*types=/);
    await expect(page.getByRole("searchbox", { name: "Search interactions" })).toHaveValue("call");
    await expect(page.getByRole("checkbox", { name: "Phone call" })).toBeChecked();
    await expect(page.getByRole("columnheader", { name: /Person/ })).toHaveAttribute("aria-sort", /ascending|descending/, {
      timeout: 10_000,
    });
  });

  test("a reload keeps the exact view", async ({ page }) => {
    await openHydrated(page, "/log");
    await page.getByRole("checkbox", { name: "Phone call" }).check();
    await page.getByRole("searchbox", { name: "Search interactions" }).fill("call");
    await page.getByRole("columnheader", { name: /Person/ }).getByRole("link").click();
    await page.getByRole("columnheader", { name: /Person/ }).getByRole("link").click();
    await expect(page).toHaveURL(/q=call.*sort=person&dir=desc.*types=/);
    await expect(page.getByRole("columnheader", { name: /Person/ })).toHaveAttribute("aria-sort", "descending");
    await settled(page);
    const before = await page.locator("table.log-table tbody tr").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    const url = page.url();

    await page.reload();
    await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1);
    expect(page.url()).toBe(url);
    await expect(page.getByRole("searchbox", { name: "Search interactions" })).toHaveValue("call");
    await expect(page.getByRole("checkbox", { name: "Phone call" })).toBeChecked();
    await expect(page.getByRole("columnheader", { name: /Person/ })).toHaveAttribute("aria-sort", "descending");
    const after = await page.locator("table.log-table tbody tr").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    expect(after).toEqual(before);
  });

  test("search and filters work before the WASM loads, and the page shows them", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/log?sort=person");
    await page.getByRole("searchbox", { name: "Search interactions" }).fill("call");
    await page.getByRole("checkbox", { name: "Phone call" }).check();
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/q=call/);
    await expect(page).toHaveURL(/sort=person/);
    await expect(page).toHaveURL(/types=1/);
    await expect(page.getByRole("searchbox", { name: "Search interactions" })).toHaveValue("call");
    await expect(page.getByRole("checkbox", { name: "Phone call" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Email" })).not.toBeChecked();
    expect(new Set(await typeNames(page))).toEqual(new Set(["Phone call"]));
    await context.close();
  });

  test("staff filters narrow by who had it and who logged it, shown as chips that each remove their own", async ({ page }) => {
    await openHydrated(page, "/log");
    const everything = await total(page);
    // What each chip says (its × is a link named "Remove filter: …").
    const chips = page.getByRole("list", { name: "Active filters" }).locator("li > span");

    await page.getByLabel("Completed by", { exact: true }).selectOption({ label: "Tom Whitaker" });
    await expect(page).toHaveURL(/completed_by=\d+$/);
    await expect(chips).toHaveText(["Completed by: Tom Whitaker"]);
    await expect.poll(() => total(page)).toBeLessThan(everything);
    const toms = await total(page);
    expect(toms).toBeGreaterThan(0);
    for (const who of await columnTexts(page, "staff")) expect(who).toMatch(/^Tom Whitaker/);

    // Logged at the front desk for Tom: both filters at once.
    await page.getByLabel("Logged by", { exact: true }).selectOption({ label: "Hannah Lewis" });
    await expect(chips).toHaveText(["Completed by: Tom Whitaker", "Logged by: Hannah Lewis"]);
    await expect.poll(() => total(page)).toBeLessThan(toms);
    const staff = await columnTexts(page, "staff");
    expect(staff.length).toBeGreaterThan(0);
    for (const who of staff) expect(who).toBe("Tom Whitaker (logged by Hannah Lewis)");
    // Exports carry the whole view.
    const csv = page.getByRole("link", { name: "Download this view as CSV" });
    await expect(csv).toHaveAttribute("href", /completed_by=\d+&logged_by=\d+/);

    // A second colleague widens "completed by"; a chip's × removes just it.
    await page.getByLabel("Completed by", { exact: true }).selectOption({ label: "Grace Okafor" });
    await expect(chips).toHaveCount(3);
    await page.getByRole("link", { name: "Remove filter: Logged by: Hannah Lewis" }).click();
    await expect(chips).toHaveText(["Completed by: Tom Whitaker", "Completed by: Grace Okafor"]);
    await expect.poll(() => total(page)).toBeGreaterThan(toms);
    for (const who of await columnTexts(page, "staff")) expect(who).toMatch(/^(Tom Whitaker|Grace Okafor)/);
    await page.getByRole("button", { name: "Clear" }).click();
    await expect(chips).toHaveCount(0);
    await expect.poll(() => total(page)).toBe(everything);
  });

  test("staff filters add up without the WASM: each Apply adds one", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/log");
    await page.getByLabel("Completed by", { exact: true }).selectOption({ label: "Tom Whitaker" });
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByLabel("Completed by", { exact: true }).selectOption({ label: "Grace Okafor" });
    await page.getByRole("button", { name: "Apply" }).click();
    // What each chip says (its × is a link named "Remove filter: …").
    const chips = page.getByRole("list", { name: "Active filters" }).locator("li > span");
    await expect(chips).toHaveText(["Completed by: Tom Whitaker", "Completed by: Grace Okafor"]);
    for (const who of await columnTexts(page, "staff")) expect(who).toMatch(/^(Tom Whitaker|Grace Okafor)/);
    await page.getByRole("link", { name: "Remove filter: Completed by: Tom Whitaker" }).click();
    await expect(chips).toHaveText(["Completed by: Grace Okafor"]);
    for (const who of await columnTexts(page, "staff")) expect(who).toMatch(/^Grace Okafor/);
    await context.close();
  });

  test("a date range lives in the URL: it survives a reload, shows as chips and goes into the export", async ({ page }) => {
    await openHydrated(page, "/log");
    const everything = await total(page);
    // Days in the organisation's zone, as the filter reads them.
    const londonDay = (iso: string) => new Date(iso).toLocaleDateString("en-CA", { timeZone: "Europe/London" });
    const label = (day: string) =>
      new Date(`${day}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    // The week that ends on the newest row's day.
    const to = londonDay((await rows(page).first().locator("time").getAttribute("datetime"))!);
    const start = new Date(`${to}T12:00:00Z`);
    start.setUTCDate(start.getUTCDate() - 6);
    const from = start.toISOString().slice(0, 10);
    const chips = page.getByRole("list", { name: "Active filters" }).locator("li > span");

    await page.getByLabel("From", { exact: true }).fill(from);
    await expect(page).toHaveURL(new RegExp(`/log\\?from=${from}$`));
    await page.getByLabel("To", { exact: true }).fill(to);
    await expect(page).toHaveURL(new RegExp(`/log\\?from=${from}&to=${to}$`));
    await expect(chips).toHaveText([`From ${label(from)}`, `To ${label(to)}`]);
    await expect.poll(() => total(page)).toBeLessThan(everything);
    const n = await total(page);
    expect(n).toBeGreaterThan(0);
    const inRange = async () => {
      const times = await page.locator(`${cell.time} time`).evaluateAll((els) => els.map((e) => e.getAttribute("datetime")!));
      expect(times.length).toBeGreaterThan(0);
      for (const day of times.map(londonDay)) expect(day >= from && day <= to, `${day} in ${from}..${to}`).toBe(true);
    };
    await inRange();

    // A reload shows the same view: the fields, the chips, the rows.
    await page.reload();
    await expect(page.getByLabel("From", { exact: true })).toHaveValue(from);
    await expect(page.getByLabel("To", { exact: true })).toHaveValue(to);
    await expect(chips).toHaveText([`From ${label(from)}`, `To ${label(to)}`]);
    expect(await total(page)).toBe(n);
    await inRange();

    // The export holds the same view, every row of it, and says so.
    const csvLink = page.getByRole("link", { name: "Download this view as CSV" });
    await expect(csvLink).toHaveAttribute("href", `/log/export.csv?from=${from}&to=${to}`);
    const [csv] = await Promise.all([page.waitForEvent("download"), csvLink.click()]);
    const lines = (await readFile(await csv.path())).toString("utf8").replace(/^\uFEFF/, "").trimEnd().split(/\r?\n/);
    expect(lines.length - 1).toBe(n);
    await page.getByRole("link", { name: "Print this view" }).click();
    await expect(page.locator(".print-summary")).toHaveText(
      `From ${label(from)} · To ${label(to)} · Sorted by Timestamp, newest first`,
    );
    await expect(page.locator(".print-table tbody tr")).toHaveCount(n);
    await page.getByRole("link", { name: "Back to the log" }).click();

    // A chip's × removes its own bound and keeps the other.
    await page.getByRole("link", { name: `Remove filter: From ${label(from)}` }).click();
    await expect(page).toHaveURL(new RegExp(`/log\\?to=${to}$`));
    await expect(page.getByLabel("From", { exact: true })).toHaveValue("");
    await expect(chips).toHaveText([`To ${label(to)}`]);
    await expect.poll(() => total(page)).toBeGreaterThan(n);
  });

  test("posted in error, replies and source filters narrow the log, and Clear takes them all off", async ({ page }) => {
    await openHydrated(page, "/log?replies=only");
    const replies = await total(page);
    expect(replies).toBeGreaterThan(0);
    await expect(page.getByRole("checkbox", { name: "Replies only" })).toBeChecked();
    expect(await rows(page).locator(".reply-marker").count()).toBe(await rows(page).count());
    // Mark one reply posted in error, to find it again.
    const reply = rows(page).first();
    const id = await reply.getAttribute("data-id");
    await reply.getByRole("link", { name: /^View interaction/ }).click();
    await page.getByRole("button", { name: "Mark posted in error" }).click();
    await page.getByLabel("Why was it posted in error?").fill("Filter check");
    await page.getByRole("button", { name: "Mark", exact: true }).click();
    await expect(page.getByRole("note", { name: "Posted in error" })).toBeVisible();

    try {
      await openHydrated(page, "/log?replies=only");
      const chips = page.getByRole("list", { name: "Active filters" }).locator("li > span");
      const errorFilter = page.getByLabel("Posted in error", { exact: true });
      await errorFilter.selectOption({ label: "Only these" });
      await expect(page).toHaveURL(/replies=only&error=only$|error=only&replies=only$/);
      await expect(chips).toHaveText(["Posted in error only", "Replies only"]);
      await expect(page.locator(`tr[data-id='${id}']`)).toHaveClass(/posted-in-error/);
      const errors = await total(page);
      expect(errors).toBeGreaterThan(0);
      expect(await page.locator("tr.posted-in-error").count()).toBe(await rows(page).count());

      await errorFilter.selectOption({ label: "Hidden" });
      await expect(chips).toHaveText(["Posted in error: hidden", "Replies only"]);
      await expect.poll(() => total(page)).toBe(replies - errors);
      await expect(page.locator("tr.posted-in-error")).toHaveCount(0);

      // Each source narrows the view, and the six of them add up to it.
      const source = page.getByLabel("Source", { exact: true });
      await source.selectOption({ label: "Entered by hand" });
      await expect(chips).toHaveText(["Source: Entered by hand", "Posted in error: hidden", "Replies only"]);
      await settled(page);
      const byHand = await total(page);
      expect(byHand).toBeGreaterThan(0);
      expect(byHand).toBeLessThan(replies - errors);
      let sum = byHand;
      for (const name of ["email", "sms", "whatsapp", "call", "other"]) {
        await page.goto(`/log?replies=only&error=hide&source=${name}`);
        sum += await total(page);
      }
      expect(sum).toBe(replies - errors);
      await openHydrated(page, "/log?replies=only&error=hide&source=sms");

      await page.getByRole("button", { name: "Clear" }).click();
      await expect(page).toHaveURL(/\/log$/);
      await expect(chips).toHaveCount(0);
      await expect(source).toHaveValue("");
      await expect(errorFilter).toHaveValue("");
      await expect(page.getByRole("checkbox", { name: "Replies only" })).not.toBeChecked();
    } finally {
      // Leave the demo as it was for the reports' totals.
      await openHydrated(page, `/interactions/${id}`);
      await page.getByRole("button", { name: "Withdraw the mark" }).click();
      await expect(page.getByRole("note", { name: "Posted in error" })).toHaveCount(0);
    }
  });

  test("the row filters work without the WASM: Apply sends them all", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/log");
    await page.getByLabel("From", { exact: true }).fill("2000-01-01");
    await page.getByLabel("Source", { exact: true }).selectOption({ label: "Entered by hand" });
    await page.getByRole("checkbox", { name: "Replies only" }).check();
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/from=2000-01-01/);
    const chips = page.getByRole("list", { name: "Active filters" }).locator("li > span");
    await expect(chips).toHaveText(["From 1 Jan 2000", "Source: Entered by hand", "Replies only"]);
    expect(await rows(page).locator(".reply-marker").count()).toBe(await rows(page).count());
    await page.getByRole("link", { name: "Remove filter: Replies only" }).click();
    await expect(chips).toHaveText(["From 1 Jan 2000", "Source: Entered by hand"]);
    await expect(page.getByRole("checkbox", { name: "Replies only" })).not.toBeChecked();
    await context.close();
  });

  test("Back undoes a filter change", async ({ page }) => {
    await openHydrated(page, "/log");
    await page.getByRole("checkbox", { name: "Visit", exact: true }).check();
    await expect(page).toHaveURL(/types=3/);
    await page.goBack();
    await expect(page).not.toHaveURL(/types=/);
    await expect(page.getByRole("checkbox", { name: "Visit", exact: true })).not.toBeChecked();
  });

  test("the type's name shows on hover", async ({ page }) => {
    await openHydrated(page, "/log?types=2");
    const icon = rows(page).first().locator(".type-icon");
    await expect(icon).toHaveAccessibleName("Email");
    // The tooltip is drawn by CSS from the accessible name: hidden until
    // hover, then showing the name.
    const tooltip = () =>
      icon.evaluate((el) => {
        const after = getComputedStyle(el, "::after");
        return { text: after.content, opacity: after.opacity };
      });
    expect(await tooltip()).toEqual({ text: '"Email"', opacity: "0" });
    await icon.hover();
    await expect.poll(tooltip).toEqual({ text: '"Email"', opacity: "1" });
  });
});
