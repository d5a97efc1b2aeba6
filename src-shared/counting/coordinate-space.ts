/**
 * Whether the run's coordinate space holds together: the detections' extent (`extent.ts`) and
 * the camera picture's size (the video's stream, or the first Console image) against the
 * declared `image_size_h` × `image_size_v`. The heat is stretched over the whole picture, so a
 * picture of another shape than the metadata space puts every cell in the wrong place, and
 * detections beyond or crowded into a corner of the image size mean the size is not the
 * detector's (a 300×300 or 640×480 model read as full HD, 4K read as full HD).
 *
 * A picture of the same shape at another size (the demo's 960×540 video over 1920×1080 metadata)
 * is fine: the heat scales with it.
 *
 * ```ts
 * coordinateSpaceCheck({ h: 1920, v: 1080 }, extentOf640x480Boxes, null);
 * // { kind: 'crowded', seen: 'all 40 detections stay within x ≤ 630, y ≤ 470', set: 'image_size 1920×1080',
 * //   fitting: { h: 640, v: 480 }, message: '…' }
 * ```
 */
import type { ImageExtent } from './extent.js';

/** Width and height in pixels. */
export interface PictureSize {
  width: number;
  height: number;
}

/** What disagrees with image_size, as the app shows it (`RunInfo.coordinateSpace`, `summary.json` → `coordinate_space`). */
export interface CoordinateSpaceFinding {
  /** `beyond` / `crowded`: the detections' extent (see `ImageExtent.finding`); `picture-shape`: the picture's aspect ratio. */
  kind: 'beyond' | 'crowded' | 'picture-shape';
  /** What was seen, e.g. `detections reach x = 3840, y = 2160` or `the video is 640×480 (4:3)`. */
  seen: string;
  /** What is set, e.g. `image_size 1920×1080 (16:9)`. */
  set: string;
  /** The image size that would fit, or null when the facts do not say which size is right. */
  fitting: { h: number; v: number } | null;
  /** One line for logs and the command line. */
  message: string;
}

/** Aspect ratios further apart than this share (of the set one) are different shapes, not rounding. */
export const SHAPE_TOLERANCE = 0.02;

/**
 * The coordinate-space finding of a run, or null when extent, picture and image size agree.
 *
 * - `imageSize`: `image_size_h` × `image_size_v` as set (metadata pixels).
 * - `extent`: the run's `ImageExtent`, or null when it was not tracked.
 * - `picture`: the camera picture's size in pixels, or null without pictures; `pictureKind`
 *   names it in the text (`video`, `Console images`).
 *
 * When the extent contradicts the image size, the picture's size is offered if it holds the
 * extent without crowding it (the detector saw the camera's frame), else the common detector
 * size `extent.ts` found. When only the picture's shape differs, its size is offered if the
 * extent fits it; otherwise nothing can tell which of the two is wrong and `fitting` is null.
 */
export function coordinateSpaceCheck(
  imageSize: { h: number; v: number },
  extent: ImageExtent | null,
  picture: PictureSize | null,
  pictureKind = 'video',
): CoordinateSpaceFinding | null {
  const set = `image_size ${imageSize.h}×${imageSize.v} (${shapeOf(imageSize.h, imageSize.v)})`;
  const box = extent?.box ?? null;
  const pictureFits = picture !== null && box !== null && extentFits(box, picture);
  if (extent !== null && extent.finding !== null && box !== null) {
    const x = Math.ceil(box.right);
    const y = Math.ceil(box.bottom);
    const seen =
      extent.finding === 'beyond'
        ? `${extent.beyond} of ${extent.detections} detections lie beyond it, reaching x = ${x}, y = ${y}`
        : `all ${extent.detections} detections stay within x ≤ ${x}, y ≤ ${y}`;
    const fitting = pictureFits && picture !== null ? { h: picture.width, v: picture.height } : extent.fitting_size;
    const advice = fitting === null ? 'set image_size to the detector\'s frame size' : `${fitting.h}×${fitting.v} would fit`;
    return { kind: extent.finding, seen, set, fitting, message: `${seen} but ${set}; ${advice}` };
  }
  if (picture === null || picture.width <= 0 || picture.height <= 0) return null;
  const setRatio = imageSize.h / imageSize.v;
  const pictureRatio = picture.width / picture.height;
  if (Math.abs(pictureRatio - setRatio) <= SHAPE_TOLERANCE * setRatio) return null;
  const seen = `the ${pictureKind} is ${picture.width}×${picture.height} (${shapeOf(picture.width, picture.height)})`;
  const fitting = box === null || pictureFits ? { h: picture.width, v: picture.height } : null;
  const advice =
    fitting === null
      ? 'the heat is stretched over the picture; set image_size to the detector\'s frame size'
      : `the heat is stretched over the picture; ${fitting.h}×${fitting.v} would fit`;
  return { kind: 'picture-shape', seen, set, fitting, message: `${seen} but ${set}: ${advice}` };
}

/** Whether every box lies within `picture` and reaches past half of it on one side at least (not crowded in a corner). */
function extentFits(box: NonNullable<ImageExtent['box']>, picture: PictureSize): boolean {
  const inside = box.right <= picture.width && box.bottom <= picture.height;
  const spread = box.right > picture.width / 2 || box.bottom > picture.height / 2;
  return inside && spread;
}

/** A size's shape as a small ratio (`16:9`, `4:3`), or its ratio to two decimals (`1.85:1`). */
export function shapeOf(width: number, height: number): string {
  const ratio = width / height;
  for (const [a, b] of [[16, 9], [4, 3], [1, 1], [3, 2], [5, 4], [9, 16], [3, 4], [21, 9]] as const) {
    if (Math.abs(ratio - a / b) <= 0.005 * ratio) return `${a}:${b}`;
  }
  return `${ratio.toFixed(2)}:1`;
}
