/**
 * zones.csv and summary.json's `zones` block: per-frame occupancy of every zone, recorded in
 * typed arrays while the run goes (4 bytes per frame and zone, plus 12 per tracked detection
 * inside a zone), turned into figures at the end. Written only when the settings define zones.
 *
 * Time base and buckets are the run's (SPEC §8), as the store sink found them: zones.csv has a row
 * per zone per bucket of `output_settings.period` (per zone for the whole run without one), in
 * person-seconds with a time base and person-frames without.
 *
 * The per-frame occupancy and the visits also go into the run's store (`zone_occupancy`,
 * `zone_visits`; store/zones.ts), once the store sink has put it in place.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTimestamp } from '../../src-shared/frames.js';
import { frameTimes, zoneFigures, zoneVisits, type ZoneFigures } from '../../src-shared/zones/figures.js';
import { compileZones, OccupancyRecorder } from '../../src-shared/zones/occupancy.js';
import { zonesCsv, zonesSummary } from '../../src-shared/zones/output.js';
import { localOffset } from '../../src-shared/zones/time.js';
import type { RunSummary, Sink, SinkFactory } from '../pipeline/types.js';
import { writeFileAtomic } from './atomic.js';
import { STORE_FILE } from '../store/schema.js';
import { writeZoneTables } from '../store/zones.js';

export const ZONES_FILE = 'zones.csv';

/** How summary.json's zones block names the time base the store sink found. */
const TIME_BASE_WORDS: Readonly<Record<NonNullable<RunSummary['time_base']>['kind'], string>> = {
  T: 'frame timestamps (T)',
  metadata_fps: 'local_data_settings.metadata_fps',
  video_fps: "the video's frame rate",
  none: 'none',
};

/**
 * The frames' times in ms when every frame has a T timestamp, else null.
 *
 * @param summary the run's summary (`frames` and `timestamps`).
 */
export function runFrameTimes(summary: Pick<RunSummary, 'frames' | 'timestamps'>): Float64Array | null {
  if (summary.frames === 0 || summary.timestamps.length !== summary.frames) return null;
  const times = Float64Array.from(summary.timestamps, parseTimestamp);
  // Frames out of time order have no durations (frameDurationsMs needs non-decreasing times).
  for (let i = 1; i < times.length; i++) if (!(times[i] >= times[i - 1])) return null;
  return times;
}

export const zonesSink: SinkFactory = (context) => {
  const { settings, params, outputDir } = context;
  const zones = settings.zones;
  if (zones.length === 0) return null;
  const recorder = new OccupancyRecorder(compileZones(zones), params.point_ratio);
  let frameIndexes = new Int32Array(1024);
  let written = false;

  const sink: Sink = {
    write(result) {
      const position = recorder.frameCount;
      if (position === frameIndexes.length) {
        const grown = new Int32Array(frameIndexes.length * 2);
        grown.set(frameIndexes);
        frameIndexes = grown;
      }
      frameIndexes[position] = result.frame.index;
      recorder.add(result.frame.detections);
    },
    async finish(summary) {
      // The store sink finishes first and leaves the time base and buckets; without it (a store
      // that failed), the frames' own T times, else person-frames.
      const timing = context.timing.current;
      const base = frameTimes(recorder.frameCount, timing === null ? runFrameTimes(summary) : timing.timesMs, timing?.fallbackMs);
      const visits = recorder.tracked ? zoneVisits(recorder.trackEntries(), base) : null;
      const figures = (boundaries: readonly number[] | null): ZoneFigures[] =>
        zoneFigures({ occupancy: recorder.occupancy(), zoneCount: zones.length, base, boundaries, visits });
      const whole = figures(null);
      const boundaries = base.timesMs === null ? null : (timing?.bucketBoundariesMs ?? null);
      const offset = timing?.utcOffsetMinutes ?? localOffset;
      await writeFileAtomic(join(outputDir, ZONES_FILE), zonesCsv(boundaries === null ? whole : figures(boundaries), zones, base, offset));
      const timeBase = summary.time_base === undefined ? undefined : TIME_BASE_WORDS[summary.time_base.kind];
      summary.zones = zonesSummary(whole, zones, base, ZONES_FILE, settings.output_settings.zone_outlines, timeBase);
      written = true;
      const storeFile = join(outputDir, STORE_FILE);
      if ((await stat(storeFile).catch(() => null))?.isFile() === true) {
        await writeZoneTables(storeFile, {
          zones,
          frameIndexes: frameIndexes.subarray(0, recorder.frameCount),
          occupancy: recorder.occupancy(),
          visits,
        });
      }
    },
    abort: async () => undefined,
    outputs: () => (written ? [ZONES_FILE] : []),
  };
  return sink;
};
