import { RECORD_PORT } from "../playwright.config";
import { test, expect, signIn, ADMIN, SIGNED_OUT } from "./fixtures";

// On the recording server: people are added and changed here.
const RECORD_URL = `http://127.0.0.1:${RECORD_PORT}`;

test.use({ baseURL: RECORD_URL, storageState: SIGNED_OUT });

test.describe("a person's details", () => {
  test("correct a person's email and add their other details; the change is audited", async ({ page, expectHttpError }) => {
    await page.goto("/people");
    await signIn(page, ADMIN);
    await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
    await page.getByText("Add person", { exact: true }).first().click();
    const add = page.locator("details.add-person form");
    await add.getByLabel("Name").fill("Wren Halloway");
    await add.getByLabel("Email (optional)").fill("wren@example.net");
    await add.getByRole("button", { name: "Add person" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Wren Halloway" })).toBeVisible();

    await page.getByRole("button", { name: "Edit details" }).click();
    const form = page.getByRole("form", { name: "Edit details" });
    await expect(form.getByLabel("Email (optional)")).toHaveValue("wren@example.net");
    // Refused on the server, field by field, and nothing saved.
    expectHttpError(400);
    await form.getByLabel("Email (optional)").fill("wren@");
    await form.getByLabel("Date of birth (optional)").fill("2999-01-01");
    await form.getByRole("button", { name: "Save details" }).click();
    await expect(form.getByText("Enter a valid email address, like name@example.org.")).toBeVisible();
    await expect(form.getByText("The date of birth cannot be in the future.")).toBeVisible();

    await form.getByLabel("Name", { exact: true }).fill("Wren Halloway-Price");
    await form.getByLabel("Email (optional)").fill("wren.halloway@example.net");
    await form.getByLabel("Preferred name (optional)").fill("Wren");
    await form.getByLabel("Date of birth (optional)").fill("1990-07-14");
    await form.getByLabel("Address (optional)").fill("4 Mill Lane\nKettering");
    await form.getByRole("button", { name: "Save details" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Wren Halloway-Price" })).toBeVisible();
    await expect(page).toHaveTitle(/^Wren Halloway-Price · /);
    const facts = page.getByTestId("person-facts");
    await expect(facts).toContainText("wren.halloway@example.net");
    await expect(facts).toContainText("1990-07-14");
    await expect(facts).toContainText("Mill Lane");
    // Still there after a reload: it was saved, not only shown.
    await page.reload();
    await expect(page.getByTestId("person-facts")).toContainText("wren.halloway@example.net");

    await page.goto("/settings/audit");
    const row = page.locator("table.audit-table tbody tr", { hasText: "Person's details changed" }).first();
    await expect(row).toContainText("email: wren@example.net → wren.halloway@example.net");
    await expect(row).toContainText("name: Wren Halloway → Wren Halloway-Price");
  });
});
