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
      const text = (await row.locator(".description-text").innerText()) + " " + (await row.locator(".tags li").allTextContents()).join(" ");
      expect(text.toLowerCase()).toMatch(/\bcall/);
      expect(text.toLowerCase()).toMatch(/\brent/);
    }
    await expect(search).toBeFocused();
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
