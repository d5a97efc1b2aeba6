/**
 * runPipeline: source → counter → sinks, in this process. The CLI and the app run it inside a
 * worker process (worker.ts); tests and the worker call it directly.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GridCounter, type PushResult } from '../../src-shared/counting/grid-counter.js';
import { ExtentTracker, type ImageExtent } from '../../src-shared/counting/extent.js';
import { coordinateSpaceCheck, type CoordinateSpaceFinding, type PictureSize } from '../../src-shared/counting/coordinate-space.js';
import { CancelledError } from '../../src-shared/errors.js';
import { prepareDetections, type PrepareStats } from '../../src-shared/frames.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import type { GridParams, Settings } from '../../src-shared/settings/types.js';
import { openSource } from '../sources/index.js';
import { isVideoSource } from '../sources/video.js';
import { detectFileName, detectJsonSink } from '../sinks/detect-json.js';
import { npySink } from '../sinks/npy.js';
import { videoSink } from '../sinks/video.js';
import { pngSink } from '../sinks/png.js';
import { previewSink } from '../sinks/preview.js';
import { prepareOutputFolder, removeFoldersLeftEmpty, writeFileAtomic } from '../sinks/atomic.js';
import { removeLeftoverPartials } from '../sinks/leftovers.js';
import { gatePerFrame } from '../sinks/per-frame-gate.js';
import { storeSink } from '../sinks/store.js';
import { peopleSink } from '../sinks/people.js';
import { zonesSink } from '../sinks/zones.js';
import { Diagnostics, type WarningListener } from './diagnostics.js';
import { untilAborted } from './until-aborted.js';
import type { FrameSource, Progress, RunContext, RunSummary, Sink, SinkFactory } from './types.js';

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  onWarning?: WarningListener;
  /** Directory relative paths resolve against (the sample resolves them against the working directory). */
  cwd?: string;
  /** Sinks beyond the standard outputs, in this process only (tests); they do not cross to a worker. */
  extraSinks?: SinkFactory[];
  /** Also write the app's preview proxies (small JPEGs, grids, an index) into this folder. */
  previewDir?: string;
  /**
   * Console credentials the app keeps; in mode console they replace `setting_path` and the
   * environment. Plain JSON, so they cross to a worker process over its IPC channel only.
   */
  consoleCredentials?: ConsoleCredentials;
  /** Folder of the Console cache (src-main/console/cache.ts) a run in mode console reads and adds to; none when omitted. */
  consoleCacheDir?: string;
}

/**
 * The standard outputs of every run, in the order they receive frames and finish. The store sink
 * comes before the zones: it finds the run's time base and buckets (`RunContext.timing`) as it
 * finishes, and the zone figures are computed on them.
 */
export const STANDARD_SINKS: SinkFactory[] = [detectJsonSink, npySink, videoSink, pngSink, storeSink, zonesSink, peopleSink];

/**
 * The standard outputs with the per-frame ones gated by `output_settings.per_frame_outputs`,
 * and the analysis store (which also writes the period outputs).
 */
function standardSinks(cwd: string): SinkFactory[] {
  return STANDARD_SINKS.map((factory) => {
    if (factory === detectJsonSink) return gatePerFrame(factory, cwd, (frame) => join('detect', detectFileName(frame)));
    if (factory === npySink || factory === videoSink) return gatePerFrame(factory, cwd);
    return factory;
  });
}

/**
 * How long a failed or cancelled run waits for the sinks' finishes still in flight before it
 * aborts the sinks and settles. On a cancel they end at once (their ffmpeg is killed by the
 * run's signal); what cannot be stopped (a PNG being encoded, the store's last queries) takes
 * well under this.
 */
const FINISHES_END_MS = 10_000;

/** How often progress is reported at most. */
const PROGRESS_INTERVAL_MS = 100;

export async function runPipeline(settings: Settings, options: RunOptions = {}): Promise<RunSummary> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const signal = options.signal ?? new AbortController().signal;
  const params = settings.heat_map_settings.params;
  const diagnostics = new Diagnostics(options.onWarning);
  const outputDir = resolve(cwd, settings.output_settings.output_dir);

  // The output folder first: a folder that cannot take files fails the run before any work.
  const made = await prepareOutputFolder(outputDir, signal, 'output_settings.output_dir');
  const present = new Set(await readdir(outputDir).catch((): string[] => []));
  try {
    return await runIntoFolder(settings, options, { started, cwd, signal, params, diagnostics, outputDir });
  } catch (error) {
    // A failed or cancelled run leaves no folder it made empty: output_dir's levels, detect/, video/, periods/.
    const added = (await readdir(outputDir, { withFileTypes: true }).catch(() => []))
      .filter((entry) => entry.isDirectory() && !present.has(entry.name))
      .map((entry) => join(outputDir, entry.name));
    await removeFoldersLeftEmpty([...made, ...added]);
    throw error;
  }
}

/** What `runPipeline` settled before the output folder was ready. */
interface RunStart {
  started: number;
  cwd: string;
  signal: AbortSignal;
  params: GridParams;
  diagnostics: Diagnostics;
  outputDir: string;
}

/** The run itself, into its prepared output folder. */
async function runIntoFolder(settings: Settings, options: RunOptions, start: RunStart): Promise<RunSummary> {
  const { started, cwd, signal, params, diagnostics, outputDir } = start;
  const counter = new GridCounter(params);
  const source = await openSource(settings, diagnostics, cwd, options.consoleCredentials, options.consoleCacheDir);
  const context: RunContext = {
    settings, params, outputDir, source, diagnostics, signal, timing: { current: null },
    ...(options.previewDir === undefined ? {} : { previewDir: options.previewDir }),
  };

  // Partial files of an earlier run that was killed before it could remove them.
  await removeLeftoverPartials(outputDir);
  const sinks: Sink[] = [];
  // Every finish started: a cancel does not wait for them (untilAborted), the clean-up below does.
  const finishing: Promise<void>[] = [];
  try {
    // The preview sink comes after the video sink: for a video, the JPEGs are the video sink's
    // ffmpeg's, complete once that sink has finished.
    for (const factory of [...standardSinks(cwd), previewSink, ...(options.extraSinks ?? [])]) {
      const sink = await factory(context);
      if (sink !== null) sinks.push(sink);
    }
    const tally = await countFrames(source, counter, sinks, context, signal, options.onProgress);
    const coordinateSpace = checkCoordinateSpace(source, params, tally, diagnostics);
    const summary = summarise(settings, source, tally, diagnostics, started);
    if (coordinateSpace !== null) summary.coordinate_space = coordinateSpace;
    await finishSinks(sinks, summary, signal, finishing);
    // Sinks warn as they finish too (the store: no time base for a period): counted with the rest.
    summary.warnings = diagnostics.warningCounts();
    summary.outputs = sinks.flatMap((sink) => sink.outputs?.() ?? []);
    summary.outputs.push('summary.json');
    summary.wall_time_s = round((performance.now() - started) / 1000, 3);
    await writeFileAtomic(join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    return summary;
  } catch (error) {
    // A finish still running would write its files after the run has settled (into a folder the
    // app is deleting, or cut short by the worker's exit, leaving a .partial) and race its own
    // sink's abort: the sinks are aborted once their finishes have ended.
    await settledWithin(finishing, FINISHES_END_MS);
    await Promise.allSettled(sinks.map((sink) => sink.abort()));
    // Once cancelled, whatever a sink failed with (a killed ffmpeg, a closed pipe) is the cancel.
    throw signal.aborted ? new CancelledError() : error;
  }
}

/**
 * Finishes every sink one after another in their order, so a failure leaves the sinks after it
 * unfinished (and aborted by the caller): a run whose heatmap.png fails commits no store or period
 * pictures beside an earlier run's summary.json. (Finishing them side by side saved about 0.2 s
 * of a 600-frame run and broke that; the pictures' decodes, the tail's larger part, start early
 * instead: picture-ahead.ts.) Each finish started is added to `finishing`, which a cancel's
 * clean-up waits for.
 */
async function finishSinks(sinks: readonly Sink[], summary: RunSummary, signal: AbortSignal, finishing: Promise<void>[]): Promise<void> {
  for (const sink of sinks) {
    const work = sink.finish(summary);
    finishing.push(work);
    await untilAborted(work, signal);
  }
}

/** Resolves once every promise of `work` has settled, or after `ms` milliseconds, whichever comes first; never rejects. */
async function settledWithin(work: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolveDeadline) => {
    timer = setTimeout(resolveDeadline, ms);
  });
  try {
    await Promise.race([Promise.allSettled(work), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface Tally {
  frames: number;
  detections: number;
  timestamps: string[];
  peak: RunSummary['peak'];
  /** Detections dropped because their box has no pixel inside the image. */
  outsideImage: number;
  imageExtent: ImageExtent | null;
  /** The first camera picture's size (Console images); a video's comes from its stream. */
  firstPicture: PictureSize | null;
}

async function countFrames(
  source: FrameSource,
  counter: GridCounter,
  sinks: Sink[],
  context: RunContext,
  signal: AbortSignal,
  onProgress: RunOptions['onProgress'],
): Promise<Tally> {
  const { params, diagnostics } = context;
  const prepare = {
    imageWidth: params.image_size_h,
    imageHeight: params.image_size_v,
    sanitize: params.counting === 'exact',
    classIds: params.class_ids,
    minScore: params.min_score,
  };
  const stats: PrepareStats = { nonFinite: 0, filtered: 0, outsideImage: 0 };
  const extent = new ExtentTracker(params.image_size_h, params.image_size_v);
  const tally: Tally = {
    frames: 0, detections: 0, timestamps: [], peak: { count: 0, frame: -1, h: -1, v: -1 }, outsideImage: 0, imageExtent: null,
    firstPicture: null,
  };
  /**
   * When the first frame arrived: the rate is measured from it, not from the start, since a
   * source may first prepare for a while (a CSV's or MOT file's first pass, a Console range's
   * discovery) and a rate diluted by that would make the time left wrong for the frames to come.
   */
  let firstFrameAt: number | undefined;
  let lastProgress = 0;
  // Until the first frame, how far the source's preparation has got (a metadata file's first pass).
  const preparing = source.preparing;
  const preparation =
    onProgress === undefined || preparing === undefined
      ? undefined
      : setInterval(() => {
          const share = preparing();
          if (firstFrameAt === undefined && share !== undefined) onProgress({ frames: 0, rate: 0, preparing: share });
        }, PROGRESS_INTERVAL_MS);
  try {
    for await (const raw of source.frames(signal)) {
      if (signal.aborted) throw new CancelledError();
      if (firstFrameAt === undefined) {
        firstFrameAt = performance.now();
        clearInterval(preparation);
      }
      const nonFiniteBefore = stats.nonFinite;
      extent.observe(raw.detections);
      if (tally.firstPicture === null && raw.image !== undefined) tally.firstPicture = { width: raw.image.width, height: raw.image.height };
      const detections = prepareDetections(raw.detections, prepare, stats);
      if (stats.nonFinite > nonFiniteBefore) {
        diagnostics.warn(
          'non-finite-box',
          `frame ${raw.index}: dropped ${stats.nonFinite - nonFiniteBefore} detection(s) with NaN or infinite values`,
        );
      }
      const frame = detections === raw.detections ? raw : { ...raw, detections };
      const pushed = counter.push(detections);
      const { droppedOutsideGrid } = pushed;
      if (droppedOutsideGrid > 0) {
        diagnostics.warn(
          'point-outside-grid',
          `frame ${raw.index}: dropped ${droppedOutsideGrid} point(s) outside the grid (legacy point mode, number_of_add_grid 0)`,
        );
      }
      const position = tally.frames;
      trackPeak(tally, pushed, counter.columns, position, frame.timestamp);
      for (const sink of sinks) await untilAborted(sink.write({ frame, grid: counter.grid, position, raw }), signal);
      tally.frames += 1;
      tally.detections += detections.count;
      if (frame.timestamp !== undefined) tally.timestamps.push(frame.timestamp);

      const now = performance.now();
      if (onProgress !== undefined && now - lastProgress >= PROGRESS_INTERVAL_MS) {
        lastProgress = now;
        onProgress(progressOf(tally.frames, source.expectedFrames, now - firstFrameAt));
      }
    }
  } finally {
    clearInterval(preparation);
  }
  if (signal.aborted) throw new CancelledError();
  // The source is read to its end: its frame count is now known exactly, whatever it expected
  // (an estimate from a first pass, or nothing), so the last report says 100 %.
  onProgress?.(progressOf(tally.frames, tally.frames, firstFrameAt === undefined ? 0 : performance.now() - firstFrameAt));
  if (stats.filtered > 0) {
    diagnostics.warn('filtered', `${stats.filtered} detection(s) left out by class_ids / min_score`);
  }
  tally.outsideImage = stats.outsideImage;
  if (stats.outsideImage > 0) {
    diagnostics.warn(
      'outside-image',
      `${stats.outsideImage} detection(s) with no pixel inside the ${params.image_size_h}×${params.image_size_v} image ` +
        'were left out (no heat, not in detect/)',
    );
  }
  tally.imageExtent = extent.result();
  if (tally.imageExtent.message !== null) diagnostics.warn('image-size-mismatch', tally.imageExtent.message);
  return tally;
}

/**
 * The run's coordinate-space finding (SPEC §1: boxes are in image_size pixels): the extent's, or
 * the camera picture's shape against image_size, which `countFrames` has not warned about yet.
 */
function checkCoordinateSpace(
  source: FrameSource,
  params: GridParams,
  tally: Tally,
  diagnostics: Diagnostics,
): CoordinateSpaceFinding | null {
  const picture = isVideoSource(source) ? { width: source.video.width, height: source.video.height } : tally.firstPicture;
  const finding = coordinateSpaceCheck(
    { h: params.image_size_h, v: params.image_size_v },
    tally.imageExtent,
    picture,
    isVideoSource(source) ? 'video' : 'picture',
  );
  if (finding?.kind === 'picture-shape') diagnostics.warn('picture-shape-mismatch', finding.message);
  return finding;
}

/**
 * Progress after `frames` frames, `sinceFirstMs` after the first one arrived: the rate counts the
 * frames after the first over that time (0 at the first frame, when there is no interval yet).
 */
function progressOf(frames: number, expectedFrames: number | undefined, sinceFirstMs: number): Progress {
  const rate = sinceFirstMs > 0 && frames > 1 ? ((frames - 1) * 1000) / sinceFirstMs : 0;
  return expectedFrames === undefined ? { frames, rate } : { frames, expectedFrames, rate };
}

/**
 * Keeps the run's peak: the highest count any cell reached, at the first frame and the first cell
 * (row-major) that reached it. Only the cells a frame added to can pass the peak so far, so the
 * counter's `enteringPeak` is all it takes.
 */
function trackPeak(tally: Tally, pushed: PushResult, columns: number, position: number, timestamp: string | undefined): void {
  if (pushed.enteringPeak <= tally.peak.count) return;
  const at = pushed.enteringPeakCell;
  tally.peak = { count: pushed.enteringPeak, frame: position, h: at % columns, v: Math.floor(at / columns) };
  if (timestamp !== undefined) tally.peak.timestamp = timestamp;
}

function summarise(
  settings: Settings,
  source: FrameSource,
  tally: Tally,
  diagnostics: Diagnostics,
  started: number,
): RunSummary {
  const data = settings.data_source_settings;
  const described: RunSummary['source'] = { mode: data.mode, name: source.name };
  if (data.mode === 'local') {
    described.meta_file = data.local_data_settings.meta_file;
    if (data.local_data_settings.video_file !== '') described.video_file = data.local_data_settings.video_file;
  } else {
    described.device_id = data.console_data_settings.device_id;
  }
  const stamps = tally.timestamps;
  const cacheUse = source.cacheSummary?.();
  return {
    parameters: settings.heat_map_settings.params,
    source: described,
    frames: tally.frames,
    detections: tally.detections,
    skipped_records: diagnostics.skippedRecords,
    outside_image: tally.outsideImage,
    ...(tally.imageExtent === null ? {} : { image_extent: tally.imageExtent }),
    warnings: diagnostics.warningCounts(),
    timestamps: stamps,
    time_range: stamps.length > 0 ? { first: stamps[0], last: stamps[stamps.length - 1] } : null,
    peak: tally.peak,
    wall_time_s: round((performance.now() - started) / 1000, 3),
    outputs: [],
    ...(cacheUse === undefined ? {} : { console_cache: cacheUse }),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
