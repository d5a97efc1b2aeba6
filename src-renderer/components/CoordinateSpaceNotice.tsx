import type { CoordinateSpaceFinding } from '../../src-shared/api.js';

interface CoordinateSpaceNoticeProps {
  finding: CoordinateSpaceFinding;
  /** Sets image_size_h × image_size_v to the fitting size (the view then says it is out of date). */
  onUse: (size: { h: number; v: number }) => void;
}

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
          <small id="coordinate-fix-help">sets image_size_h × image_size_v; then Analyse to re-count</small>
        </p>
      ) : (
        <p className="coordinate-fix">
          <small>Set image_size_h × image_size_v to the detector&apos;s frame size, then Analyse.</small>
        </p>
      )}
    </div>
  );
}
