import { test, expect, openHydrated, rows, settled } from "./fixtures";

test.describe("the interaction detail page", () => {
  test("shows the full record and returns to the exact log view", async ({ page }) => {
    await openHydrated(page, "/log");
    await page.getByRole("checkbox", { name: "Email" }).check();
    await page.getByRole("searchbox", { name: "Search interactions" }).fill("forms");
    await page.getByRole("columnheader", { name: /Description/ }).getByRole("link").click();
    await expect(page).toHaveURL(/q=forms.*sort=description/);
    // The header is marked from the rows' own view: wait for the sorted,
    // searched rows before using their Next link, and for the next page's.
    await expect(page.getByRole("columnheader", { name: /Description/ })).toHaveAttribute("aria-sort", "ascending");
    await settled(page);
    const firstOfPageOne = await rows(page).first().getAttribute("data-id");
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/q=forms.*sort=description.*after=/);
    await expect(rows(page).first()).not.toHaveAttribute("data-id", firstOfPageOne!);
    await settled(page);
    const logUrl = page.url();
    const row = rows(page).first();
    const id = await row.getAttribute("data-id");
    const description = await row.locator(".description-text").innerText();

    await row.getByRole("link", { name: `View interaction ${id}` }).click();
    await expect(page).toHaveURL(new RegExp(`/interactions/${id}\\?from=`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(description);
    await expect(page.locator(".note")).not.toBeEmpty();
    await expect(page.locator(".type-chip")).toHaveText("Email");
    await expect(page.locator(".facts")).toContainText(`#${id}`);
    await expect(page.locator(".facts")).toContainText("Logged");
    await expect(page.getByRole("list", { name: "Tags" }).locator("li").first()).toBeVisible();

    await page.getByRole("link", { name: "Return to interaction log" }).click();
    await expect(page).toHaveURL(logUrl);
    await expect(page.getByRole("searchbox", { name: "Search interactions" })).toHaveValue("forms");
    await expect(page.getByRole("checkbox", { name: "Email" })).toBeChecked();
    await expect(page.getByRole("columnheader", { name: /Description/ })).toHaveAttribute("aria-sort", "ascending");
    await expect(page.locator(`tr[data-id='${id}']`)).toBeVisible();
  });

  test("replies link both ways", async ({ page }) => {
    // Find a reply through the server-rendered detail pages of recent rows.
    await openHydrated(page, "/log");
    const ids = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")!));
    let found = false;
    for (const id of ids) {
      await page.goto(`/interactions/${id}`);
      const replyTo = page.locator(".reply-to a");
      if ((await replyTo.count()) === 0) continue;
      const parentText = await replyTo.innerText();
      await replyTo.click();
      await expect(page.getByRole("heading", { level: 1 })).toContainText(parentText);
      await expect(page.locator("ul.replies a[href^='/interactions/" + id + "?']")).toHaveCount(1);
      found = true;
      break;
    }
    expect(found, "the demo log has replies among its newest rows").toBe(true);
  });

  test("an unknown id is a real 404 page", async ({ page, expectHttpError }) => {
    expectHttpError(404);
    const response = await page.goto("/interactions/987654321");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(page.getByText("There is no interaction with this id.")).toBeVisible();
  });

  test("an unknown address is a 404 page too", async ({ page, expectHttpError }) => {
    expectHttpError(404);
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  });

  test("home shows recent interactions that open their detail", async ({ page }) => {
    await openHydrated(page, "/");
    const first = page.locator(".recent-list li a").first();
    const text = await first.innerText();
    await first.click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(text);
    await expect(page.getByRole("link", { name: "Return to interaction log" })).toHaveAttribute("href", "/log");
  });
});
