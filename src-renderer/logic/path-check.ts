/**
 * Typed paths get the inspection dropped files get: the back end reads what the path holds,
 * and the field says at once whether it fits its role (a text file typed as the video is
 * refused here, not discovered as a one-frame "video" after analysing).
 */
import type { InspectedFile } from '../../src-shared/api.js';
import { FIGURE_DIGITS, shown } from '../../src-shared/figures.js';

/** The roles a path field has. */
export type PathRole = 'video' | 'metadata';

/** How long typing must pause before a path is inspected. */
export const PATH_CHECK_DELAY_MS = 400;

export type PathCheck =
  | { state: 'checking'; path: string }
  | { state: 'ok'; path: string; summary: string }
  | { state: 'refused'; path: string; message: string };

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  seed_csv: 'seed CSV',
  mot: 'MOTChallenge detections',
  inference_json: 'inference results (JSON)',
};

/**
 * Whether what the back end found at a path fits the field's role: a summary for the field to
 * show when it does, else the reason it is refused.
 *
 * ```ts
 * checkedPath('video', { kind: 'metadata', path: 'a.txt', format: 'mot' })
 * // { state: 'refused', path: 'a.txt', message: 'is MOTChallenge detections, not a video; put it in the metadata field' }
 * ```
 */
export function checkedPath(role: PathRole, file: InspectedFile): PathCheck {
  const { path } = file;
  if (role === 'video') {
    if (file.kind === 'video') {
      const summary = `video ${file.width}×${file.height}, ${shown(file.frameCount, FIGURE_DIGITS.count)} frames at ${shown(file.fps, FIGURE_DIGITS.fps)} fps`;
      return { state: 'ok', path, summary };
    }
    if (file.kind === 'metadata') {
      return { state: 'refused', path, message: `is ${FORMAT_NAMES[file.format]}, not a video; put it in the metadata field` };
    }
    return { state: 'refused', path, message: 'is settings YAML, not a video; import it with Import YAML…' };
  }
  if (file.kind === 'metadata') return { state: 'ok', path, summary: FORMAT_NAMES[file.format] };
  if (file.kind === 'video') {
    return { state: 'refused', path, message: `is a video (${file.width}×${file.height}), not metadata; put it in the video field` };
  }
  return { state: 'refused', path, message: 'is settings YAML, not metadata; import it with Import YAML…' };
}

/** A path check that failed in the back end (missing, unreadable, not a kind crowdheat reads). */
export function failedPath(path: string, message: string): PathCheck {
  return { state: 'refused', path, message };
}
