import { test as setup, expect } from "@playwright/test";
import { ADMIN_STATE } from "../playwright.config";
import { ADMIN, signIn } from "./fixtures";

setup("sign in as the demo admin", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator(".whoami")).toContainText("Alex Morgan");
  await page.context().storageState({ path: ADMIN_STATE });
});
