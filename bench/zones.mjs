#!/usr/bin/env node
// Zone figures for a stored week at 1 fps (604,800 frames, 10 people a frame, 5 zones) and the
// report for that week. Synthetic frames go into an analysis store as a run writes it (detections,
// frames with times, zone_occupancy and zone_visits as the zones sink writes them); then the
// figures are computed FROM THE STORE, for the run's zones and for edited ones, and the report
// from the run's folder. Run after `npm run build`: node bench/zones.mjs [frames]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import sharp from 'sharp';
import { DetectionsBuilder, formatTimestamp } from '../dist/src-shared/frames.js';
import { compileZones, OccupancyRecorder } from '../dist/src-shared/zones/occupancy.js';
import { frameTimes, zoneVisits } from '../dist/src-shared/zones/figures.js';
import { zonesCsv, zonesSummary } from '../dist/src-shared/zones/output.js';
import { resolveTimeBase } from '../dist/src-shared/periods/time-base.js';
import { LocalClock } from '../dist/src-shared/periods/buckets.js';
import { defaultSettings } from '../dist/src-shared/settings/types.js';
import { StoreReader, StoreWriter } from '../dist/src-main/store/store.js';
import { writeZoneTables, zoneView } from '../dist/src-main/store/zones.js';
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

/** Wall and CPU (user + system, every thread of this process) of `work`. */
async function measured(work) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 };
}

function line(label, { wallMs, cpuMs }) {
  console.log(`${label}: wall ${seconds(wallMs)} s, CPU ${seconds(cpuMs)} s`);
}

const TIMEZONE = 'Asia/Tokyo';
const dir = await mkdtemp(join(tmpdir(), 'crowdheat-bench-zones-'));
try {
  // The run: frames into the store and through the occupancy recorder, as the store and zones sinks do.
  const storePath = join(dir, 'crowdheat.duckdb');
  const make = makeFrameMaker();
  const times = new Float64Array(FRAMES);
  for (let f = 0; f < FRAMES; f++) times[f] = START + f * 1000 + (f > FRAMES / 2 ? 3_600_000 : 0);
  const counts = new Int32Array(FRAMES);
  const settings = defaultSettings();
  settings.zones = ZONES;
  settings.output_settings.period = 'hour';
  settings.output_settings.timezone = TIMEZONE;
  const written = await measured(async () => {
    const writer = await StoreWriter.create(storePath);
    const recorder = new OccupancyRecorder(compileZones(ZONES), 1.0);
    for (let f = 0; f < FRAMES; f++) {
      const detections = make();
      counts[f] = detections.count;
      writer.addFrame({ index: f, timestamp: formatTimestamp(times[f]), detections });
      recorder.add(detections);
    }
    const timeBase = resolveTimeBase({ timestamps: writer.timestamps(), frameIndexes: writer.frameIndexes(), metadataFps: 0, startMs: 0, videoFps: 0 });
    const { settingsToYaml } = await import('../dist/src-shared/settings/index.js');
    await writer.finish(timeBase, { settings: settingsToYaml(settings), source_name: 'week' });
    const base = frameTimes(FRAMES, times);
    const visits = zoneVisits(recorder.trackEntries(), base);
    await writeZoneTables(storePath, { zones: ZONES, frameIndexes: Int32Array.from({ length: FRAMES }, (_, f) => f), occupancy: recorder.occupancy(), visits });
    return { visits: visits.length };
  });
  console.log(`frames ${FRAMES}, zones ${ZONES.length}, visits ${written.value.visits}`);
  line('setup (not a target): the run writing the store with zone_occupancy and zone_visits', written);

  const params = settings.heat_map_settings.params;
  const viewOf = async (zones) => {
    const store = await StoreReader.open(storePath);
    try {
        const view = await zoneView(store, { zones, params, period: { kind: 'hour' }, timeZone: TIMEZONE });
      const clock = new LocalClock(TIMEZONE);
      const csv = zonesCsv(view.buckets ?? view.whole, zones, view.base, (ms) => Math.round(clock.offset(ms) / 60_000));
      return { view, csv };
    } finally {
      store.close();
    }
  };
  const stored = await measured(() => viewOf(ZONES));
  const hours = stored.value.view.buckets.length / ZONES.length;
  line(`zone figures from the store, the run's zones (zone_occupancy, zone_visits): whole week + ${hours} hourly buckets + zones.csv`, stored);
  // Every zone edited (its first corner moved 10 px): nothing stored fits, all counted from the detections.
  const edited = ZONES.map((zone) => ({ ...zone, points: zone.points.map(([x, y], i) => (i === 0 ? [x + 10, y] : [x, y])) }));
  const recounted = await measured(() => viewOf(edited));
  line('zone figures from the store, 5 edited zones (counted from the stored detections)', recounted);

  // The report from that run's folder: summary.json with the store's time base, busiest moment and place.
  const { view, csv } = stored.value;
  const base = view.base;
  const clock = new LocalClock(TIMEZONE);
  const series = peopleSeries(counts, base);
  const busiest = busiestFrame(counts);
  const gaps = dataGaps(base);
  const timestamps = Array.from(times, (t) => formatTimestamp(t));
  const summary = {
    parameters: params,
    source: { mode: 'local', name: 'week', meta_file: 'week.jsonl' },
    frames: FRAMES,
    detections: FRAMES * PEOPLE,
    skipped_records: 0,
    warnings: {},
    timestamps,
    time_range: { first: timestamps[0], last: timestamps[FRAMES - 1] },
    peak: { count: 40, frame: 1234, h: 50, v: 60, timestamp: timestamps[1234] },
    time_base: { kind: 'T', fps: 0, unit: 'person-seconds', first: clock.iso(times[0]), last: clock.iso(times[FRAMES - 1]), median_interval_ms: 1000, covered_s: FRAMES, gaps: { count: 1, total_s: 3597, listed: [] } },
    period: { period: 'hour', timezone: TIMEZONE, buckets: hours },
    busiest_moment: { frame: busiest.frame, t: timestamps[busiest.frame], time: clock.iso(times[busiest.frame]), count: busiest.people },
    busiest_place: { h: 96, v: 54, value: 123456.5, unit: 'person-seconds' },
    wall_time_s: 0,
    outputs: [],
    zones: zonesSummary(view.whole, ZONES, base, 'zones.csv', true),
    people: {
      file: 'people.csv', slot: series.slot, slot_unit: series.unit,
      busiest: { ...busiest, timestamp: timestamps[busiest.frame] },
      gaps: { count: gaps.length, total_s: gaps.reduce((s, g) => s + (g.toMs - g.fromMs), 0) / 1000, listed: gaps.slice(0, 100).map((g) => ({ from_T: formatTimestamp(g.fromMs), to_T: formatTimestamp(g.toMs), seconds: (g.toMs - g.fromMs) / 1000 })) },
    },
  };
  await writeFile(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  await writeFile(join(dir, 'zones.csv'), csv);
  await writeFile(join(dir, 'people.csv'), peopleCsv(series, (ms) => Math.round(clock.offset(ms) / 60_000)));
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
  const report = await measured(() => writeReport(dir));
  const result = report.value;
  line(`report for the week (${(result.bytes / 1e6).toFixed(2)} MB, ${result.periodPictures} period pictures inlined, ${result.periodPicturesLeftOut} left out)`, report);
} finally {
  if (process.env.KEEP_BENCH_DIR === undefined) await rm(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
