// The app's re-count of the view on screen, on a long stored analysis: what the back end does for
// the period bar (`periodView`) and for a re-counted frame (`getFrame` with `params`), timed in
// this process with the built modules: wall and CPU (user + sys) seconds, and the size of the
// answer the window receives. The store is made by the built command line from the real AITRIOS
// CSV's rows repeated, 1 frame a second (as bench/week.mjs does).
//
// Run after `npm run build`: node bench/app-views.mjs [--frames N]   (default 60,480: a tenth of a week)
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'bin', 'crowdheat');
const SAMPLE = resolve(REPO, '../shared/data/aitrios-sample.csv');
const { values } = parseArgs({ options: { frames: { type: 'string' } } });
const FRAMES = Number(values.frames ?? 60_480);

if (!existsSync(SAMPLE)) {
  console.log(`app-views: skipped, ${SAMPLE} not found`);
  process.exit(0);
}

const { StoreReader } = await import(join(REPO, 'dist/src-main/store/store.js'));
const { periodView, windowAt } = await import(join(REPO, 'dist/src-main/store/views.js'));
const { DEFAULT_GRID_PARAMS } = await import(join(REPO, 'dist/src-shared/settings/types.js'));

async function writeCsv(path, frames) {
  const lines = readFileSync(SAMPLE, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const rows = lines.slice(1).map((line) => line.slice(line.indexOf(',')));
  const out = createWriteStream(path);
  const write = (text) => (out.write(text) ? Promise.resolve() : new Promise((done) => out.once('drain', done)));
  await write(`${lines[0]}\n`);
  for (let start = 0; start < frames; start += 5000) {
    const batch = [];
    for (let i = start; i < Math.min(frames, start + 5000); i++) batch.push(`${i}${rows[i % rows.length]}`);
    await write(`${batch.join('\n')}\n`);
  }
  await new Promise((done) => out.end(done));
}

/** Wall and CPU seconds of `work`, and what it returned. */
async function measure(work) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const dir = await mkdtemp(join(tmpdir(), 'crowdheat-app-views-'));
try {
  const csv = join(dir, 'week.csv');
  await writeCsv(csv, FRAMES);
  const out = join(dir, 'out');
  writeFileSync(join(dir, 'run.yaml'), [
    'data_source_settings:', '  mode: local', '  local_data_settings:', `    meta_file: ${JSON.stringify(csv)}`,
    '    metadata_fps: 1', '    start_time: "2026-11-23T00:00:00+09:00"',
    'output_settings:', `  output_dir: ${JSON.stringify(out)}`, '  timezone: Asia/Tokyo', '  per_frame_outputs: never', '',
  ].join('\n'));
  const run = spawnSync(process.execPath, [CLI, 'run', '--config', join(dir, 'run.yaml'), '--quiet'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`crowdheat run failed: ${run.stderr}`);

  const base = { ...DEFAULT_GRID_PARAMS, class_ids: null };
  const recount = { ...base, grid_num_h: 96, grid_num_v: 54, bbox2pix: true, number_of_add_grid: 2 };
  const rows = [];
  const opened = async (work) => {
    const store = await StoreReader.open(out);
    try {
      return await work(store, await store.frames());
    } finally {
      store.close();
    }
  };
  const answerMb = (view) => {
    const buckets = view.buckets === null ? [] : Array.from(view.buckets.starts, (_, b) =>
      Array.from(view.buckets.grids.subarray(b * view.columns * view.rows, (b + 1) * view.columns * view.rows)));
    return JSON.stringify({ whole: Array.from(view.whole), buckets }).length / 1e6;
  };
  const stages = [
    ['open the store + read its frames', () => opened(async () => null)],
    ['whole period, the run\'s grid (192×108)', () => opened((store, frames) => periodView(store, frames, { params: base, period: { kind: 'none' }, timeZone: 'Asia/Tokyo' }))],
    ['whole period re-counted (96×54, point, n = 2)', () => opened((store, frames) => periodView(store, frames, { params: recount, period: { kind: 'none' }, timeZone: 'Asia/Tokyo' }))],
    ['by hour (192×108)', () => opened((store, frames) => periodView(store, frames, { params: base, period: { kind: 'hour' }, timeZone: 'Asia/Tokyo' }))],
    ['one hour (a bucket opened)', () => opened((store, frames) => periodView(store, frames, { params: base, period: { kind: 'none' }, timeZone: 'Asia/Tokyo', fromMs: frames.timeMs[3600], toMs: frames.timeMs[7200] }))],
    ['this moment re-counted (the middle frame, W 15)', () => opened((store, frames) => windowAt(store, frames, recount, frames.index[Math.floor(frames.index.length / 2)]))],
  ];
  for (const [name, work] of stages) {
    const { value, wall, cpu } = await measure(work);
    rows.push(`| ${name} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${value !== null && 'whole' in value ? answerMb(value).toFixed(1) : '–'} |`);
  }
  console.log(`${FRAMES} frames at 1 fps; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
  console.log('| view | wall s | CPU s | answer MB (JSON grids) |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await rm(dir, { recursive: true, force: true });
}
