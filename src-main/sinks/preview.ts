/**
 * The app's preview pictures, written while analysing: sampled, so that a run of any length keeps
 * a bounded folder — at most one picture per second of the source and at most
 * MAX_PREVIEW_PICTURES per analysis (frame 0 always has one). A frame without its own picture is
 * decoded on demand when the user stops on it (app/pictures.ts); everything else the timeline
 * shows (grids, counts, times) comes from the analysis store, not from this folder.
 *
 * A video's pictures never reach JS: the video sink's ffmpeg writes the sampled JPEGs while it
 * composites the heat video (ffmpeg/encoder.ts), so the video is decoded once. Other pictures
 * (Console images) are written here, one atomic file each. The folder is the run's private
 * work area: `index.json`, written last, is what marks it complete.
 *
 * ```ts
 * await runPipeline(settings, { previewDir: '/tmp/run-1/preview' });
 * const index = await readPreviewIndex('/tmp/run-1/preview');
 * index.pictures; // [0, 25, 50, …]: the positions that have their own picture
 * ```
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../src-shared/frames.js';
import { parseTimestamp } from '../../src-shared/frames.js';
import { InputError } from '../../src-shared/errors.js';
import { writeFileAtomic } from './atomic.js';
import { isVideoSource, type VideoFrameSource } from '../sources/video.js';
import type { FrameResult, RunContext, Sink, SinkFactory } from '../pipeline/types.js';

export const PREVIEW_INDEX_FILE = 'index.json';

/** The most preview pictures one analysis keeps (a week at 1 fps samples every 202nd frame). */
export const MAX_PREVIEW_PICTURES = 3000;
/** Pictures are at least this far apart in the source's time (one a second of video at most). */
export const MIN_PICTURE_INTERVAL_MS = 1000;

/** What the preview folder holds about its frames, written when the run finishes. */
export interface PreviewIndex {
  frameCount: number;
  columns: number;
  rows: number;
  /** Positions (0-based, ascending) of the frames that have their own picture. */
  pictures: number[];
  hasImages: boolean;
  previewWidth: number;
  previewHeight: number;
  /** The highest window count of any frame of the run (the last running maximum of SPEC §4). */
  peak: number;
  /** The source video, for decoding a frame without a picture on demand; absent for other sources. */
  video?: { path: string };
}

/** Width of the preview JPEGs; smaller pictures are kept at their size. */
export const PREVIEW_WIDTH = 480;

/** The file name of frame `index`'s picture inside the preview folder. */
export function previewImageName(index: number): string {
  return `${index}.jpg`;
}

const PREVIEW_IMAGE = /^(\d+)\.jpg$/;
/** A video's sampled pictures as ffmpeg writes them (`s<k>.jpg`, k counting pictures), renamed by position at the end. */
const SAMPLED_IMAGE = /^s(\d+)\.jpg$/;

/** The names ffmpeg writes a video's sampled pictures under, as an image2 pattern inside `dir` (a `%` in the folder's name is written `%%`). */
export function sampledPicturePattern(dir: string): string {
  return join(dir.replaceAll('%', '%%'), 's%d.jpg');
}

/** Deletes the preview pictures in `dir`, e.g. those a cancelled ffmpeg left, half-written ones included. */
export async function removePreviewImages(dir: string): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(
    names.filter((name) => PREVIEW_IMAGE.test(name) || SAMPLED_IMAGE.test(name)).map((name) => rm(join(dir, name), { force: true })),
  );
}

/** The picture step of a video run (videoPictureStep of its rate and frames), the same for the video sink's ffmpeg and this sink. */
export function videoPictureStepOf(source: VideoFrameSource): number {
  return videoPictureStep(source.video.fps.num / source.video.fps.den, source.expectedFrames ?? source.video.frameCount);
}

/**
 * Every how many frames a video run keeps a picture: at most one a second of video
 * (`fps` frames apart) and at most MAX_PREVIEW_PICTURES over `frames`.
 *
 * ```ts
 * videoPictureStep(25, 600)     // 25
 * videoPictureStep(1, 604_800)  // 202
 * ```
 */
export function videoPictureStep(fps: number, frames: number): number {
  const perSecond = Number.isFinite(fps) && fps > 0 ? Math.ceil(fps * (MIN_PICTURE_INTERVAL_MS / 1000) - 1e-9) : 1;
  return Math.max(1, perSecond, Math.ceil(frames / MAX_PREVIEW_PICTURES));
}

/** Writes the previews into the run's `previewDir` (created when missing); no sink without one. */
export const previewSink: SinkFactory = async (context) => {
  const dir = context.previewDir;
  if (dir === undefined) return null;
  await mkdir(dir, { recursive: true });
  return new PreviewSink(dir, PREVIEW_WIDTH, context);
};

class PreviewSink implements Sink {
  private frames = 0;
  private highest = 0;
  private previewWidth = 0;
  private previewHeight = 0;
  private readonly pictures: number[] = [];
  private lastPictureMs = Number.NEGATIVE_INFINITY;
  /** Frames between two pictures at least, so a long run keeps at most MAX_PREVIEW_PICTURES. */
  private readonly step: number;

  constructor(
    private readonly dir: string,
    private readonly width: number,
    private readonly context: RunContext,
  ) {
    this.step = Math.max(1, Math.ceil((context.source.expectedFrames ?? 0) / MAX_PREVIEW_PICTURES));
  }

  async write(result: FrameResult): Promise<void> {
    const { frame, grid, position } = result;
    for (let i = 0; i < grid.length; i++) if (grid[i] > this.highest) this.highest = grid[i];
    this.frames += 1;
    if (frame.image !== undefined && this.wantsPicture(position, frame.timestamp)) await this.writeImage(frame.image, position);
  }

  async finish(): Promise<void> {
    const source = this.context.source;
    let pictures = this.pictures;
    // The video sink has finished (run.ts), so its ffmpeg has written a video's pictures.
    if (isVideoSource(source) && this.frames > 0) {
      pictures = await this.placeVideoPictures(videoPictureStepOf(source));
      if (pictures.length > 0) {
        const first = await sharp(join(this.dir, previewImageName(pictures[0]))).metadata();
        this.previewWidth = first.width ?? 0;
        this.previewHeight = first.height ?? 0;
      }
    }
    const params = this.context.params;
    const index: PreviewIndex = {
      frameCount: this.frames,
      columns: params.grid_num_h,
      rows: params.grid_num_v,
      pictures,
      hasImages: this.previewWidth > 0,
      previewWidth: this.previewWidth,
      previewHeight: this.previewHeight,
      peak: this.highest,
      ...(isVideoSource(source) ? { video: { path: source.video.path } } : {}),
    };
    await writeFileAtomic(join(this.dir, PREVIEW_INDEX_FILE), JSON.stringify(index));
  }

  async abort(): Promise<void> {
    await removePreviewImages(this.dir).catch(() => undefined);
  }

  /**
   * Renames ffmpeg's `s<k>.jpg` to the position they show (k × step) and deletes any past the
   * run's last frame (ffmpeg may flush one more as the streams end). Returns the positions.
   */
  private async placeVideoPictures(step: number): Promise<number[]> {
    const positions: number[] = [];
    for (const name of await readdir(this.dir)) {
      const match = SAMPLED_IMAGE.exec(name);
      if (match === null) continue;
      const position = Number(match[1]) * step;
      if (position < this.frames) {
        await rename(join(this.dir, name), join(this.dir, previewImageName(position)));
        positions.push(position);
      } else {
        await rm(join(this.dir, name), { force: true });
      }
    }
    return positions.sort((a, b) => a - b);
  }

  /** Frame 0, then frames at least `step` positions and MIN_PICTURE_INTERVAL_MS (by T, when known) after the last picture. */
  private wantsPicture(position: number, timestamp: string | undefined): boolean {
    if (this.pictures.length >= MAX_PREVIEW_PICTURES) return false;
    const last = this.pictures.at(-1);
    if (last !== undefined && position - last < this.step) return false;
    const ms = timestamp === undefined ? Number.NaN : parseTimestamp(timestamp);
    if (Number.isFinite(ms) && ms - this.lastPictureMs < MIN_PICTURE_INTERVAL_MS) return false;
    if (Number.isFinite(ms)) this.lastPictureMs = ms;
    return true;
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
    this.pictures.push(position);
  }
}

/** Reads the index a finished preview folder holds. */
export async function readPreviewIndex(dir: string): Promise<PreviewIndex> {
  const path = join(dir, PREVIEW_INDEX_FILE);
  let index: PreviewIndex;
  try {
    index = JSON.parse(await readFile(path, 'utf8')) as PreviewIndex;
  } catch (error) {
    throw new InputError(`${path}: cannot read the preview index (${(error as Error).message})`);
  }
  if (!Array.isArray(index.pictures)) throw new InputError(`${path}: a preview index of an older crowdheat; run the analysis again`);
  return index;
}

/**
 * The position of the sampled picture nearest to `position` (the earlier one on ties), or -1
 * when there is none. `pictures` is ascending.
 */
export function nearestPicture(pictures: readonly number[], position: number): number {
  if (pictures.length === 0) return -1;
  let low = 0;
  let high = pictures.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (pictures[middle] <= position) low = middle;
    else high = middle - 1;
  }
  const before = pictures[low];
  const after = pictures[low + 1];
  if (before > position) return before;
  return after !== undefined && after - position < position - before ? after : before;
}
