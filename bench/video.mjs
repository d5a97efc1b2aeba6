#!/usr/bin/env node
/**
 * Video pipeline benchmark (run after `npm run build`):
 *   node bench/video.mjs [--quick]
 *
 * 1. Speed: a 600-frame 1920×1080 test video; the bare transcode
 *    `ffmpeg -i in.mp4 -c:v libx264 -preset P -crf C -pix_fmt yuv420p out.mp4` (crowdheat's default encoder settings) against a full crowdheat overlay run
 *    (real AITRIOS CSV, 192×108 grid, colorbar) with the same ffmpeg binary; prints the ratio. Also
 *    the floor of the "decode to JS, blend, pipe to an encoder" design: the two ffmpegs joined by a
 *    raw rgb24 pipe with no work in between.
 * 2. Memory: peak RSS of the worker and its ffmpeg (sampled from /proc) for 300 and 3,000 frames of 720p.
 *
 *   node bench/video.mjs --target [--before <git ref>] [--rounds N] [--quick] [--preset P] [--crf C]
 *
 * Issue 13's 1.2× target: the bare transcode, the run's compositing ffmpeg alone (its exact
 * command fed from files of what a default run sends it: the floor of any run), a default run and
 * a video-only run, each crowdheat run in a child process (bench/overlay-run.mjs); with
 * `--before`, that commit's build runs too, interleaved (results in bench/results/target.json).
 *
 *   node bench/video.mjs --previews [--before <git ref>] [--rounds N]
 *
 * 3. App-style runs instead (`runInWorker` with `previewDir`, as the desktop app analyses): the
 *    same 600 frames of 1080p and real CSV, against the bare transcode. With `--before`, that
 *    commit is also built (tsc) in a temporary clone and its runs are measured in turn with this
 *    build's, e.g. `--before main` to compare the branch with what it changes.
 *
 * Inputs are generated into a temporary folder and deleted; results go to bench/results/video.json
 * (bench/results/previews.json for --previews).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendantsOf, processTable } from './proc.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'src-main', 'pipeline', 'worker-client.js'))) {
  console.error('bench/video.mjs: run `npm run build` first');
  process.exit(2);
}
const { runInWorker } = await import(join(dist, 'src-main/pipeline/worker-client.js'));
const { defaultSettings } = await import(join(dist, 'src-shared/settings/types.js'));
const { bundledFfmpegPath } = await import(join(dist, 'src-main/ffmpeg/locate.js'));

const REAL_CSV = '/work/shared/data/aitrios-sample.csv';
const quick = process.argv.includes('--quick');
const optionValue = (name) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
};
const ffmpeg = await bundledFfmpegPath();
/**
 * The bare transcode encodes as crowdheat does: by default at output_settings.encoder_preset /
 * encoder_crf's defaults, or at `--preset P` / `--crf C` given to both it and the crowdheat runs.
 */
const ENCODER_PRESET = optionValue('--preset') ?? defaultSettings().output_settings.encoder_preset;
const ENCODER_CRF = Number(optionValue('--crf') ?? defaultSettings().output_settings.encoder_crf);
const ENCODER_ARGS = ['-preset', ENCODER_PRESET, '-crf', String(ENCODER_CRF)];

/** Samples the process tree under this process every 50 ms: peak RSS (sum and per command) and CPU seconds. */
function sampleTree() {
  const peaks = { total: 0, byName: {} };
  const cpuByPid = new Map();
  const tick = () => {
    const tree = descendantsOf(processTable(), process.pid);
    let total = 0;
    const byName = {};
    for (const entry of tree) {
      total += entry.rss;
      byName[entry.name] = (byName[entry.name] ?? 0) + entry.rss;
      cpuByPid.set(entry.pid, { name: entry.name, cpu: entry.cpu, minorFaults: entry.minorFaults });
    }
    peaks.total = Math.max(peaks.total, total);
    for (const [name, rss] of Object.entries(byName)) peaks.byName[name] = Math.max(peaks.byName[name] ?? 0, rss);
  };
  const timer = setInterval(tick, 50);
  return {
    stop() {
      clearInterval(timer);
      const cpuByName = {};
      const faultsByName = {};
      for (const { name, cpu, minorFaults } of cpuByPid.values()) {
        cpuByName[name] = round((cpuByName[name] ?? 0) + cpu);
        faultsByName[name] = (faultsByName[name] ?? 0) + minorFaults;
      }
      const cpu = Object.values(cpuByName).reduce((a, b) => a + b, 0);
      return {
        peakRssMiB: mib(peaks.total),
        peakRssMiBByCommand: Object.fromEntries(Object.entries(peaks.byName).map(([k, v]) => [k, mib(v)])),
        childCpuS: round(cpu),
        cpuSByCommand: cpuByName,
        // Minor page faults (fresh pages the kernel had to map), as last sampled.
        minorFaultsByCommand: faultsByName,
      };
    },
  };
}

const mib = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
const round = (value) => Math.round(value * 100) / 100;

function run(command, args, env = process.env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} failed: ${err.slice(-500)}`))));
  });
}

async function timed(what, action) {
  const sampler = sampleTree();
  const started = performance.now();
  await action();
  const wallS = round((performance.now() - started) / 1000);
  const usage = sampler.stop();
  console.log(`${what}: ${wallS} s wall, ${usage.childCpuS} s CPU in child processes ${JSON.stringify(usage.cpuSByCommand)}, minor faults ${JSON.stringify(usage.minorFaultsByCommand)}, peak RSS ${usage.peakRssMiB} MiB`);
  return { wallS, ...usage };
}

async function makeVideo(path, frames, size, fps) {
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`,
    '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
}

/** A seed CSV of `frames` rows cycling through the real CSV's rows. */
async function cycledCsv(path, frames) {
  const lines = (await readFile(REAL_CSV, 'utf8')).split('\n').filter((line) => line !== '');
  const rows = lines.slice(1).map((line) => line.slice(line.indexOf(',') + 1));
  const out = [lines[0]];
  for (let i = 0; i < frames; i++) out.push(`${i},${rows[i % rows.length]}`);
  await writeFile(path, out.join('\n') + '\n');
}

function settingsFor(dir, video, meta, width, height, fps) {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.video_file = video;
  settings.data_source_settings.local_data_settings.meta_file = meta;
  Object.assign(settings.output_settings, {
    output_dir: join(dir, 'out'), output_video_width: width, output_video_height: height, output_video_fps: fps,
    overlay: true, cbar: true, transparency: 0.4, ffmpeg_path: ffmpeg,
    encoder_preset: ENCODER_PRESET, encoder_crf: ENCODER_CRF,
  });
  return settings;
}

/** Builds `ref` of this repository (tsc only: the worker and what it runs) in a clone under `dir`; returns its dist. */
async function buildCommit(ref, dir) {
  const clone = join(dir, 'before');
  const inFolder = (cwd, command, ...args) => {
    const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stdout}${result.stderr}`);
    return result.stdout.trim();
  };
  const commit = inFolder(root, 'git', 'rev-parse', '--verify', `${ref}^{commit}`);
  inFolder(root, 'git', 'clone', '--quiet', '--shared', '--no-checkout', root, clone);
  inFolder(clone, 'git', 'checkout', '--quiet', commit);
  await symlink(realpathSync(join(root, 'node_modules')), join(clone, 'node_modules'));
  console.log(`building ${ref} (${commit.slice(0, 10)}) in ${clone}…`);
  inFolder(clone, 'npx', 'tsc', '-p', 'tsconfig.json');
  return { commit, dist: join(clone, 'dist') };
}

async function previewsBench(dir) {
  const results = { ffmpeg, cpus: cpus().length, load_average_at_start: loadavg().map(round) };
  if (!existsSync(REAL_CSV)) throw new Error(`${REAL_CSV} is absent`);
  const frames = quick ? 120 : 600;
  const rounds = Number(optionValue('--rounds') ?? 1);
  const before = optionValue('--before');
  const builds = [{ name: 'after', runInWorker }];
  if (before !== undefined) {
    const { commit, dist: beforeDist } = await buildCommit(before, dir);
    const module = await import(join(beforeDist, 'src-main/pipeline/worker-client.js'));
    builds.unshift({ name: 'before', commit, runInWorker: module.runInWorker });
  }
  const input = join(dir, 'in.mp4');
  console.log(`making a ${frames}-frame 1920x1080 test video…`);
  await makeVideo(input, frames, '1920x1080', 30);
  results.load_average_after_setup = loadavg().map(round);
  const runs = { bare: [] };
  for (const build of builds) runs[build.name] = [];
  for (let round = 0; round < rounds; round++) {
    // Interleaved, so a change in the machine's load falls on every kind of run alike.
    runs.bare.push(await timed('bare transcode', () =>
      run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', input, '-c:v', 'libx264', ...ENCODER_ARGS, '-pix_fmt', 'yuv420p', join(dir, 'bare.mp4')])));
    for (const build of builds) {
      const previewDir = join(dir, 'preview');
      runs[build.name].push(await timed(`app-style run, ${build.name}`, () =>
        build.runInWorker(settingsFor(dir, input, REAL_CSV, 1920, 1080, 30), { cwd: dir, previewDir })));
      const pictures = readdirSync(previewDir).filter((name) => name.endsWith('.jpg')).length;
      if (pictures !== frames) throw new Error(`${build.name}: ${pictures} previews for ${frames} frames`);
      await rm(previewDir, { recursive: true, force: true });
      await rm(join(dir, 'out'), { recursive: true, force: true });
    }
  }
  const mean = (list, key) => round(list.reduce((sum, entry) => sum + entry[key], 0) / list.length);
  const summary = {};
  for (const [name, list] of Object.entries(runs)) summary[name] = { wallS: mean(list, 'wallS'), cpuS: mean(list, 'childCpuS') };
  const ratios = {};
  for (const name of Object.keys(summary)) {
    if (name === 'bare') continue;
    ratios[`${name}/bare`] = { wall: round(summary[name].wallS / summary.bare.wallS), cpu: round(summary[name].cpuS / summary.bare.cpuS) };
  }
  if (summary.before !== undefined) {
    ratios['after/before'] = { wall: round(summary.after.wallS / summary.before.wallS), cpu: round(summary.after.cpuS / summary.before.cpuS) };
  }
  Object.assign(results, { frames, size: '1920x1080', rounds, ...(before !== undefined ? { before: builds[0].commit } : {}), runs, mean: summary, ratios });
  results.load_average_at_end = loadavg().map(round);
  console.log(JSON.stringify({ load_average_at_start: results.load_average_at_start, mean: summary, ratios }, null, 2));
  return results;
}

/**
 * The command line and environment of a run's compositing ffmpeg (`buildArgs` of the spec the
 * run used, as `HeatVideoEncoder` starts it) with its pipes replaced by the files
 * `overlay-run.mjs --dump` wrote, writing to `output`.
 */
async function compositingAlone(dump, output) {
  const { buildArgs } = await import(join(dist, 'src-main/ffmpeg/encoder.js'));
  const { ffmpegEnvironment } = await import(join(dist, 'src-main/ffmpeg/spawn.js'));
  const spec = { ...JSON.parse(await readFile(join(dump, 'spec.json'), 'utf8')), path: output };
  if (spec.previews !== undefined || spec.background.kind === 'frames') throw new Error('compositingAlone: a video background without previews only');
  const files = { 'pipe:0': 'heat.raw', 'pipe:3': 'label.raw', 'pipe:4': 'colorbar.raw' };
  const args = buildArgs(spec).toArray().map((arg) => (files[arg] === undefined ? arg : join(dump, files[arg])));
  return { args, env: ffmpegEnvironment() };
}

/**
 * Issue 13's target: a default overlay run within 1.2× a bare transcode at the same encoder
 * settings. Interleaved rounds of the bare transcode, a default run (every output) and a
 * video-only run (no detect JSON, no griddata.npy), each crowdheat run in a child process
 * (bench/overlay-run.mjs) so its whole tree's CPU is sampled like the bare ffmpeg's.
 */
async function targetBench(dir) {
  const results = { ffmpeg, cpus: cpus().length, load_average_at_start: loadavg().map(round) };
  if (!existsSync(REAL_CSV)) throw new Error(`${REAL_CSV} is absent`);
  const frames = quick ? 120 : 600;
  const rounds = Number(optionValue('--rounds') ?? 1);
  const input = join(dir, 'in.mp4');
  console.log(`making a ${frames}-frame 1920x1080 test video…`);
  await makeVideo(input, frames, '1920x1080', 30);
  const settingsPath = join(dir, 'settings.json');
  await writeFile(settingsPath, JSON.stringify(settingsFor(dir, input, REAL_CSV, 0, 0, 0)));
  const child = join(root, 'bench', 'overlay-run.mjs');
  const before = optionValue('--before');
  // Each build: this one, and with --before that commit's (built in a clone under `dir`).
  const builds = [{ prefix: '', label: '', args: [] }];
  if (before !== undefined) {
    const { commit, dist: beforeDist } = await buildCommit(before, dir);
    results.before = commit;
    builds.push({ prefix: 'before_', label: `before (${commit.slice(0, 10)}), `, args: ['--dist', beforeDist] });
  }
  // The run's own compositing ffmpeg, fed from files of what a default run sends it: the least
  // any run can cost, with nothing else of the run beside it.
  const dump = join(dir, 'dump');
  await mkdir(dump);
  await run(process.execPath, [child, settingsPath, '--dump', dump]);
  const videoFolder = join(dir, 'out', 'video');
  const runVideo = await readFile(join(videoFolder, readdirSync(videoFolder)[0]));
  await rm(join(dir, 'out'), { recursive: true, force: true });
  const alone = await compositingAlone(dump, join(dir, 'alone.mp4'));
  const runs = { bare: [], alone: [] };
  for (const { prefix } of builds) Object.assign(runs, { [`${prefix}default`]: [], [`${prefix}videoOnly`]: [] });
  for (let round = 0; round < rounds; round++) {
    runs.bare.push(await timed('bare transcode', () =>
      run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', input, '-c:v', 'libx264', ...ENCODER_ARGS, '-pix_fmt', 'yuv420p', join(dir, 'bare.mp4')])));
    runs.alone.push(await timed('the compositing ffmpeg alone, fed from files', () => run(ffmpeg, alone.args, alone.env)));
    if (round === 0) {
      // Proof that it is the run's own work: the same video to the byte.
      results.aloneSameBytesAsRun = (await readFile(join(dir, 'alone.mp4'))).equals(runVideo);
      console.log(`  its video is the run's, byte for byte: ${results.aloneSameBytesAsRun ? 'yes' : 'NO'}`);
    }
    for (const { prefix, label, args } of builds) {
      runs[`${prefix}default`].push(await timed(`crowdheat, ${label}every output`, () => run(process.execPath, [child, settingsPath, ...args])));
      await rm(join(dir, 'out'), { recursive: true, force: true });
      runs[`${prefix}videoOnly`].push(await timed(`crowdheat, ${label}video only (no detect JSON, no npy)`, () => run(process.execPath, [child, settingsPath, '--video-only', ...args])));
      await rm(join(dir, 'out'), { recursive: true, force: true });
    }
  }
  const mean = (list, key) => round(list.reduce((sum, entry) => sum + entry[key], 0) / list.length);
  const summary = {};
  for (const [name, list] of Object.entries(runs)) summary[name] = { wallS: mean(list, 'wallS'), cpuS: mean(list, 'childCpuS') };
  const ratios = {};
  for (const name of Object.keys(runs)) {
    if (name === 'bare') continue;
    ratios[`${name}/bare`] = { wall: round(summary[name].wallS / summary.bare.wallS), cpu: round(summary[name].cpuS / summary.bare.cpuS) };
  }
  Object.assign(results, { frames, size: '1920x1080', rounds, runs, mean: summary, ratios, load_average_at_end: loadavg().map(round) });
  console.log(JSON.stringify({ load_average_at_start: results.load_average_at_start, load_average_at_end: results.load_average_at_end, mean: summary, ratios }, null, 2));
  return results;
}

const dir = await mkdtemp(join(tmpdir(), 'crowdheat-bench-'));
if (process.argv.includes('--target')) {
  try {
    const results = await targetBench(dir);
    await mkdir(join(root, 'bench', 'results'), { recursive: true });
    await writeFile(join(root, 'bench', 'results', 'target.json'), JSON.stringify(results, null, 2) + '\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
if (process.argv.includes('--previews')) {
  try {
    const results = await previewsBench(dir);
    await mkdir(join(root, 'bench', 'results'), { recursive: true });
    await writeFile(join(root, 'bench', 'results', 'previews.json'), JSON.stringify(results, null, 2) + '\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
const results = { ffmpeg, cpus: cpus().length, load_average_at_start: loadavg().map(round) };
try {
  if (!existsSync(REAL_CSV)) {
    console.log(`skipping: ${REAL_CSV} is absent`);
  } else {
    const frames = quick ? 120 : 600;
    const input = join(dir, 'in.mp4');
    console.log(`making a ${frames}-frame 1920x1080 test video…`);
    await makeVideo(input, frames, '1920x1080', 30);
    const bare = await timed('bare transcode', () =>
      run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', input, '-c:v', 'libx264', ...ENCODER_ARGS, '-pix_fmt', 'yuv420p', join(dir, 'bare.mp4')]));
    const floorA = await timed('(a) floor: decode → rgb24 pipe → encode', () =>
      run('/bin/sh', ['-c', `"${ffmpeg}" -hide_banner -loglevel error -nostdin -i "${input}" -f rawvideo -pix_fmt rgb24 - | "${ffmpeg}" -hide_banner -loglevel error -nostdin -y -f rawvideo -pix_fmt rgb24 -s 1920x1080 -framerate 30 -i - -c:v libx264 ${ENCODER_ARGS.join(' ')} -pix_fmt yuv420p "${join(dir, 'a.mp4')}"`]));
    const overlay = await timed('crowdheat overlay run (worker)', () =>
      runInWorker(settingsFor(dir, input, REAL_CSV, 1920, 1080, 30), { cwd: dir }));
    results.speed = { frames, size: '1920x1080', bare, floor_decode_pipe_encode: floorA, crowdheat: overlay, ratio_wall: round(overlay.wallS / bare.wallS), ratio_cpu: round(overlay.childCpuS / bare.childCpuS) };
    console.log(`ratio crowdheat / bare: ${results.speed.ratio_wall} (wall), ${results.speed.ratio_cpu} (CPU)`);
    await rm(join(dir, 'out'), { recursive: true, force: true });

    results.memory = [];
    for (const count of quick ? [60, 300] : [300, 3000]) {
      const video = join(dir, `m${count}.mp4`);
      const meta = join(dir, `m${count}.csv`);
      console.log(`making a ${count}-frame 1280x720 test video…`);
      await makeVideo(video, count, '1280x720', 30);
      await cycledCsv(meta, count);
      const usage = await timed(`crowdheat 720p, ${count} frames`, () =>
        runInWorker(settingsFor(dir, video, meta, 1280, 720, 30), { cwd: dir }));
      results.memory.push({ frames: count, size: '1280x720', ...usage });
      await rm(join(dir, 'out'), { recursive: true, force: true });
      await rm(video, { force: true });
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
await mkdir(join(root, 'bench', 'results'), { recursive: true });
await writeFile(join(root, 'bench', 'results', 'video.json'), JSON.stringify(results, null, 2) + '\n');
console.log(JSON.stringify(results, null, 2));
