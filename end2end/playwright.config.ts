import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.INTERLOG_E2E_PORT ?? 3107);
/** A second server whose sessions end after 3 idle seconds. */
export const SHORT_IDLE_PORT = PORT + 1;
/** A third server for the interaction types journeys: they rename, move and
 * delete types, which the other journeys rely on. */
export const TYPES_PORT = PORT + 2;
/** A fourth server for recording journeys: they add people, interactions
 * and API tokens, which would change the totals other journeys count. */
export const RECORD_PORT = PORT + 3;
/** A fifth server for follow-up action journeys: completing an action
 * records an interaction, which would change what the recording journeys
 * find at the top of the log. */
export const ACTIONS_PORT = PORT + 4;
/** A sixth server that counts exactly only up to 100, so a month of the
 * demo data is more than a page counts. */
export const COUNT_PORT = PORT + 5;
/** The demo admin's signed-in browser state, saved by auth.setup.ts. */
export const ADMIN_STATE = "../target/e2e-admin-state.json";

export default defineConfig({
  testDir: "./tests",
  // The journeys share one database; running them one at a time keeps each
  // journey's view of it predictable.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "off",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // Signs in once through the real form; the journeys start signed in as
    // the demo admin unless they say otherwise.
    { name: "sign-in", testMatch: /auth\.setup\.ts/, use: { browserName: "chromium" } },
    {
      name: "chromium",
      dependencies: ["sign-in"],
      use: { browserName: "chromium", storageState: ADMIN_STATE },
    },
  ],
  webServer: [
    {
      command: `bash ./start-server.sh ${PORT} main`,
      url: `http://127.0.0.1:${PORT}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `bash ./start-server.sh ${SHORT_IDLE_PORT} short-idle --session-idle-seconds 3`,
      url: `http://127.0.0.1:${SHORT_IDLE_PORT}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `bash ./start-server.sh ${TYPES_PORT} types`,
      url: `http://127.0.0.1:${TYPES_PORT}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `bash ./start-server.sh ${RECORD_PORT} record`,
      url: `http://127.0.0.1:${RECORD_PORT}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `bash ./start-server.sh ${ACTIONS_PORT} actions`,
      url: `http://127.0.0.1:${ACTIONS_PORT}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `bash ./start-server.sh ${COUNT_PORT} count --count-limit 100`,
      url: `http://127.0.0.1:${COUNT_PORT}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
