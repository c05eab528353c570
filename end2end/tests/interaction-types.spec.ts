import { Page } from "@playwright/test";
import { TYPES_PORT } from "../playwright.config";
import { test, expect, cell, callServerFunctions, signIn, ADMIN, STAFF, SIGNED_OUT } from "./fixtures";

// These journeys change the types on their own server, so the other
// journeys keep the demo types as they are.
const TYPES_URL = `http://127.0.0.1:${TYPES_PORT}`;
const PAGE = "/settings/interaction-types";

test.use({ baseURL: TYPES_URL, storageState: SIGNED_OUT });

/** Signs in on the types server and opens the settings page, hydrated. */
async function openTypes(page: Page, email = ADMIN) {
  await page.goto(PAGE);
  await signIn(page, email);
  await expect(page).toHaveURL(new RegExp(`${PAGE}$`));
  await hydrated(page);
}

async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
  await expect(page.locator("ol.type-list > li").first()).toBeVisible();
}

/** The live type names, top to bottom. */
async function order(page: Page): Promise<string[]> {
  return page.locator("ol.type-list > li .type-name-cell").evaluateAll((cells) =>
    cells.map((c) => (c.querySelector(".type-name")?.textContent ?? "").trim()),
  );
}

function row(page: Page, name: string) {
  return page.locator("ol.type-list > li").filter({ has: page.getByRole("button", { name: `Rename ${name}`, exact: true }) });
}

function status(page: Page) {
  return page.locator(".types-card .card-header .save-status");
}

test.describe("interaction types settings", () => {
  test("drag a type from first to last; the order is saved and kept after a reload", async ({ page }) => {
    await openTypes(page);
    const before = await order(page);
    expect(before.length).toBeGreaterThan(3);
    const first = before[0];
    const handle = page.getByRole("button", { name: `Reorder ${first}` });
    const lastRow = page.locator("ol.type-list > li").last();
    const from = (await handle.boundingBox())!;
    const to = (await lastRow.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    // The row follows the pointer, and a line shows where it will land.
    for (let step = 1; step <= 10; step++) {
      await page.mouse.move(from.x + from.width / 2, from.y + ((to.y + to.height - from.y) * step) / 10);
    }
    await expect(page.locator("ol.type-list > li.dragged")).toHaveCount(1);
    await expect(page.locator("ol.type-list > li.drop-after")).toHaveCount(1);
    await page.mouse.up();
    const expected = [...before.slice(1), first];
    await expect.poll(() => order(page)).toEqual(expected);
    await expect(status(page)).toHaveText(`Saved: “${first}” is now number ${before.length}`);
    await page.reload();
    await hydrated(page);
    expect(await order(page)).toEqual(expected);
  });

  test("reorder with the keyboard: Space, arrows, Space; Escape cancels", async ({ page }) => {
    await openTypes(page);
    const before = await order(page);
    const moving = before[0];
    const handle = page.getByRole("button", { name: `Reorder ${moving}` });
    await handle.focus();
    await page.keyboard.press("Space");
    await expect(handle).toHaveAttribute("aria-pressed", "true");
    await expect(page.locator("[aria-live='assertive']")).toContainText(`${moving}, position 1 of ${before.length} picked up`);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expect(page.locator("[aria-live='assertive']")).toHaveText(`${moving}, position 3 of ${before.length}`);
    // Nothing is saved until it is dropped.
    await expect(status(page)).toHaveCount(0);
    await page.keyboard.press("Space");
    await expect(status(page)).toHaveText(`Saved: “${moving}” is now number 3`);
    const expected = [before[1], before[2], moving, ...before.slice(3)];
    expect(await order(page)).toEqual(expected);
    // Focus stays on the handle, so it can be moved again at once.
    await expect(page.getByRole("button", { name: `Reorder ${moving}` })).toBeFocused();

    // Escape puts it back where it was picked up.
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    expect((await order(page))[0]).toEqual(moving);
    await page.keyboard.press("Escape");
    await expect(page.locator("[aria-live='assertive']")).toHaveText(`Move cancelled. ${moving}, position 3 of ${before.length}.`);
    expect(await order(page)).toEqual(expected);

    // Move up / Move down buttons save at once.
    await page.getByRole("button", { name: `Move ${moving} up` }).click();
    await expect(status(page)).toHaveText(`Saved: “${moving}” is now number 2`);
    await page.reload();
    await hydrated(page);
    expect(await order(page)).toEqual([before[1], moving, before[2], ...before.slice(3)]);
  });

  test("rename in place: Enter and leaving the field save, Escape cancels, bad names are refused", async ({ page }) => {
    await openTypes(page);
    // Click + Enter.
    await page.getByRole("button", { name: "Rename Email", exact: true }).click();
    const field = page.getByRole("textbox", { name: "New name for Email" });
    await expect(field).toBeFocused();
    await field.fill("Email message");
    await field.press("Enter");
    await expect(status(page)).toHaveText("Renamed “Email” to “Email message”");
    // Click + leave the field.
    await page.getByRole("button", { name: "Rename Visit", exact: true }).click();
    await page.getByRole("textbox", { name: "New name for Visit" }).fill("Home visit");
    await page.getByRole("heading", { name: "Interaction types", level: 1 }).click();
    await expect(status(page)).toHaveText("Renamed “Visit” to “Home visit”");
    // Escape puts the old name back and saves nothing.
    await page.getByRole("button", { name: "Rename Meeting", exact: true }).click();
    await page.getByRole("textbox", { name: "New name for Meeting" }).fill("Not this");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("button", { name: "Rename Meeting", exact: true })).toBeVisible();
    // A name in use (in any case) or an empty one is refused, and the field stays open to fix it.
    await page.getByRole("button", { name: "Rename Meeting", exact: true }).click();
    const meeting = page.getByRole("textbox", { name: "New name for Meeting" });
    await meeting.fill("home VISIT");
    await meeting.press("Enter");
    await expect(row(page, "Meeting").getByRole("alert").or(page.locator(".type-name-cell .row-error"))).toHaveText(
      "There is already an interaction type called “home VISIT”.",
    );
    await meeting.fill("   ");
    await meeting.press("Enter");
    await expect(page.locator(".type-name-cell .row-error")).toHaveText("The name cannot be empty.");
    await meeting.press("Escape");

    await page.reload();
    await hydrated(page);
    const names = await order(page);
    expect(names).toContain("Email message");
    expect(names).toContain("Home visit");
    expect(names).toContain("Meeting");
    expect(names).not.toContain("Not this");
  });

  test("a new colour shows in the log at once; a new type goes to the end", async ({ page }) => {
    await openTypes(page);
    const incident = row(page, "Incident");
    const id = await incident.getAttribute("data-type-id");
    await incident.locator("summary[aria-label^='Colour of Incident']").click();
    await incident.getByRole("button", { name: "Teal" }).click();
    await expect(status(page)).toHaveText("“Incident” is now Teal (#0f766e)");
    await expect(incident.locator("summary[aria-label^='Colour of Incident']")).toHaveAttribute(
      "aria-label",
      "Colour of Incident: Teal #0f766e",
    );

    await page.goto(`/log?types=${id}`);
    // The ticked filter is outlined in the type's colour.
    await expect(page.locator("label.type-filter", { hasText: "Incident" })).toHaveCSS("border-color", "rgb(15, 118, 110)");
    const icons = page.locator(`table.interactions tbody ${cell.type} .type-icon`);
    await expect(icons.first()).toHaveAttribute("aria-label", "Incident");
    await expect(icons.first()).toHaveCSS("background-color", "rgb(15, 118, 110)");
    await expect(icons.first()).toHaveCSS("color", "rgb(255, 255, 255)");

    await page.goto(PAGE);
    await hydrated(page);
    await page.getByLabel("New interaction type").fill("Home visit follow-up");
    await page.getByRole("button", { name: "Add interaction type" }).click();
    await expect(status(page)).toHaveText("Added “Home visit follow-up” at the end");
    expect((await order(page)).at(-1)).toEqual("Home visit follow-up");
  });

  test("delete with confirmation, see it under Deleted and on old interactions, then restore it", async ({ page }) => {
    await openTypes(page);
    const before = await order(page);
    const complaint = row(page, "Complaint");
    const id = await complaint.getAttribute("data-type-id");
    await complaint.getByRole("button", { name: "Delete Complaint" }).click();
    const confirm = complaint.getByRole("group", { name: "Confirm deletion" });
    await expect(confirm).toContainText("Delete “Complaint”? Interactions already recorded keep it.");
    await confirm.getByRole("button", { name: "Keep it" }).click();
    expect(await order(page)).toEqual(before);
    await complaint.getByRole("button", { name: "Delete Complaint" }).click();
    await complaint.getByRole("button", { name: "Yes, delete" }).click();
    await expect(status(page)).toHaveText("Deleted “Complaint”");
    expect(await order(page)).toEqual(before.filter((n) => n !== "Complaint"));
    const deleted = page.getByRole("region", { name: "Deleted interaction types" });
    await expect(deleted.getByRole("listitem")).toHaveCount(1);
    await expect(deleted.getByRole("listitem")).toContainText("Complaint");

    // Gone from the log's filters; old interactions still show it.
    await page.goto(`/log?types=${id}`);
    await expect(page.locator("label.type-filter", { hasText: "Complaint" })).toHaveCount(0);
    const icons = page.locator(`table.interactions tbody ${cell.type} .type-icon`);
    await expect(icons.first()).toHaveAttribute("aria-label", "Complaint (deleted type)");

    await page.goto(PAGE);
    await hydrated(page);
    await deleted.getByRole("button", { name: "Restore Complaint" }).click();
    await expect(status(page)).toHaveText("Restored “Complaint”");
    await expect(deleted.getByText("No deleted interaction types.")).toBeVisible();
    await expect.poll(() => order(page)).toEqual(before);
    await page.reload();
    await hydrated(page);
    expect(await order(page)).toEqual(before);
  });

  test("a change made over another admin's newer one is refused, rolled back and shown", async ({ page, browser, expectHttpError }) => {
    expectHttpError(409);
    await openTypes(page);
    const other = await browser.newContext({ baseURL: TYPES_URL, storageState: SIGNED_OUT });
    const second = await other.newPage();
    await openTypes(second);
    const before = await order(page);
    const name = before[1];

    // The second admin renames it; the first, still on the old version, moves it.
    await second.getByRole("button", { name: `Rename ${name}`, exact: true }).click();
    await second.getByRole("textbox", { name: `New name for ${name}` }).fill(`${name} (renamed)`);
    await second.keyboard.press("Enter");
    await expect(status(second)).toHaveText(`Renamed “${name}” to “${name} (renamed)”`);

    await page.getByRole("button", { name: `Move ${name} down` }).click();
    await expect(page.getByRole("alert")).toContainText(`Someone else changed “${name} (renamed)” while you were working.`);
    // The row went back, and the list now shows the other admin's change.
    await expect.poll(() => order(page)).toEqual(before.map((n) => (n === name ? `${name} (renamed)` : n)));
    await other.close();
  });

  test("a Staff user cannot open the page or change types", async ({ page, expectHttpError }) => {
    expectHttpError(403);
    await page.goto("/log");
    await signIn(page, STAFF);
    await expect(page).toHaveURL(/\/log$/);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Types" })).toHaveCount(0);
    const response = await page.goto(PAGE);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("alert")).toHaveText("You do not have permission to do that.");
    await expect(page.locator("ol.type-list")).toHaveCount(0);
    // Calls made straight to the server functions, from the page itself.
    const answers = await callServerFunctions(page, [
      ["/api/interaction_type_settings", {}],
      ["/api/move_interaction_type", { id: 1, version: 1, after: null }],
      ["/api/update_interaction_type", { id: 1, version: 1, change: "Delete" }],
      ["/api/add_interaction_type", { name: "Sneaky", colour: "#000000", icon: "note" }],
    ]);
    expect(answers).toEqual(Array(4).fill('403 "Forbidden"'));
  });
});
