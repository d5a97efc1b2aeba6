/**
 * When the coordinate-space notice shows: an analysis found that its detections or its picture
 * disagree with image_size (`RunInfo.coordinateSpace`), and the settings do not hold the size it
 * offers yet. Once they do, the notice goes: the view on screen is re-counted from the store in that size.
 */
import type { CoordinateSpaceFinding } from '../../src-shared/api.js';
import type { GridParams } from '../../src-shared/settings/types.js';

/** The finding to show with today's grid settings, or null when there is none or its fitting size is already set. */
export function shownCoordinateFinding(
  finding: CoordinateSpaceFinding | undefined,
  current: Pick<GridParams, 'image_size_h' | 'image_size_v'>,
): CoordinateSpaceFinding | null {
  if (finding === undefined) return null;
  const fitting = finding.fitting;
  if (fitting !== null && fitting.h === current.image_size_h && fitting.v === current.image_size_v) return null;
  return finding;
}
