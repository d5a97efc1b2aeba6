/**
 * Zones in the analysis store (SPEC §8, §9): the zones sink writes each frame's occupancy (and,
 * with track ids, the visits) into `zone_occupancy` and `zone_visits`; `zoneView` computes every
 * figure of zones.csv for any zones — the run's, or edited ones — over any range and period,
 * from the store alone. Zones the store already holds (same name and points) are read from
 * `zone_occupancy`; others, and every zone of a schema-1 store, are counted from the stored
 * detections with the run's `point_ratio`, sanitising and filters, exactly as the run counted them.
 */
import { DuckDBInstance, INTEGER, VARCHAR, DuckDBDataChunk } from '@duckdb/node-api';
import { prepareDetections, type PrepareStats } from '../../src-shared/frames.js';
import { prepareOptionsFor } from '../../src-shared/periods/accumulate.js';
import { assignBuckets, type Period } from '../../src-shared/periods/buckets.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { zoneFigures, zoneVisits, type FrameTimes, type Visit, type ZoneFigures } from '../../src-shared/zones/figures.js';
import { compileZones, frameOccupancy } from '../../src-shared/zones/occupancy.js';
import { DUCKDB_OPTIONS, type StoreReader } from './store.js';
import { positionLookup } from '../../src-shared/sorted.js';

/** meta key: the zones `zone_occupancy` holds, as JSON `[{name, points}]`. */
export const ZONES_META_KEY = 'zones';
/** meta key: 'true' when the run's detections carried track ids (then `zone_visits` is filled). */
export const ZONES_TRACKED_META_KEY = 'zones_tracked';

/** Rows in one appended chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/** What the zones sink hands to the store. */
export interface ZoneTables {
  zones: readonly ZoneDefinition[];
  /** The source's index of each run position (length = frames). */
  frameIndexes: Int32Array;
  /** Frame-major occupancy, frames × zones. */
  occupancy: Int32Array;
  /** Visits with run positions (zoneVisits), or null when the detections carry no track ids. */
  visits: readonly Visit[] | null;
}

/**
 * Writes a run's zone occupancy and visits into its finished store at `storeFile`, in one
 * transaction: a run stopped half-way leaves the tables empty and no `zones` meta key, so
 * readers count from the detections instead.
 *
 * @throws the DuckDB error when the store cannot be opened for writing.
 */
export async function writeZoneTables(storeFile: string, tables: ZoneTables): Promise<void> {
  const { zones, frameIndexes, occupancy, visits } = tables;
  const zoneCount = zones.length;
  const instance = await DuckDBInstance.create(storeFile, DUCKDB_OPTIONS);
  const connection = await instance.connect();
  try {
    await connection.run('BEGIN TRANSACTION');
    await connection.run('CREATE TABLE IF NOT EXISTS zone_occupancy (frame_index INTEGER NOT NULL, zone VARCHAR NOT NULL, people INTEGER NOT NULL)');
    await connection.run('CREATE TABLE IF NOT EXISTS zone_visits (zone VARCHAR NOT NULL, track_id INTEGER NOT NULL, first_frame INTEGER NOT NULL, last_frame INTEGER NOT NULL)');
    await connection.run('DELETE FROM zone_occupancy');
    await connection.run('DELETE FROM zone_visits');
    const occupancyAppender = await connection.createAppender('zone_occupancy');
    const rows = frameIndexes.length * zoneCount;
    for (let from = 0; from < rows; from += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows - from);
      const chunk = DuckDBDataChunk.create([INTEGER, VARCHAR, INTEGER], count);
      const [frame, zone, people] = [0, 1, 2].map((column) => chunk.getColumnVector(column));
      for (let row = 0; row < count; row++) {
        const cell = from + row;
        const position = Math.floor(cell / zoneCount);
        frame.setItem(row, frameIndexes[position]);
        zone.setItem(row, zones[cell - position * zoneCount].name);
        people.setItem(row, occupancy[cell]);
      }
      for (const vector of [frame, zone, people]) vector.flush();
      occupancyAppender.appendDataChunk(chunk);
    }
    occupancyAppender.closeSync();
    if (visits !== null && visits.length > 0) {
      const visitAppender = await connection.createAppender('zone_visits');
      for (let from = 0; from < visits.length; from += CHUNK_ROWS) {
        const count = Math.min(CHUNK_ROWS, visits.length - from);
        const chunk = DuckDBDataChunk.create([VARCHAR, INTEGER, INTEGER, INTEGER], count);
        const [zone, track, first, last] = [0, 1, 2, 3].map((column) => chunk.getColumnVector(column));
        for (let row = 0; row < count; row++) {
          const visit = visits[from + row];
          zone.setItem(row, zones[visit.zone].name);
          track.setItem(row, visit.track);
          first.setItem(row, frameIndexes[visit.firstFrame]);
          last.setItem(row, frameIndexes[visit.lastFrame]);
        }
        for (const vector of [zone, track, first, last]) vector.flush();
        visitAppender.appendDataChunk(chunk);
      }
      visitAppender.closeSync();
    }
    const meta: Array<[string, string]> = [
      [ZONES_META_KEY, JSON.stringify(zones.map((z) => ({ name: z.name, points: z.points })))],
      [ZONES_TRACKED_META_KEY, String(visits !== null)],
    ];
    for (const [key, value] of meta) {
      await connection.run('INSERT OR REPLACE INTO meta VALUES ($1, $2)', [key, value]);
    }
    await connection.run('COMMIT');
    await connection.run('CHECKPOINT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A store's frames as the zone figures need them: index and time base, in frame order. */
export interface StoredFrameTimes {
  /** Source index of each frame position. */
  index: Int32Array;
  base: FrameTimes;
}

/**
 * Reads the frames' indexes, times and durations (not their T strings: a week's 604,800 strings
 * cost more than everything else a zone view reads), in frame order.
 */
export async function readFrameTimes(store: StoreReader): Promise<StoredFrameTimes> {
  const n = store.meta.frames;
  const timed = store.meta.time_base !== 'none';
  const index = new Int32Array(n);
  const times = new Float64Array(timed ? n : 0);
  const durations = new Float64Array(n).fill(1);
  let row = 0;
  // Frames are stored in run order; reading them as stored avoids a sort of the whole table.
  await store.forEachChunk('SELECT frame_index, time_ms, duration_ms FROM frames', [], (chunk) => {
    const [vIndex, vTime, vDuration] = [0, 1, 2].map((column) => chunk.getColumnVector(column));
    for (let i = 0; i < chunk.rowCount && row < n; i++, row++) {
      index[row] = vIndex.getItem(i) as number;
      if (timed) {
        times[row] = vTime.getItem(i) as number;
        durations[row] = vDuration.getItem(i) as number;
      }
    }
  });
  let ordered = true;
  for (let i = 1; i < n && ordered; i++) ordered = index[i] > index[i - 1];
  if (!ordered) {
    const order = Array.from(index.keys()).sort((a, b) => index[a] - index[b]);
    const sortedIndex = Int32Array.from(order, (i) => index[i]);
    const sortedTimes = Float64Array.from(timed ? order : [], (i) => times[i]);
    const sortedDurations = Float64Array.from(order, (i) => durations[i]);
    return { index: sortedIndex, base: timed ? { timesMs: sortedTimes, durations: sortedDurations, unit: 'seconds' } : { timesMs: null, durations: sortedDurations, unit: 'frames' } };
  }
  return { index, base: timed ? { timesMs: times, durations, unit: 'seconds' } : { timesMs: null, durations, unit: 'frames' } };
}

export interface ZoneViewOptions {
  zones: readonly ZoneDefinition[];
  /** The run's grid settings: point_ratio, counting (sanitising), class_ids, min_score, image size. */
  params: GridParams;
  period: Period;
  /** IANA time zone the buckets align to. */
  timeZone: string;
  /** Time range (ms since the epoch), from inclusive, to exclusive; the whole analysis when omitted. Ignored without a time base. */
  fromMs?: number;
  toMs?: number;
}

export interface ZoneView {
  base: FrameTimes;
  /** Frame-major occupancy of every stored frame, frames × zones. */
  occupancy: Int32Array;
  /** Positions [first, last) of the frames in the range. */
  first: number;
  last: number;
  /** Figures of the range, one row per zone (zones.csv without a period). */
  whole: ZoneFigures[];
  /** Figures per bucket of `period` within the range (bucket-major), or null without a period or time base. */
  buckets: ZoneFigures[] | null;
  /** How many zones were read from `zone_occupancy` (the rest were counted from the detections). */
  storedZones: number;
}

interface StoredZoneData {
  /** Stored zone index of each requested zone, or -1. */
  matches: number[];
  tracked: boolean | null;
}

async function storedZones(store: StoreReader, zones: readonly ZoneDefinition[]): Promise<StoredZoneData> {
  const none: StoredZoneData = { matches: zones.map(() => -1), tracked: null };
  if (store.meta.schema_version < 2) return none;
  const values = new Map<string, string>();
  await store.forEachChunk('SELECT key, value FROM meta WHERE key IN ($1, $2)', [ZONES_META_KEY, ZONES_TRACKED_META_KEY], (chunk) => {
    for (const [key, value] of chunk.getRows()) values.set(String(key), String(value));
  });
  const text = values.get(ZONES_META_KEY);
  if (text === undefined) return none;
  let stored: Array<{ name: string; points: Array<[number, number]> }>;
  try {
    stored = JSON.parse(text) as typeof stored;
  } catch {
    return none;
  }
  const key = (zone: { name: string; points: ReadonlyArray<readonly [number, number]> }): string => JSON.stringify([zone.name, zone.points]);
  const byKey = new Map(stored.map((zone, index) => [key(zone), index]));
  return { matches: zones.map((zone) => byKey.get(key(zone)) ?? -1), tracked: values.get(ZONES_TRACKED_META_KEY) === 'true' };
}

/**
 * Every zone's figures from the store (SPEC §9): the range's whole figures and, with a period,
 * per bucket — the values the zones sink writes to zones.csv for the same zones. Reads
 * `zone_occupancy` for zones the store holds and the detections (once, for all other zones).
 * Visits are found over the whole analysis and counted in the bucket where they start.
 *
 * @throws SettingsError when the period would make more buckets than allowed (assignBuckets).
 */
export async function zoneView(store: StoreReader, options: ZoneViewOptions): Promise<ZoneView> {
  const { zones, params } = options;
  const zoneCount = zones.length;
  const { index, base } = await readFrameTimes(store);
  const n = index.length;
  const positionOf = positionLookup(index);
  const occupancy = new Int32Array(n * zoneCount);
  const { matches, tracked: storedTracked } = await storedZones(store, zones);

  // Zones the store holds: their occupancy and visits from the zone tables.
  const visits: Visit[] = [];
  const length = (first: number, last: number): number =>
    base.timesMs === null ? last - first + 1 : (base.timesMs[last] - base.timesMs[first] + base.durations[last]) / 1000;
  const stored = matches.flatMap((match, z) => (match < 0 ? [] : [z]));
  if (stored.length > 0) {
    // One pass over zone_occupancy, a column per zone (filtering it once per zone costs twice as much).
    const columns = stored.map((_, k) => `max(people) FILTER (zone = $${k + 1})`).join(', ');
    await store.forEachChunk(`SELECT frame_index, ${columns} FROM zone_occupancy GROUP BY frame_index`, stored.map((z) => zones[z].name), (chunk) => {
      const frameColumn = chunk.getColumnVector(0);
      const peopleColumns = stored.map((_, k) => chunk.getColumnVector(k + 1));
      for (let row = 0; row < chunk.rowCount; row++) {
        const p = positionOf(frameColumn.getItem(row) as number);
        if (p < 0) continue;
        for (let k = 0; k < stored.length; k++) occupancy[p * zoneCount + stored[k]] = (peopleColumns[k].getItem(row) as number | null) ?? 0;
      }
    });
  }
  for (const z of stored) {
    const name = zones[z].name;
    if (storedTracked === true) {
      await store.forEachChunk('SELECT track_id, first_frame, last_frame FROM zone_visits WHERE zone = $1', [name], (chunk) => {
        for (const [track, firstIndex, lastIndex] of chunk.getRows()) {
          const first = positionOf(firstIndex as number);
          const last = positionOf(lastIndex as number);
          if (first >= 0 && last >= 0) visits.push({ zone: z, track: track as number, firstFrame: first, lastFrame: last, time: length(first, last) });
        }
      });
    }
  }

  // Other zones: counted from the detections as the run counted them.
  const counted = matches.flatMap((match, z) => (match < 0 ? [z] : []));
  let countedTracked = false;
  if (counted.length > 0) {
    const polygons = compileZones(counted.map((z) => zones[z]));
    const prepare = prepareOptionsFor(params);
    const stats: PrepareStats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
    const part = new Int32Array(counted.length);
    const entries = { frames: [] as number[], zones: [] as number[], tracks: [] as number[] };
    await store.forEachDetections((frameIndex, raw) => {
      const p = positionOf(frameIndex);
      if (p < 0) return;
      const detections = prepareDetections(raw, prepare, stats);
      const trackIds = detections.trackIds;
      if (!countedTracked) countedTracked = trackIds.some((id) => id >= 0);
      frameOccupancy(polygons, detections, params.point_ratio, part, (zone, detection) => {
        const track = trackIds[detection];
        if (track < 0) return;
        entries.frames.push(p);
        entries.zones.push(zone);
        entries.tracks.push(track);
      });
      for (let k = 0; k < counted.length; k++) occupancy[p * zoneCount + counted[k]] += part[k];
    });
    if (countedTracked || storedTracked === true) {
      // Visits join a track's frames in frame order; the store yields detections in the order written.
      const order = Array.from(entries.frames.keys()).sort((a, b) => entries.frames[a] - entries.frames[b] || a - b);
      const found = zoneVisits(
        {
          frames: Int32Array.from(order, (i) => entries.frames[i]),
          zones: Int32Array.from(order, (i) => entries.zones[i]),
          tracks: Int32Array.from(order, (i) => entries.tracks[i]),
        },
        base,
      );
      for (const visit of found) visits.push({ ...visit, zone: counted[visit.zone] });
    }
  }
  const tracked = storedTracked ?? countedTracked;
  visits.sort((a, b) => a.zone - b.zone || a.firstFrame - b.firstFrame || a.track - b.track);

  // The range: a run of positions, as times do not go backwards.
  const times = base.timesMs;
  let first = 0;
  let last = n;
  const ranged = times !== null && (options.fromMs !== undefined || options.toMs !== undefined);
  if (times !== null) {
    if (options.fromMs !== undefined) while (first < n && times[first] < options.fromMs) first += 1;
    if (options.toMs !== undefined) while (last > first && times[last - 1] >= options.toMs) last -= 1;
  }
  const figuresOf = (boundaries: readonly number[] | null): ZoneFigures[] =>
    zoneFigures({ occupancy, zoneCount, base, boundaries, visits: tracked ? visits : null });
  let whole: ZoneFigures[];
  if (!ranged || times === null || n === 0) whole = figuresOf(null);
  else {
    const lastEnd = times[n - 1] + base.durations[n - 1];
    whole = figuresOf([options.fromMs ?? times[0], Math.min(options.toMs ?? lastEnd, lastEnd)]);
  }
  let buckets: ZoneFigures[] | null = null;
  if (times !== null && options.period.kind !== 'none' && last > first) {
    const assigned = assignBuckets(times.subarray(first, last), options.period, options.timeZone);
    const boundaries = [...assigned.starts, assigned.ends[assigned.ends.length - 1]];
    if (options.fromMs !== undefined) boundaries[0] = Math.max(boundaries[0], options.fromMs);
    if (options.toMs !== undefined) boundaries[boundaries.length - 1] = Math.min(boundaries[boundaries.length - 1], options.toMs);
    buckets = figuresOf(boundaries);
  }
  return { base, occupancy, first, last, whole, buckets, storedZones: matches.filter((match) => match >= 0).length };
}

/** A zone's occupancy over a range drawn in `columns` pixel columns: min and max of each column, and its first frame position. */
export interface OccupancySeries {
  min: number[];
  max: number[];
  firstPosition: number[];
}

/**
 * Downsamples zone `zone`'s occupancy over positions [first, last) to at most `columns` columns
 * (each column the min and max of its frames), so a chart costs the same for a minute and a week.
 */
export function occupancySeries(occupancy: Int32Array, zoneCount: number, zone: number, first: number, last: number, columns: number): OccupancySeries {
  const frames = Math.max(0, last - first);
  const count = Math.min(columns, frames);
  const series: OccupancySeries = { min: new Array<number>(count), max: new Array<number>(count), firstPosition: new Array<number>(count) };
  for (let c = 0; c < count; c++) {
    const from = first + Math.floor((c * frames) / count);
    const to = first + Math.floor(((c + 1) * frames) / count);
    let low = Infinity;
    let high = -Infinity;
    for (let p = from; p < to; p++) {
      const value = occupancy[p * zoneCount + zone];
      if (value < low) low = value;
      if (value > high) high = value;
    }
    series.min[c] = low;
    series.max[c] = high;
    series.firstPosition[c] = from;
  }
  return series;
}
