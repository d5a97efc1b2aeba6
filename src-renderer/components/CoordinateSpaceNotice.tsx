import type { CoordinateSpaceFinding } from '../../src-shared/api.js';

interface CoordinateSpaceNoticeProps {
  finding: CoordinateSpaceFinding;
  /** Sets image_size_h × image_size_v to the fitting size (a counting setting: the view re-counts from the store). */
  onUse: (size: { h: number; v: number }) => void;
}

/**
 * What the fitting-size button does. The image size is a counting setting: the view on screen is
 * re-counted from the analysis's store at once, with no new analysis (README, Live colours).
 */
const COORDINATE_FIX_HELP = 'sets image_size_h × image_size_v; the view is re-counted from the analysis at once, no need to Analyse again';
/** The hint when no fitting size can be offered. */
const COORDINATE_SET_HELP = "Set image_size_h × image_size_v to the detector's frame size; the view is re-counted from the analysis at once.";

/**
 * The analysis's coordinate space disagrees with image_size: what was seen, what is set, and the
 * fitting size in one click.
 */
export function CoordinateSpaceNotice({ finding, onUse }: CoordinateSpaceNoticeProps) {
  const fitting = finding.fitting;
  return (
    <div className="coordinate-space" role="status" data-testid="coordinate-space">
      <p>
        <strong>Coordinate space:</strong> <span data-testid="coordinate-seen">{finding.seen}</span>, but{' '}
        <span data-testid="coordinate-set">{finding.set}</span>. The heat is likely in the wrong place.
      </p>
      {fitting !== null ? (
        <p className="coordinate-fix">
          <button type="button" className="small" data-testid="use-fitting-size" onClick={() => onUse(fitting)} aria-describedby="coordinate-fix-help">
            Use {fitting.h}×{fitting.v}
          </button>{' '}
          <small id="coordinate-fix-help">{COORDINATE_FIX_HELP}</small>
        </p>
      ) : (
        <p className="coordinate-fix">
          <small>{COORDINATE_SET_HELP}</small>
        </p>
      )}
    </div>
  );
}
