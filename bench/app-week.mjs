#!/usr/bin/env node
// The app on a week of one camera at 1 fps (604,800 frames, the real CSV's rows repeated,
// week-csv.mjs): analysed through the app's Backend (in this process, as the web host runs it
// but without the worker), then a second Backend on the same work folder — a restart — measures
//   open:    listAnalyses + openAnalysis + getRunInfo + timelineSeries (1000 columns)   target ≤ 2 s
//   seek:    getFrame at 50 random frames (each)                                          target ≤ 100 ms
//   recount: getFrame with new grid settings, and periodView with them over the chart's
//            current view (one hour) and over the whole week                             target ≤ 1 s
// Each stage: wall and CPU (user + sys of this process, DuckDB's threads included) and the load
// average, since the machine is shared. Run after `npm run build`: node bench/app-week.mjs [--frames N]
// [--keep DIR]: analyse into DIR and keep it (DIR/app is then a `crowdheat serve --data-dir` folder
// holding the analysed week, which bench/app-week-browser.mjs drives in Chromium).
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { SAMPLE, writeWeekCsv } from './week-csv.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => join(REPO, 'dist', path);
const { Backend } = await import(dist('src-main/app/backend.js'));
const { MemoryCredentialStore } = await import(dist('src-main/host/serve.js'));
const { runPipeline } = await import(dist('src-main/pipeline/run.js'));
const { defaultSettings } = await import(dist('src-shared/settings/index.js'));
const { packageVersion } = await import(dist('src-main/app/package-root.js'));

const { values } = parseArgs({ options: { frames: { type: 'string' }, keep: { type: 'string' } } });
const FRAMES = Number(values.frames ?? 604_800);
if (!existsSync(SAMPLE)) {
  console.log(`app-week: skipped, ${SAMPLE} not found`);
  process.exit(0);
}

/** Wall ms and CPU ms (user + sys) of `work`, with the 1-minute load average after it. */
async function measure(work) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const value = await work();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000, load: loadavg()[0] };
}

function backendOn(workRoot, events) {
  return new Backend({
    host: 'web',
    // The app's own version: the period views the analysis keeps are then the ones `crowdheat serve` finds.
    version: packageVersion(),
    cwd: workRoot,
    workRoot,
    runAnalysis: runPipeline,
    credentials: new MemoryCredentialStore(),
    openConsole: () => {
      throw new Error('no Console in the benchmark');
    },
    prepareDemo: async () => defaultSettings(),
    emit: (event) => events.push(event),
    imageUrl: async (runId, index) => `/runs/${runId}/preview/${index}.jpg`,
  });
}

const dir = values.keep === undefined ? await mkdtemp(join(tmpdir(), 'crowdheat-app-week-')) : resolve(values.keep);
if (values.keep !== undefined) mkdirSync(dir, { recursive: true });
const rows = [];
const row = (stage, m, target) => rows.push({ stage, wall: m.wallMs, cpu: m.cpuMs, load: m.load, target });
try {
  const csv = join(dir, 'week.csv');
  await writeWeekCsv(csv, FRAMES);
  const workRoot = join(dir, 'app');
  const settings = defaultSettings();
  const local = settings.data_source_settings.local_data_settings;
  local.meta_file = csv;
  local.video_file = '';
  local.metadata_fps = 1;
  local.start_time = '2026-11-23T00:00:00+09:00';
  settings.output_settings.period = 'hour';
  settings.output_settings.timezone = 'Asia/Tokyo';

  const events = [];
  const first = backendOn(workRoot, events);
  const analysed = await measure(async () => {
    const { runId } = await first.handlers.analyse({ settings });
    for (;;) {
      const end = events.find((event) => event.runId === runId && (event.type === 'done' || event.type === 'error'));
      if (end !== undefined) {
        if (end.type === 'error') throw new Error(end.message);
        return runId;
      }
      await sleep(100);
    }
  });
  row(`analyse the week through the Backend (${FRAMES} frames, store + previews + period outputs)`, analysed, '');
  await first.dispose();
  const runId = analysed.value;
  // The period views the analysis kept as it finished: the re-counts below keep more, which are removed at the end
  // (the data folder is left as the analysis left it, so that app-week-browser's re-counts are counted, not read).
  const viewsDir = join(workRoot, 'runs', runId, 'views');
  const firstViews = new Set(readdirSync(viewsDir));

  // A restart: a new Backend on the same folder knows nothing but what is on disk.
  const app = backendOn(workRoot, []).handlers;
  const open = await measure(async () => {
    const { analyses } = await app.listAnalyses({});
    if (analyses[0]?.runId !== runId) throw new Error('the analysis is not in the library');
    await app.openAnalysis({ runId });
    const info = await app.getRunInfo({ runId });
    return app.timelineSeries({ runId, fromFrame: 0, toFrame: info.frameCount, columns: 1000 });
  });
  row('open: listAnalyses + openAnalysis + getRunInfo + timelineSeries(1000 columns)', open, '≤ 2 s');

  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const seeks = [];
  for (let i = 0; i < 50; i++) seeks.push(await measure(() => app.getFrame({ runId, index: Math.floor(random() * FRAMES) })));
  const walls = seeks.map((m) => m.wallMs).sort((a, b) => a - b);
  const cpus = seeks.map((m) => m.cpuMs).sort((a, b) => a - b);
  rows.push({ stage: 'seek: getFrame at 50 random frames, median', wall: walls[25], cpu: cpus[25], load: seeks[49].load, target: '≤ 100 ms' });
  rows.push({ stage: 'seek: getFrame at 50 random frames, slowest', wall: walls[49], cpu: cpus[49], load: seeks[49].load, target: '≤ 100 ms' });

  const params = { grid_num_h: 96, grid_num_v: 54, bbox2pix: true, number_of_add_grid: 2 };
  const moment = Math.floor(FRAMES / 2);
  row('recount: getFrame with new grid settings (96×54, point, n = 2)', await measure(() => app.getFrame({ runId, index: moment, params })), '≤ 1 s');
  const startMs = Date.parse('2026-11-23T00:00:00+09:00');
  const hourFrom = startMs + Math.floor(moment / 3600) * 3_600_000;
  row(
    'recount: periodView with the new settings over the current view (one hour)',
    await measure(() => app.periodView({ runId, params, period: 'none', fromMs: hourFrom, toMs: hourFrom + 3_600_000 })),
    '≤ 1 s',
  );
  row('recount: periodView with the new settings over the whole week', await measure(() => app.periodView({ runId, params, period: 'none' })), '');
  row('recount: periodView with the new settings, the whole week by hour', await measure(() => app.periodView({ runId, params, period: 'hour' })), '');
  // A second re-count with other settings: the views' memory is reused from the first (ViewScratch).
  const again = { grid_num_h: 128, grid_num_v: 72, bbox2pix: false, number_of_add_grid: 1 };
  row('recount again (128×72, box, n = 1): the whole week', await measure(() => app.periodView({ runId, params: again, period: 'none' })), '≤ 1 s');
  row('recount again (128×72, box, n = 1): the whole week by hour', await measure(() => app.periodView({ runId, params: again, period: 'hour' })), '≤ 1 s');
  rows.push({ stage: `resident memory of the benchmark process after the views: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`, wall: 0, cpu: 0, load: loadavg()[0], target: '' });
  await sleep(500); // the last view's file is written after its answer
  for (const name of readdirSync(viewsDir)) if (!firstViews.has(name)) rmSync(join(viewsDir, name), { force: true });
} finally {
  if (values.keep === undefined) await rm(dir, { recursive: true, force: true });
}

const lines = [
  `app-week benchmark: ${FRAMES} frames at 1 fps (${new Date().toISOString()}, 1-min load average after each stage)`,
  '| stage | wall ms | CPU ms (user + sys) | load | target |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.stage} | ${r.wall.toFixed(0)} | ${r.cpu.toFixed(0)} | ${r.load.toFixed(1)} | ${r.target} |`),
];
console.log(lines.join('\n'));
mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
writeFileSync(join(REPO, 'bench', 'results', `app-week-${Date.now()}.md`), `${lines.join('\n')}\n`);
process.exit(0);
