/**
 * What a device holds on the Console, found with few requests (issue 14, part 2):
 *
 * - inference results: the newest T (one request: the Console answers newest first) and the
 *   oldest T, by a search over T with the only tool the API has, the `filter` condition. First
 *   the search steps back from the newest T in strides growing 16-fold (an hour, 16 hours,
 *   11 days, 171 days, …) until nothing lies before the stride's start; then it halves the
 *   interval where the oldest must be. Each probe asks for up to
 *   `PROBE_RECORDS` records of a window `[low, middle)`: an answer that is not full holds every
 *   record of the window, so its oldest T is the answer, usually long before the interval is
 *   narrowed to a millisecond.
 * - an image folder: `total_image_count` and the first and last image names (`<T>.jpg`), one
 *   image from each end (`order_by` ASC and DESC), more only when an end holds names that are
 *   not T strings.
 */
import { formatTimestamp, isTimestamp, parseTimestamp } from '../frames.js';
import type { ImagesQuery, InferenceResultsQuery } from './client.js';
import { inferenceFilter } from './range.js';
import type { ConsoleImagePage } from './types.js';
import { isPlainObject } from '../objects.js';

/** The part of `ConsoleClient` the search uses. */
export interface RangeQueries {
  getInferenceResults(query: InferenceResultsQuery): Promise<unknown[]>;
  getImages(query: ImagesQuery): Promise<ConsoleImagePage>;
}

/** Oldest and newest T of a device's inference results; both null when it has none. */
export interface InferenceRange {
  oldest: string | null;
  newest: string | null;
  /** Console requests the search made. */
  requests: number;
}

/** An image folder's size and the T of its first and last images (null when none is named `<T>.jpg`). */
export interface ImageFolderRange {
  count: number;
  first: string | null;
  last: string | null;
  requests: number;
}

/** Records one probe asks for: a window with fewer is known completely. */
export const PROBE_RECORDS = 100;
/** The first stride back from the newest T; each next stride is `STRIDE_GROWTH` times longer. */
const FIRST_STRIDE_MS = 60 * 60 * 1000;
const STRIDE_GROWTH = 16;
/** No T lies before the Unix epoch (a device whose clock was never set starts there). */
const EARLIEST_MS = 0;

/**
 * The oldest and newest T among `deviceId`'s inference results.
 *
 * ```ts
 * await findInferenceRange(client, 'Aid-cam1') // { oldest: '20240501120000000', newest: '20240501123000500', requests: 5 }
 * ```
 * Throws what the client throws (Console errors, cancellation through `signal`).
 */
export async function findInferenceRange(
  client: RangeQueries,
  deviceId: string,
  signal?: AbortSignal,
): Promise<InferenceRange> {
  let requests = 0;
  /** Every T of the records inside [low, high) (either bound may be open), and whether the answer was full. */
  const probe = async (low: number | null, high: number | null, count: number): Promise<{ times: number[]; full: boolean }> => {
    requests += 1;
    const filter = inferenceFilter({
      first: low === null ? null : formatTimestamp(low),
      last: high === null ? null : formatTimestamp(high - 1),
    });
    const records = await client.getInferenceResults({
      deviceId,
      count,
      ...(filter === undefined ? {} : { filter }),
      raw: 1,
      ...(signal === undefined ? {} : { signal }),
    });
    const times: number[] = [];
    for (const record of records) {
      for (const t of timestampsOf(record)) {
        const ms = parseTimestamp(t);
        if ((low === null || ms >= low) && (high === null || ms < high)) times.push(ms);
      }
    }
    return { times, full: records.length >= count };
  };

  const newestAnswer = await probe(null, null, 1);
  if (newestAnswer.times.length === 0) return { oldest: null, newest: null, requests };
  const newest = Math.max(...newestAnswer.times);

  // Invariants: an inference lies at high - 1; none lies before low.
  let high = newest + 1;
  let low = EARLIEST_MS;
  for (let stride = FIRST_STRIDE_MS; high - stride > EARLIEST_MS; stride *= STRIDE_GROWTH) {
    const candidate = high - stride;
    const older = await probe(null, candidate, 1);
    if (older.times.length === 0) {
      low = candidate;
      break;
    }
    high = Math.max(...older.times) + 1;
  }
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    const { times, full } = await probe(low, middle, PROBE_RECORDS);
    if (times.length === 0) {
      low = middle;
      continue;
    }
    if (!full) return range(Math.min(...times), newest, requests);
    high = Math.min(...times) + 1;
  }
  return range(low, newest, requests);
}

/**
 * The size of the image folder `subDirectory` of `deviceId` and the T of its first and last
 * images (by the Console's name order), with one image from each end in the common case.
 */
export async function findImageFolderRange(
  client: RangeQueries,
  deviceId: string,
  subDirectory: string,
  signal?: AbortSignal,
): Promise<ImageFolderRange> {
  let requests = 0;
  let count = 0;
  const end = async (orderBy: 'ASC' | 'DESC'): Promise<string | null> => {
    let skip = 0;
    // One image first: most folders hold only `<T>.jpg` names. Then whole pages.
    let pageSize = 1;
    for (;;) {
      requests += 1;
      const page = await client.getImages({
        deviceId,
        subDirectory,
        count: pageSize,
        skip,
        orderBy,
        ...(signal === undefined ? {} : { signal }),
      });
      count = page.total_image_count;
      for (const image of page.images) {
        const t = timestampOfImageName(image.name);
        if (t !== null) return t;
      }
      skip += page.images.length;
      if (page.images.length === 0 || skip >= page.total_image_count) return null;
      pageSize = 256;
    }
  };
  const first = await end('ASC');
  // No `<T>.jpg` from the front means none at all: the back need not be read again.
  const last = first === null ? null : await end('DESC');
  return { count, first, last, requests };
}

/** T of an image named `<T>.jpg` (or `.jpeg`), or null. */
export function timestampOfImageName(name: string): string | null {
  const match = /^(\d{17})\.jpe?g$/i.exec(name);
  return match !== null && isTimestamp(match[1]) ? match[1] : null;
}

function range(oldestMs: number, newestMs: number, requests: number): InferenceRange {
  return { oldest: formatTimestamp(oldestMs), newest: formatTimestamp(newestMs), requests };
}

/** Every well-formed T of a record's inferences; malformed ones are left to the sources to report. */
function timestampsOf(record: unknown): string[] {
  const body = isPlainObject(record) ? record.inference_result : undefined;
  const inferences = isPlainObject(body) ? body.Inferences : undefined;
  if (!Array.isArray(inferences)) return [];
  const times: string[] = [];
  for (const inference of inferences as unknown[]) {
    const t = isPlainObject(inference) ? inference.T : undefined;
    if (typeof t === 'string' && isTimestamp(t)) times.push(t);
  }
  return times;
}
