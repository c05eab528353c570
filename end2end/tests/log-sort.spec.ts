import { test, expect, cell, openHydrated, rows, columnTexts, isSorted, total } from "./fixtures";

test.describe("sorting the log", () => {
  test("newest first by default, with the active column marked", async ({ page }) => {
    await openHydrated(page, "/log");
    const timestamp = page.getByRole("columnheader", { name: /Timestamp/ });
    await expect(timestamp).toHaveAttribute("aria-sort", "descending");
    await expect(rows(page)).toHaveCount(50);
    const times = await page.locator(`${cell.time} time`).evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""));
    expect(times.length).toBe(50);
    expect([...times].sort().reverse()).toEqual(times);
    expect(await total(page)).toBeGreaterThan(4000);
  });

  test("a header click sorts, a second click reverses, on two columns, without a reload", async ({ page }) => {
    await openHydrated(page, "/log");
    // Survives only if the page is updated in place rather than reloaded.
    await page.evaluate(() => ((window as any).__stillHere = true));

    const descriptionHeader = page.getByRole("columnheader", { name: /Description/ });
    await descriptionHeader.getByRole("link").click();
    await expect(page).toHaveURL(/sort=description/);
    await expect(descriptionHeader).toHaveAttribute("aria-sort", "ascending");
    let descriptions = await columnTexts(page, "description", ".description-text");
    expect(descriptions.length).toBe(50);
    expect(isSorted(descriptions, "asc")).toBe(true);

    await descriptionHeader.getByRole("link").click();
    await expect(page).toHaveURL(/sort=description&dir=desc/);
    await expect(descriptionHeader).toHaveAttribute("aria-sort", "descending");
    descriptions = await columnTexts(page, "description", ".description-text");
    expect(isSorted(descriptions, "desc")).toBe(true);

    const personHeader = page.getByRole("columnheader", { name: /Person/ });
    await personHeader.getByRole("link").click();
    await expect(personHeader).toHaveAttribute("aria-sort", "ascending");
    await expect(descriptionHeader).toHaveAttribute("aria-sort", "none");
    let people = await columnTexts(page, "person");
    expect(isSorted(people, "asc")).toBe(true);

    await personHeader.getByRole("link").click();
    await expect(personHeader).toHaveAttribute("aria-sort", "descending");
    people = await columnTexts(page, "person");
    expect(isSorted(people, "desc")).toBe(true);

    expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
  });

  test("sorting by type groups rows in the admin's type order", async ({ page }) => {
    await openHydrated(page, "/log?sort=type&dir=desc");
    const names = await page
      .locator(`${cell.type} .type-icon`)
      .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
    // Descending admin order starts with the last type: Complaint.
    expect(new Set(names)).toEqual(new Set(["Complaint"]));
  });

  test("sorting works before the WASM loads: headers are real links", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/log");
    await page.getByRole("columnheader", { name: /Completed by/ }).getByRole("link").click();
    await expect(page).toHaveURL(/sort=completed_by/);
    await expect(page.getByRole("columnheader", { name: /Completed by/ })).toHaveAttribute("aria-sort", "ascending");
    // "Tom Whitaker (logged by Hannah Lewis)" sorts as Tom Whitaker.
    const staff = (await columnTexts(page, "staff")).map((s) => s.replace(/ \(logged by .*\)$/, ""));
    expect(isSorted(staff, "asc")).toBe(true);
    await context.close();
  });

  test("paging forward and back keeps its place", async ({ page }) => {
    await openHydrated(page, "/log?sort=person");
    const firstPage = await page.locator("table.log-table tbody tr").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/after=\d+/);
    await expect(rows(page).first()).not.toHaveAttribute("data-id", firstPage[0]!);
    const secondPage = await page.locator("table.log-table tbody tr").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    const people = await columnTexts(page, "person");
    expect(isSorted(people, "asc")).toBe(true);
    await page.getByRole("link", { name: "Previous" }).click();
    await expect(page).toHaveURL(/before=\d+/);
    await expect(rows(page).first()).toHaveAttribute("data-id", firstPage[0]!);
    const again = await page.locator("table.log-table tbody tr").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    expect(again).toEqual(firstPage);
  });
});
