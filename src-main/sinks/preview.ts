/**
 * The app's preview proxies, written while analysing so that seeking the timeline is instant:
 * a small JPEG per frame (when the source has pictures), every frame's grid appended to one
 * Int32 file, and at the end an index of counts, timestamps and the running maximum.
 *
 * A video's pictures never reach JS: the video sink's ffmpeg writes their JPEGs while it
 * composites the heat video (ffmpeg/encoder.ts), so the video is decoded once. Other pictures
 * (Console images) are written here, one atomic file each. The folder is the run's private
 * work area: `index.json`, written last, is what marks it complete.
 *
 * ```ts
 * await runPipeline(settings, { previewDir: '/tmp/run-1/preview' });
 * const index = await readPreviewIndex('/tmp/run-1/preview');
 * const grid = await readPreviewGrid('/tmp/run-1/preview', index, 12);
 * ```
 */
import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../src-shared/frames.js';
import { InputError } from '../../src-shared/errors.js';
import { AtomicFile, writeFileAtomic } from './atomic.js';
import { isVideoSource } from '../sources/video.js';
import type { FrameResult, RunContext, Sink, SinkFactory } from '../pipeline/types.js';

export const PREVIEW_GRIDS_FILE = 'grids.i32';
export const PREVIEW_INDEX_FILE = 'index.json';

/** What the preview folder holds about its frames, written when the run finishes. */
export interface PreviewIndex {
  frameCount: number;
  columns: number;
  rows: number;
  counts: number[];
  timestamps: string[];
  runningMax: number[];
  hasImages: boolean;
  previewWidth: number;
  previewHeight: number;
}

/** Width of the preview JPEGs; smaller pictures are kept at their size. */
export const PREVIEW_WIDTH = 480;

/** The file name of frame `index`'s picture inside the preview folder. */
export function previewImageName(index: number): string {
  return `${index}.jpg`;
}

const PREVIEW_IMAGE = /^\d+\.jpg$/;

/** The same names as an ffmpeg image2 pattern inside `dir` (a `%` in the folder's name is written `%%`). */
export function previewImagePattern(dir: string): string {
  return join(dir.replaceAll('%', '%%'), '%d.jpg');
}

/** Deletes the preview pictures in `dir`, e.g. those a cancelled ffmpeg left, half-written ones included. */
export async function removePreviewImages(dir: string): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(names.filter((name) => PREVIEW_IMAGE.test(name)).map((name) => rm(join(dir, name), { force: true })));
}

/** Writes the previews into the run's `previewDir` (created when missing); no sink without one. */
export const previewSink: SinkFactory = async (context) => {
  const dir = context.previewDir;
  if (dir === undefined) return null;
  await mkdir(dir, { recursive: true });
  const grids = await AtomicFile.create(join(dir, PREVIEW_GRIDS_FILE));
  return new PreviewSink(dir, PREVIEW_WIDTH, context, grids);
};

class PreviewSink implements Sink {
  private readonly counts: number[] = [];
  private readonly timestamps: string[] = [];
  private readonly runningMax: number[] = [];
  private highest = 0;
  private previewWidth = 0;
  private previewHeight = 0;

  constructor(
    private readonly dir: string,
    private readonly width: number,
    private readonly context: RunContext,
    private readonly grids: AtomicFile,
  ) {}

  async write(result: FrameResult): Promise<void> {
    const { frame, grid, position } = result;
    for (let i = 0; i < grid.length; i++) if (grid[i] > this.highest) this.highest = grid[i];
    this.counts.push(frame.detections.count);
    this.timestamps.push(frame.timestamp ?? '');
    this.runningMax.push(this.highest);
    // The grid is a live view the next frame overwrites: copy its bytes before the write yields.
    await this.grids.write(new Uint8Array(grid.buffer.slice(grid.byteOffset, grid.byteOffset + grid.byteLength)));
    if (frame.image !== undefined) await this.writeImage(frame.image, position);
  }

  async finish(): Promise<void> {
    await this.grids.commit();
    // The video sink has finished (run.ts), so its ffmpeg has written a video's pictures.
    if (isVideoSource(this.context.source) && this.counts.length > 0) {
      const first = await sharp(join(this.dir, previewImageName(0))).metadata();
      this.previewWidth = first.width ?? 0;
      this.previewHeight = first.height ?? 0;
    }
    const params = this.context.params;
    const index: PreviewIndex = {
      frameCount: this.counts.length,
      columns: params.grid_num_h,
      rows: params.grid_num_v,
      counts: this.counts,
      timestamps: this.timestamps,
      runningMax: this.runningMax,
      hasImages: this.previewWidth > 0,
      previewWidth: this.previewWidth,
      previewHeight: this.previewHeight,
    };
    await writeFileAtomic(join(this.dir, PREVIEW_INDEX_FILE), JSON.stringify(index));
  }

  async abort(): Promise<void> {
    await this.grids.discard();
  }

  private async writeImage(image: RgbImage, position: number): Promise<void> {
    const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize({ width: this.width, withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    if (this.previewWidth === 0) {
      this.previewWidth = jpeg.info.width;
      this.previewHeight = jpeg.info.height;
    }
    await writeFileAtomic(join(this.dir, previewImageName(position)), jpeg.data);
  }
}

/** Reads the index a finished preview folder holds. */
export async function readPreviewIndex(dir: string): Promise<PreviewIndex> {
  const path = join(dir, PREVIEW_INDEX_FILE);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PreviewIndex;
  } catch (error) {
    throw new InputError(`${path}: cannot read the preview index (${(error as Error).message})`);
  }
}

/** Reads frame `frame`'s grid from the preview folder (one positioned read, whatever the run's length). */
export async function readPreviewGrid(dir: string, index: PreviewIndex, frame: number): Promise<Int32Array> {
  const cells = index.columns * index.rows;
  const bytes = new Uint8Array(cells * 4);
  let handle: FileHandle | undefined;
  try {
    handle = await open(join(dir, PREVIEW_GRIDS_FILE), 'r');
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, frame * bytes.length);
    if (bytesRead !== bytes.length) throw new InputError(`${join(dir, PREVIEW_GRIDS_FILE)}: frame ${frame} is missing`);
  } finally {
    await handle?.close();
  }
  return new Int32Array(bytes.buffer);
}
