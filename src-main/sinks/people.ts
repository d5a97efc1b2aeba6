/**
 * people.csv and summary.json's `people` block: how many people each frame had, kept as one
 * Int32Array while the run goes, written at the end as at most 1,000 time slots (min, max,
 * mean), with the busiest moment and the gaps in the data. The report's people-over-time chart
 * reads it, so that chart costs the same for a minute and for a week.
 */
import { join } from 'node:path';
import { busiestFrame, dataGaps, peopleCsv, peopleSeries } from '../../src-shared/report/series.js';
import { frameTimes } from '../../src-shared/zones/figures.js';
import { localOffset, tOf } from '../../src-shared/zones/time.js';
import type { PeopleSummary, Sink, SinkFactory } from '../pipeline/types.js';
import { writeFileAtomic } from './atomic.js';
import { runFrameTimes } from './zones.js';

export const PEOPLE_FILE = 'people.csv';

/** summary.json lists at most this many gaps (their count and total are always given). */
const LISTED_GAPS = 100;

export const peopleSink: SinkFactory = (context) => {
  const { outputDir } = context;
  let counts = new Int32Array(1024);
  let frames = 0;
  let written = false;

  const sink: Sink = {
    write(result) {
      if (frames === counts.length) {
        const grown = new Int32Array(counts.length * 2);
        grown.set(counts);
        counts = grown;
      }
      counts[frames] = result.frame.detections.count;
      frames += 1;
    },
    async finish(summary) {
      if (frames === 0) return;
      const perFrame = counts.subarray(0, frames);
      // The run's time base (T, metadata_fps or the video's rate) and time zone, as the store sink
      // found them; without it (a store that failed), the frames' own T times.
      const timing = context.timing.current;
      const base = frameTimes(frames, timing === null ? runFrameTimes(summary) : timing.timesMs, timing?.fallbackMs);
      const series = peopleSeries(perFrame, base);
      await writeFileAtomic(join(outputDir, PEOPLE_FILE), peopleCsv(series, timing?.utcOffsetMinutes ?? localOffset));
      const busiest = busiestFrame(perFrame);
      const gaps = dataGaps(base);
      const people: PeopleSummary = {
        file: PEOPLE_FILE,
        slot: series.slot,
        slot_unit: series.unit,
        gaps: {
          count: gaps.length,
          total_s: gaps.reduce((sum, gap) => sum + (gap.toMs - gap.fromMs), 0) / 1000,
          listed: gaps.slice(0, LISTED_GAPS).map((gap) => ({ from_T: tOf(gap.fromMs), to_T: tOf(gap.toMs), seconds: (gap.toMs - gap.fromMs) / 1000 })),
        },
      };
      if (busiest !== null) {
        people.busiest = { frame: busiest.frame, people: busiest.people };
        if (base.timesMs !== null) people.busiest.timestamp = tOf(base.timesMs[busiest.frame]);
      }
      summary.people = people;
      written = true;
    },
    abort: async () => undefined,
    outputs: () => (written ? [PEOPLE_FILE] : []),
  };
  return sink;
};
