/**
 * The exact picture of a frame that has no sampled preview (sinks/preview.ts): decoded on demand
 * from the source video — one frame, found by its position as the run paired it, at the preview
 * size — and kept in `preview/exact/` so a second visit costs nothing.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { readVideoFrame } from '../ffmpeg/decoder.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import type { PreviewIndex } from '../sinks/preview.js';

/** The longest one decode may take (a long video's packet list is read first). */
export const EXACT_PICTURE_DEADLINE_MS = 30_000;

/** Where frame `position`'s decoded picture is kept inside the preview folder. */
export function exactPicturePath(previewDir: string, position: number): string {
  return join(previewDir, 'exact', `${position}.jpg`);
}

/** Whether frame `position`'s exact picture has been decoded already. */
export async function hasExactPicture(previewDir: string, position: number): Promise<boolean> {
  return stat(exactPicturePath(previewDir, position)).then((info) => info.isFile(), () => false);
}

/**
 * Decodes frame `position` of the run's video into a JPEG as wide as the previews and returns its
 * path; null when the run has no video to decode from (Console pictures are only sampled).
 *
 * @throws InputError when the video can no longer be read; ProcessError when ffmpeg stalls or
 *   the deadline passes.
 */
export async function decodeExactPicture(ffmpeg: string, previewDir: string, index: PreviewIndex, position: number): Promise<string | null> {
  if (index.video === undefined || !index.hasImages) return null;
  const path = exactPicturePath(previewDir, position);
  if (await hasExactPicture(previewDir, position)) return path;
  const picture = await readVideoFrame(ffmpeg, index.video.path, position, index.previewWidth, index.previewHeight, AbortSignal.timeout(EXACT_PICTURE_DEADLINE_MS));
  const jpeg = await sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
  await mkdir(join(previewDir, 'exact'), { recursive: true });
  await writeFileAtomic(path, jpeg);
  return path;
}
