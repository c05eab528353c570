import { readFile } from "node:fs/promises";
import { test, expect, openHydrated, rows, total } from "./fixtures";

test.describe("exporting the log", () => {
  test("CSV, Excel, PDF and print each hold the whole view on screen", async ({ page }) => {
    await openHydrated(page, "/log");
    await page.getByRole("searchbox", { name: "Search interactions" }).fill("call");
    await expect(page).toHaveURL(/q=call$/);
    await expect(page.locator(".log-summary")).toContainText("matching “call”");
    const n = await total(page);
    expect(n).toBeGreaterThan(await rows(page).count()); // more than one page
    const exportLink = (name: string) => page.getByRole("link", { name });

    // CSV: every matching row, not just this page.
    await expect(exportLink("Download this view as CSV")).toHaveAttribute("href", "/log/export.csv?q=call");
    const [csv] = await Promise.all([page.waitForEvent("download"), exportLink("Download this view as CSV").click()]);
    expect(csv.suggestedFilename()).toMatch(/^interlog-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = (await readFile(await csv.path())).toString("utf8");
    const lines = text.replace(/^\uFEFF/, "").trimEnd().split(/\r?\n/);
    expect(lines[0]).toMatch(/^ID,When \([A-Za-z_/]+\),Type,Description,Person,Person ID,Completed by,Logged by,Tags,Reply,Posted in error,Renamed,Who can read it$/);
    expect(lines.length - 1).toBe(n);
    // Newest first, as on screen: the first row on screen is the first line.
    const firstId = await rows(page).first().getAttribute("data-id");
    expect(lines[1].split(",")[0]).toBe(firstId);

    // Excel and PDF downloads.
    const [xlsx] = await Promise.all([page.waitForEvent("download"), exportLink("Download this view as Excel").click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    expect((await readFile(await xlsx.path())).subarray(0, 2).toString()).toBe("PK");
    const [pdf] = await Promise.all([page.waitForEvent("download"), exportLink("Download this view as PDF").click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect((await readFile(await pdf.path())).subarray(0, 5).toString()).toBe("%PDF-");

    // Print: the whole view on one page, then back to the same view.
    await exportLink("Print this view").click();
    await expect(page).toHaveURL(/\/log\/print\?q=call$/);
    await expect(page.getByTestId("print-total")).toHaveText(`${n.toLocaleString("en-GB")} interactions`);
    await expect(page.locator(".print-summary")).toHaveText("Search “call” · Sorted by Timestamp, newest first");
    await expect(page.locator(".print-table tbody tr")).toHaveCount(n);
    await expect(page.locator(".print-table tbody tr").first()).toHaveAttribute("data-id", firstId!);
    // On paper the navigation and buttons are gone.
    await page.emulateMedia({ media: "print" });
    await expect(page.locator(".app-header")).toBeHidden();
    await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
    await page.emulateMedia({ media: "screen" });
    await page.getByRole("link", { name: "Back to the log" }).click();
    await expect(page).toHaveURL(/\/log\?q=call$/);
    await expect(page.getByRole("searchbox", { name: "Search interactions" })).toHaveValue("call");

    // Each export is audited, with its format and view.
    await page.goto("/settings/audit");
    const exported = page.locator("tr[data-action='log_exported']");
    await expect(exported.filter({ hasText: `CSV, ${n} interactions: Search “call”` })).toHaveCount(1);
    await expect(exported.filter({ hasText: `Print, ${n} interactions: Search “call”` })).toHaveCount(1);
  });

  test("a profile's export holds that person's interactions only", async ({ page }) => {
    await openHydrated(page, "/people");
    await page.locator(".people-table a").first().click();
    await expect(page).toHaveURL(/\/people\/(\d+)/);
    const id = page.url().match(/\/people\/(\d+)/)![1];
    await expect(page.getByTestId("log-total")).toBeVisible();
    const n = await total(page);
    const name = (await page.locator("#profile-name").innerText()).trim();
    await expect(page.getByRole("link", { name: "Download this view as CSV" })).toHaveAttribute(
      "href",
      `/log/export.csv?person=${id}`,
    );
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download this view as CSV" }).click(),
    ]);
    const lines = (await readFile(await csv.path())).toString("utf8").trimEnd().split(/\r?\n/);
    expect(lines.length - 1).toBe(n);
    for (const line of lines.slice(1)) expect(line).toContain(`,${id},`);

    await page.getByRole("link", { name: "Print this view" }).click();
    await expect(page.locator(".print-summary")).toHaveText(`Person: ${name} · Sorted by Timestamp, newest first`);
    await page.getByRole("link", { name: "Back to the log" }).click();
    await expect(page).toHaveURL(new RegExp(`/people/${id}$`));
  });
});
