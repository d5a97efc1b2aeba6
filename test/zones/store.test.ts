/**
 * Zone figures from the analysis store (store/zones.ts) against what the zones sink wrote for the
 * same zones: zones.csv text for text, from `zone_occupancy` and from the stored detections alike,
 * on the real AITRIOS CSV and on a MOT gt.txt with track ids.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { periodOf, timeZoneOf } from '../../src-main/sinks/store.js';
import { STORE_FILE } from '../../src-main/store/schema.js';
import { recountSettings } from '../../src-main/store/settings.js';
import { StoreReader } from '../../src-main/store/store.js';
import { occupancySeries, writeZoneTables, zoneView, type ZoneView } from '../../src-main/store/zones.js';
import { LocalClock } from '../../src-shared/periods/buckets.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { zonesCsv } from '../../src-shared/zones/output.js';

const REAL_CSV = '/work/shared/data/aitrios-sample.csv';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-zone-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ZONES: ZoneDefinition[] = [
  { name: 'left', points: [[0, 500], [700, 500], [700, 1080], [0, 1080]] },
  { name: 'ell', points: [[600, 200], [1300, 200], [1300, 900], [1000, 900], [1000, 500], [600, 500]] },
  { name: 'corner', points: [[1920, 0], [1920, 1080], [900, 0]] },
];

function settingsFor(metaFile: string, zones: ZoneDefinition[], out: string, width = 1920, height = 1080): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = metaFile;
  settings.heat_map_settings.params.image_size_h = width;
  settings.heat_map_settings.params.image_size_v = height;
  settings.heat_map_settings.params.grid_num_h = 48;
  settings.heat_map_settings.params.grid_num_v = 27;
  settings.output_settings.output_dir = join(dir, out);
  settings.output_settings.output_video_width = 160;
  settings.output_settings.output_video_height = 90;
  settings.zones = zones;
  return settings;
}

/** zones.csv as the sink would write it, from a store view. */
function csvOf(view: ZoneView, zones: ZoneDefinition[], timeZone: string): string {
  const clock = new LocalClock(timeZone);
  return zonesCsv(view.buckets ?? view.whole, zones, view.base, (ms) => Math.round(clock.offset(ms) / 60_000));
}

async function viewOf(out: string, zones: ZoneDefinition[], range: { fromMs?: number; toMs?: number } = {}): Promise<{ view: ZoneView; settings: Settings }> {
  const store = await StoreReader.open(join(dir, out));
  try {
    const settings = recountSettings(store.meta.settings, []);
    const view = await zoneView(store, {
      zones,
      params: settings.heat_map_settings.params,
      period: periodOf(settings),
      timeZone: timeZoneOf(settings),
      ...range,
    });
    return { view, settings };
  } finally {
    store.close();
  }
}

describe.skipIf(!existsSync(REAL_CSV))('zone figures from the store on the real AITRIOS CSV', () => {
  it('equal zones.csv of the run, per minute bucket, read from zone_occupancy and counted from detections alike', async () => {
    const settings = settingsFor(REAL_CSV, ZONES, 'out');
    settings.data_source_settings.local_data_settings.metadata_fps = 4; // 600 frames: 150 s
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T09:59:00Z';
    settings.output_settings.period = '1min';
    settings.output_settings.timezone = 'Asia/Tokyo';
    await runPipeline(settings, { cwd: dir });
    const written = await readFile(join(dir, 'out', 'zones.csv'), 'utf8');
    expect(written.split('\n').length - 2, 'three buckets of three zones').toBe(9);

    const stored = await viewOf('out', ZONES);
    expect(stored.view.storedZones).toBe(3);
    expect(csvOf(stored.view, ZONES, 'Asia/Tokyo')).toBe(written);

    // The same outlines under new names are not in zone_occupancy: counted from the detections.
    const renamed = ZONES.map((zone) => ({ ...zone, name: `${zone.name} 2` }));
    const counted = await viewOf('out', renamed);
    expect(counted.view.storedZones).toBe(0);
    expect(csvOf(counted.view, ZONES, 'Asia/Tokyo')).toBe(written);

    const summary = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as { zones: { zones: Array<{ person_time: number; mean_occupancy: number; peak_occupancy: number; occupied_share: number }> } };
    expect(counted.view.whole.map((row) => [row.personTime, row.meanOccupancy, row.peakOccupancy, row.occupiedShare])).toEqual(
      summary.zones.zones.map((zone) => [zone.person_time, zone.mean_occupancy, zone.peak_occupancy, zone.occupied_share]),
    );
  });

  it('for an edited zone equal a fresh run with that zone', async () => {
    await runPipeline(settingsFor(REAL_CSV, ZONES, 'out'), { cwd: dir });
    const edited: ZoneDefinition[] = [ZONES[0], { name: 'ell', points: [[600, 200], [1500, 200], [1500, 1000], [1000, 900], [1000, 500], [600, 500]] }];
    await runPipeline(settingsFor(REAL_CSV, edited, 'fresh'), { cwd: dir });
    const { view } = await viewOf('out', edited);
    expect(view.storedZones).toBe(1);
    expect(view.whole[1].personTime).not.toBe((await viewOf('out', ZONES)).view.whole[1].personTime);
    expect(csvOf(view, edited, 'UTC')).toBe(await readFile(join(dir, 'fresh', 'zones.csv'), 'utf8'));
  });

  it('on a schema-1 store (no zone tables) are counted from the detections', async () => {
    await runPipeline(settingsFor(REAL_CSV, ZONES, 'out'), { cwd: dir });
    const written = await readFile(join(dir, 'out', 'zones.csv'), 'utf8');
    const instance = await DuckDBInstance.create(join(dir, 'out', STORE_FILE));
    const connection = await instance.connect();
    await connection.run('DROP TABLE zone_occupancy');
    await connection.run('DROP TABLE zone_visits');
    await connection.run("DELETE FROM meta WHERE key IN ('zones', 'zones_tracked')");
    await connection.run("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    await connection.run('CHECKPOINT');
    connection.closeSync();
    instance.closeSync();
    const { view } = await viewOf('out', ZONES);
    expect(view.storedZones).toBe(0);
    expect(csvOf(view, ZONES, 'UTC')).toBe(written);
  });
});

describe('zone tables written into a store', () => {
  it('are all or nothing: a write that fails half-way leaves the tables and the zones key as they were', async () => {
    const gt = join(dir, 'gt.txt');
    await writeFile(gt, '1,1,10,10,20,20,1\n2,1,12,10,20,20,1\n3,2,50,10,20,20,1\n');
    const zone: ZoneDefinition = { name: 'door', points: [[0, 0], [40, 0], [40, 40], [0, 40]] };
    await runPipeline(settingsFor(gt, [zone], 'out', 100, 40), { cwd: dir });
    const file = join(dir, 'out', STORE_FILE);
    const before = await viewOf('out', [zone]);
    expect(before.view.storedZones).toBe(1);
    // A visit naming a frame the run does not have: its row cannot be written, after every occupancy row was.
    await expect(
      writeZoneTables(file, {
        zones: [{ ...zone, name: 'other' }],
        frameIndexes: Int32Array.of(0, 1, 2),
        occupancy: Int32Array.of(5, 5, 5),
        visits: [{ zone: 0, track: 1, firstFrame: 0, lastFrame: 99, time: 1 }],
      }),
    ).rejects.toThrow();
    const store = await StoreReader.open(file);
    const rows: unknown[][] = [];
    await store.forEachChunk("SELECT zone, count(*) FROM zone_occupancy GROUP BY zone UNION ALL SELECT key, 0 FROM meta WHERE key = 'zones' AND value LIKE '%other%'", [], (chunk) => rows.push(...chunk.getRows()));
    store.close();
    expect(rows.map(([name, count]) => [name, Number(count)])).toEqual([['door', 3]]);
    const after = await viewOf('out', [zone]);
    expect(after.view.storedZones).toBe(1);
    expect(after.view.whole).toEqual(before.view.whole);
  });
});

describe('zone figures from the store on a MOT gt.txt', () => {
  async function writeGt(): Promise<string> {
    const lines: string[] = [];
    for (let frame = 1; frame <= 80; frame++) {
      for (const [id, start, speed] of [[1, 0, 10], [2, 5, 20], [3, 0, 7], [4, 30, 15]]) {
        if (frame < start) continue;
        let x = 100 + (frame - start) * speed;
        if (id === 3 && frame >= 35 && frame <= 38) x = 500;
        if (id === 3 && frame > 38) x = 250 + (frame - 38) * 2;
        lines.push(`${frame},${id},${x - 15},200,30,100,1,1,1`);
      }
    }
    const gt = join(dir, 'gt.txt');
    await writeFile(gt, `${lines.join('\n')}\n`);
    return gt;
  }
  const AISLE: ZoneDefinition = { name: 'aisle', points: [[200, 0], [400, 0], [400, 576], [200, 576]] };

  it('give the visits of zones.csv from zone_visits and from the track ids of the detections', async () => {
    const settings = settingsFor(await writeGt(), [AISLE], 'out', 768, 576);
    settings.data_source_settings.local_data_settings.metadata_fps = 2;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T10:00:00Z';
    settings.output_settings.timezone = 'UTC';
    await runPipeline(settings, { cwd: dir });
    const written = await readFile(join(dir, 'out', 'zones.csv'), 'utf8');
    const [, row] = written.trim().split('\n');
    expect(row.split(',')[15], 'visits').toBe('5');

    const stored = await viewOf('out', [AISLE]);
    expect(stored.view.storedZones).toBe(1);
    expect(csvOf(stored.view, [AISLE], 'UTC')).toBe(written);
    const counted = await viewOf('out', [{ ...AISLE, name: 'aisle again' }]);
    expect(counted.view.storedZones).toBe(0);
    expect(csvOf(counted.view, [AISLE], 'UTC')).toBe(written);
  });

  it('over a time range count only the frames in it, and visits that start in it', async () => {
    const settings = settingsFor(await writeGt(), [AISLE], 'out', 768, 576);
    settings.data_source_settings.local_data_settings.metadata_fps = 1;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T10:00:00Z';
    await runPipeline(settings, { cwd: dir });
    const start = Date.UTC(2026, 10, 23, 10, 0, 0);
    const { view } = await viewOf('out', [AISLE], { fromMs: start + 10_000, toMs: start + 40_000 });
    const occupancy = Array.from(view.occupancy);
    const inRange = occupancy.slice(10, 40);
    expect(view.first).toBe(10);
    expect(view.last).toBe(40);
    expect(view.whole[0]).toMatchObject({
      frames: 30,
      duration: 30,
      personTime: inRange.reduce((a, b) => a + b, 0),
      peakOccupancy: Math.max(...inRange),
      peakFrame: 10 + inRange.indexOf(Math.max(...inRange)),
      startMs: start + 10_000,
      endMs: start + 40_000,
    });
    const series = occupancySeries(view.occupancy, 1, 0, view.first, view.last, 7);
    expect(series.firstPosition[0]).toBe(10);
    expect(Math.max(...series.max)).toBe(Math.max(...inRange));
    expect(Math.min(...series.min)).toBe(Math.min(...inRange));
  });
});
