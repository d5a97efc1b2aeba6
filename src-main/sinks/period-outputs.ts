/**
 * The period outputs (fixed names; `crowdheat report` reads them):
 *
 * - `heatmap_period.png` + `heatmap_period.npy`: the whole period's grid (float64, shape
 *   (grid_num_v, grid_num_h)) in person-seconds with a time base, else person-frames;
 * - with `period` set: `periods/<yyyyMMdd-HHmm local>.png` for each bucket,
 *   `heatmap_buckets.npy` (float64, shape (buckets, grid_num_v, grid_num_h)) and `buckets.csv`.
 *
 * Every file is written atomically; the bucket pictures share one colour scale so they compare.
 * The pictures carry the zones' outlines and names, as heatmap.png does, unless `zone_outlines`
 * is false.
 */
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { formatTimestamp, type RgbImage } from '../../src-shared/frames.js';
import { FILE_STAMP, LocalClock } from '../../src-shared/periods/buckets.js';
import { elapsedText } from '../../src-shared/periods/time-base.js';
import { FrameRenderer } from '../../src-shared/render/index.js';
import { resolveVideoFormat, type PixelSize } from '../../src-shared/render/video-format.js';
import type { OutputSettings } from '../../src-shared/settings/types.js';
import { drawZoneOutlines } from '../../src-shared/zones/draw.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import type { PeriodView } from '../store/views.js';
import { writeFileAtomic } from './atomic.js';
import { npyHeader } from './npy.js';
import { resize } from './png.js';
import { outputSize } from './video.js';

export const PERIOD_PNG = 'heatmap_period.png';
export const PERIOD_NPY = 'heatmap_period.npy';
export const BUCKETS_NPY = 'heatmap_buckets.npy';
export const BUCKETS_CSV = 'buckets.csv';
export const PERIODS_DIR = 'periods';
/**
 * Bucket pictures encoded at once, each one RGB picture (6 MB at 1080p) and sharp's buffers in
 * flight: two keep both cores of the target machine encoding while the next is painted.
 */
const PNG_CONCURRENCY = 2;

/** A float64 .npy file's bytes: header, then the values little-endian. */
export function npyFloat64(values: Float64Array, shape: readonly number[]): Uint8Array {
  const header = npyHeader(shape, '<f8');
  const bytes = new Uint8Array(header.length + values.length * 8);
  bytes.set(header, 0);
  const view = new DataView(bytes.buffer, header.length);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return bytes;
}

function maxOf(values: Float64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/** A number for a CSV cell: integers as they are, fractions to the millisecond. */
function csvNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
}

/**
 * A bucket picture's name in `periods/` as a run writes it: a `LocalClock.fileStamp`
 * (`yyyyMMdd-HHmm`, with `±hhmm` in an hour the clocks go back over) and `.png`.
 */
export const BUCKET_PICTURE = new RegExp(`${FILE_STAMP.source}\\.png$`);

/**
 * The buckets' files in `folder` that writing `files` (paths relative to it, `/`-separated)
 * leaves from an earlier run or export: `heatmap_buckets.npy`, `buckets.csv` and the names in
 * `also` at the top, and the bucket pictures in `periods/` (only names a run gives: anything else
 * there is the user's). Relative to `folder`, `/`-separated.
 */
export async function earlierBucketFiles(folder: string, files: readonly string[], also: readonly string[] = []): Promise<string[]> {
  const writing = new Set(files);
  const isFile = (name: string): Promise<boolean> => lstat(join(folder, name)).then((facts) => facts.isFile(), () => false);
  const earlier: string[] = [];
  for (const name of [BUCKETS_NPY, BUCKETS_CSV, ...also]) if (!writing.has(name) && (await isFile(name))) earlier.push(name);
  const pictures = await readdir(join(folder, PERIODS_DIR), { withFileTypes: true }).catch(() => []);
  for (const item of pictures) {
    const path = `${PERIODS_DIR}/${item.name}`;
    if (item.isFile() && BUCKET_PICTURE.test(item.name) && !writing.has(path)) earlier.push(path);
  }
  return earlier;
}

export interface PeriodOutputOptions {
  output: OutputSettings;
  /** The metadata's pixel space (`image_size_h` × `image_size_v`): the pictures' aspect when there is no picture. */
  imageSize: PixelSize;
  /** IANA time zone of the bucket names and ISO times. */
  timeZone: string;
  /** A picture under the heat (the video's or the Console's), already any size: resized here. */
  picture?: RgbImage;
  /** The range the view covers, for the picture's label. */
  label: string;
  /**
   * The times count from frame 0 (a rate without a start: `timeClockOf` is `elapsed`): the
   * bucket pictures' labels say `0:15:00 since frame 0`, not a date of 1970. Their file names
   * and buckets.csv keep the ISO times.
   */
  elapsed?: boolean;
  /** Zones outlined on the pictures (in the metadata's pixel space) when `output.zone_outlines` is true. */
  zones?: readonly ZoneDefinition[];
  /**
   * Paint only these buckets' pictures (indexes into `view.buckets`), leaving the others' files
   * as they are: a follow repaints the buckets that changed when the shared colour scale did not.
   * All of them when omitted.
   */
  onlyBuckets?: ReadonlySet<number>;
}

/**
 * Writes the period outputs of `view` into `outputDir`. Returns their names relative to it.
 * A whole write (no `onlyBuckets`) then removes the buckets' files an earlier run left there
 * (`earlierBucketFiles`): another period's pictures, or buckets where this run has none, would
 * otherwise lie beside this run's summary as if they were its own.
 */
export async function writePeriodOutputs(outputDir: string, view: PeriodView, options: PeriodOutputOptions): Promise<string[]> {
  const { output } = options;
  const zones = options.zones ?? [];
  const { columns, rows } = view;
  const source = options.picture === undefined ? {} : { picture: { width: options.picture.width, height: options.picture.height } };
  const size = outputSize(resolveVideoFormat(output, { imageSize: options.imageSize, ...source }));
  const picture = options.picture === undefined || !output.overlay ? undefined : await resize(options.picture, size.width, size.height);
  const renderer = new FrameRenderer({
    width: size.width,
    height: size.height,
    table: getColormap(output.cmap),
    interpolation: output.interpolation,
    overlay: output.overlay,
    transparency: output.transparency,
    emptyCells: output.empty_cells,
    colorbar: true,
  });
  const render = async (grid: Float64Array, max: number, label: string): Promise<Buffer> => {
    const rendered = renderer.render({
      grid,
      columns,
      rows,
      scale: { min: 0, max: max > 0 ? max : 1 },
      label,
      ...(picture !== undefined ? { image: picture } : {}),
    });
    if (output.zone_outlines && zones.length > 0) drawZoneOutlines(rendered, zones, options.imageSize.width, options.imageSize.height);
    // The renderer reuses its picture for the next call: sharp gets a copy, as it encodes later on its own threads.
    return sharp(Buffer.from(rendered.data), { raw: { width: rendered.width, height: rendered.height, channels: 3 } }).png().toBuffer();
  };

  const written: string[] = [];
  await writeFileAtomic(join(outputDir, PERIOD_NPY), npyFloat64(view.whole, [rows, columns]));
  written.push(PERIOD_NPY);
  await writeFileAtomic(join(outputDir, PERIOD_PNG), await render(view.whole, maxOf(view.whole), `${view.unit}\n${options.label}`));
  written.push(PERIOD_PNG);

  const buckets = view.buckets;
  // The files of this run's buckets, named as they are written (`/`-separated), for the tidying at the end.
  const bucketFiles: string[] = [];
  const tidy = async (): Promise<void> => {
    if (options.onlyBuckets !== undefined) return;
    for (const name of await earlierBucketFiles(outputDir, [...written, ...bucketFiles])) await rm(join(outputDir, name), { force: true });
  };
  if (buckets === null) {
    await tidy();
    return written;
  }
  const count = buckets.starts.length;
  const cells = rows * columns;
  if (buckets.grids.length !== count * cells) throw new Error('period outputs: the view handed its bucket grids out one at a time (eachBucketGrid); ask for them kept');
  await writeFileAtomic(join(outputDir, BUCKETS_NPY), npyFloat64(buckets.grids, [count, rows, columns]));
  written.push(BUCKETS_NPY);
  const clock = new LocalClock(options.timeZone);
  const lines = ['start,start_t,end,frames,detections,person_seconds,peak_frame'];
  for (let b = 0; b < count; b++) {
    lines.push(
      [
        clock.iso(buckets.starts[b]),
        formatTimestamp(buckets.starts[b]),
        clock.iso(buckets.ends[b]),
        buckets.frames[b],
        buckets.detections[b],
        csvNumber(buckets.personSeconds[b]),
        buckets.peakFrame[b] < 0 ? '' : buckets.peakFrame[b],
      ].join(','),
    );
  }
  await writeFileAtomic(join(outputDir, BUCKETS_CSV), lines.join('\n') + '\n');
  written.push(BUCKETS_CSV);
  const directory = join(outputDir, PERIODS_DIR);
  await mkdir(directory, { recursive: true });
  const sharedMax = maxOf(buckets.grids);
  // Pictures are painted here one after another and encoded and written by up to
  // PNG_CONCURRENCY at once (sharp's threads), so painting the next overlaps encoding the last.
  // After a failure no new picture is started, and the failure is thrown once all in flight are done.
  let nextBucket = 0;
  let failed = false;
  const writeBuckets = async (): Promise<void> => {
    while (nextBucket < count && !failed) {
      const b = nextBucket++;
      if (options.onlyBuckets !== undefined && !options.onlyBuckets.has(b)) continue;
      const grid = buckets.grids.subarray(b * cells, (b + 1) * cells);
      const start = buckets.starts[b];
      const label = `${view.unit}\n${options.elapsed === true ? `${elapsedText(start)} since frame 0` : clock.iso(start)}`;
      try {
        const name = `${clock.fileStamp(buckets.starts[b])}.png`;
        bucketFiles.push(`${PERIODS_DIR}/${name}`);
        await writeFileAtomic(join(directory, name), await render(grid, sharedMax, label));
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(PNG_CONCURRENCY, count) }, writeBuckets));
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  written.push(`${PERIODS_DIR}/`);
  await tidy();
  return written;
}
