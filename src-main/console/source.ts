/**
 * Frames from the AITRIOS Console, the sample's Cases 1 and 2 (SPEC §6).
 *
 * Case 2 (`sub_directory_name` empty) — metadata only: the newest `number_of_inference_results`
 * records within the time range, every inference of them a frame, oldest first. The Console
 * gives at most 10,000 records a request and always the newest, so larger runs page backwards:
 * each request asks for what lies strictly before the oldest inference seen so far.
 *
 * Case 1 (`sub_directory_name` set) — images and metadata: up to `number_of_images` images of
 * the range, earliest first, 256 a request; for each page of images the metadata over the
 * page's time span, paired by T (nearest within `match_tolerance_ms`). Pages are decoded and
 * released one at a time, so a run of thousands of images holds one page.
 *
 * With a Console cache (cache.ts), what it knows is complete is read from it and only the rest is
 * asked of the Console, in the same pages; every page fetched is stored (one transaction each)
 * before its frames are used, so a run that fails keeps what it fetched and the next carries on.
 */
import { resolve } from 'node:path';
import sharp from 'sharp';
import {
  ConsoleClient,
  MAX_IMAGES_PER_REQUEST,
  MAX_INFERENCE_RESULTS_PER_REQUEST,
  type RetryDelays,
} from '../../src-shared/console/client.js';
import { framesOfRecord } from '../../src-shared/console/inference.js';
import {
  imageTimeRange,
  inferenceFilter,
  inferenceTimeRange,
  inTimeRange,
  type TimeRange,
} from '../../src-shared/console/range.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import { timestampOfImageName } from '../../src-shared/console/discover.js';
import { InputError, SettingsError } from '../../src-shared/errors.js';
import { timestampToIso } from '../../src-shared/console/timestamps.js';
import {
  EMPTY_DETECTIONS,
  formatTimestamp,
  parseTimestamp,
  type Detections,
  type Frame,
  type RgbImage,
} from '../../src-shared/frames.js';
import type { ConsoleDataSettings, Settings } from '../../src-shared/settings/types.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { ConsoleCacheSummary, FrameSource } from '../pipeline/types.js';
import { FileCredentialStore, requireCredentials } from './credentials.js';
import { ConsoleCache, mergeIntervals, recordIdOf, type CoveredInterval } from './cache.js';
import { cacheFileIn } from './cache-dir.js';
import { useProxyFromEnvironment } from './proxy.js';
import { isPlainObject } from '../../src-shared/objects.js';

export interface ConsoleSourceOptions {
  /** Replaces the global fetch (tests, or a host with its own networking). */
  fetchImpl?: typeof fetch;
  /** Retry timing; tests shrink it. */
  delays?: Partial<RetryDelays>;
  /** Where CONSOLE_ENDPOINT etc. and the proxy variables are read; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Credentials saved in the app. When given, `setting_path` and the CONSOLE_ENDPOINT… variables
   * are not read; without them the source reads those, as the command line does.
   */
  credentials?: ConsoleCredentials;
  /**
   * Folder of the Console cache (cache.ts) to read from and add to; without it everything is
   * fetched and nothing is kept. The command line passes the user's cache folder, the app its own.
   */
  cacheDir?: string;
  /** The clock that decides which moments are settled enough to be marked complete (ms since the epoch). */
  now?: () => number;
}

/**
 * Inferences newer than this (against the machine's clock) are fetched again by every run, never
 * marked complete in the cache: a device may still be uploading them.
 */
export const CACHE_SETTLE_MS = 5 * 60_000;

const KEY = 'data_source_settings.console_data_settings';
/** Pictures decoded ahead of the frame being yielded. */
const DECODE_AHEAD = 4;

/** Opens the Console source the settings describe; relative `setting_path` resolves against `cwd`. */
export async function openConsoleSource(
  settings: Settings,
  diagnostics: Diagnostics,
  cwd: string,
  options: ConsoleSourceOptions = {},
): Promise<FrameSource> {
  const data = settings.data_source_settings.console_data_settings;
  if (data.device_id.trim() === '') throw new SettingsError(`${KEY}.device_id: required in mode console`);
  const withImages = data.sub_directory_name !== '';
  const range = withImages
    ? imageTimeRange(data.first_timestamp, data.last_timestamp)
    : inferenceTimeRange(data.first_timestamp, data.last_timestamp);
  const limitKey = withImages ? 'number_of_images' : 'number_of_inference_results';
  const limit = data[limitKey];
  if (!Number.isInteger(limit) || limit < 1) {
    throw new SettingsError(`${KEY}.${limitKey}: must be an integer of at least 1, got ${limit}`);
  }
  if (withImages && !(Number.isFinite(data.match_tolerance_ms) && data.match_tolerance_ms >= 0)) {
    throw new SettingsError(`${KEY}.match_tolerance_ms: must be 0 or more, got ${data.match_tolerance_ms}`);
  }

  const env = options.env ?? process.env;
  const credentials = options.credentials ?? (await requireCredentials(new FileCredentialStore(resolve(cwd, data.setting_path), env)));
  useProxyFromEnvironment(env);
  const client = new ConsoleClient(credentials, {
    ...(options.fetchImpl === undefined ? {} : { fetchImpl: options.fetchImpl }),
    ...(options.delays === undefined ? {} : { delays: options.delays }),
  });
  // Kept per Console: another Console (staging, production) may hold the same device ID with other data.
  const cache =
    options.cacheDir === undefined
      ? null
      : await ConsoleCache.open(cacheFileIn(options.cacheDir), { endpoint: credentials.console_endpoint });
  const fetcher = new InferenceFetcher(client, cache, data.device_id, diagnostics, options.now ?? Date.now);
  if (withImages) {
    const { output_video_width: width, output_video_height: height } = settings.output_settings;
    return new ConsoleImageSource(client, cache, fetcher, data, range, { width, height }, diagnostics);
  }
  return new ConsoleMetadataSource(fetcher, data, range);
}

/** A decoded inference: its T and detections. */
export interface TimedDetections {
  timestamp: string;
  detections: Detections;
}

/** Where a page of inferences comes from: a part of the range the cache holds whole, or not. */
interface Segment {
  covered: boolean;
  /** The segment's lower bound (inclusive); null = from the beginning. */
  first: string | null;
}

/**
 * The segment of `intervals` (disjoint, oldest first) that holds `upper` (null = the newest),
 * clipped to `floor`: the covered interval holding it, or the gap below it down to the covered
 * interval before.
 */
function segmentAt(intervals: readonly CoveredInterval[], upper: string | null, floor: string | null): Segment {
  let below: string | null = null;
  for (const interval of intervals) {
    if (upper !== null && (interval.first === null || interval.first <= upper) && upper <= interval.last) {
      return { covered: true, first: laterOf(interval.first, floor) };
    }
    if (upper === null || interval.last < upper) below = interval.last;
  }
  return { covered: false, first: laterOf(below === null ? null : nextT(below), floor) };
}

function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

function nextT(t: string): string {
  return formatTimestamp(parseTimestamp(t) + 1);
}

function previousT(t: string): string {
  return formatTimestamp(parseTimestamp(t) - 1);
}

/** The oldest valid T among the records' inferences within `[first, last]`, or null. */
function oldestWithin(records: readonly unknown[], first: string | null, last: string | null): string | null {
  let oldest: string | null = null;
  for (const record of records) {
    const body = isPlainObject(record) && 'inference_result' in record ? record.inference_result : record;
    if (!isPlainObject(body) || !Array.isArray(body.Inferences)) continue;
    for (const entry of body.Inferences as unknown[]) {
      if (!isPlainObject(entry) || typeof entry.T !== 'string' || Number.isNaN(parseTimestamp(entry.T))) continue;
      const t = entry.T;
      if ((first !== null && t < first) || (last !== null && t > last)) continue;
      if (oldest === null || t < oldest) oldest = t;
    }
  }
  return oldest;
}

/** Newest and oldest valid T of a record's inferences, for its cache key. */
function spanOf(record: unknown): { oldest: string; newest: string } | null {
  const oldest = oldestWithin([record], null, null);
  if (oldest === null) return null;
  let newest = oldest;
  const body = isPlainObject(record) && 'inference_result' in record ? record.inference_result : record;
  if (isPlainObject(body) && Array.isArray(body.Inferences)) {
    for (const entry of body.Inferences as unknown[]) {
      if (isPlainObject(entry) && typeof entry.T === 'string' && entry.T > newest && !Number.isNaN(parseTimestamp(entry.T))) newest = entry.T;
    }
  }
  return { oldest, newest };
}

/**
 * How a run's inferences were got: pages read from the cache and fetched, inferences newly kept,
 * and the distinct inferences within the range the run used, by where their page came from.
 */
export interface CacheUse {
  pagesFromCache: number;
  pagesFetched: number;
  inferencesStored: number;
  inferencesFromCache: number;
  inferencesFetched: number;
}

/** summary.json's `console_cache` of a run whose source uses the cache (`source.cacheSummary`). */
function cacheSummaryOf(cache: ConsoleCache, use: CacheUse, images: { fromCache: number; fetched: number }): ConsoleCacheSummary {
  return {
    file: cache.file,
    inferences_from_cache: use.inferencesFromCache,
    inferences_fetched: use.inferencesFetched,
    images_from_cache: images.fromCache,
    images_fetched: images.fetched,
  };
}

/**
 * Fetches a device's inferences page by page, newest first, through the cache when there is one:
 * each page is asked of the cache where the cache holds that part of the range whole, and of the
 * Console elsewhere (then stored, and its part of the range marked complete, before it is used).
 */
class InferenceFetcher {
  readonly use: CacheUse = { pagesFromCache: 0, pagesFetched: 0, inferencesStored: 0, inferencesFromCache: 0, inferencesFetched: 0 };

  constructor(
    private readonly client: ConsoleClient,
    /** The cache, or null: the run fetches everything and keeps nothing. */
    readonly cache: ConsoleCache | null,
    private readonly deviceId: string,
    private readonly diagnostics: Diagnostics,
    private readonly now: () => number,
  ) {}

  /**
   * Every inference of the newest `recordLimit` records within `range`, oldest first, each T once.
   * Inferences of a record that fall outside the range are dropped (records can straddle it).
   */
  async fetch(range: TimeRange, recordLimit: number, signal: AbortSignal): Promise<TimedDetections[]> {
    const { deviceId, cache } = this;
    const byTimestamp = new Map<string, Detections>();
    const skip = (where: string, why: string): void => this.diagnostics.skip(where, why);
    const seenRecords = new Set<string>();
    let intervals = cache === null ? [] : await cache.coveredIntervals(deviceId);
    let upper = range.last;
    let recordsFetched = 0;
    while (recordsFetched < recordLimit) {
      const count = Math.min(MAX_INFERENCE_RESULTS_PER_REQUEST, recordLimit - recordsFetched);
      const segment = cache === null ? { covered: false, first: range.first } : segmentAt(intervals, upper, range.first);
      const asked = { first: segment.first, last: upper };
      let records: unknown[];
      if (segment.covered && cache !== null) {
        records = await cache.recordsBetween(deviceId, asked, count);
        this.use.pagesFromCache += 1;
      } else {
        const filter = inferenceFilter(asked);
        records = await this.client.getInferenceResults({
          deviceId,
          count,
          ...(filter === undefined ? {} : { filter }),
          raw: 1,
          signal,
        });
        this.use.pagesFetched += 1;
      }
      const full = records.length >= count;
      const oldest = oldestWithin(records, asked.first, asked.last);
      if (!segment.covered && cache !== null) {
        // A whole page proves the range from its oldest inference up; a short one, all it was asked.
        const known = this.settled({ first: full ? oldest : asked.first, last: upper }, full && oldest === null);
        this.use.inferencesStored += await cache.storeRecords(deviceId, records, known ?? undefined);
        if (known !== null) intervals = mergeIntervals([...intervals, known]);
      }
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        const span = spanOf(record);
        const key = span === null ? null : recordIdOf(record, span.oldest, span.newest);
        // A record met again (it straddles the edge of a cached part) is neither counted nor read twice.
        if (key !== null && seenRecords.has(key)) continue;
        if (key !== null) seenRecords.add(key);
        recordsFetched += 1;
        const id = isPlainObject(record) && typeof record.id === 'string' ? record.id : `#${recordsFetched - 1}`;
        for (const inference of framesOfRecord(record, skip, `Console ${deviceId} record ${id}`)) {
          if (!inTimeRange(inference.timestamp, range)) continue;
          if (byTimestamp.has(inference.timestamp)) continue;
          byTimestamp.set(inference.timestamp, inference.detections);
          if (segment.covered) this.use.inferencesFromCache += 1;
          else this.use.inferencesFetched += 1;
        }
      }
      if (!full) {
        // Everything of [segment.first, upper] is read: carry on below it, if anything is left.
        if (segment.first === null) break;
        upper = previousT(segment.first);
      } else {
        if (oldest === null) break;
        // Next page: strictly before the oldest inference seen, which records never cross back over.
        upper = previousT(oldest);
      }
      if (range.first !== null && upper < range.first) break;
    }
    return [...byTimestamp.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([timestamp, detections]) => ({ timestamp, detections }));
  }

  /**
   * `interval` cut to what is settled (older than `CACHE_SETTLE_MS` by the clock), or null when
   * nothing of it is (or `nothing` says the page proved nothing).
   */
  private settled(interval: { first: string | null; last: string | null }, nothing: boolean): CoveredInterval | null {
    if (nothing) return null;
    const settle = formatTimestamp(this.now() - CACHE_SETTLE_MS);
    const last = interval.last === null || interval.last > settle ? settle : interval.last;
    if (interval.first !== null && interval.first > last) return null;
    return { first: interval.first, last };
  }
}

/**
 * Every inference of the newest `recordLimit` records within `range`, oldest first, each T once,
 * asked of the Console directly (no cache): what `crowdheat follow` (follow.ts) polls after its
 * mark. Inferences of a record that fall outside the range are dropped (records can straddle it).
 */
export async function fetchInferences(
  client: ConsoleClient,
  deviceId: string,
  range: TimeRange,
  recordLimit: number,
  diagnostics: Diagnostics,
  signal: AbortSignal,
): Promise<TimedDetections[]> {
  return new InferenceFetcher(client, null, deviceId, diagnostics, Date.now).fetch(range, recordLimit, signal);
}

/** Case 2: metadata only. */
class ConsoleMetadataSource implements FrameSource {
  readonly name = 'heatmap';
  readonly hasImages = false;
  private fetchedFrames: number | undefined;

  constructor(
    private readonly fetcher: InferenceFetcher,
    private readonly data: ConsoleDataSettings,
    private readonly range: TimeRange,
  ) {}

  get expectedFrames(): number | undefined {
    return this.fetchedFrames;
  }

  /** Pages read from the cache and fetched so far. */
  get cacheUse(): CacheUse {
    return this.fetcher.use;
  }

  /** How much of the run came from the cache, or undefined without one. */
  cacheSummary(): ConsoleCacheSummary | undefined {
    return this.fetcher.cache === null ? undefined : cacheSummaryOf(this.fetcher.cache, this.fetcher.use, { fromCache: 0, fetched: 0 });
  }

  async *frames(signal: AbortSignal): AsyncGenerator<Frame> {
    const inferences = await this.fetcher.fetch(this.range, this.data.number_of_inference_results, signal);
    this.fetchedFrames = inferences.length;
    // Zero frames is not a result: an empty analysis would replace the one on screen.
    if (inferences.length === 0) {
      throw new InputError(`no data for device ${this.data.device_id} ${rangeInWords(this.range)} on the Console`);
    }
    for (let index = 0; index < inferences.length; index++) {
      if (signal.aborted) return;
      const { timestamp, detections } = inferences[index];
      yield { index, timestamp, detections };
    }
  }
}

interface ImageSize {
  width: number;
  height: number;
}

/** An image of a folder: its name and JPEG bytes. */
interface FolderImage {
  name: string;
  jpeg: Uint8Array;
}

/** An image of the range, with its T. */
type TimedImage = FolderImage & { timestamp: string };

/** A page of a folder's images in name order; `last` when the folder has no more after it; `fromCache` when read from the cache. */
interface FolderPage {
  images: FolderImage[];
  last: boolean;
  fromCache: boolean;
}

/** Case 1: images and their metadata. */
class ConsoleImageSource implements FrameSource {
  readonly hasImages = true;
  readonly name: string;
  /**
   * Image pages read from the cache and fetched, besides the inference pages; images newly kept;
   * the images of the range the run used, by where their page came from.
   */
  readonly imageUse = { pagesFromCache: 0, pagesFetched: 0, imagesStored: 0, imagesFromCache: 0, imagesFetched: 0 };

  constructor(
    private readonly client: ConsoleClient,
    private readonly cache: ConsoleCache | null,
    private readonly fetcher: InferenceFetcher,
    private readonly data: ConsoleDataSettings,
    private readonly range: TimeRange,
    private readonly size: ImageSize,
    private readonly diagnostics: Diagnostics,
  ) {
    this.name = data.sub_directory_name;
  }

  /** Inference pages read from the cache and fetched so far. */
  get cacheUse(): CacheUse {
    return this.fetcher.use;
  }

  /** How much of the run came from the cache, or undefined without one. */
  cacheSummary(): ConsoleCacheSummary | undefined {
    return this.cache === null
      ? undefined
      : cacheSummaryOf(this.cache, this.fetcher.use, { fromCache: this.imageUse.imagesFromCache, fetched: this.imageUse.imagesFetched });
  }

  async *frames(signal: AbortSignal): AsyncGenerator<Frame> {
    const { device_id: deviceId, sub_directory_name: directory, number_of_images: limit } = this.data;
    let index = 0;
    // The metadata already asked for ends here: the next page's picks up right after it.
    let metadataEnd: number | null = null;
    for await (const page of this.folderPages(signal)) {
      if (index >= limit) break;
      const { wanted, pastRange } = this.imagesInRange(page.images, limit - index);
      if (page.fromCache) this.imageUse.imagesFromCache += wanted.length;
      else this.imageUse.imagesFetched += wanted.length;
      if (wanted.length > 0) {
        const span = this.metadataSpan(wanted, metadataEnd);
        metadataEnd = span.last;
        const metadata = await this.metadataFor(span, signal);
        // Decode a few pictures ahead: sharp works on its own threads while frames are consumed.
        const decoding = wanted.slice(0, DECODE_AHEAD).map((image) => this.decode(image));
        for (let i = 0; i < wanted.length; i++) {
          if (signal.aborted) return;
          // The queue holds exactly the pictures i .. i+DECODE_AHEAD-1, so shift() has one.
          const picture = await (decoding.shift() as Promise<RgbImage | null>);
          if (i + DECODE_AHEAD < wanted.length) decoding.push(this.decode(wanted[i + DECODE_AHEAD]));
          if (picture === null) continue;
          const { timestamp } = wanted[i];
          yield { index, timestamp, detections: metadata(timestamp), image: picture };
          index += 1;
        }
      }
      if (pastRange || page.last || index >= limit) break;
    }
    if (index === 0 && !signal.aborted) {
      throw new InputError(
        `no images in folder ${directory} of device ${deviceId} ${rangeInWords(this.range)} on the Console`,
      );
    }
  }

  /**
   * The folder's images in name order, from `range.first` on: first the part the cache holds whole
   * (its known prefix), then pages from the Console, each stored before it is used. Carrying on
   * after the prefix asks for one image more, its last, to check the folder is unchanged there;
   * when it is not, the prefix is forgotten and the folder read again from its start (names
   * already passed are not yielded twice).
   */
  private async *folderPages(signal: AbortSignal): AsyncGenerator<FolderPage> {
    const { device_id: deviceId, sub_directory_name: folder } = this.data;
    const cache = this.cache;
    const prefix = cache === null ? null : await cache.folderPrefix(deviceId, folder);
    let passed: string | null = null;
    if (cache !== null && prefix !== null) {
      for (;;) {
        const images = await cache.imagesAfter(deviceId, folder, passed, this.range.first, MAX_IMAGES_PER_REQUEST, prefix.lastName);
        if (images.length === 0) break;
        this.imageUse.pagesFromCache += 1;
        passed = images[images.length - 1].name;
        yield { images, last: false, fromCache: true };
      }
      passed = prefix.lastName;
    }
    let skip = prefix?.count ?? 0;
    let checking = prefix !== null && prefix.count > 0;
    for (;;) {
      const from = checking ? skip - 1 : skip;
      const page = await this.client.getImages({
        deviceId,
        subDirectory: folder,
        count: MAX_IMAGES_PER_REQUEST,
        skip: from,
        orderBy: 'ASC',
        signal,
      });
      this.imageUse.pagesFetched += 1;
      const fetched = page.images.map((image) => ({ name: image.name, jpeg: Buffer.from(image.contents, 'base64') }));
      if (checking && cache !== null && prefix !== null && fetched[0]?.name !== prefix.lastName) {
        // The folder changed before the known end (images removed): read it again from its start.
        await cache.resetFolder(deviceId, folder);
        checking = false;
        skip = 0;
        continue;
      }
      if (cache !== null) this.imageUse.imagesStored += await cache.storeImagePage(deviceId, folder, from, fetched);
      skip = from + fetched.length;
      const fresh = passed === null ? fetched : fetched.filter((image) => image.name > (passed as string));
      checking = false;
      yield { images: fresh, last: fetched.length === 0 || skip >= page.total_image_count, fromCache: false };
      if (fetched.length === 0 || skip >= page.total_image_count) return;
    }
  }

  /** The page's images inside the range, at most `room` of them; `pastRange` once names pass its end. */
  private imagesInRange(images: FolderImage[], room: number): { wanted: TimedImage[]; pastRange: boolean } {
    const wanted: TimedImage[] = [];
    for (const image of images) {
      const timestamp = timestampOfImageName(image.name);
      if (timestamp === null) {
        this.diagnostics.skip(
          `Console image ${this.data.sub_directory_name}/${image.name}`,
          'name is not <yyyyMMddHHmmssfff>.jpg',
        );
        continue;
      }
      if (this.range.last !== null && timestamp > this.range.last) return { wanted, pastRange: true };
      if (this.range.first !== null && timestamp < this.range.first) continue;
      if (wanted.length === room) break;
      wanted.push({ ...image, timestamp });
    }
    return { wanted, pastRange: false };
  }

  /**
   * The moments (ms) whose metadata pairs with `images`: their span widened by the tolerance, and
   * reaching back to just after the previous page's span (`previousEnd`), so that the spans of a
   * run join up and the cache learns one interval, not one per page with gaps between them.
   */
  private metadataSpan(images: { timestamp: string }[], previousEnd: number | null): { first: number; last: number } {
    const tolerance = this.data.match_tolerance_ms;
    const first = parseTimestamp(images[0].timestamp) - tolerance;
    const last = parseTimestamp(images[images.length - 1].timestamp) + tolerance;
    return { first: previousEnd === null ? first : Math.min(first, previousEnd + 1), last };
  }

  /** Looks up the detections of an image's T among the metadata of `span` (ms). */
  private async metadataFor(
    span: { first: number; last: number },
    signal: AbortSignal,
  ): Promise<(timestamp: string) => Detections> {
    const tolerance = this.data.match_tolerance_ms;
    const inferences = await this.fetcher.fetch(
      { first: formatTimestamp(span.first), last: formatTimestamp(span.last) },
      Number.POSITIVE_INFINITY,
      signal,
    );
    const times = inferences.map((inference) => parseTimestamp(inference.timestamp));
    return (timestamp) => {
      const at = nearest(times, parseTimestamp(timestamp));
      if (at < 0 || Math.abs(times[at] - parseTimestamp(timestamp)) > tolerance) return EMPTY_DETECTIONS;
      return inferences[at].detections;
    };
  }

  private async decode(image: TimedImage): Promise<RgbImage | null> {
    try {
      const { data, info } = await sharp(image.jpeg)
        // A size of 0 (the setting's "the source's") keeps the image's own.
        .resize(this.size.width || null, this.size.height || null, { fit: 'fill' })
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    } catch (error) {
      this.diagnostics.skip(
        `Console image ${this.data.sub_directory_name}/${image.name}`,
        `not a readable JPEG (${(error as Error).message})`,
      );
      return null;
    }
  }
}

/**
 * A range as a message says it, in ISO 8601 UTC: `between 2024-05-01T12:00:00.000Z and …`,
 * `since …`, `until …`, or `at all`.
 */
export function rangeInWords(range: TimeRange): string {
  const { first, last } = range;
  if (first !== null && last !== null) return `between ${timestampToIso(first)} and ${timestampToIso(last)}`;
  if (first !== null) return `since ${timestampToIso(first)}`;
  if (last !== null) return `until ${timestampToIso(last)}`;
  return 'at all';
}

/** Index of the value in ascending `sorted` closest to `target` (the earlier on a tie); -1 when empty. */
export function nearest(sorted: ArrayLike<number>, target: number): number {
  if (sorted.length === 0) return -1;
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < target) low = middle + 1;
    else high = middle;
  }
  if (low > 0 && target - sorted[low - 1] <= sorted[low] - target) return low - 1;
  return low;
}
