import { readFile } from "node:fs/promises";
import { test, expect, signedInPage, total, MANAGER, STAFF } from "./fixtures";

/** The month before last, wholly inside the demo data's two years. */
const MONTH = (() => {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 2);
  const first = new Date(d.getFullYear(), d.getMonth(), 1);
  const last = new Date(d.getFullYear(), d.getMonth() + 1, 0);
  const day = (x: Date) => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, "0")}-${String(x.getDate()).padStart(2, "0")}`;
  return { month: day(first).slice(0, 7), from: day(first), to: day(last) };
})();

test.describe("reports", () => {
  test("a manager reads type usage as a chart in the types' colours and a table that agrees with the log", async ({ browser, baseURL }) => {
    const page = await signedInPage(browser, baseURL!, MANAGER, "/log");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
    await expect(page).toHaveURL(/\/reports$/);
    await page.getByRole("link", { name: "Type usage" }).click();
    await expect(page).toHaveURL(/\/reports\/type-usage$/);
    // The last twelve months by default, drawn and tabulated.
    await expect(page.locator("[data-testid=type-usage-table] tbody tr")).toHaveCount(12);
    await expect(page.getByRole("img", { name: /Interactions per type/ })).toBeVisible();

    // One month: the filters go into the URL.
    await page.getByLabel("From", { exact: true }).fill(MONTH.from);
    await page.getByLabel("To", { exact: true }).fill(MONTH.to);
    await page.getByLabel("Per", { exact: true }).selectOption("month");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(`/reports/type-usage?from=${MONTH.from}&to=${MONTH.to}&period=month`);
    const body = page.locator("[data-testid=type-usage-table] tbody tr");
    await expect(body).toHaveCount(1);

    // Every type used has one colour in the chart, and the legend names it.
    const totals = page.locator("[data-testid=type-usage-table] tfoot td[data-type]");
    const used: { id: string; n: number }[] = [];
    for (const cell of await totals.all()) {
      const n = Number((await cell.innerText()).replace(/[^0-9]/g, ""));
      if (n > 0) used.push({ id: (await cell.getAttribute("data-type"))!, n });
    }
    expect(used.length).toBeGreaterThan(2);
    const fills = await page.locator("figure.chart g.bar rect").evaluateAll((els) => els.map((e) => e.getAttribute("fill")));
    expect(new Set(fills).size).toBe(used.length);
    await expect(page.locator("figure.chart .legend li")).toHaveCount(used.length);
    const sum = used.reduce((a, u) => a + u.n, 0);
    await expect(page.getByTestId("usage-total")).toHaveText(sum.toLocaleString("en-GB"));

    // The CSV holds the same numbers.
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
    expect(csv.suggestedFilename()).toBe(`interlog-type-usage-${MONTH.from}-to-${MONTH.to}.csv`);
    const lines = (await readFile(await csv.path())).toString("utf8").replace(/^\uFEFF/, "").trimEnd().split(/\r?\n/);
    expect(lines[0]).toMatch(/^Month,From,To,/);
    expect(lines.at(-1)!.split(",").at(-1)).toBe(String(sum));

    // The filters survive a reload (they are the URL).
    await page.reload();
    await expect(page.getByLabel("From", { exact: true })).toHaveValue(MONTH.from);
    await expect(body).toHaveCount(1);

    // Each type's figure is the log's count for that month and type, less
    // what was posted in error.
    for (const { id, n } of used.slice(0, 2)) {
      await page.goto(`/log?q=${MONTH.month}&types=${id}&error=hide`);
      expect(await total(page)).toBe(n);
    }
    await page.context().close();
  });

  test("the Last contact report for GP visit lists a person whose profile strip says the same date", async ({ browser, baseURL }) => {
    const page = await signedInPage(browser, baseURL!, MANAGER, "/reports");
    await page.getByRole("link", { name: "Last contact" }).click();
    await expect(page).toHaveURL(/\/reports\/last-contact$/);
    await page.getByLabel("Type", { exact: true }).selectOption({ label: "GP visit" });
    await page.getByLabel("None in the last (months)").fill("3");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/\/reports\/last-contact\?type=\d+&months=3$/);
    await expect(page.locator(".report-summary")).toContainText("No GP visit since");
    await expect(page.getByTestId("last-contact-counts")).toContainText(/\d+ people, of whom \d+ never had one/);

    // Someone whose last GP visit was longer ago: their profile says the same.
    const row = page.locator("[data-testid=last-contact-table] tbody tr").filter({ has: page.locator("time") }).first();
    const date = (await row.locator("time").getAttribute("datetime"))!;
    const threeMonthsAgo = new Date();
    threeMonthsAgo.setMonth(threeMonthsAgo.getMonth() - 3);
    expect(new Date(date).getTime()).toBeLessThan(threeMonthsAgo.getTime());
    const name = await row.locator("th a").innerText();
    await row.locator("th a").click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
    const strip = page.getByRole("region", { name: "Last contact" }).locator("li").filter({ hasText: "GP visit" });
    await expect(strip.locator("time")).toHaveAttribute("datetime", date);
    await page.context().close();
  });

  test("a manager filters the Profile Actions Report to overdue actions and exports them", async ({ browser, baseURL }) => {
    const page = await signedInPage(browser, baseURL!, MANAGER, "/reports");
    await page.getByRole("link", { name: "Profile Actions Report" }).click();
    await expect(page).toHaveURL(/\/reports\/actions$/);
    const counts = page.getByTestId("actions-counts");
    await expect(counts).toContainText(/^\d+ actions?: \d+ outstanding \(\d+ overdue\), \d+ completed$/);
    const overdue = Number((await counts.innerText()).match(/\((\d+) overdue\)/)![1]);
    expect(overdue).toBeGreaterThan(0);

    await page.getByLabel("Overdue only").check();
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/[?&]overdue=1/);
    const rows = page.locator("[data-testid=actions-report-table] tbody tr");
    await expect(rows).toHaveCount(overdue);
    await expect(rows.locator(".overdue-flag")).toHaveCount(overdue);
    await expect(counts).toContainText(`${overdue} outstanding (${overdue} overdue), 0 completed`);

    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^interlog-actions-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile(await csv.path())).toString("utf8").replace(/^\uFEFF/, "").trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe("Action ID,Due,Type,Person,Person ID,Instructions,Assigned to,Assigned by,Assigned,Done,Days overdue,Days taken,Summary");
    expect(lines.length - 1).toBe(overdue);

    // And as a PDF, for the funder's file.
    const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "PDF" }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/^interlog-actions-\d{4}-\d{2}-\d{2}\.pdf$/);
    const bytes = await readFile(await pdf.path());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await page.context().close();
  });

  test("staff activity shows what each colleague had and completed, adding up to type usage", async ({ browser, baseURL }) => {
    const page = await signedInPage(browser, baseURL!, MANAGER, "/reports");
    await page.getByRole("link", { name: "Staff activity" }).click();
    await expect(page).toHaveURL(/\/reports\/staff-activity$/);
    const interactions = page.getByTestId("activity-interactions");
    await expect(interactions.locator("thead th")).toHaveCount(14); // staff, twelve months, total
    await expect(interactions.locator("tbody tr").first()).toBeVisible();
    const everyone = Number((await interactions.locator("tfoot td").last().innerText()).replace(/[^0-9]/g, ""));
    expect(everyone).toBeGreaterThan(0);
    const completed = Number((await page.getByTestId("activity-actions").locator("tfoot td").last().innerText()).replace(/[^0-9]/g, ""));
    expect(completed).toBeGreaterThan(0);

    // The same twelve months of type usage count the same interactions.
    await page.goto("/reports/type-usage");
    await expect(page.getByTestId("usage-total")).toHaveText(everyone.toLocaleString("en-GB"));

    // One team: the filter is the URL, and fewer people are listed.
    await page.goto("/reports/staff-activity");
    const all = await interactions.locator("tbody tr").count();
    await page.getByLabel("Team", { exact: true }).selectOption({ label: "Casework" });
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/\/reports\/staff-activity\?.*team=\d+/);
    await expect(page.locator(".report-summary")).toContainText("Team: Casework");
    expect(await interactions.locator("tbody tr").count()).toBeLessThan(all);
    await page.context().close();
  });

  test("staff are not offered reports and cannot open them", async ({ browser, baseURL }) => {
    const page = await signedInPage(browser, baseURL!, STAFF, "/log");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" })).toHaveCount(0);
    await page.goto("/reports/type-usage");
    await expect(page.getByRole("alert")).toHaveText("You do not have permission to do that.");
    await page.context().close();
  });
});
