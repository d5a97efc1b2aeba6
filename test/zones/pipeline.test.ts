/**
 * Zones through the whole pipeline: zones.csv and summary.json against counts made here
 * independently (integer winding numbers, sums over frames, runs of track ids).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';

const REAL_CSV = '/work/shared/data/aitrios-sample.csv';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-zones-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Zones with integer corners: a rectangle, a concave L, a triangle (1920×1080 space). */
const ZONES: ZoneDefinition[] = [
  { name: 'left', points: [[0, 500], [700, 500], [700, 1080], [0, 1080]] },
  { name: 'ell', points: [[600, 200], [1300, 200], [1300, 900], [1000, 900], [1000, 500], [600, 500]] },
  { name: 'corner, "quoted"', points: [[1920, 0], [1920, 1080], [900, 0]] },
];

/**
 * Brute force, independent of src-shared/zones: the anchor doubled to integers, on-boundary by
 * integer cross products, inside by the winding number.
 */
function insideBrute(zone: ZoneDefinition, x2: number, y2: number): boolean {
  const pts = zone.points.map(([x, y]) => [x * 2, y * 2]);
  let winding = 0;
  for (let i = 0; i < pts.length; i++) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % pts.length];
    const cross = (bx - ax) * (y2 - ay) - (by - ay) * (x2 - ax);
    if (cross === 0 && x2 >= Math.min(ax, bx) && x2 <= Math.max(ax, bx) && y2 >= Math.min(ay, by) && y2 <= Math.max(ay, by)) return true;
    if (ay <= y2 && by > y2 && cross > 0) winding += 1;
    else if (ay > y2 && by <= y2 && cross < 0) winding -= 1;
  }
  return winding !== 0;
}

interface CsvRow {
  [column: string]: string;
}

async function readCsv(path: string): Promise<CsvRow[]> {
  return parse(await readFile(path, 'utf8'), { columns: true }) as CsvRow[];
}

function settingsFor(metaFile: string, zones: ZoneDefinition[], width = 1920, height = 1080): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = metaFile;
  settings.heat_map_settings.params.image_size_h = width;
  settings.heat_map_settings.params.image_size_v = height;
  settings.heat_map_settings.params.grid_num_h = 96;
  settings.heat_map_settings.params.grid_num_v = 54;
  settings.output_settings.output_dir = join(dir, 'out');
  settings.output_settings.output_video_width = 160;
  settings.output_settings.output_video_height = 90;
  settings.zones = zones;
  return settings;
}

describe.skipIf(!existsSync(REAL_CSV))('zones on the real AITRIOS CSV', () => {
  it('equal a brute-force count of anchors in each zone, frame by frame', async () => {
    const summary = await runPipeline(settingsFor(REAL_CSV, ZONES), { cwd: dir });
    // Independent per-frame occupancy from the CSV itself.
    const records = parse(await readFile(REAL_CSV, 'utf8'), { from_line: 2, relax_column_count: true }) as string[][];
    const occupancy = ZONES.map(() => new Array<number>(summary.frames).fill(0));
    for (const record of records) {
      const frame = Number(record[0]);
      const dict = JSON.parse(record[1]) as { perception: { object_detection_list: Array<{ bounding_box: Record<string, number> }> } };
      for (const { bounding_box: box } of dict.perception.object_detection_list) {
        ZONES.forEach((zone, z) => {
          if (insideBrute(zone, box.left + box.right, box.bottom * 2)) occupancy[z][frame] += 1;
        });
      }
    }
    const rows = await readCsv(join(dir, 'out', 'zones.csv'));
    expect(rows.map((row) => row.zone)).toEqual(ZONES.map((zone) => zone.name));
    ZONES.forEach((_, z) => {
      const counts = occupancy[z];
      const sum = counts.reduce((a, b) => a + b, 0);
      const peak = Math.max(...counts);
      expect(sum, 'the counts are not all zero').toBeGreaterThan(0);
      expect(rows[z]).toMatchObject({
        frames: String(summary.frames),
        unit: 'frames',
        duration: String(summary.frames),
        person_time: String(sum),
        mean_occupancy: String(sum / summary.frames),
        peak_occupancy: String(peak),
        peak_frame: String(counts.indexOf(peak)),
        occupied_share: String(counts.filter((count) => count > 0).length / summary.frames),
        visits: '',
        bucket_start: '',
      });
    });
    const json = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as { zones: { unit: string; zones: Array<{ person_time: number }> }; outputs: string[] };
    expect(json.zones.unit).toBe('frames');
    expect(json.zones.zones.map((zone) => zone.person_time)).toEqual(occupancy.map((counts) => counts.reduce((a, b) => a + b, 0)));
    expect(json.outputs).toContain('zones.csv');
  });
});

describe('zones with frame times', () => {
  it('give person-seconds equal to the sum of occupancy × duration over frames', async () => {
    // Inference JSON (inline detections, F = 1) at 1 fps with a 10 s hole after the third frame.
    const stamps = ['20240101000000000', '20240101000001000', '20240101000002000', '20240101000012000', '20240101000013000'];
    const people = [[100], [100, 150], [], [100, 900], [150]];
    const inferences = stamps.map((T, i) => ({
      T,
      F: 1,
      O: JSON.stringify({
        perception: {
          object_detection_list: people[i].map((x) => ({ class_id: 0, score: 0.9, bounding_box: { left: x - 10, top: 50, right: x + 10, bottom: 100 } })),
        },
      }),
    }));
    const meta = join(dir, 'results.json');
    await writeFile(meta, JSON.stringify({ DeviceID: 'cam', ModelID: 'm', Image: false, Inferences: inferences }));
    const zone: ZoneDefinition = { name: 'desk', points: [[0, 0], [200, 0], [200, 100], [0, 100]] };
    const settings = settingsFor(meta, [zone], 1000, 200);
    settings.data_source_settings.local_data_settings.meta_format = 'inference_json';
    await runPipeline(settings, { cwd: dir });

    // Durations by hand: intervals 1, 1, 10, 1 s; median 1 s, cap 3 s; the last frame gets the median.
    const durations = [1, 1, 3, 1, 1];
    const occupancy = [1, 2, 0, 1, 1];
    const personSeconds = occupancy.reduce((sum, count, i) => sum + count * durations[i], 0);
    const [row] = await readCsv(join(dir, 'out', 'zones.csv'));
    expect(row).toMatchObject({
      unit: 'seconds',
      duration: '7',
      person_time: String(personSeconds),
      mean_occupancy: String(personSeconds / 7),
      peak_occupancy: '2',
      peak_frame: '1',
      peak_T: '20240101000001000',
      occupied_share: String(4 / 7), // frames 0, 1, 3, 4: 1 s each
      bucket_start_T: '20240101000000000',
      bucket_end_T: '20240101000014000',
    });
    expect(row.bucket_start).toMatch(/^2024-01-01T\d\d:00:00\.000[+-]\d\d:\d\d$|^2023-12-31T\d\d:00:00\.000[+-]\d\d:\d\d$/);
    const json = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as {
      people: { busiest: { frame: number; people: number; timestamp: string }; gaps: { count: number; total_s: number } };
    };
    expect(json.people.busiest).toEqual({ frame: 1, people: 2, timestamp: '20240101000001000' });
    // The hole: frame 2 ends at 2 s + 3 s (capped), frame 3 starts at 12 s.
    expect(json.people.gaps).toMatchObject({ count: 1, total_s: 7 });
  });
});

describe('visits on a MOT gt.txt', () => {
  it('equal the runs of consecutive frames of each track inside the zone', async () => {
    // Four tracks walk right along y = 300 at different speeds and starts; track 3 pauses outside.
    const lines: string[] = [];
    const inZone = (x: number): boolean => x >= 200 && x <= 400;
    const feetX = new Map<string, number>();
    for (let frame = 1; frame <= 60; frame++) {
      for (const [id, start, speed] of [[1, 0, 10], [2, 5, 20], [3, 0, 7], [4, 30, 15]]) {
        let x = 100 + (frame - start) * speed;
        if (frame < start) continue;
        if (id === 3 && frame >= 35 && frame <= 38) x = 500; // steps out for 4 frames
        if (id === 3 && frame > 38) x = 250 + (frame - 38) * 2;
        feetX.set(`${frame}:${id}`, x);
        lines.push(`${frame},${id},${x - 15},${200},30,100,1,1,1`);
      }
    }
    const gt = join(dir, 'gt.txt');
    await writeFile(gt, `${lines.join('\n')}\n`);
    const zone: ZoneDefinition = { name: 'aisle', points: [[200, 0], [400, 0], [400, 576], [200, 576]] };
    const settings = settingsFor(gt, [zone], 768, 576);
    await runPipeline(settings, { cwd: dir });

    // Count visits from the track ids: runs of consecutive frames with the feet inside.
    const visitLengths: number[] = [];
    for (const id of [1, 2, 3, 4]) {
      let run = 0;
      for (let frame = 1; frame <= 61; frame++) {
        const x = feetX.get(`${frame}:${id}`);
        if (x !== undefined && inZone(x)) run += 1;
        else if (run > 0) {
          visitLengths.push(run);
          run = 0;
        }
      }
    }
    const sorted = [...visitLengths].sort((a, b) => a - b);
    const median = sorted.length % 2 === 1 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    expect(visitLengths.length).toBe(5);
    const [row] = await readCsv(join(dir, 'out', 'zones.csv'));
    expect(row).toMatchObject({
      visits: String(visitLengths.length),
      mean_visit: String(visitLengths.reduce((a, b) => a + b, 0) / visitLengths.length),
      median_visit: String(median),
    });
  });
});

describe('zones on the run’s time base and buckets', () => {
  it('metadata_fps times and hourly buckets in output_settings.timezone give a row per zone per hour', async () => {
    // Four MOT frames at 1 fps from 09:59:58 UTC: two in the 18:00 hour of Tokyo, two in the 19:00 hour.
    const meta = join(dir, 'det.txt');
    await writeFile(meta, ['1,-1,10,10,20,20,1', '2,-1,10,10,20,20,1', '2,-1,15,10,20,20,1', '4,-1,10,10,20,20,1', ''].join('\n'));
    const zone: ZoneDefinition = { name: 'door', points: [[0, 0], [100, 0], [100, 100], [0, 100]] };
    const settings = settingsFor(meta, [zone], 200, 100);
    settings.data_source_settings.local_data_settings.metadata_fps = 1;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T09:59:58Z';
    settings.output_settings.period = 'hour';
    settings.output_settings.timezone = 'Asia/Tokyo';
    await runPipeline(settings, { cwd: dir });

    const rows = await readCsv(join(dir, 'out', 'zones.csv'));
    expect(rows.map((row) => [row.bucket_start, row.bucket_end, row.frames, row.person_time, row.peak_occupancy, row.peak_T])).toEqual([
      ['2026-11-23T18:00:00.000+09:00', '2026-11-23T19:00:00.000+09:00', '2', '3', '2', '20261123095959000'],
      ['2026-11-23T19:00:00.000+09:00', '2026-11-23T20:00:00.000+09:00', '2', '1', '1', '20261123100001000'],
    ]);
    const json = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as {
      zones: { time_base: string; unit: string; zones: Array<{ person_time: number; peak_occupancy: number }> };
    };
    expect(json.zones).toMatchObject({ time_base: 'local_data_settings.metadata_fps', unit: 'seconds' });
    expect(json.zones.zones[0]).toMatchObject({ person_time: 4, peak_occupancy: 2 });
  });
});
