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
import type { ConsoleCredentials, ConsoleImage } from '../../src-shared/console/types.js';
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
import type { FrameSource } from '../pipeline/types.js';
import { FileCredentialStore, requireCredentials } from './credentials.js';
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
}

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
  if (withImages) {
    const { output_video_width: width, output_video_height: height } = settings.output_settings;
    return new ConsoleImageSource(client, data, range, { width, height }, diagnostics);
  }
  return new ConsoleMetadataSource(client, data, range, diagnostics);
}

/** A decoded inference: its T and detections. */
export interface TimedDetections {
  timestamp: string;
  detections: Detections;
}

/**
 * Every inference of the newest `recordLimit` records within `range`, oldest first, each T once.
 * Inferences of a record that fall outside the range are dropped (records can straddle it).
 * Shared with `crowdheat follow` (follow.ts), which asks for what lies after its mark.
 */
export async function fetchInferences(
  client: ConsoleClient,
  deviceId: string,
  range: TimeRange,
  recordLimit: number,
  diagnostics: Diagnostics,
  signal: AbortSignal,
): Promise<TimedDetections[]> {
  const byTimestamp = new Map<string, Detections>();
  const skip = (where: string, why: string): void => diagnostics.skip(where, why);
  let upper = range.last;
  let recordsFetched = 0;
  while (recordsFetched < recordLimit) {
    const count = Math.min(MAX_INFERENCE_RESULTS_PER_REQUEST, recordLimit - recordsFetched);
    const filter = inferenceFilter({ first: range.first, last: upper });
    const records = await client.getInferenceResults({
      deviceId,
      count,
      ...(filter === undefined ? {} : { filter }),
      raw: 1,
      signal,
    });
    recordsFetched += records.length;
    let oldest: string | null = null;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const id = isPlainObject(record) && typeof record.id === 'string' ? record.id : `#${recordsFetched - records.length + i}`;
      for (const inference of framesOfRecord(record, skip, `Console ${deviceId} record ${id}`)) {
        if (!inTimeRange(inference.timestamp, range)) continue;
        if (!byTimestamp.has(inference.timestamp)) byTimestamp.set(inference.timestamp, inference.detections);
        if (oldest === null || inference.timestamp < oldest) oldest = inference.timestamp;
      }
    }
    if (records.length < count || oldest === null) break;
    // Next page: strictly before the oldest inference seen, which records never cross back over.
    upper = formatTimestamp(parseTimestamp(oldest) - 1);
    if (range.first !== null && upper < range.first) break;
  }
  return [...byTimestamp.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([timestamp, detections]) => ({ timestamp, detections }));
}

/** Case 2: metadata only. */
class ConsoleMetadataSource implements FrameSource {
  readonly name = 'heatmap';
  readonly hasImages = false;
  private fetchedFrames: number | undefined;

  constructor(
    private readonly client: ConsoleClient,
    private readonly data: ConsoleDataSettings,
    private readonly range: TimeRange,
    private readonly diagnostics: Diagnostics,
  ) {}

  get expectedFrames(): number | undefined {
    return this.fetchedFrames;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<Frame> {
    const inferences = await fetchInferences(
      this.client,
      this.data.device_id,
      this.range,
      this.data.number_of_inference_results,
      this.diagnostics,
      signal,
    );
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

/** Case 1: images and their metadata. */
class ConsoleImageSource implements FrameSource {
  readonly hasImages = true;
  readonly name: string;

  constructor(
    private readonly client: ConsoleClient,
    private readonly data: ConsoleDataSettings,
    private readonly range: TimeRange,
    private readonly size: ImageSize,
    private readonly diagnostics: Diagnostics,
  ) {
    this.name = data.sub_directory_name;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<Frame> {
    const { device_id: deviceId, sub_directory_name: directory, number_of_images: limit } = this.data;
    let index = 0;
    let skip = 0;
    while (index < limit) {
      const page = await this.client.getImages({
        deviceId,
        subDirectory: directory,
        count: MAX_IMAGES_PER_REQUEST,
        skip,
        orderBy: 'ASC',
        signal,
      });
      skip += page.images.length;
      const { wanted, pastRange } = this.imagesInRange(page.images, limit - index);
      if (wanted.length > 0) {
        const metadata = await this.metadataFor(wanted, signal);
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
      if (pastRange || page.images.length === 0 || skip >= page.total_image_count) break;
    }
    if (index === 0 && !signal.aborted) {
      throw new InputError(
        `no images in folder ${directory} of device ${deviceId} ${rangeInWords(this.range)} on the Console`,
      );
    }
  }

  /** The page's images inside the range, at most `room` of them; `pastRange` once names pass its end. */
  private imagesInRange(
    images: ConsoleImage[],
    room: number,
  ): { wanted: (ConsoleImage & { timestamp: string })[]; pastRange: boolean } {
    const wanted: (ConsoleImage & { timestamp: string })[] = [];
    for (const image of images) {
      const timestamp = timestampOfImage(image.name);
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

  /** Looks up the detections of an image's T among the metadata of the images' span. */
  private async metadataFor(
    images: { timestamp: string }[],
    signal: AbortSignal,
  ): Promise<(timestamp: string) => Detections> {
    const tolerance = this.data.match_tolerance_ms;
    const first = parseTimestamp(images[0].timestamp) - tolerance;
    const last = parseTimestamp(images[images.length - 1].timestamp) + tolerance;
    const inferences = await fetchInferences(
      this.client,
      this.data.device_id,
      { first: formatTimestamp(first), last: formatTimestamp(last) },
      Number.POSITIVE_INFINITY,
      this.diagnostics,
      signal,
    );
    const times = inferences.map((inference) => parseTimestamp(inference.timestamp));
    return (timestamp) => {
      const at = nearest(times, parseTimestamp(timestamp));
      if (at < 0 || Math.abs(times[at] - parseTimestamp(timestamp)) > tolerance) return EMPTY_DETECTIONS;
      return inferences[at].detections;
    };
  }

  private async decode(image: ConsoleImage & { timestamp: string }): Promise<RgbImage | null> {
    try {
      const { data, info } = await sharp(Buffer.from(image.contents, 'base64'))
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

/** T of an image named `<T>.jpg`, or null. */
function timestampOfImage(name: string): string | null {
  const match = /^(\d{17})\.jpe?g$/i.exec(name);
  return match !== null && !Number.isNaN(parseTimestamp(match[1])) ? match[1] : null;
}

/** Index of the value in ascending `sorted` closest to `target` (the earlier on a tie); -1 when empty. */
function nearest(sorted: number[], target: number): number {
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
