/**
 * The store sink: every run keeps what it read in `crowdheat.duckdb` (src-main/store/), fed the
 * frames as the source gave them (before sanitising and filters). At the end it resolves the time
 * base (SPEC §8), then computes the period outputs from the store — not from the frames it saw —
 * and adds the time base, gaps, busiest moment and busiest place to the summary.
 */
import { join } from 'node:path';
import type { RgbImage } from '../../src-shared/frames.js';
import { LocalClock, machineTimeZone, parsePeriod, type Period } from '../../src-shared/periods/buckets.js';
import { elapsedText, parseIsoWithOffset, resolveTimeBase, timeClockOf, type TimeBase } from '../../src-shared/periods/time-base.js';
import { frameSpanMs } from '../../src-shared/periods/range.js';
import { prepareOptionsFor } from '../../src-shared/periods/accumulate.js';
import { fallbackDurationMs } from '../../src-shared/periods/durations.js';
import { settingsToYaml } from '../../src-shared/settings/index.js';
import type { Settings } from '../../src-shared/settings/types.js';
import { videoPictureAhead } from './picture-ahead.js';
import type { RunSummary, Sink, SinkFactory } from '../pipeline/types.js';
import { isVideoSource } from '../sources/video.js';
import { STORE_FILE } from '../store/schema.js';
import { StoreReader, StoreWriter, type StoredFrames } from '../store/store.js';
import { periodView, type PeriodView } from '../store/views.js';
import { writePeriodOutputs } from './period-outputs.js';

/** The most gaps summary.json lists one by one (all are counted). */
const LISTED_GAPS = 100;

/** The time zone of a run's buckets and ISO times: `output_settings.timezone`, else the machine's. */
export function timeZoneOf(settings: Settings): string {
  return settings.output_settings.timezone === '' ? machineTimeZone() : settings.output_settings.timezone;
}

/** The run's period setting (validated, so it parses). */
export function periodOf(settings: Settings): Period {
  return parsePeriod(settings.output_settings.period) ?? { kind: 'none' };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The summary's figures on time: its base, the gaps, and the span it covers. */
export function timeSummary(timeBase: TimeBase, clockIso: (ms: number) => string, startTime: string): NonNullable<RunSummary['time_base']> {
  const times = timeBase.timesMs;
  const durations = timeBase.durationsMs;
  let total = 0;
  if (durations !== null) for (let i = 0; i < durations.length; i++) total += durations[i];
  const gapMs = timeBase.gaps.reduce((sum, gap) => sum + (gap.to_ms - gap.from_ms), 0);
  return {
    kind: timeBase.kind,
    clock: timeClockOf(timeBase.kind, startTime),
    fps: timeBase.fps,
    unit: times === null ? 'person-frames' : 'person-seconds',
    first: times === null || times.length === 0 ? null : clockIso(times[0]),
    last: times === null || times.length === 0 ? null : clockIso(times[times.length - 1]),
    median_interval_ms: round(timeBase.medianIntervalMs, 3),
    covered_s: round(total / 1000, 3),
    gaps: {
      count: timeBase.gaps.length,
      total_s: round(gapMs / 1000, 3),
      listed: timeBase.gaps.slice(0, LISTED_GAPS).map((gap) => ({
        after_frame: gap.after_frame,
        from: clockIso(gap.from_ms),
        to: clockIso(gap.to_ms),
        seconds: round((gap.to_ms - gap.from_ms) / 1000, 3),
      })),
    },
  };
}

/** Adds a period view's busiest moment and place to the summary. */
export function addBusiest(summary: Pick<RunSummary, 'busiest_moment' | 'busiest_place'>, view: PeriodView): void {
  summary.busiest_moment = view.busiestMoment;
  summary.busiest_place = view.busiestPlace === null ? null : { ...view.busiestPlace, value: round(view.busiestPlace.value, 3), unit: view.unit };
}

/**
 * A label of the range a view covers, as the period pictures write it: from the first frame's
 * time to the end of the last frame (frameSpanMs, as the window and the report end a period),
 * in `iso`'s clock to the second; as time since frame 0 (`0:00:00 to 0:02:00 since frame 0`)
 * when `clock` is `elapsed`; by frame numbers without a time base.
 */
export function rangeLabel(frames: StoredFrames, iso: (ms: number) => string, clock: 'wall' | 'elapsed' | 'none' = 'wall'): string {
  const n = frames.index.length;
  if (n === 0) return 'no frames';
  // The label font has ASCII only: no dashes.
  const span = frameSpanMs(frames.timeMs, frames.durationMs);
  if (span === null) return `frames ${frames.index[0]} to ${frames.index[n - 1]}`;
  if (clock === 'elapsed') return `${elapsedText(span.fromMs)} to ${elapsedText(span.toMs)} since frame 0`;
  const show = (ms: number): string => iso(ms).slice(0, 19).replace('T', ' ');
  return `${show(span.fromMs)} to ${show(span.toMs)}`;
}

export const storeSink: SinkFactory = async (context) => {
  const path = join(context.outputDir, STORE_FILE);
  const writer = await StoreWriter.create(path);
  const { settings, diagnostics } = context;
  let lastImage: RgbImage | undefined;
  let written: string[] = [];
  let finished = false;
  // The period pictures' camera picture of a video: its frame 0, decoded from the start of the run.
  const firstPicture = videoPictureAhead(context);
  firstPicture?.start(0);

  const sink: Sink = {
    write({ frame, raw }) {
      // The run's filters kept `frame`'s detections out of `raw`'s: its count is the people per frame.
      writer.addFrame(raw ?? frame, raw === undefined ? undefined : frame.detections.count);
      if (frame.image !== undefined) lastImage = frame.image;
    },
    async finish(summary) {
      const local = settings.data_source_settings.local_data_settings;
      const isLocal = settings.data_source_settings.mode === 'local';
      const source = context.source;
      const videoFps = isVideoSource(source) ? source.video.fps.num / source.video.fps.den : 0;
      const input = {
        timestamps: writer.timestamps(),
        frameIndexes: writer.frameIndexes(),
        metadataFps: isLocal ? local.metadata_fps : 0,
        startMs: isLocal && local.start_time !== '' ? parseIsoWithOffset(local.start_time) : 0,
        videoFps,
      };
      let timeBase: TimeBase;
      try {
        timeBase = resolveTimeBase(input);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        diagnostics.warn('time-order', `no time base: ${error.message}; figures are in person-frames`);
        timeBase = resolveTimeBase({ ...input, timestamps: input.timestamps.map(() => null), metadataFps: 0, videoFps: 0 });
      }
      await writer.finish(timeBase, { settings: settingsToYaml(settings), source_name: source.name, peopleFilter: prepareOptionsFor(context.params) });
      finished = true;
      written = [STORE_FILE];

      const timeZone = timeZoneOf(settings);
      const period = periodOf(settings);
      if (period.kind !== 'none' && timeBase.timesMs === null) {
        diagnostics.warn(
          'period-without-time-base',
          `output_settings.period is ${settings.output_settings.period} but the frames have no time base ` +
            '(no T, no local_data_settings.metadata_fps, no video): only the whole period is written, in person-frames',
        );
      }
      const store = await StoreReader.open(path);
      try {
        const frames = await store.frames();
        const view = await periodView(store, frames, { params: context.params, period, timeZone });
        const clock = new LocalClock(timeZone);
        const iso = (ms: number): string => clock.iso(ms);
        const startTime = isLocal ? local.start_time : '';
        summary.time_base = timeSummary(timeBase, iso, startTime);
        const buckets = view.buckets;
        context.timing.current = {
          timesMs: timeBase.timesMs,
          fallbackMs: fallbackDurationMs(timeBase.fps),
          bucketBoundariesMs: buckets === null || buckets.starts.length === 0 ? null : [...buckets.starts, buckets.ends[buckets.ends.length - 1]],
          utcOffsetMinutes: (ms) => Math.round(clock.offset(ms) / 60_000),
        };
        summary.period = { period: settings.output_settings.period, timezone: timeZone, buckets: view.buckets?.starts.length ?? 0 };
        addBusiest(summary, view);
        // A video's frame 0; otherwise the last picture the run had (Console images), if any.
        const picture = firstPicture !== null ? await firstPicture.picture(0) : context.settings.output_settings.overlay ? lastImage : undefined;
        const outputs = await writePeriodOutputs(context.outputDir, view, {
          output: settings.output_settings,
          imageSize: { width: settings.heat_map_settings.params.image_size_h, height: settings.heat_map_settings.params.image_size_v },
          timeZone,
          label: rangeLabel(frames, iso, summary.time_base.clock),
          elapsed: summary.time_base.clock === 'elapsed',
          zones: settings.zones,
          ...(picture !== undefined ? { picture } : {}),
        });
        written.push(...outputs);
      } finally {
        store.close();
      }
    },
    async abort() {
      await firstPicture?.stop();
      if (!finished) await writer.abort();
    },
    outputs: () => written,
  };
  return sink;
};
