// Interlog's Firefox smoke suite.
//
// Playwright cannot drive Debian's Firefox (it needs its own patched build,
// which cannot be downloaded here), so these journeys drive Debian's
// `firefox-esr` through `geckodriver` over WebDriver, with the
// `selenium-webdriver` client from npm. Nothing is downloaded at run time:
// the browser and the driver are named by path, so Selenium Manager never runs.
//
// What it covers, each as a user would see it, in Firefox:
//   1. signing in through the real /login form and landing on the log;
//   2. sorting the log by a column header (the order and the URL change);
//   3. searching as you type (the total and the rows follow each keystroke);
//   4. renaming a description in place (pencil, type, Enter; kept after a reload);
//   5. recording an interaction through the real form and finding it in the log;
//   6. reordering an interaction type by dragging it with the pointer and by
//      keyboard (kept after a reload).
// Every page must hydrate (`<body data-hydrated="true">`, set by the WASM)
// before anything is touched, and any console error or warning or uncaught
// exception the page reports (WebDriver BiDi) fails the journey: a WASM that
// fails in Firefox fails the suite.
//
// Run it with `scripts/firefox.sh` (it builds, starts a fresh demo server and
// stops it after); `scripts/test.sh` runs it once on SQLite. By hand, against
// a server already running with demo data:
//   INTERLOG_FIREFOX_URL=http://127.0.0.1:3000 node --test end2end/firefox/
// Environment: INTERLOG_FIREFOX_URL (the server), INTERLOG_FIREFOX_BINARY
// (default /usr/bin/firefox-esr), INTERLOG_GECKODRIVER (default
// ~/.cargo/bin/geckodriver), INTERLOG_FIREFOX_ARTIFACTS (where a failing
// journey leaves a screenshot and the page's HTML; default target/firefox-smoke).
// The journeys change data (a rename, a new interaction, the types' order),
// so point it at a throwaway server: start-server.sh gives each run a fresh one.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Selenium Manager (which downloads drivers and browsers) only runs when no
// driver path is given; offline it could not download anything even if it did.
process.env.SE_OFFLINE = "true";
const { Builder, By, Key, Origin, LogInspector } = await import("selenium-webdriver");
const firefox = (await import("selenium-webdriver/firefox.js")).default;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const BASE = (process.env.INTERLOG_FIREFOX_URL ?? "http://127.0.0.1:3107").replace(/\/$/, "");
const FIREFOX = process.env.INTERLOG_FIREFOX_BINARY ?? "/usr/bin/firefox-esr";
const GECKODRIVER =
  process.env.INTERLOG_GECKODRIVER ?? path.join(process.env.CARGO_HOME ?? path.join(os.homedir(), ".cargo"), "bin", "geckodriver");
const ARTIFACTS = process.env.INTERLOG_FIREFOX_ARTIFACTS ?? path.join(ROOT, "target", "firefox-smoke");

const ADMIN = "alex.morgan@example.org";
const ADMIN_NAME = "Alex Morgan";
const DEMO_PASSWORD = "interlog-demo";
const TYPES_PAGE = "/settings/interaction-types";
/** Something made now, so a run's own rows are easy to tell apart. */
const STAMP = Date.now().toString(36);

/** @type {import("selenium-webdriver").WebDriver} */
let driver;
/** What the page said on its console (errors and warnings) or threw. */
const pageProblems = [];

// ---------------------------------------------------------------- waiting --

/**
 * Polls `probe` until it returns something other than undefined, null or
 * false, and returns that. Errors thrown by the probe (an element replaced
 * while it was read) count as "not yet". On timeout, fails saying what was
 * awaited and what was last seen (what the probe passed to `seen`, if
 * anything, else what it returned).
 */
async function waitFor(what, probe, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  let noted;
  const seen = (value) => (noted = value);
  for (;;) {
    try {
      noted = undefined;
      const value = await probe(seen);
      if (value !== undefined && value !== null && value !== false) return value;
      last = noted === undefined ? value : noted;
    } catch (e) {
      last = e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : e;
    }
    if (Date.now() > deadline) {
      let url = "?";
      try {
        url = await driver.getCurrentUrl();
      } catch {}
      throw new Error(`Timed out after ${timeout} ms waiting for ${what} (at ${url}; last seen: ${JSON.stringify(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a script in the page and returns its result. */
function inPage(script, ...args) {
  return driver.executeScript(script, ...args);
}

async function currentPath() {
  const url = new URL(await driver.getCurrentUrl());
  return url.pathname + url.search;
}

/** Waits until the WASM has hydrated the page (`<body data-hydrated="true">`). */
async function hydrated() {
  await waitFor(
    "the page to hydrate (<body data-hydrated=\"true\">): the WASM did not load or start in Firefox",
    () => inPage(`return document.body && document.body.getAttribute("data-hydrated") === "true"`),
    20_000,
  );
}

/** Fills in and sends the sign-in form on the current (hydrated) /login page. */
async function signIn(email = ADMIN, password = DEMO_PASSWORD) {
  const emailField = await driver.findElement(By.id("email"));
  await emailField.clear();
  await emailField.sendKeys(email);
  const passwordField = await driver.findElement(By.id("password"));
  await passwordField.clear();
  await passwordField.sendKeys(password);
  await driver.findElement(By.xpath("//form[@action='/login']//button[@type='submit'][normalize-space(.)='Sign in']")).click();
}

/**
 * Opens `target` hydrated. Signed out (a journey run on its own), the app
 * sends the browser to /login first: sign in there, and expect to be brought
 * back to `target`.
 */
async function open(target) {
  await driver.get(BASE + target);
  if ((await currentPath()).startsWith("/login")) {
    await hydrated();
    await signIn();
    await waitFor(`to be back on ${target} after signing in`, async () => (await currentPath()) === target, 15_000);
  }
  await hydrated();
}

/** Reloads the page, waiting until the new one has hydrated. */
async function reload() {
  // The reload replaces <body>: its data-hydrated is set again by the WASM.
  await driver.navigate().refresh();
  await hydrated();
}

// ----------------------------------------------------------- the log page --

/** What the log shows: its URL, whether it is still loading, total, headers and rows. */
function logState() {
  return inPage(`
    const text = (el) => (el ? el.innerText.trim() : "");
    const wrap = document.querySelector(".table-wrap");
    const total = document.querySelector("[data-testid='log-total']");
    return {
      url: location.pathname + location.search,
      busy: wrap ? wrap.getAttribute("aria-busy") : "missing",
      totalText: text(total),
      // -1 while there is no figure yet ("Counting…": a search's count follows its page).
      total: total && /[0-9]/.test(total.innerText) ? Number(total.innerText.replace(/[^0-9]/g, "")) : -1,
      summary: text(document.querySelector(".log-summary")),
      sort: Object.fromEntries([...document.querySelectorAll("table.log-table thead th")]
        .map((th) => [th.innerText.replace(/[▲▼↕]/g, "").trim(), th.getAttribute("aria-sort")])),
      rows: [...document.querySelectorAll("table.log-table tbody tr")].map((tr) => ({
        id: tr.getAttribute("data-id"),
        time: tr.querySelector("td:nth-child(1) time")?.getAttribute("datetime") ?? "",
        description: text(tr.querySelector(".description-text")),
        renamed: !!tr.querySelector(".renamed-mark"),
        person: text(tr.querySelector("td:nth-child(4)")),
        staff: text(tr.querySelector("td:nth-child(5)")),
        tags: [...tr.querySelectorAll(".tags li")].map((li) => li.textContent.trim()),
        snippet: tr.querySelector(".note-snippet")?.textContent.trim() ?? "",
      })),
    };
  `);
}

/** Waits for the log to show a view that passes `check` and is no longer loading. */
function logWhere(what, check, timeout = 10_000) {
  return waitFor(
    what,
    async (seen) => {
      const state = await logState();
      seen({ ...state, rows: state.rows.slice(0, 3).map((r) => `${r.id}: ${r.description}`).concat(`… ${state.rows.length} rows`) });
      return state.busy === "false" && check(state) ? state : false;
    },
    timeout,
  );
}

/** True when `values` is sorted, case-insensitively (as the Playwright journeys check it). */
function isSorted(values, dir) {
  const norm = values.map((v) => v.toLowerCase());
  for (let i = 1; i < norm.length; i++) {
    const cmp = norm[i - 1] < norm[i] ? -1 : norm[i - 1] > norm[i] ? 1 : 0;
    if (dir === "asc" ? cmp > 0 : cmp < 0) return false;
  }
  return true;
}

function sortLink(column) {
  return driver.findElement(
    By.xpath(`//table[contains(@class,'log-table')]//thead//th/a[contains(@class,'sort-link')][starts-with(normalize-space(.), '${column}')]`),
  );
}

// ------------------------------------------------------- failure evidence --

/** Runs a journey; if it fails, keeps a screenshot and the page's HTML. */
function journey(name, body, timeout = 60_000) {
  it(name, { timeout }, async () => {
    pageProblems.length = 0;
    try {
      await body();
      // Let a last answer's console output arrive before judging it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(pageProblems, [], `the page reported console errors or warnings in Firefox:\n${pageProblems.join("\n")}`);
    } catch (e) {
      const file = path.join(ARTIFACTS, name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
      try {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        fs.writeFileSync(`${file}.png`, await driver.takeScreenshot(), "base64");
        fs.writeFileSync(`${file}.html`, await driver.getPageSource());
        e.message += `\n(screenshot and HTML of the page: ${file}.png / .html; console: ${JSON.stringify(pageProblems)})`;
      } catch {}
      throw e;
    }
  });
}

// ------------------------------------------------------------- the suite --

describe("Interlog in Firefox (geckodriver)", { timeout: 240_000 }, () => {
  before(async () => {
    for (const [what, file] of [
      ["Firefox", FIREFOX],
      ["geckodriver", GECKODRIVER],
    ]) {
      assert.ok(fs.existsSync(file), `${what} is missing at ${file}: scripts/setup.sh's ensure_firefox installs it`);
    }
    const health = await fetch(`${BASE}/healthz`).catch((e) => e);
    assert.ok(health instanceof Response && health.ok, `no Interlog server answers at ${BASE}/healthz (${health})`);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const driverLog = fs.openSync(path.join(ARTIFACTS, "geckodriver.log"), "w");
    const service = new firefox.ServiceBuilder(GECKODRIVER).addArguments("--log", "warn").setStdio(["ignore", driverLog, driverLog]);
    // geckodriver makes a fresh temporary profile for the session and
    // deletes it afterwards: no state carries over between runs.
    const options = new firefox.Options()
      .setBinary(FIREFOX)
      .addArguments("-headless")
      .setPreference("signon.rememberSignons", false)
      .setPreference("browser.shell.checkDefaultBrowser", false)
      .setPreference("app.update.auto", false)
      .setPreference("app.update.enabled", false)
      .setPreference("datareporting.policy.dataSubmissionEnabled", false)
      .setPreference("toolkit.telemetry.enabled", false)
      .enableBidi();
    driver = await new Builder().forBrowser("firefox").setFirefoxOptions(options).setFirefoxService(service).build();
    await driver.manage().setTimeouts({ implicit: 0, pageLoad: 30_000, script: 10_000 });
    // Tall enough for the whole list of interaction types, for the drag.
    await driver.manage().window().setRect({ width: 1280, height: 1000 });
    const inspector = await LogInspector(driver);
    await inspector.onLog((entry) => {
      if (entry.type === "javascript" || entry.level === "error" || entry.level === "warn") {
        pageProblems.push(`${entry.type} ${entry.level}: ${entry.text}`);
      }
    });
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  journey("1. sign in through the /login form and land on the log", async () => {
    await driver.get(`${BASE}/log`);
    // Signed out, the log sends the browser to the sign-in form, and back after.
    await waitFor("the sign-in form (/login?next=%2Flog)", async () => (await currentPath()) === "/login?next=%2Flog");
    await hydrated();
    await signIn();
    await waitFor("to land on /log after signing in", async () => (await currentPath()) === "/log", 15_000);
    await hydrated();
    await waitFor(`the header to name who is signed in (${ADMIN_NAME})`, async (seen) =>
      seen(await inPage(`return document.querySelector(".whoami")?.innerText ?? null`))?.includes(ADMIN_NAME),
    );
    const log = await logWhere("the log's first page", (s) => s.rows.length === 50);
    assert.ok(log.total > 4000, `the log's total reads "${log.totalText}"`);
    assert.equal(log.sort["Timestamp"], "descending", "newest first by default");
  });

  journey("2. sort the log by a column header, then reverse it", async () => {
    await open("/log");
    const newestFirst = await logWhere("the log's first page", (s) => s.rows.length === 50);
    assert.equal(newestFirst.sort["Description"], "none");
    // Survives only if the page is updated in place rather than reloaded.
    await inPage("window.__stillHere = true");

    await sortLink("Description").click();
    const ascending = await logWhere(
      "the log sorted by description, A to Z (?sort=description)",
      (s) => /[?&]sort=description(&|$)/.test(s.url) && !/dir=desc/.test(s.url) && s.sort["Description"] === "ascending",
    );
    const ascDescriptions = ascending.rows.map((r) => r.description);
    assert.equal(ascDescriptions.length, 50);
    assert.ok(isSorted(ascDescriptions, "asc"), `descriptions not A to Z: ${JSON.stringify(ascDescriptions.slice(0, 8))}…`);
    assert.notDeepEqual(ascending.rows.map((r) => r.id), newestFirst.rows.map((r) => r.id), "the rows' order changed");
    assert.equal(ascending.sort["Timestamp"], "none");

    await sortLink("Description").click();
    const descending = await logWhere(
      "the log sorted by description, Z to A (?sort=description&dir=desc)",
      (s) => /sort=description&dir=desc/.test(s.url) && s.sort["Description"] === "descending",
    );
    const descDescriptions = descending.rows.map((r) => r.description);
    assert.ok(isSorted(descDescriptions, "desc"), `descriptions not Z to A: ${JSON.stringify(descDescriptions.slice(0, 8))}…`);
    assert.notEqual(descDescriptions[0].toLowerCase(), ascDescriptions[0].toLowerCase());
    assert.equal(descending.total, newestFirst.total, "sorting keeps every row");

    assert.equal(await inPage("return window.__stillHere === true"), true, "the page was reloaded instead of updated in place");
  });

  journey("3. search as you type: the total and rows follow each keystroke", async () => {
    await open("/log");
    const everything = (await logWhere("the whole log", (s) => s.rows.length === 50)).total;
    await inPage("window.__stillHere = true");
    const search = await driver.findElement(By.css("input[type='search']#log-search"));
    await search.click();

    await search.sendKeys("ca");
    const afterTwo = await logWhere("the log to narrow to “ca” (?q=ca)", (s) => /[?&]q=ca$/.test(s.url) && s.total >= 0 && s.total < everything);
    await search.sendKeys("ll");
    const afterFour = await logWhere("the log to narrow to “call” (?q=call)", (s) => /[?&]q=call$/.test(s.url) && s.total >= 0 && s.total < afterTwo.total);
    await search.sendKeys(" rent");
    const done = await logWhere(
      "the log to narrow to “call rent” (?q=call%20rent)",
      (s) => /[?&]q=call%20rent$/.test(s.url) && s.summary.includes("matching “call rent”") && s.total >= 0 && s.total < afterFour.total,
    );
    assert.ok(done.rows.length > 0, "some interactions match “call rent”");
    assert.equal(done.rows.length, Math.min(done.total, 50), `the rows shown agree with the total (${done.totalText})`);
    for (const row of done.rows) {
      // The words are in the description, the tags or (shown under it) the note.
      const text = `${row.description} ${row.tags.join(" ")} ${row.snippet}`.toLowerCase();
      assert.match(text, /\bcall/, `row ${row.id} does not match “call”: ${text}`);
      assert.match(text, /\brent/, `row ${row.id} does not match “rent”: ${text}`);
    }
    assert.equal(await inPage("return document.activeElement && document.activeElement.id"), "log-search", "the search box keeps focus");
    assert.equal(await inPage("return window.__stillHere === true"), true, "the search reloaded the page (a submit?)");
  });

  journey("4. rename a description in place: pencil, type, Enter; kept after a reload", async () => {
    await open("/log");
    const log = await logWhere("the log's first page", (s) => s.rows.length === 50);
    const { id, description: original } = log.rows[3];
    const renamed = `Called about the housing benefit appeal (ren${STAMP})`;
    // The pencil is drawn once the page has hydrated, and shows when the
    // row is hovered, as a mouse user finds it.
    const pencil = await waitFor("the row's rename pencil", async () => {
      const found = await driver.findElements(By.css(`table.log-table tbody tr[data-id='${id}'] button[aria-label='Rename description']`));
      return found[0] ?? false;
    });
    await driver.actions().move({ origin: await driver.findElement(By.css(`table.log-table tbody tr[data-id='${id}']`)) }).perform();
    await pencil.click();

    const field = await waitFor("the description field to open with the old text, focused", async () => {
      const f = await driver.findElement(By.css(`tr[data-id='${id}'] input.rename-input`));
      const focused = await inPage("return document.activeElement === arguments[0]", f);
      return focused && (await f.getAttribute("value")) === original ? f : false;
    });
    await waitFor("the old text to be selected, ready to type over", async () =>
      inPage(`return arguments[0].selectionStart === 0 && arguments[0].selectionEnd === ${original.length}`, field),
    2_000);
    // Select the old text and type over it. (geckodriver leaves Control held
    // after Key.chord in an element's send keys, so this goes through Actions.)
    await driver.actions().keyDown(Key.CONTROL).sendKeys("a").keyUp(Key.CONTROL).perform();
    await field.sendKeys(renamed);
    await waitFor("the field to hold the new text", async () => (await field.getAttribute("value")) === renamed);
    await driver.actions().sendKeys(Key.ENTER).perform();

    const saved = await logWhere(
      "the row to show the new description, marked Renamed",
      (s) => s.rows.some((r) => r.id === id && r.description === renamed && r.renamed),
    );
    assert.equal(await driver.findElements(By.css(`tr[data-id='${id}'] input.rename-input`)).then((f) => f.length), 0, "the field closed");
    assert.equal(
      await inPage(`return document.activeElement === document.querySelector("tr[data-id='${id}'] button[aria-label='Rename description']")`),
      true,
      "focus goes back to the pencil",
    );

    await reload();
    const after = await logWhere("the log after a reload", (s) => s.rows.length === 50);
    const again = after.rows.find((r) => r.id === id);
    assert.ok(again, `row ${id} is still on the first page after the reload`);
    assert.equal(again.description, renamed, "the rename was saved");
    assert.equal(again.renamed, true, "the row is marked Renamed after the reload");
    assert.equal(after.rows.map((r) => r.id).join(), saved.rows.map((r) => r.id).join(), "the reload shows the same rows");
  });

  journey("5. record an interaction through the form and find it in the log", async () => {
    await open("/interactions/new?person=4");
    const person = await driver.findElement(By.css("[data-testid='record-person']")).getText();
    assert.ok(person.length > 0, "the form names the person");
    const word = `rec${STAMP}`;
    const description = `Rang about the rent arrears (${word})`;

    const phoneCall = await driver.findElement(By.xpath("//label[contains(@class,'type-choice')][normalize-space(.)='Phone call']"));
    await phoneCall.click();
    assert.equal(await phoneCall.findElement(By.css("input[type='radio']")).isSelected(), true, "the Phone call type is chosen");
    await driver.findElement(By.id("record-description")).sendKeys(description);
    await driver.findElement(By.id("record-note")).sendKeys("Agreed a payment plan of £20 a week.");
    await driver.findElement(By.xpath("//form//button[@type='submit'][normalize-space(.)='Save interaction']")).click();

    const recorded = await waitFor(
      "the person's profile after saving (/people/4?recorded=ID)",
      async () => (await currentPath()).match(/^\/people\/4\?recorded=(\d+)$/)?.[1],
      15_000,
    );
    await waitFor("“Interaction recorded.” on the profile", () =>
      inPage(`return [...document.querySelectorAll("[role='status']")].some((el) => el.innerText.includes("Interaction recorded."))`),
    );
    await logWhere("the new interaction at the top of the profile's log", (s) => s.rows[0]?.id === recorded);

    await open("/log");
    const log = await logWhere(`interaction ${recorded} at the top of the log`, (s) => s.rows[0]?.id === recorded);
    const top = log.rows[0];
    assert.equal(top.description, description);
    assert.equal(top.person, person);
    assert.equal(top.staff, ADMIN_NAME);

    // And the search finds it by its own words.
    const search = await driver.findElement(By.id("log-search"));
    await search.click();
    await search.sendKeys(word);
    const found = await logWhere(`the search for “${word}” to find it, alone`, (s) => s.url.endsWith(`q=${word}`) && s.total === 1);
    assert.equal(found.rows[0].id, recorded);
  });

  /** The live interaction types, top to bottom. */
  function typeOrder() {
    return inPage(`return [...document.querySelectorAll("ol.type-list > li .type-name-cell")]
      .map((c) => (c.querySelector(".type-name")?.textContent ?? "").trim())`);
  }
  function saveStatus() {
    return inPage(`const s = document.querySelector(".types-card .card-header .save-status"); return s ? s.innerText.trim() : null`);
  }
  async function openTypes() {
    await open(TYPES_PAGE);
    return waitFor("the list of interaction types", async () => {
      const names = await typeOrder();
      return names.length > 3 && names.every((n) => n) ? names : false;
    });
  }

  journey("6a. drag an interaction type from first to last with the pointer; kept after a reload", async () => {
    const before = await openTypes();
    const first = before[0];
    const expected = [...before.slice(1), first];
    // Where the handle and the last row are on screen, the list in view.
    const { from, to, height } = await inPage(`
      document.querySelector("ol.type-list").scrollIntoView({ block: "center" });
      const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
      return {
        from: box(document.querySelector(${JSON.stringify(`ol.type-list > li button[aria-label='Reorder ${first}']`)})),
        to: box(document.querySelector("ol.type-list > li:last-of-type")),
        height: window.innerHeight,
      };
    `);
    const x = Math.round(from.x + from.width / 2);
    const startY = Math.round(from.y + from.height / 2);
    const endY = Math.round(to.y + to.height) - 1;
    assert.ok(endY < height, `the list does not fit the window (${endY} ≥ ${height})`);

    // Pointer down on the handle, then move down in steps: the row follows
    // the pointer and a line shows where it will land.
    let drag = driver.actions().move({ origin: Origin.VIEWPORT, x, y: startY }).press();
    for (let step = 1; step <= 10; step++) {
      drag = drag.move({ origin: Origin.VIEWPORT, x, y: Math.round(startY + ((endY - startY) * step) / 10), duration: 30 });
    }
    await drag.perform();
    await waitFor("the dragged row to follow the pointer, with a drop line after the last row", () =>
      inPage(`return document.querySelectorAll("ol.type-list > li.dragged").length === 1
        && document.querySelectorAll("ol.type-list > li.drop-after").length === 1
        && document.querySelector("ol.type-list > li:last-of-type").classList.contains("drop-after")`),
    );
    await driver.actions().release().perform();

    await waitFor(`the order ${JSON.stringify(expected)}`, async () => JSON.stringify(await typeOrder()) === JSON.stringify(expected));
    await waitFor(`“Saved: “${first}” is now number ${before.length}”`, async () =>
      (await saveStatus()) === `Saved: “${first}” is now number ${before.length}`,
    );
    await reload();
    const after = await waitFor("the types after a reload", async () => ((await typeOrder()).length ? typeOrder() : false));
    assert.deepEqual(after, expected, "the new order was saved");
  });

  journey("6b. move an interaction type with the keyboard: Space, arrows, Space; kept after a reload", async () => {
    const before = await openTypes();
    const moving = before[0];
    const expected = [before[1], before[2], moving, ...before.slice(3)];
    const live = () => inPage(`return document.querySelector("[aria-live='assertive']").innerText.trim()`);
    const handleSelector = `ol.type-list > li button[aria-label='Reorder ${moving}']`;

    await driver.executeScript("arguments[0].focus()", await driver.findElement(By.css(handleSelector)));
    await driver.actions().sendKeys(Key.SPACE).perform();
    await waitFor(`“${moving}” to be picked up`, async () =>
      (await driver.findElement(By.css(handleSelector)).getAttribute("aria-pressed")) === "true" &&
      (await live()).includes(`${moving}, position 1 of ${before.length} picked up`),
    );
    await driver.actions().sendKeys(Key.ARROW_DOWN).perform();
    await driver.actions().sendKeys(Key.ARROW_DOWN).perform();
    await waitFor(`“${moving}, position 3 of ${before.length}” to be read out`, async () =>
      (await live()) === `${moving}, position 3 of ${before.length}`,
    );
    assert.equal(await saveStatus(), null, "nothing is saved until the type is dropped");
    await driver.actions().sendKeys(Key.SPACE).perform();
    await waitFor(`“Saved: “${moving}” is now number 3”`, async () => (await saveStatus()) === `Saved: “${moving}” is now number 3`);
    assert.deepEqual(await typeOrder(), expected);
    assert.equal(
      await inPage(`return document.activeElement === document.querySelector(${JSON.stringify(handleSelector)})`),
      true,
      "focus stays on the handle",
    );

    await reload();
    const after = await waitFor("the types after a reload", async () => ((await typeOrder()).length ? typeOrder() : false));
    assert.deepEqual(after, expected, "the new order was saved");
  });
});
