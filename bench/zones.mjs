#!/usr/bin/env node
// Zone figures for a week at 1 fps (604,800 frames, 10 people a frame, 5 zones) and the report
// for that week. Synthetic data made here; the baseline is making the frames alone.
// Run after `npm run build` (or `npx tsc -p tsconfig.json`): node bench/zones.mjs [frames]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import sharp from 'sharp';
import { DetectionsBuilder, formatTimestamp } from '../dist/src-shared/frames.js';
import { compileZones, OccupancyRecorder } from '../dist/src-shared/zones/occupancy.js';
import { frameTimes, zoneFigures, zoneVisits } from '../dist/src-shared/zones/figures.js';
import { zonesCsv, zonesSummary } from '../dist/src-shared/zones/output.js';
import { busiestFrame, dataGaps, peopleCsv, peopleSeries } from '../dist/src-shared/report/series.js';
import { writeReport } from '../dist/src-main/report/build.js';

const FRAMES = Number(process.argv[2] ?? 604_800);
const PEOPLE = 10;
const START = Date.UTC(2024, 5, 3, 0, 0, 0);
const ZONES = [
  { name: 'entrance', points: [[0, 700], [400, 700], [400, 1080], [0, 1080]] },
  { name: 'counter', points: [[600, 200], [1300, 200], [1300, 900], [1000, 900], [1000, 500], [600, 500]] },
  { name: 'queue', points: [[1400, 300], [1900, 350], [1850, 800], [1600, 700], [1450, 900]] },
  { name: 'screen', points: [[800, 0], [1100, 0], [1100, 150], [800, 150]] },
  { name: 'aisle', points: [[300, 100], [500, 100], [520, 600], [480, 1000], [280, 1000], [320, 600]] },
];

function makeFrameMaker() {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const people = Array.from({ length: PEOPLE }, (_, id) => ({ id, x: random() * 1800, y: random() * 900, w: 40 + random() * 50, h: 100 + random() * 140 }));
  const builder = new DetectionsBuilder();
  return () => {
    for (const p of people) {
      p.x = (p.x + 3 + 1920) % 1920;
      p.y = (p.y + (random() - 0.5) * 4 + 1080) % 1080;
      if (p.x < 3) p.id += PEOPLE; // leaves at the right, a new person enters at the left
      builder.add(Math.round(p.x), Math.round(p.y), Math.round(p.x + p.w), Math.round(p.y + p.h), 0.9, 0, p.id);
    }
    return builder.finish();
  };
}

function seconds(ms) {
  return (ms / 1000).toFixed(2);
}

// Baseline: making the frames alone.
let make = makeFrameMaker();
let t0 = performance.now();
for (let f = 0; f < FRAMES; f++) make();
const baselineMs = performance.now() - t0;

// Occupancy: the same frames through the recorder (what the zones sink does per frame).
make = makeFrameMaker();
const recorder = new OccupancyRecorder(compileZones(ZONES), 1.0);
const counts = new Int32Array(FRAMES);
t0 = performance.now();
for (let f = 0; f < FRAMES; f++) {
  const detections = make();
  counts[f] = detections.count;
  recorder.add(detections);
}
const recordMs = performance.now() - t0 - baselineMs;

// Figures: time base, visits, whole run and 168 hourly buckets, zones.csv text.
const times = new Float64Array(FRAMES);
for (let f = 0; f < FRAMES; f++) times[f] = START + f * 1000 + (f > FRAMES / 2 ? 3_600_000 : 0);
t0 = performance.now();
const base = frameTimes(FRAMES, times);
const visits = zoneVisits(recorder.trackEntries(), base);
const whole = zoneFigures({ occupancy: recorder.occupancy(), zoneCount: ZONES.length, base, boundaries: null, visits });
const hours = Math.ceil((times[FRAMES - 1] - START) / 3_600_000) + 1;
const boundaries = Array.from({ length: hours + 1 }, (_, h) => START + h * 3_600_000);
const hourly = zoneFigures({ occupancy: recorder.occupancy(), zoneCount: ZONES.length, base, boundaries, visits });
const csv = zonesCsv(hourly, ZONES, base);
const figuresMs = performance.now() - t0;

console.log(`frames ${FRAMES}, zones ${ZONES.length}, tracked entries ${recorder.trackEntries().frames.length}, visits ${visits.length}`);
console.log(`baseline (making the frames): ${seconds(baselineMs)} s`);
console.log(`occupancy (point-in-polygon, recording): ${seconds(recordMs)} s (${(recordMs / baselineMs).toFixed(2)}× the baseline)`);
console.log(`figures (durations, visits, whole run + ${hours} hourly buckets, zones.csv): ${seconds(figuresMs)} s`);
console.log(`zone figures total: ${seconds(recordMs + figuresMs)} s`);

// The report for that week: a run's folder with summary.json (every T), heatmap.png, zones.csv,
// people.csv, and one picture per hour in periods/.
const dir = await mkdtemp(join(tmpdir(), 'crowdheat-bench-report-'));
try {
  const series = peopleSeries(counts, base);
  const busiest = busiestFrame(counts);
  const gaps = dataGaps(base);
  const timestamps = Array.from(times, (t) => formatTimestamp(t));
  const summary = {
    parameters: { image_size_h: 1920, image_size_v: 1080, grid_num_h: 192, grid_num_v: 108, number_of_add_grid: 1, last_valid_frame: 15 },
    source: { mode: 'local', name: 'week', meta_file: 'week.jsonl' },
    frames: FRAMES,
    detections: FRAMES * PEOPLE,
    skipped_records: 0,
    warnings: {},
    timestamps,
    time_range: { first: timestamps[0], last: timestamps[FRAMES - 1] },
    peak: { count: 40, frame: 1234, h: 50, v: 60, timestamp: timestamps[1234] },
    wall_time_s: 0,
    outputs: [],
    zones: zonesSummary(whole, ZONES, base, 'zones.csv', true),
    people: {
      file: 'people.csv', slot: series.slot, slot_unit: series.unit,
      busiest: { ...busiest, timestamp: timestamps[busiest.frame] },
      gaps: { count: gaps.length, total_s: gaps.reduce((s, g) => s + (g.toMs - g.fromMs), 0) / 1000, listed: gaps.slice(0, 100).map((g) => ({ from_T: formatTimestamp(g.fromMs), to_T: formatTimestamp(g.toMs), seconds: (g.toMs - g.fromMs) / 1000 })) },
    },
  };
  await writeFile(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  await writeFile(join(dir, 'zones.csv'), csv);
  await writeFile(join(dir, 'people.csv'), peopleCsv(series));
  const picture = (seed) => {
    const width = 1920;
    const height = 1080;
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const heat = Math.max(0, 255 - Math.hypot(x - 960 - seed * 5, y - 540) / 3);
      data[o] = 255;
      data[o + 1] = 255 - heat;
      data[o + 2] = 255 - heat;
    }
    return sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
  };
  await writeFile(join(dir, 'heatmap.png'), await picture(0));
  await mkdir(join(dir, 'periods'));
  const period = await picture(10);
  for (let h = 0; h < 168; h++) await writeFile(join(dir, 'periods', `${formatTimestamp(START + h * 3_600_000).slice(0, 10)}.png`), period);
  t0 = performance.now();
  const result = await writeReport(dir);
  const reportMs = performance.now() - t0;
  console.log(`report for the week: ${seconds(reportMs)} s, ${(result.bytes / 1e6).toFixed(2)} MB, ${result.periodPictures} period pictures inlined, ${result.periodPicturesLeftOut} left out`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
