#!/usr/bin/env node
/**
 * crowdheat against Roboflow supervision's HeatMapAnnotator + VideoSink, side by side
 * (issue 13 item 2). Run after `npm run build`:
 *
 *   SUPERVISION_SRC=/path/to/supervision node bench/supervision.mjs [--frames N] [--rounds N] [--preset P] [--crf C]
 *
 * SUPERVISION_SRC is a checkout of https://github.com/roboflow/supervision (the folder that holds
 * the `supervision` package); it runs from source with Debian's python3-numpy, -opencv, -scipy,
 * -matplotlib, -yaml, -defusedxml, -pil and -tqdm (see bench/README.md).
 *
 * On one generated 1920×1080 test video (600 frames by default) and the real AITRIOS CSV (read
 * once by crowdheat's own reader; supervision gets the same boxes as JSON), it times in turn,
 * with the same ffmpeg binary for the crowdheat runs:
 *   - bare: `ffmpeg -i in.mp4 -c:v libx264 -preset P -crf C -pix_fmt yuv420p` at crowdheat's
 *     default preset and CRF;
 *   - crowdheat: a whole overlay run in the worker process at its default encoder settings;
 *   - supervision: bench/supervision_heatmap.py (decode with OpenCV, annotate, VideoSink's mp4v);
 * and prints wall and CPU seconds and the ratios crowdheat / supervision and crowdheat / bare.
 * Results go to bench/results/supervision.json (not committed).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const supervisionSrc = process.env.SUPERVISION_SRC;
if (supervisionSrc === undefined || !existsSync(join(supervisionSrc, 'supervision', '__init__.py'))) {
  console.error(
    'bench/supervision.mjs: set SUPERVISION_SRC to a checkout of https://github.com/roboflow/supervision ' +
      '(git clone --depth 1 https://github.com/roboflow/supervision /tmp/supervision; SUPERVISION_SRC=/tmp/supervision)',
  );
  process.exit(2);
}
if (!existsSync(join(dist, 'src-main', 'pipeline', 'worker-client.js'))) {
  console.error('bench/supervision.mjs: run `npm run build` first');
  process.exit(2);
}
const { runInWorker } = await import(join(dist, 'src-main/pipeline/worker-client.js'));
const { defaultSettings } = await import(join(dist, 'src-shared/settings/types.js'));
const { bundledFfmpegPath } = await import(join(dist, 'src-main/ffmpeg/locate.js'));
const { openSeedCsv } = await import(join(dist, 'src-main/sources/seed-csv.js'));
const { Diagnostics } = await import(join(dist, 'src-main/pipeline/diagnostics.js'));

const REAL_CSV = '/work/shared/data/aitrios-sample.csv';
const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const frames = option('--frames', 600);
const rounds = option('--rounds', 1);
const python = process.env.PYTHON ?? '/usr/bin/python3';
const ffmpeg = await bundledFfmpegPath();
// The encoder settings of both the bare transcode and the crowdheat run: the defaults, or
// `--preset P` / `--crf C`.
const defaults = defaultSettings().output_settings;
{
  const at = process.argv.indexOf('--preset');
  if (at > 0) defaults.encoder_preset = process.argv[at + 1];
  if (process.argv.includes('--crf')) defaults.encoder_crf = option('--crf', defaults.encoder_crf);
}
const round = (value) => Math.round(value * 100) / 100;

/** Runs a command to its end; resolves with its standard output. */
function run(command, args, env = process.env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${command} failed (${code}): ${err.slice(-800)}`))));
  });
}

/**
 * CPU seconds of every finished, waited-for child process of this one so far and of their own
 * waited-for children (cutime + cstime of /proc/self/stat): ffmpeg under the worker counts too.
 */
function childCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Waits (at most 10 s) until this process has no child left, so the children's CPU has been counted. */
async function childrenGone() {
  const deadline = performance.now() + 10_000;
  const ownChildren = () => {
    try {
      return readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  while (ownChildren() !== '' && performance.now() < deadline) await sleep(20);
}

async function timed(what, action) {
  const cpuBefore = childCpuSeconds();
  const started = performance.now();
  await action();
  const wallS = round((performance.now() - started) / 1000);
  await childrenGone();
  const cpuS = round(childCpuSeconds() - cpuBefore);
  console.log(`${what}: ${wallS} s wall, ${cpuS} s CPU in child processes`);
  return { wallS, cpuS };
}

const dir = await mkdtemp(join(tmpdir(), 'crowdheat-supervision-'));
try {
  const input = join(dir, 'in.mp4');
  console.log(`making a ${frames}-frame 1920x1080 test video…`);
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30',
    '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', input]);

  // The same detections for both: crowdheat's reading of the CSV, as boxes per frame.
  const boxes = [];
  for await (const frame of openSeedCsv(REAL_CSV, new Diagnostics()).frames(globalThis.AbortSignal.timeout(600_000))) {
    const list = [];
    for (let i = 0; i < frame.detections.count; i++) list.push(Array.from(frame.detections.boxes.subarray(4 * i, 4 * i + 4)));
    boxes.push(list);
  }
  const boxesPath = join(dir, 'boxes.json');
  await writeFile(boxesPath, JSON.stringify(boxes));

  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.video_file = input;
  settings.data_source_settings.local_data_settings.meta_file = REAL_CSV;
  Object.assign(settings.output_settings, { output_dir: join(dir, 'out'), overlay: true, cbar: true, ffmpeg_path: ffmpeg,
    encoder_preset: defaults.encoder_preset, encoder_crf: defaults.encoder_crf });

  const runs = { bare: [], crowdheat: [], supervision: [] };
  const sizes = {};
  for (let index = 0; index < rounds; index++) {
    // Interleaved, so a change in the machine's load falls on every kind of run alike.
    runs.bare.push(await timed(`bare transcode (-preset ${defaults.encoder_preset} -crf ${defaults.encoder_crf})`, async () => {
      await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', input, '-c:v', 'libx264',
        '-preset', defaults.encoder_preset, '-crf', String(defaults.encoder_crf), '-pix_fmt', 'yuv420p', join(dir, 'bare.mp4')]);
    }));
    // The worker is a child process too: its CPU counts once it has exited.
    runs.crowdheat.push(await timed('crowdheat overlay run (worker)', () => runInWorker(settings, { cwd: dir })));
    runs.supervision.push(await timed('supervision HeatMapAnnotator + VideoSink', () =>
      run(python, [join(root, 'bench', 'supervision_heatmap.py'), input, boxesPath, join(dir, 'supervision.mp4')], {
        ...process.env, SUPERVISION_SRC: supervisionSrc, OPENCV_LOG_LEVEL: 'ERROR',
      })));
    sizes.bare = (await stat(join(dir, 'bare.mp4'))).size;
    sizes.crowdheat = (await stat(join(dir, 'out', 'video', 'in_heatmap.mp4'))).size;
    sizes.supervision = (await stat(join(dir, 'supervision.mp4'))).size;
    await rm(join(dir, 'out'), { recursive: true, force: true });
  }
  const mean = (list, key) => round(list.reduce((sum, entry) => sum + entry[key], 0) / list.length);
  const summary = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, { wallS: mean(list, 'wallS'), cpuS: mean(list, 'cpuS') }]));
  const ratios = {
    'crowdheat/supervision': { wall: round(summary.crowdheat.wallS / summary.supervision.wallS), cpu: round(summary.crowdheat.cpuS / summary.supervision.cpuS) },
    'crowdheat/bare': { wall: round(summary.crowdheat.wallS / summary.bare.wallS), cpu: round(summary.crowdheat.cpuS / summary.bare.cpuS) },
  };
  const results = {
    frames, size: '1920x1080', rounds, encoder: { preset: defaults.encoder_preset, crf: defaults.encoder_crf }, ffmpeg, cpus: cpus().length,
    load_average_at_end: loadavg().map(round), runs, mean: summary, ratios, file_bytes: sizes,
  };
  console.log(JSON.stringify({ mean: summary, ratios, file_bytes: sizes }, null, 2));
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  await writeFile(join(root, 'bench', 'results', 'supervision.json'), JSON.stringify(results, null, 2) + '\n');
} finally {
  await rm(dir, { recursive: true, force: true });
}
