/**
 * Follow a Console device live (issue 14, part 3): poll its inference results every
 * `intervalMs`, append what is new to the run's store (follow-store.ts) and keep the rolling
 * outputs up to date, until the signal aborts. `crowdheat follow` and the app's Follow run this.
 *
 * One poll, with M the high-water mark (the newest stored T):
 * 1. ask for the inferences with T ≥ M − `lateWindowMs`, newest first, paging back (by T, as a
 *    run does) until that bound is reached — the window again before M catches inferences a
 *    device uploaded late; without a mark, the first poll fetches what a run would
 *    (`first_timestamp`, up to `number_of_inference_results` newest records);
 * 2. keep those whose T is not stored yet and store them in one transaction; the mark moves only
 *    after that commit, so a poll that fails half-way is simply asked again: no inference is lost
 *    or stored twice.
 * 3. when something was new, rewrite the rolling outputs atomically: heatmap_period.png/.npy (and
 *    per-bucket pictures with a `period`), zones.csv with zones, summary.json.
 *
 * Faults: each request already retries 429, 5xx, dropped and refused connections and hangs
 * (ConsoleClient: 5 tries within 50 s, every attempt with its deadline), and renews a token the
 * Console refuses with 401. A poll that still fails is reported (`onFault`) and the next poll
 * comes after a backoff, doubling from `intervalMs` up to `MAX_FAULT_BACKOFF_MS`, then as usual.
 * Errors that retrying cannot mend (the device does not exist, a malformed answer, bad
 * credentials before any poll succeeded) end the follow; the store is finished either way.
 */
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { ConsoleClient, MAX_IMAGES_PER_REQUEST, type RetryDelays } from '../../src-shared/console/client.js';
import { timestampOfImageName } from '../../src-shared/console/discover.js';
import { ConsoleApiError, ConsoleCredentialsError, ConsoleError, ConsoleUnreachableError } from '../../src-shared/console/errors.js';
import { inferenceTimeRange, type TimeRange } from '../../src-shared/console/range.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import { CancelledError, SettingsError } from '../../src-shared/errors.js';
import { formatTimestamp, parseTimestamp, type RgbImage } from '../../src-shared/frames.js';
import { LocalClock } from '../../src-shared/periods/buckets.js';
import { settingsToYaml } from '../../src-shared/settings/index.js';
import type { Settings } from '../../src-shared/settings/types.js';
import { frameTimes, zoneFigures, zoneVisits } from '../../src-shared/zones/figures.js';
import { zonesCsv, zonesSummary } from '../../src-shared/zones/output.js';
import { Diagnostics, type WarningListener } from '../pipeline/diagnostics.js';
import { prepareOutputFolder, writeFileAtomic } from '../sinks/atomic.js';
import { writePeriodOutputs } from '../sinks/period-outputs.js';
import { addBusiest, periodOf, rangeLabel, timeSummary, timeZoneOf } from '../sinks/store.js';
import { ZONES_FILE } from '../sinks/zones.js';
import { STORE_FILE } from '../store/schema.js';
import type { PeriodView } from '../store/views.js';
import { FileCredentialStore, requireCredentials } from './credentials.js';
import { RollingFigures } from './follow-rolling.js';
import { FollowStore, type FollowedImage } from './follow-store.js';
import { useProxyFromEnvironment } from './proxy.js';
import { fetchInferences, nearest } from './source.js';

/** Seconds between polls: default and bounds (README: crowdheat follow). */
export const FOLLOW_INTERVAL_S = { default: 10, min: 1, max: 3600 } as const;
/** Seconds before the mark asked again at every poll, for late uploads: default and bounds. */
export const LATE_WINDOW_S = { default: 60, min: 0, max: 3600 } as const;
/** The longest wait between polls after faults. */
export const MAX_FAULT_BACKOFF_MS = 5 * 60 * 1000;

const KEY = 'data_source_settings.console_data_settings';

/**
 * Checks a follow timing value in seconds (`--interval`, `--late_window`, the app's field).
 * @throws SettingsError naming `label`, the value and the range.
 */
export function checkFollowSeconds(label: string, value: number, bounds: { min: number; max: number }): number {
  if (!Number.isFinite(value) || value < bounds.min || value > bounds.max) {
    throw new SettingsError(`${label}: must be a number of seconds from ${bounds.min} to ${bounds.max}, got ${String(value)}`);
  }
  return value;
}

/** One poll that went through. */
export interface PollReport {
  poll: number;
  /** Inferences stored by this poll. */
  newFrames: number;
  /** Frames in the store after it. */
  frames: number;
  /** Case 1: the folder's images stored by this poll and in all (0 and 0 in Case 2). */
  newImages: number;
  images: number;
  /** The mark after it: the newest stored T, or null. */
  lastT: string | null;
  /** When the poll ended, ms since the epoch (the follow's clock). */
  atMs: number;
}

/** A poll that failed and will be retried. */
export interface FaultReport {
  poll: number;
  /** One line: what failed (the client's message). */
  message: string;
  /** Polls failed in a row. */
  failures: number;
  /** Wait before the next poll, ms. */
  retryInMs: number;
  atMs: number;
}

export interface FollowOptions {
  /** Aborting it ends the follow after (or dropping) the poll under way. */
  signal: AbortSignal;
  /** Directory relative paths resolve against. */
  cwd: string;
  intervalMs?: number;
  lateWindowMs?: number;
  /** Credentials the app keeps; without them `setting_path` and the environment, as a run. */
  credentials?: ConsoleCredentials;
  env?: NodeJS.ProcessEnv;
  fetchImpl?: typeof fetch;
  /** The client's retry timing (tests shrink it). */
  delays?: Partial<RetryDelays>;
  /** The follow's clock, ms since the epoch (tests simulate it); also the client's for token expiry. */
  now?: () => number;
  /** The wait between polls; rejects or returns early when `signal` aborts. Tests simulate time here. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Whether to rewrite the rolling outputs after polls with new inferences (default true). */
  writeOutputs?: boolean;
  onPoll?: (report: PollReport) => void;
  onFault?: (report: FaultReport) => void;
  /** The whole-period view of everything stored, after each poll that rewrote the outputs. */
  onView?: (view: PeriodView) => void;
  /** Case 1: the newest image's JPEG bytes, once at the start (when the store holds one) and once per newer image. */
  onBackground?: (jpeg: Uint8Array) => void;
  onWarning?: WarningListener;
}

export interface FollowResult {
  /** False when the follow was stopped before its first poll: no store was opened, nothing written. */
  started: boolean;
  polls: number;
  faults: number;
  frames: number;
  detections: number;
  lastT: string | null;
  outputDir: string;
  outputs: string[];
}

/**
 * Follows the device of `settings` (mode console; Case 1 with `sub_directory_name` also follows its images) into
 * `output_dir`/crowdheat.duckdb until `options.signal` aborts; resolves with what was stored.
 * The store is finished (durations written, marked complete) however the follow ends.
 *
 * @throws SettingsError for settings follow cannot use; ConsoleError when the Console refuses
 *   the credentials at the start or answers what retrying cannot mend; InputError for an
 *   output_dir holding another analysis.
 */
export async function followConsole(settings: Settings, options: FollowOptions): Promise<FollowResult> {
  const data = settings.data_source_settings.console_data_settings;
  if (settings.data_source_settings.mode !== 'console') {
    throw new SettingsError('data_source_settings.mode: follow needs console, got local');
  }
  if (data.device_id.trim() === '') throw new SettingsError(`${KEY}.device_id: required to follow a device`);
  const folder = data.sub_directory_name;
  if (folder !== '' && !(Number.isFinite(data.match_tolerance_ms) && data.match_tolerance_ms >= 0)) {
    throw new SettingsError(`${KEY}.match_tolerance_ms: must be 0 or more, got ${data.match_tolerance_ms}`);
  }
  const range = inferenceTimeRange(data.first_timestamp, data.last_timestamp);
  const intervalMs = options.intervalMs ?? FOLLOW_INTERVAL_S.default * 1000;
  const lateWindowMs = options.lateWindowMs ?? LATE_WINDOW_S.default * 1000;
  checkFollowSeconds('interval', intervalMs / 1000, FOLLOW_INTERVAL_S);
  checkFollowSeconds('late window', lateWindowMs / 1000, LATE_WINDOW_S);
  const { signal } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableWait;
  const diagnostics = new Diagnostics(options.onWarning);
  if (range.last !== null) {
    diagnostics.warn('follow-last-timestamp', `${KEY}.last_timestamp ${range.last} is ignored: follow reads up to the newest inference`);
  }

  const env = options.env ?? process.env;
  const credentials =
    options.credentials ?? (await requireCredentials(new FileCredentialStore(resolve(options.cwd, data.setting_path), env)));
  useProxyFromEnvironment(env);
  const client = new ConsoleClient(credentials, {
    now,
    ...(options.fetchImpl === undefined ? {} : { fetchImpl: options.fetchImpl }),
    ...(options.delays === undefined ? {} : { delays: options.delays }),
  });
  const outputDir = resolve(options.cwd, settings.output_settings.output_dir);
  try {
    await prepareOutputFolder(outputDir, signal, 'output_settings.output_dir');
    // Credentials first: a wrong secret is an error now, not a fault retried for ever.
    await client.authenticate(signal);
  } catch (error) {
    // Stopped before the first poll (Ctrl-C during the token check): nothing was opened or written.
    if (signal.aborted || error instanceof CancelledError) {
      return { started: false, polls: 0, faults: 0, frames: 0, detections: 0, lastT: null, outputDir, outputs: [] };
    }
    throw error;
  }

  const store = await FollowStore.open(join(outputDir, STORE_FILE), {
    deviceId: data.device_id,
    settings: settingsToYaml(settings),
    sourceName: 'heatmap',
  });
  const state: FollowState = { polls: 0, faults: 0, lastPollMs: null, lastFault: null, following: true, intervalMs, lateWindowMs };
  let outputs: string[] = [];
  const rolling = new RollingFigures({ params: settings.heat_map_settings.params, period: periodOf(settings), timeZone: timeZoneOf(settings), zones: settings.zones });
  const writeOutputs = options.writeOutputs ?? true;
  // Case 1: the newest image is the background of the pictures, kept across restarts by the store.
  let picture: RgbImage | undefined;
  // The folder position after the last image name stored (null: the names stored, until a poll has checked).
  let imagePosition: number | null = null;
  const stored = folder === '' ? null : await store.background();
  if (stored !== null) {
    picture = (await decodePicture(stored, folder, diagnostics)) ?? undefined;
    if (picture !== undefined) options.onBackground?.(stored);
  }
  let failures = 0;
  let succeeded = false;
  let failure: unknown = null;
  try {
    while (!signal.aborted) {
      const poll = state.polls + failures + 1;
      let wait = intervalMs;
      try {
        const bound = lowerBound(store.newest, range, lateWindowMs);
        const inferences = await fetchInferences(
          client,
          data.device_id,
          { first: bound, last: null },
          store.newest === null ? data.number_of_inference_results : Number.POSITIVE_INFINITY,
          diagnostics,
          signal,
        );
        const added = await store.commit(inferences);
        let newImages = 0;
        if (folder !== '') {
          const followed = await followImages(client, store, data.device_id, folder, data.match_tolerance_ms, imagePosition ?? store.imageCount, diagnostics, signal);
          imagePosition = followed.position;
          newImages = followed.added;
          if (followed.background !== null) {
            const decoded = await decodePicture(followed.background, folder, diagnostics);
            if (decoded !== null) {
              picture = decoded;
              options.onBackground?.(followed.background);
            }
          }
        }
        failures = 0;
        succeeded = true;
        state.polls += 1;
        state.lastPollMs = now();
        state.lastFault = null;
        if (writeOutputs && (added > 0 || newImages > 0 || state.polls === 1)) {
          const written = await writeRollingOutputs(store, rolling, settings, outputDir, state, diagnostics, picture);
          outputs = written.outputs;
          options.onView?.(written.view);
        }
        options.onPoll?.({ poll, newFrames: added, frames: store.frameCount, newImages, images: store.imageCount, lastT: store.newest, atMs: state.lastPollMs });
      } catch (error) {
        if (signal.aborted || error instanceof CancelledError) break;
        if (!isTransient(error, succeeded)) throw error;
        // Pages of images may have been stored before the fault: the next poll goes on from the names stored.
        imagePosition = null;
        failures += 1;
        state.faults += 1;
        wait = Math.min(intervalMs * 2 ** (failures - 1), Math.max(MAX_FAULT_BACKOFF_MS, intervalMs));
        state.lastFault = (error as ConsoleError).message;
        options.onFault?.({ poll, message: state.lastFault, failures, retryInMs: wait, atMs: now() });
      }
      if (signal.aborted) break;
      try {
        await sleep(wait, signal);
      } catch {
        break;
      }
    }
  } catch (error) {
    failure = error;
  }
  // Stopped (or failed): the outputs say so, then the store gets its durations and is marked complete.
  state.following = false;
  try {
    if (writeOutputs && failure === null) outputs = (await writeRollingOutputs(store, rolling, settings, outputDir, state, diagnostics, picture)).outputs;
  } finally {
    await store.finish();
  }
  if (failure !== null) throw failure;
  return {
    started: true,
    polls: state.polls,
    faults: state.faults,
    frames: store.frameCount,
    detections: store.detectionsStored,
    lastT: store.newest,
    outputDir,
    outputs,
  };
}

/**
 * Case 1: stores the folder's images not stored yet, 256 a request in name order from `position`
 * (the folder position after the last name stored, as a run pages with `skip`), each page in one
 * transaction, each image paired with the stored inference nearest its T within `toleranceMs` (as
 * a run pairs: the earlier on a tie). Carrying on, it asks from one before `position` to check the
 * folder is unchanged up to there; when it is not (an image inserted before the end, or removed),
 * it reads the folder again from its start, storing only names not stored. A page that fails is
 * asked again at the next poll; none is stored twice (names are the key). Returns the images
 * stored, the JPEG of the newest when it changed (else null) and the position to carry on from.
 */
async function followImages(
  client: ConsoleClient,
  store: FollowStore,
  deviceId: string,
  folder: string,
  toleranceMs: number,
  start: number,
  diagnostics: Diagnostics,
  signal: AbortSignal,
): Promise<{ added: number; background: Uint8Array | null; position: number }> {
  let added = 0;
  let background: Uint8Array | null = null;
  let position = start;
  let checking = position > 0 && store.lastImage !== null;
  for (;;) {
    const from = checking ? position - 1 : position;
    const page = await client.getImages({ deviceId, subDirectory: folder, count: MAX_IMAGES_PER_REQUEST, skip: from, orderBy: 'ASC', signal });
    if (checking && page.images[0]?.name !== store.lastImage) {
      // The folder changed before the stored end: read it again from its start.
      checking = false;
      position = 0;
      continue;
    }
    checking = false;
    const frames = store.frames();
    const timesMs = frames.timeMs ?? new Float64Array(0);
    const images: FollowedImage[] = page.images.map((image) => {
      const t = timestampOfImageName(image.name);
      if (t === null && !store.hasImage(image.name)) diagnostics.skip(`Console image ${folder}/${image.name}`, 'name is not <yyyyMMddHHmmssfff>.jpg');
      const at = t === null ? -1 : nearest(timesMs, parseTimestamp(t));
      const paired = at >= 0 && t !== null && Math.abs((timesMs[at] ?? Number.NaN) - parseTimestamp(t)) <= toleranceMs;
      return { name: image.name, t, inferenceT: paired ? (frames.t[at] ?? null) : null, jpeg: Buffer.from(image.contents, 'base64') };
    });
    const before = store.imageCount;
    background = (await store.commitImages(images)) ?? background;
    added += store.imageCount - before;
    position = from + page.images.length;
    if (page.images.length === 0 || position >= page.total_image_count) break;
  }
  return { added, background, position };
}

/** Decodes a background JPEG to RGB at its own size, or null (counted as skipped) when it is not readable. */
async function decodePicture(jpeg: Uint8Array, folder: string, diagnostics: Diagnostics): Promise<RgbImage | null> {
  try {
    const { data, info } = await sharp(jpeg).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    diagnostics.skip(`Console image ${folder} (newest)`, `not a readable JPEG (${(error as Error).message})`);
    return null;
  }
}

/** The lower bound of a poll's request: the window before the mark, or the configured start. */
function lowerBound(mark: string | null, range: TimeRange, lateWindowMs: number): string | null {
  if (mark === null) return range.first;
  const bound = formatTimestamp(parseTimestamp(mark) - lateWindowMs);
  return range.first !== null && range.first > bound ? range.first : bound;
}

/**
 * Whether a failed poll is worth another try later: no answer, 408/429/5xx, a token refused
 * (401/403: expired or revoked, perhaps for a while) — and refused credentials once a poll has
 * succeeded with them (a revocation the owner may undo).
 */
function isTransient(error: unknown, succeeded: boolean): boolean {
  if (error instanceof ConsoleUnreachableError) return true;
  if (error instanceof ConsoleApiError) return [401, 403, 408, 429].includes(error.status) || error.status >= 500;
  if (error instanceof ConsoleCredentialsError) return succeeded;
  return false;
}

/** What summary.json says about the follow. */
interface FollowState {
  polls: number;
  faults: number;
  lastPollMs: number | null;
  lastFault: string | null;
  following: boolean;
  intervalMs: number;
  lateWindowMs: number;
}

/**
 * The rolling outputs from the store as it is: the period outputs (as a run writes them, over
 * every stored frame), zones.csv when zones are set, summary.json. Each file is replaced
 * atomically. Returns the names written (relative to `outputDir`) and the view they show.
 */
async function writeRollingOutputs(
  store: FollowStore,
  rolling: RollingFigures,
  settings: Settings,
  outputDir: string,
  state: FollowState,
  diagnostics: Diagnostics,
  picture: RgbImage | undefined,
): Promise<{ outputs: string[]; view: PeriodView }> {
  const { view, frames, changedBuckets } = await rolling.update(store, store.takeChangedFrom());
  const timeZone = timeZoneOf(settings);
  const clock = new LocalClock(timeZone);
  const iso = (ms: number): string => clock.iso(ms);
  const params = settings.heat_map_settings.params;
  const written = [STORE_FILE];
  if (frames.index.length > 0) {
    written.push(
      ...(await writePeriodOutputs(outputDir, view, {
        output: settings.output_settings,
        imageSize: { width: params.image_size_h, height: params.image_size_v },
        timeZone,
        label: rangeLabel(frames, iso),
        zones: settings.zones,
        ...(picture === undefined ? {} : { picture }),
        ...(changedBuckets === null ? {} : { onlyBuckets: changedBuckets }),
      })),
    );
  }
  const base = store.timeBase();
  const summary: FollowSummary = {
    parameters: params,
    source: { mode: 'console', name: 'heatmap', device_id: settings.data_source_settings.console_data_settings.device_id },
    follow: {
      following: state.following,
      interval_s: state.intervalMs / 1000,
      late_window_s: state.lateWindowMs / 1000,
      polls: state.polls,
      faults: state.faults,
      last_poll: state.lastPollMs === null ? null : iso(state.lastPollMs),
      last_fault: state.lastFault,
    },
    frames: frames.index.length,
    detections: store.detectionsStored,
    skipped_records: diagnostics.skippedRecords,
    warnings: diagnostics.warningCounts(),
    time_range: frames.t.length === 0 ? null : { first: frames.t[0] ?? '', last: frames.t[frames.t.length - 1] ?? '' },
    // Console frames carry T: their times are real moments.
    time_base: timeSummary(base, iso, ''),
    period: { period: settings.output_settings.period, timezone: timeZone, buckets: view.buckets?.starts.length ?? 0 },
    outputs: [],
  };
  addBusiest(summary, view);
  if (settings.zones.length > 0 && frames.index.length > 0) {
    const zones = zoneOutputs(rolling, settings, base, view.buckets === null ? null : [...view.buckets.starts, view.buckets.ends[view.buckets.ends.length - 1]], clock);
    await writeFileAtomic(join(outputDir, ZONES_FILE), zones.csv);
    summary.zones = zones.summary;
    written.push(ZONES_FILE);
  }
  written.push('summary.json');
  summary.outputs = written;
  await writeFileAtomic(join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return { outputs: written, view };
}

/** summary.json of a follow: a run's summary without per-frame lists, and the follow's state. */
interface FollowSummary {
  parameters: Settings['heat_map_settings']['params'];
  source: { mode: 'console'; name: string; device_id: string };
  follow: {
    /** False once the follow has stopped and the store is complete. */
    following: boolean;
    interval_s: number;
    late_window_s: number;
    polls: number;
    faults: number;
    last_poll: string | null;
    last_fault: string | null;
  };
  frames: number;
  detections: number;
  skipped_records: number;
  warnings: Record<string, number>;
  time_range: { first: string; last: string } | null;
  time_base: ReturnType<typeof timeSummary>;
  period: { period: string; timezone: string; buckets: number };
  busiest_moment?: { frame: number; t: string | null; time: string | null; count: number } | null;
  busiest_place?: { h: number; v: number; value: number; unit: string } | null;
  zones?: ReturnType<typeof zonesSummary>;
  outputs: string[];
}

/** zones.csv and the summary's zones block from the occupancy the rolling figures keep (prepared as a run prepares them). */
export function zoneOutputs(
  rolling: RollingFigures,
  settings: Settings,
  base: ReturnType<FollowStore['timeBase']>,
  boundaries: number[] | null,
  clock: LocalClock,
): { csv: string; summary: ReturnType<typeof zonesSummary> } {
  const recorder = rolling.occupancy;
  if (recorder === null) throw new RangeError('zoneOutputs: the rolling figures keep no zones');
  const times = frameTimes(recorder.frameCount, base.timesMs, 1000);
  const visits = recorder.tracked ? zoneVisits(recorder.trackEntries(), times) : null;
  const figures = (bounds: readonly number[] | null) =>
    zoneFigures({ occupancy: recorder.occupancy(), zoneCount: settings.zones.length, base: times, boundaries: bounds, visits });
  const whole = figures(null);
  const offset = (ms: number): number => Math.round(clock.offset(ms) / 60_000);
  return {
    csv: zonesCsv(boundaries === null ? whole : figures(boundaries), settings.zones, times, offset),
    summary: zonesSummary(whole, settings.zones, times, ZONES_FILE, settings.output_settings.zone_outlines),
  };
}

/** Waits `ms`, or less when `signal` aborts (then resolves: the loop checks the signal). */
function abortableWait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) {
      done();
      return;
    }
    const finish = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}
