#!/usr/bin/env node
// Grid counter throughput: 100,000 synthetic frames of 10 detections each.
// Baseline in the same script: the sample's approach, rebuilding the window's sum from the
// footprints of all W frames for every frame (cost W × footprints + clearing the grid).
// Run after `npm run build`: node bench/counter.mjs [frames]
import { GridCounter } from '../dist/src-shared/counting/grid-counter.js';
import { footprintFunction, SpanList } from '../dist/src-shared/counting/footprint.js';
import { DetectionsBuilder } from '../dist/src-shared/frames.js';
import { DEFAULT_GRID_PARAMS } from '../dist/src-shared/settings/types.js';

const FRAMES = Number(process.argv[2] ?? 100_000);
const PEOPLE = 10;

/** Deterministic people drifting across a 1920×1080 scene, boxes 40–90 px wide and 100–240 px tall. */
function makeFrames(count) {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const people = Array.from({ length: PEOPLE }, () => ({ x: random() * 1800, y: random() * 900, w: 40 + random() * 50, h: 100 + random() * 140 }));
  const frames = new Array(count);
  const builder = new DetectionsBuilder();
  for (let f = 0; f < count; f++) {
    for (const p of people) {
      p.x = (p.x + 3 + 1920) % 1920;
      p.y = (p.y + (random() - 0.5) * 4 + 1080) % 1080;
      builder.add(Math.round(p.x), Math.round(p.y), Math.round(p.x + p.w), Math.round(p.y + p.h), 0.9, 0);
    }
    frames[f] = builder.finish();
  }
  return frames;
}

function timeIt(run) {
  const start = process.hrtime.bigint();
  const checksum = run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, checksum };
}

function ringCounter(params, frames) {
  const counter = new GridCounter(params);
  let checksum = 0;
  for (const detections of frames) {
    counter.push(detections);
    checksum += counter.grid[counter.grid.length >> 1];
  }
  return checksum;
}

function rebuildEveryFrame(params, frames) {
  const footprints = footprintFunction(params);
  const columns = params.grid_num_h;
  const grid = new Int32Array(columns * params.grid_num_v);
  const spans = new SpanList();
  const window = params.last_valid_frame;
  let checksum = 0;
  for (let t = 0; t < frames.length; t++) {
    grid.fill(0);
    for (let s = Math.max(0, t - window + 1); s <= t; s++) {
      spans.clear();
      footprints(frames[s], spans);
      for (let i = 0; i < spans.length; i += 3) {
        const row = spans.data[i] * columns;
        for (let c = row + spans.data[i + 1]; c <= row + spans.data[i + 2]; c++) grid[c] += 1;
      }
    }
    checksum += grid[grid.length >> 1];
  }
  return checksum;
}

const cases = [
  { label: 'box mode, 192×108 grid, n=1, W=15', params: { number_of_add_grid: 1, last_valid_frame: 15, bbox2pix: false } },
  { label: 'point mode, 192×108 grid, n=2, W=15', params: { number_of_add_grid: 2, last_valid_frame: 15, bbox2pix: true } },
  { label: 'box mode, 64×36 grid, n=1, W=15', params: { number_of_add_grid: 1, last_valid_frame: 15, bbox2pix: false, grid_num_h: 64, grid_num_v: 36 } },
  { label: 'legacy box mode, 192×108 grid, n=1, W=15', params: { number_of_add_grid: 1, last_valid_frame: 15, bbox2pix: false, counting: 'legacy' } },
];

const frames = makeFrames(FRAMES);
console.log(`counter: ${FRAMES} frames of ${PEOPLE} detections, 1920×1080 metadata space`);
console.log('| case | crowdheat frames/s | rebuild-window baseline frames/s | speed-up |');
console.log('|---|---|---|---|');
for (const { label, params: overrides } of cases) {
  const params = { ...DEFAULT_GRID_PARAMS, ...overrides };
  ringCounter(params, frames.slice(0, 2000)); // warm-up for the JIT
  const ours = timeIt(() => ringCounter(params, frames));
  const baselineFrames = frames.slice(0, Math.min(FRAMES, 20_000));
  rebuildEveryFrame(params, baselineFrames.slice(0, 1000));
  const base = timeIt(() => rebuildEveryFrame(params, baselineFrames));
  const check = ringCounter(params, baselineFrames);
  if (check !== base.checksum) throw new Error(`${label}: ring counter and baseline disagree (${check} vs ${base.checksum})`);
  const oursRate = FRAMES / ours.seconds;
  const baseRate = baselineFrames.length / base.seconds;
  console.log(`| ${label} | ${Math.round(oursRate).toLocaleString('en')} | ${Math.round(baseRate).toLocaleString('en')} | ${(oursRate / baseRate).toFixed(1)}× |`);
}
