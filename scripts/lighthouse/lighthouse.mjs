// Lighthouse mobile performance figures for a running Interlog server.
//   node lighthouse.mjs http://127.0.0.1:PORT [--runs 3] [--out DIR] [--pages /log,/login,/people/1]
//                       [--diagnose /log,…]
// Signs in as the demo admin (POST /login) for every page but /login, runs
// Lighthouse's performance category with its defaults (mobile form factor,
// simulated slow 4G and 4x CPU) on Debian's Chromium, and prints the median of
// each figure over the runs. For /log (or --diagnose) it also prints what holds the page back:
// the LCP element and its phases, render-blocking files, the largest
// opportunities and where the main thread goes. The median run's full report
// of each page is kept as JSON in --out (default target/lighthouse).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const DEMO_EMAIL = 'alex.morgan@example.org';
const DEMO_PASSWORD = 'interlog-demo';
const PUBLIC_PAGES = new Set(['/login']);

function parseArgs(argv) {
  const args = {base: null, runs: 3, out: path.resolve(HERE, '../../target/lighthouse'),
    pages: ['/log', '/login', '/people/1'], diagnose: ['/log']};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--out') args.out = path.resolve(argv[++i]);
    else if (a === '--pages') args.pages = argv[++i].split(',');
    else if (a === '--diagnose') args.diagnose = argv[++i].split(',');
    else if (!args.base && /^https?:\/\//.test(a)) args.base = a.replace(/\/$/, '');
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.base || !(args.runs >= 1)) {
    throw new Error('usage: node lighthouse.mjs http://127.0.0.1:PORT [--runs N] [--out DIR] [--pages /a,/b] [--diagnose /a]');
  }
  return args;
}

/** One HTTP request with node:http (fetch would refuse to send `Origin`). */
function request(url, {method = 'GET', headers = {}, body} = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {method, headers}, res => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.setTimeout(15000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    if (body) req.write(body);
    req.end();
  });
}

/** Signs in as the demo admin; returns `interlog_session=…`. */
async function signIn(base) {
  const body = new URLSearchParams({email: DEMO_EMAIL, password: DEMO_PASSWORD, next: '/log'}).toString();
  const res = await request(`${base}/login`, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': Buffer.byteLength(body),
      // The server refuses a POST whose Origin is not its own.
      'Origin': base,
    },
  });
  const cookie = [res.headers['set-cookie'] ?? []].flat()
    .map(c => c.split(';')[0])
    .find(c => /^(__Host-)?interlog_session=./.test(c));
  if (!cookie) {
    throw new Error(`sign-in as ${DEMO_EMAIL} failed: ${res.statusCode} ${res.headers.location ?? ''}`);
  }
  // The cookie must open a staff page rather than send it back to /login.
  const check = await request(`${base}/log`, {headers: {Cookie: cookie}});
  if (check.statusCode !== 200) {
    throw new Error(`signed in, but GET /log answered ${check.statusCode} ${check.headers.location ?? ''}`);
  }
  return cookie;
}

const median = values => {
  const sorted = values.filter(v => typeof v === 'number').sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const METRICS = [
  ['FCP', 'first-contentful-paint', 'ms'],
  ['LCP', 'largest-contentful-paint', 'ms'],
  ['TBT', 'total-blocking-time', 'ms'],
  ['CLS', 'cumulative-layout-shift', 'cls'],
  ['SI', 'speed-index', 'ms'],
];

const fmtMs = ms => (!Number.isFinite(ms) ? '-' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const fmt = (v, unit) => (unit === 'cls' ? (Number.isFinite(v) ? v.toFixed(3) : '-') : fmtMs(v));
const kb = bytes => `${(bytes / 1024).toFixed(1)} KB`;
const short = url => {
  try {
    const u = new URL(url);
    return (u.pathname + u.search).replace(/^(.{70}).+$/, '$1…');
  } catch {
    return String(url);
  }
};

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map(r => String(r[c]).length)));
  return rows.map(r => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c])))
    .join('  ').trimEnd()).join('\n');
}

async function runPage(port, base, page, cookie, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const flags = {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      ...(cookie ? {extraHeaders: {Cookie: cookie}} : {}),
    };
    // Now and then a trace comes back unusable (NO_NAVSTART, NO_FCP): run again.
    let lhr;
    for (let attempt = 1; ; attempt++) {
      lhr = (await lighthouse(`${base}${page}`, flags))?.lhr;
      if (!lhr) throw new Error(`Lighthouse returned nothing for ${page}`);
      if (!lhr.runtimeError) break;
      if (attempt === 3) throw new Error(`${page}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      process.stderr.write(`  ${page} run ${i + 1}/${runs}: ${lhr.runtimeError.code}, again\n`);
    }
    const finalUrl = new URL(lhr.finalDisplayedUrl);
    if (finalUrl.pathname !== page) {
      throw new Error(`${page} ended at ${finalUrl.pathname}${finalUrl.search}: not signed in?`);
    }
    // A page that could not load its own files (say, a build replacing
    // target/site under the server) would score as if it had none to load.
    const failed = (lhr.audits['network-requests']?.details?.items ?? [])
      .filter(r => r.url.startsWith(base) && (r.statusCode < 200 || r.statusCode >= 400));
    if (failed.length) {
      throw new Error(`${page}: ${failed.map(r => `${new URL(r.url).pathname} answered ${r.statusCode}`).join(', ')}`
        + ' (is a build replacing target/site?)');
    }
    results.push(lhr);
    process.stderr.write(`  ${page} run ${i + 1}/${runs}: ${Math.round(lhr.categories.performance.score * 100)}\n`);
  }
  return results;
}

/** The run whose score is the median (ties broken by LCP): its report is kept and diagnosed. */
function medianRun(lhrs) {
  const sorted = [...lhrs].sort((a, b) => (a.categories.performance.score - b.categories.performance.score)
    || (b.audits['largest-contentful-paint'].numericValue - a.audits['largest-contentful-paint'].numericValue));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function diagnose(lhr) {
  const a = lhr.audits;
  const out = [];
  const say = line => out.push(`  ${line}`);

  const lcp = a['largest-contentful-paint-element'];
  const [elementTable, phaseTable] = lcp?.details?.items ?? [];
  const node = elementTable?.items?.[0]?.node;
  if (node) {
    say(`LCP element: ${node.snippet}`);
    say(`  selector ${node.selector}${node.nodeLabel ? ` — "${node.nodeLabel.slice(0, 60)}"` : ''}`);
  }
  if (phaseTable?.items) {
    say(`LCP ${fmtMs(a['largest-contentful-paint'].numericValue)} = `
      + phaseTable.items.map(p => `${p.phase} ${fmtMs(p.timing)} (${p.percent})`).join(', '));
  }

  // Simulated LCP (Lantern) counts every request but low-priority images that
  // finished before the unthrottled page painted its LCP: a large file that
  // happened to finish first is charged in full at slow-4G speed.
  const observed = a.metrics?.details?.items?.[0] ?? {};
  const network = a['network-requests']?.details;
  if (observed.observedLargestContentfulPaintTs && network?.debugData?.networkStartTimeTs) {
    const lcpAt = (observed.observedLargestContentfulPaintTs - network.debugData.networkStartTimeTs) / 1000;
    const counted = (network.items ?? []).filter(r => r.networkEndTime <= lcpAt
      && !(r.resourceType === 'Image' && /^(Very)?Low$/.test(r.priority)));
    say(`Unthrottled LCP painted at ${fmtMs(lcpAt)}; simulated LCP counts the requests finished by then: `
      + counted.map(r => `${short(r.url).replace(/^\/pkg\//, '')} ${kb(r.transferSize ?? 0)}`).join(', '));
  }

  const blocking = a['render-blocking-resources'];
  const blockingItems = blocking?.details?.items ?? [];
  say(`Render-blocking: ${blockingItems.length ? `est. ${fmtMs(blocking.details.overallSavingsMs ?? 0)} to save` : 'none'}`);
  for (const item of blockingItems) say(`  ${short(item.url)}  ${kb(item.totalBytes ?? 0)}  ${fmtMs(item.wastedMs)}`);

  // Audits that estimate what fixing them would save, largest first.
  const savings = Object.values(a)
    .map(audit => {
      const ms = Math.max(audit.details?.overallSavingsMs ?? 0,
        audit.metricSavings?.LCP ?? 0, audit.metricSavings?.FCP ?? 0, audit.metricSavings?.TBT ?? 0);
      const bytes = audit.details?.overallSavingsBytes ?? 0;
      return {audit, ms, bytes};
    })
    .filter(({audit, ms, bytes}) => (ms > 0 || bytes > 0) && audit.score !== null && audit.score < 1
      && audit.id !== 'largest-contentful-paint-element' && !audit.id.endsWith('-insight')
      && !['largest-contentful-paint', 'first-contentful-paint', 'total-blocking-time', 'speed-index',
        'cumulative-layout-shift', 'interactive', 'max-potential-fid'].includes(audit.id))
    .sort((x, y) => (y.ms - x.ms) || (y.bytes - x.bytes))
    .slice(0, 6);
  say(`Opportunities: ${savings.length ? '' : 'none'}`);
  for (const {audit, ms, bytes} of savings) {
    const metricSavings = Object.entries(audit.metricSavings ?? {}).filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${k === 'CLS' ? v.toFixed(3) : fmtMs(v)}`).join(', ');
    say(`  ${audit.id}: ${audit.displayValue ?? ''}${bytes ? ` (${kb(bytes)})` : ''}`
      + `${metricSavings ? ` [saves ${metricSavings}]` : ms ? ` [~${fmtMs(ms)}]` : ''}`);
    for (const item of (audit.details?.items ?? []).slice(0, 3)) {
      if (item.url) {
        say(`    ${short(item.url)}${item.wastedBytes ? `  ${kb(item.wastedBytes)} unused of ${kb(item.totalBytes ?? 0)}` : ''}`
          + `${item.wastedMs ? `  ${fmtMs(item.wastedMs)}` : ''}`);
      }
    }
  }

  const main = a['mainthread-work-breakdown'];
  if (main?.details?.items?.length) {
    say(`Main thread ${fmtMs(main.numericValue)}: `
      + main.details.items.slice(0, 5).map(i => `${i.groupLabel ?? i.group} ${fmtMs(i.duration)}`).join(', '));
  }
  const boot = a['bootup-time'];
  if (boot?.details?.items?.length) {
    say('Script CPU (total / evaluation / parse+compile):');
    for (const i of boot.details.items.slice(0, 4)) {
      say(`  ${short(i.url)}  ${fmtMs(i.total)} / ${fmtMs(i.scripting)} / ${fmtMs(i.scriptParseCompile)}`);
    }
  }
  const longTasks = a['long-tasks']?.details?.items ?? [];
  if (longTasks.length) {
    say(`Long tasks: ${longTasks.slice(0, 5).map(t => `${short(t.url)} ${fmtMs(t.duration)} at ${fmtMs(t.startTime)}`).join('; ')}`);
  }
  const requests = a['network-requests']?.details?.items ?? [];
  if (requests.length) {
    say(`Requests (${requests.length}, ${kb(a['total-byte-weight']?.numericValue ?? 0)} transferred), largest first:`);
    const rows = [...requests].sort((x, y) => (y.transferSize ?? 0) - (x.transferSize ?? 0)).slice(0, 8)
      .map(r => [`    ${short(r.url)}`, r.resourceType ?? '', r.priority ?? '', kb(r.transferSize ?? 0),
        `${fmtMs(r.networkRequestTime)}→${fmtMs(r.networkEndTime)}`]);
    out.push(table(rows));
  }
  const chains = a['critical-request-chains'];
  const longest = chains?.details?.longestChain;
  if (longest) {
    say(`Longest critical chain: ${longest.length} requests, ${fmtMs(longest.duration)}, ${kb(longest.transferSize)} (unthrottled)`);
  }
  const lcpDiscovery = a['lcp-discovery-insight'];
  if (lcpDiscovery && lcpDiscovery.score !== null && lcpDiscovery.score < 1 && lcpDiscovery.scoreDisplayMode !== 'notApplicable') {
    say(`LCP discovery insight: ${lcpDiscovery.title}`);
  }
  const warnings = lhr.runWarnings ?? [];
  for (const w of warnings) say(`warning: ${w}`);
  return out.join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CHROME)) throw new Error(`no browser at ${CHROME} (apt-get install chromium)`);
  const cookie = args.pages.some(p => !PUBLIC_PAGES.has(p)) ? await signIn(args.base) : null;
  fs.mkdirSync(args.out, {recursive: true});

  const chrome = await chromeLauncher.launch({
    chromePath: CHROME,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage'],
    logLevel: 'error',
  });
  const byPage = new Map();
  try {
    for (const page of args.pages) {
      byPage.set(page, await runPage(chrome.port, args.base, page, PUBLIC_PAGES.has(page) ? null : cookie, args.runs));
    }
  } finally {
    await chrome.kill();
  }

  const first = byPage.values().next().value[0];
  const env = first.environment ?? {};
  const settings = first.configSettings;
  console.log(`Lighthouse ${first.lighthouseVersion}, ${settings.formFactor}, ${settings.throttlingMethod} throttling `
    + `(RTT ${settings.throttling.rttMs} ms, ${Math.round(settings.throttling.throughputKbps)} Kbps, `
    + `CPU x${settings.throttling.cpuSlowdownMultiplier}), median of ${args.runs} run(s)`);
  console.log(`${(env.hostUserAgent ?? '').match(/Chrome\/[\d.]+/)?.[0] ?? 'Chrome'}, benchmarkIndex `
    + `${Math.round(median([...byPage.values()].flat().map(l => l.environment?.benchmarkIndex)))}`
    + ' (this machine\'s CPU speed; TBT scales with it)');

  const rows = [['page', 'score', 'runs', ...METRICS.map(([label]) => label)]];
  for (const [page, lhrs] of byPage) {
    const scores = lhrs.map(l => Math.round(l.categories.performance.score * 100));
    rows.push([page, median(scores), scores.join(' '),
      ...METRICS.map(([, id, unit]) => fmt(median(lhrs.map(l => l.audits[id].numericValue)), unit))]);
    const keep = medianRun(lhrs);
    const slug = page.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-') || 'root';
    fs.writeFileSync(path.join(args.out, `${slug}.json`), JSON.stringify(keep));
  }
  console.log(table(rows));
  for (const page of args.diagnose.filter(p => byPage.has(p))) {
    const keep = medianRun(byPage.get(page));
    console.log(`\n${page}, median run (score ${Math.round(keep.categories.performance.score * 100)}):`);
    console.log(diagnose(keep));
  }
  console.log(`\nFull reports of the median runs: ${path.relative(process.cwd(), args.out) || '.'}/*.json`
    + ' (open in https://googlechrome.github.io/lighthouse/viewer/)');
}

main().catch(err => {
  console.error(`lighthouse: ${err.message ?? err}`);
  process.exit(1);
});
