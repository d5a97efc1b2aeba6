#!/usr/bin/env node
// The app on a week, as a person sees it: `crowdheat serve` on a data folder that holds the
// analysed week, driven in Debian's Chromium by playwright-core. Each action is timed from the
// input event to the last canvas paint it causes ("in page", what the user waits for), beside
// the request's own time and the server's CPU. Targets (issue 11): open ≤ 2 s, seek ≤ 100 ms,
// re-count of the current view ≤ 1 s.
//
//   npm run build
//   node bench/app-week.mjs --keep /tmp/week      # analyses the week into /tmp/week/app (once)
//   node bench/app-week-browser.mjs --data-dir /tmp/week/app [--size 1400x900] [--only-right-after-open N]
//
// Two passes: "browse" (open, seeks, whole period, by hour, a bucket, a custom range, grid and
// counting changes, a server restart), then "right after open" (a fresh server, the analysis
// opened and a period view asked as soon as its frame shows, before its detections are in memory).
// `--only-right-after-open N` skips the first pass and runs the second N times. The period views its
// re-counts keep in the data folder are removed at the end, so every run times the re-counts afresh.
/* global window, performance, CanvasRenderingContext2D -- INSTRUMENT and the page.evaluate callbacks run in the page */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { descendantsOf, processTable } from './proc.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, size: { type: 'string' }, 'only-right-after-open': { type: 'string' } } });
if (values['data-dir'] === undefined || !existsSync(values['data-dir'])) {
  console.error('app-week-browser: --data-dir DIR is required: a serve data folder holding the analysed week (node bench/app-week.mjs --keep DIR, then DIR/app)');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.log(`app-week-browser: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);
  process.exit(0);
}
const DATA = resolve(values['data-dir']);
const [WIDTH, HEIGHT] = (values.size ?? '1400x900').split('x').map(Number);
const PATIENCE_MS = 120_000;
const RIGHT_AFTER_OPEN_ONLY = values['only-right-after-open'] === undefined ? null : Number(values['only-right-after-open']);
if (RIGHT_AFTER_OPEN_ONLY !== null && !(Number.isInteger(RIGHT_AFTER_OPEN_ONLY) && RIGHT_AFTER_OPEN_ONLY > 0)) {
  console.error('app-week-browser: --only-right-after-open takes a number of rounds (1 or more)');
  process.exit(2);
}

/** CPU seconds (user + sys) of `pid` and its live descendants, from /proc. */
function cpuTree(pid) {
  const table = processTable();
  return [...table.filter((entry) => entry.pid === pid), ...descendantsOf(table, pid)].reduce((total, entry) => total + entry.cpu, 0);
}

async function startServe() {
  const child = spawn(process.execPath, [join(REPO, 'bin/crowdheat'), 'serve', '--port', '0', '--data-dir', DATA], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolveUrl, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolveUrl(line.trim()));
    child.once('exit', (code) => reject(new Error(`crowdheat serve exited with ${code}`)));
  });
  return { child, url };
}

async function stopServe(serve) {
  serve.child.kill('SIGTERM');
  if (serve.child.exitCode === null) await new Promise((done) => serve.child.once('exit', done));
}

/** Records input events, requests and canvas paints in the page (performance.now() times). */
const INSTRUMENT = () => {
  window.__events = [];
  window.__paints = [];
  window.__requests = [];
  for (const type of ['pointerdown', 'keydown', 'input', 'change']) {
    window.addEventListener(type, (event) => event.isTrusted && window.__events.push(performance.now()), true);
  }
  const fetchBefore = window.fetch;
  window.fetch = async function (...args) {
    const record = { name: String(args[0]).split('/api/')[1] ?? '', start: performance.now(), end: 0 };
    window.__requests.push(record);
    const response = await fetchBefore.apply(this, args);
    const json = response.json.bind(response);
    response.json = async () => {
      const body = await json();
      record.end = performance.now();
      return body;
    };
    return response;
  };
  const put = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.putImageData = function (...args) {
    put.apply(this, args);
    window.__paints.push({ id: this.canvas.dataset.testid ?? (this.canvas.closest('.thumb') ? 'thumb' : 'other'), t: performance.now() });
  };
};

const rows = [];
async function poll(check) {
  const end = Date.now() + PATIENCE_MS;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('app-week-browser: the page did not get there in time');
    await sleep(15);
  }
}

/** Times `act` until `done`: in page (first input event → last paint), the requests, the server's CPU. */
async function measure(page, serve, name, act, done) {
  const cpu = cpuTree(serve.child.pid);
  await page.evaluate(() => {
    window.__events = [];
    window.__paints = [];
    window.__requests = [];
  });
  const started = Date.now();
  await act();
  await done();
  const wall = Date.now() - started;
  await page.waitForTimeout(250); // paints that follow the last awaited one
  const seen = await page.evaluate(() => ({ events: window.__events, paints: window.__paints, requests: window.__requests }));
  const first = seen.events[0] ?? null;
  const last = seen.paints.length === 0 ? null : Math.max(...seen.paints.map((paint) => paint.t));
  const inPage = first === null || last === null ? wall : Math.round(last - first);
  const requests = seen.requests
    .filter((request) => ['periodView', 'getFrame', 'openAnalysis'].includes(request.name))
    .map((request) => `${request.name} ${Math.round(request.end - request.start)}`)
    .join(', ');
  rows.push({ name, inPage, requests, cpu: Math.round((cpuTree(serve.child.pid) - cpu) * 1000), load: loadavg()[0] });
  console.error(`${name}: ${inPage} ms`);
}

// The period views the data folder keeps before this run (those its analysis kept as it finished): the views
// this run's re-counts keep are removed at the end, so that a second run counts its re-counts again instead of
// reading the first run's answers from views/ (which would time a file read, not a re-count).
const viewsBefore = new Map(
  readdirSync(join(DATA, 'runs'))
    .map((run) => join(DATA, 'runs', run, 'views'))
    .filter((dir) => existsSync(dir))
    .map((dir) => [dir, new Set(readdirSync(dir))]),
);
function removeViewsOfThisRun() {
  for (const [dir, kept] of viewsBefore) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (!kept.has(name)) rmSync(join(dir, name), { force: true });
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  let serve = await startServe();
  let page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
  await page.addInitScript(INSTRUMENT);
  const painted = (id) => page.evaluate((which) => window.__paints.some((paint) => paint.id === which), id);
  const frameShown = async () => {
    await page.getByTestId('frame-canvas').waitFor({ timeout: PATIENCE_MS });
    await poll(async () => (await page.getByTestId('people-count').textContent()) !== 'people: …' && (await painted('frame-canvas')));
  };
  const periodShown = () =>
    poll(async () => ((await page.getByTestId('period-view').getByRole('status').textContent().catch(() => '')) ?? '').startsWith('grid') && (await painted('period-canvas')));
  const stripShown = async () => {
    await periodShown();
    await poll(async () => (await page.evaluate(() => window.__paints.filter((paint) => paint.id === 'thumb').length)) >= 4);
  };
  const openFirst = async (pageNow) => {
    const recent = pageNow.getByTestId('recent-analyses');
    await recent.getByRole('button').first().waitFor({ timeout: PATIENCE_MS });
    await recent.getByRole('button').filter({ hasNotText: '×' }).first().click();
  };

  if (RIGHT_AFTER_OPEN_ONLY === null) {
    await page.goto(serve.url);
    await measure(page, serve, 'open from the library (fresh server)', () => openFirst(page), frameShown);
    const frames = Number(((await page.getByTestId('frame-number').textContent()) ?? '').split('/ ')[1].replaceAll(',', ''));
    const grouped = (n) => n.toLocaleString('en-US');
    await page.reload();
    await measure(page, serve, 'open from the library (page reloaded)', () => openFirst(page), frameShown);
    const frameIs = (index) => async () => (await page.getByTestId('frame-number').textContent()) === `frame ${grouped(index + 1)} / ${grouped(frames)}` && (await painted('frame-canvas'));
    for (const fraction of [0.2, 0.66, 1, 0]) {
      const index = Math.min(frames - 1, Math.floor(frames * fraction));
      await measure(page, serve, `seek: scrubber to frame ${index + 1}`, () => page.getByTestId('scrubber').fill(String(index)), () => poll(frameIs(index)));
    }
    await page.getByTestId('scrubber').focus();
    await measure(page, serve, 'seek: → key', () => page.keyboard.press('ArrowRight'), () => poll(frameIs(1)));
    await measure(page, serve, 'seek: End key', () => page.keyboard.press('End'), () => poll(frameIs(frames - 1)));
    const chart = await page.getByTestId('people-chart').boundingBox();
    await measure(page, serve, 'seek: a click on the chart', () => page.mouse.click(chart.x + chart.width * 0.4, chart.y + chart.height / 2), () => poll(() => painted('frame-canvas')));
    await measure(page, serve, 'Whole period', () => page.getByRole('radio', { name: 'Whole period' }).check(), periodShown);
    await measure(page, serve, 'By hour (the strip and the whole)', () => page.getByRole('radio', { name: /^By / }).check(), stripShown);
    const thumbs = page.getByTestId('bucket-thumb');
    const middle = Math.floor((await thumbs.count()) / 2);
    await measure(page, serve, `a bucket opened (the ${middle + 1}th)`, () => thumbs.nth(middle).click(), async () => {
      await poll(async () => (await thumbs.nth(middle).getAttribute('aria-pressed')) === 'true');
      await periodShown();
    });
    await measure(page, serve, 'Whole period again (answered before)', () => page.getByRole('radio', { name: 'Whole period' }).check(), periodShown);
    const gridIs = async () => (await page.getByTestId('period-canvas').getAttribute('data-grid')) === '96x54';
    await measure(page, serve, 're-count: grid 96 × 54, whole period (+250 ms typing wait)', async () => {
      await page.getByLabel('Columns (cells)').fill('96');
      await page.getByLabel('Rows (cells)').fill('54');
    }, async () => {
      await periodShown();
      await poll(gridIs);
    });
    await measure(page, serve, 're-count: spread 2 cells, whole period (+250 ms typing wait)', () => page.getByLabel('Spread (cells)').fill('2'), async () => {
      await poll(async () => (await page.evaluate(() => window.__requests.some((request) => request.name === 'periodView' && request.end > 0))));
      await periodShown();
    });
    await measure(page, serve, 're-count: By hour with the new grid', () => page.getByRole('radio', { name: /^By / }).check(), stripShown);
    await measure(page, serve, 're-count: point mode, by hour', () => page.getByLabel('Count a point, not the box').check(), async () => {
      await poll(async () => (await page.evaluate(() => window.__requests.some((request) => request.name === 'periodView' && request.end > 0))));
      await stripShown();
    });
    await page.close();
    await stopServe(serve);

    serve = await startServe();
    page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    await page.addInitScript(INSTRUMENT);
    await page.goto(serve.url);
    await measure(page, serve, 'open from the library (server restarted)', () => openFirst(page), frameShown);
    await page.close();
    await stopServe(serve);

  } else {
    await page.close();
    await stopServe(serve);
  }

  // Right after open: the detections are still being read into memory (once per open). The whole
  // period and its hours were kept as the analysis finished (src-main/app/kept-views.ts); the
  // last case sets the kept views aside, so that the view is counted from the store.
  const viewsDirs = readdirSync(join(DATA, 'runs')).map((run) => join(DATA, 'runs', run, 'views')).filter((dir) => existsSync(dir));
  for (const [label, radio, kept] of Array.from({ length: RIGHT_AFTER_OPEN_ONLY ?? 1 }, () => [
    ['Whole period', 'Whole period', true],
    ['By hour', /^By /, true],
    ['By hour, not kept (the kept views set aside)', /^By /, false],
  ]).flat()) {
    if (!kept) for (const dir of viewsDirs) renameSync(dir, `${dir}.aside`);
    try {
      serve = await startServe();
      page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
      await page.addInitScript(INSTRUMENT);
      await page.goto(serve.url);
      await openFirst(page);
      await frameShown();
      await measure(page, serve, `${label} asked as soon as the opened analysis shows (fresh server)`, () => page.getByRole('radio', { name: radio }).check(), label.startsWith('By hour') ? stripShown : periodShown);
      await page.close();
      await stopServe(serve);
    } finally {
      if (!kept) {
        for (const dir of viewsDirs) {
          rmSync(dir, { recursive: true, force: true });
          renameSync(`${dir}.aside`, dir);
        }
      }
    }
  }
} finally {
  await browser.close();
  removeViewsOfThisRun();
}

console.log(`app-week-browser: ${DATA}, ${WIDTH}×${HEIGHT}, ${new Date().toISOString()}`);
console.log('| action | in page ms | requests (ms) | server CPU ms (incl. 250 ms idle) | load |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.name} | ${row.inPage} | ${row.requests} | ${row.cpu} | ${row.load.toFixed(1)} |`);
