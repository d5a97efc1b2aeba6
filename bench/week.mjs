#!/usr/bin/env node
// A week of one camera at 1 fps: 604,800 frames, the real AITRIOS CSV's rows repeated, frame i
// at start_time + i s (metadata_fps: 1). Generated into a temporary folder, never committed.
//
// Stages, each the built command line as a user runs it (wall time, peak RSS of the process
// tree from /usr/bin/time -v, size of what it wrote):
//   1. week: `crowdheat run` with the default settings plus metadata_fps, start_time and
//      period: hour: CSV → store → whole-week and hourly person-seconds maps;
//   2. recount: the stored week re-counted with new grid settings (96×54, point mode, n = 2);
//   3. hourly: the stored week's hourly maps again (recount --period hour);
//   4. baseline: today's per-frame run (per_frame_outputs: always: detect JSON, griddata.npy,
//      video) on the first SLICE frames, scaled to the week (it cannot run whole here: about
//      145 KB a frame, 88 GB for the week);
//   5. floor: reading and parsing the week's CSV alone (csv-parse + JSON.parse).
// Run after `npm run build`: node bench/week.mjs [--frames N] [--slice N]
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { writeWeekCsv as writeCsv } from './week-csv.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'bin', 'crowdheat');
const SAMPLE = resolve(REPO, '../shared/data/aitrios-sample.csv');
const { values } = parseArgs({ options: { frames: { type: 'string' }, slice: { type: 'string' } } });
const FRAMES = Number(values.frames ?? 604_800);
const SLICE = Number(values.slice ?? 3_000);

if (!existsSync(SAMPLE)) {
  console.log(`week: skipped, ${SAMPLE} not found`);
  process.exit(0);
}

function settingsYaml(csv, outputDir, extra = []) {
  return [
    'data_source_settings:',
    '  mode: local',
    '  local_data_settings:',
    `    meta_file: ${JSON.stringify(csv)}`,
    '    metadata_fps: 1',
    '    start_time: "2026-11-23T00:00:00+09:00"',
    'output_settings:',
    `  output_dir: ${JSON.stringify(outputDir)}`,
    '  period: hour',
    '  timezone: Asia/Tokyo',
    ...extra,
    '',
  ].join('\n');
}

/** The 1-minute load average now, to show how busy the machine was. */
const load = () => loadavg()[0];

/**
 * Runs the CLI under /usr/bin/time -v: wall seconds, CPU seconds (user + sys of the command and
 * its children), peak RSS (MB) of the largest process, and the load average before and after.
 */
function timed(args) {
  const loadBefore = load();
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`crowdheat ${args.join(' ')} failed:\n${result.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(result.stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(result.stderr);
  const cpu = user === null || system === null ? NaN : Number(user[1]) + Number(system[1]);
  return { seconds, cpu, rssMb: rss === null ? NaN : Number(rss[1]) / 1024, stderr: result.stderr, load: [loadBefore, load()] };
}

function diskMb(path) {
  const result = spawnSync('du', ['-sb', path], { encoding: 'utf8' });
  return Number(result.stdout.split('\t')[0]) / 1e6;
}

async function parseOnly(csv) {
  let detections = 0;
  const loadBefore = load();
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const rows = createReadStream(csv).pipe(parse({ relax_column_count: true, from_line: 2 }));
  for await (const row of rows) detections += JSON.parse(row[1]).perception.object_detection_list.length;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: (cpu.user + cpu.system) / 1e6, detections, load: [loadBefore, load()] };
}

const dir = await mkdtemp(join(tmpdir(), 'crowdheat-week-'));
const results = [];
try {
  const csv = join(dir, 'week.csv');
  await writeCsv(csv, FRAMES);
  const csvMb = diskMb(csv);
  console.log(`week: ${FRAMES} frames, CSV ${csvMb.toFixed(0)} MB in ${dir}`);

  const out = join(dir, 'out');
  writeFileSync(join(dir, 'week.yaml'), settingsYaml(csv, out));
  const week = timed(['run', '--config', join(dir, 'week.yaml'), '--quiet']);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  results.push({ stage: 'week: CSV → store → whole-week + hourly maps (defaults, period hour)', seconds: week.seconds, cpu: week.cpu, rssMb: week.rssMb, diskMb: diskMb(out), load: week.load });
  console.log(`  outputs: ${summary.outputs.join(', ')}; store ${diskMb(join(out, 'crowdheat.duckdb')).toFixed(1)} MB; warnings ${JSON.stringify(summary.warnings)}`);

  const recount = timed(['recount', out, '--out', join(dir, 'recount'), '--period', 'none',
    '--set', 'heat_map_settings.grid_num_h=96', '--set', 'heat_map_settings.grid_num_v=54',
    '--set', 'heat_map_settings.bbox2pix=true', '--set', 'heat_map_settings.number_of_add_grid=2']);
  results.push({ stage: 'recount: whole week, new grid (96×54, point, n = 2)', seconds: recount.seconds, cpu: recount.cpu, rssMb: recount.rssMb, diskMb: diskMb(join(dir, 'recount')), load: recount.load });

  const hourly = timed(['recount', out, '--out', join(dir, 'hourly'), '--period', 'hour']);
  results.push({ stage: 'hourly: the stored week by hour (168 maps)', seconds: hourly.seconds, cpu: hourly.cpu, rssMb: hourly.rssMb, diskMb: diskMb(join(dir, 'hourly')), load: hourly.load });

  const sliceCsv = join(dir, 'slice.csv');
  await writeCsv(sliceCsv, SLICE);
  const sliceOut = join(dir, 'slice-out');
  writeFileSync(join(dir, 'slice.yaml'), settingsYaml(sliceCsv, sliceOut, ['  per_frame_outputs: always']));
  const slice = timed(['run', '--config', join(dir, 'slice.yaml'), '--quiet']);
  const scale = FRAMES / SLICE;
  results.push({
    stage: `baseline: per-frame run (detect JSON, griddata.npy, video), ${SLICE} frames × ${scale.toFixed(0)}`,
    seconds: slice.seconds * scale,
    cpu: slice.cpu * scale,
    rssMb: slice.rssMb,
    diskMb: diskMb(sliceOut) * scale,
    load: slice.load,
  });

  const floor = await parseOnly(csv);
  results.push({ stage: 'floor: read + parse the week CSV only (csv-parse + JSON.parse, in this process)', seconds: floor.seconds, cpu: floor.cpu, rssMb: NaN, diskMb: 0, load: floor.load });
} finally {
  await rm(dir, { recursive: true, force: true });
}

const lines = [
  `week benchmark: ${FRAMES} frames at 1 fps (${new Date().toISOString()})`,
  '| stage | wall s | CPU s (user + sys, all processes) | peak RSS MB | written MB | load average (before → after) | wall ratio to floor | CPU ratio to floor |',
  '|---|---|---|---|---|---|---|---|',
];
const floorSeconds = results[results.length - 1].seconds;
const floorCpu = results[results.length - 1].cpu;
for (const r of results) {
  const rss = Number.isNaN(r.rssMb) ? '–' : r.rssMb.toFixed(0);
  const cpu = Number.isNaN(r.cpu) ? '–' : r.cpu.toFixed(1);
  const loads = `${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`;
  lines.push(
    `| ${r.stage} | ${r.seconds.toFixed(1)} | ${cpu} | ${rss} | ${r.diskMb.toFixed(1)} | ${loads} | ` +
      `${(r.seconds / floorSeconds).toFixed(2)} | ${(r.cpu / floorCpu).toFixed(2)} |`,
  );
}
console.log(lines.join('\n'));
mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
writeFileSync(join(REPO, 'bench', 'results', `week-${Date.now()}.md`), `${lines.join('\n')}\n`);
