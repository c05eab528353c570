import { test, expect, openHydrated } from "./fixtures";

/** A page's HTML with its response's CSP nonce taken out. */
function withoutNonce(html: string): string {
  const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
  expect(nonce, "every page carries a nonce").toBeTruthy();
  return html.split(nonce!).join("NONCE");
}

test.describe("server rendering", () => {
  test("the same request renders the same page, apart from its nonce", async ({ page }) => {
    for (const path of [
      "/",
      "/log",
      "/people",
      // A profile awaits its person, then draws its notes and its log.
      "/people/1",
      "/people/3?q=housing",
      "/interactions/1",
      "/actions",
      "/settings/interaction-types",
      "/log?q=housing&sort=person",
    ]) {
      const pages: string[] = [];
      // Several times: the answer must not depend on which server thread
      // finishes rendering it.
      for (let i = 0; i < 6; i++) {
        const response = await page.request.get(path);
        expect(response.status(), path).toBe(200);
        pages.push(withoutNonce(await response.text()));
      }
      for (const other of pages.slice(1)) {
        expect(other.length, `${path}: the same length every time`).toBe(pages[0].length);
        expect(other === pages[0], `${path}: the same bytes every time`).toBe(true);
      }
    }
    // And the lazily loaded pages still hydrate, fetching their own code.
    await openHydrated(page, "/people");
    await openHydrated(page, "/people/1");
    await openHydrated(page, "/interactions/1");
  });
});
