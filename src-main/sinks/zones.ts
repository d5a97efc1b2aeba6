/**
 * zones.csv and summary.json's `zones` block: per-frame occupancy of every zone, recorded in
 * typed arrays while the run goes (4 bytes per frame and zone, plus 12 per tracked detection
 * inside a zone), turned into figures at the end. Written only when the settings define zones.
 *
 * Time base for now: the frames' T timestamps when every frame has one, else none (figures in
 * person-frames). Buckets: none (one row per zone for the whole run). Both are parameters of
 * `zoneFigures`, for the periods of SPEC §8 to plug in.
 */
import { join } from 'node:path';
import { parseTimestamp } from '../../src-shared/frames.js';
import { frameTimes, zoneFigures, zoneVisits } from '../../src-shared/zones/figures.js';
import { compileZones, OccupancyRecorder } from '../../src-shared/zones/occupancy.js';
import { zonesCsv, zonesSummary } from '../../src-shared/zones/output.js';
import type { RunSummary, Sink, SinkFactory } from '../pipeline/types.js';
import { writeFileAtomic } from './atomic.js';

export const ZONES_FILE = 'zones.csv';

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
  let written = false;

  const sink: Sink = {
    write(result) {
      recorder.add(result.frame.detections);
    },
    async finish(summary) {
      const base = frameTimes(recorder.frameCount, runFrameTimes(summary));
      const visits = recorder.tracked ? zoneVisits(recorder.trackEntries(), base) : null;
      const rows = zoneFigures({ occupancy: recorder.occupancy(), zoneCount: zones.length, base, boundaries: null, visits });
      await writeFileAtomic(join(outputDir, ZONES_FILE), zonesCsv(rows, zones, base));
      summary.zones = zonesSummary(rows, zones, base, ZONES_FILE, settings.output_settings.zone_outlines);
      written = true;
    },
    abort: async () => undefined,
    outputs: () => (written ? [ZONES_FILE] : []),
  };
  return sink;
};
