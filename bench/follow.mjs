#!/usr/bin/env node
// crowdheat follow on a long history: a day of one camera at 1 fps (86,400 inferences, 10 people
// each) on a small Console stand-in (real HTTP on 127.0.0.1, inline-JSON outputs), then polls that
// each find 10 new inferences. Reports the first poll (the whole day: fetch, store, outputs) and the
// later polls (window before the mark, commit, rolling outputs over the whole store), wall and CPU.
// Run after `npm run build`: node bench/follow.mjs [frames] [polls]
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { followConsole } from '../dist/src-main/console/follow.js';
import { defaultSettings } from '../dist/src-shared/settings/types.js';
import { formatTimestamp } from '../dist/src-shared/frames.js';

const FRAMES = Number(process.argv[2] ?? 86_400);
const POLLS = Number(process.argv[3] ?? 10);
const START = Date.UTC(2026, 10, 28, 0, 0, 0);
const PEOPLE = 10;

const output = (second) =>
  JSON.stringify({
    perception: {
      object_detection_list: Array.from({ length: PEOPLE }, (_, p) => {
        const left = (second * 7 + p * 170) % 1800;
        const top = (second * 3 + p * 90) % 900;
        return { class_id: 0, bounding_box: { left, top, right: left + 60, bottom: top + 160 }, score: 0.9 };
      }),
    },
  });
/** Records newest first, one inference each. */
let records = [];
const add = (from, to) => {
  const fresh = [];
  for (let s = from; s < to; s++) fresh.push({ T: formatTimestamp(START + s * 1000), s });
  records = [...fresh.reverse(), ...records];
};
add(0, FRAMES);
let total = FRAMES;

const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://127.0.0.1');
  const send = (status, body) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (url.pathname === '/token') {
    request.resume();
    request.on('end', () => send(200, { access_token: 'bench-token', expires_in: 3600 }));
    return;
  }
  const count = Number(url.searchParams.get('NumberOfInferenceresults'));
  const filter = url.searchParams.get('filter') ?? '';
  const low = /i\.T >= "(\d{17})"/.exec(filter)?.[1] ?? '';
  const high = /i\.T <= "(\d{17})"/.exec(filter)?.[1] ?? '99999999999999999';
  const page = [];
  for (const record of records) {
    if (page.length === count) break;
    if (record.T >= low && record.T <= high) page.push(record);
  }
  send(
    200,
    page.map((record) => ({
      id: `r${record.s}`,
      device_id: 'cam-bench',
      model_id: 'm',
      inference_result: { DeviceID: 'cam-bench', Inferences: [{ T: record.T, F: 1, O: output(record.s) }] },
    })),
  );
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const origin = `http://127.0.0.1:${server.address().port}`;

const dir = await mkdtemp(join(tmpdir(), 'crowdheat-bench-follow-'));
const settings = defaultSettings();
settings.data_source_settings.mode = 'console';
Object.assign(settings.data_source_settings.console_data_settings, { device_id: 'cam-bench', number_of_inference_results: 1_000_000 });
Object.assign(settings.output_settings, { output_dir: 'out', period: 'hour', timezone: 'UTC' });

const controller = new globalThis.AbortController();
const polls = [];
let pollStarted = performance.now();
let cpuStarted = process.cpuUsage();
let simulated = START + FRAMES * 1000;
const started = performance.now();
await followConsole(settings, {
  signal: controller.signal,
  cwd: dir,
  intervalMs: 10_000,
  credentials: { console_endpoint: origin, portal_authorization_endpoint: `${origin}/token`, client_id: 'bench', client_secret: 'bench' },
  now: () => simulated,
  sleep: async (ms) => {
    simulated += ms;
    // Ten more seconds of the camera before the next poll.
    add(total, total + 10);
    total += 10;
    if (polls.length > POLLS) controller.abort();
    pollStarted = performance.now();
    cpuStarted = process.cpuUsage();
  },
  onPoll: (poll) => {
    const cpu = process.cpuUsage(cpuStarted);
    polls.push({ newFrames: poll.newFrames, wallS: (performance.now() - pollStarted) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 });
  },
});
const totalS = (performance.now() - started) / 1000;
server.close();
await rm(dir, { recursive: true, force: true });
const later = polls.slice(1);
const mean = (key) => later.reduce((sum, poll) => sum + poll[key], 0) / Math.max(1, later.length);
const load = loadavg()[0].toFixed(1);
console.log(`first poll: ${polls[0].newFrames} inferences in ${polls[0].wallS.toFixed(2)} s wall, ${polls[0].cpuS.toFixed(2)} s CPU (this process)`);
console.log(`later polls (${later.length}, 10 new each, hourly buckets over ${total} frames): ${mean('wallS').toFixed(3)} s wall, ${mean('cpuS').toFixed(3)} s CPU on average`);
console.log(`whole follow with the final outputs: ${totalS.toFixed(1)} s wall; load average ${load}`);
