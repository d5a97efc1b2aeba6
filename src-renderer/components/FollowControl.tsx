/**
 * Follow in the Console panel: a toggle that follows the chosen device live (its inference results,
 * and in Case 1 its image folder, the heat drawn over the newest image) and the seconds between
 * polls; and the header's line saying how the follow stands.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FollowStatus } from '../../src-shared/api.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { colorScale } from '../../src-shared/render/index.js';
import type { Settings } from '../../src-shared/settings/index.js';
import { paintHeat } from '../logic/heat.js';
import type { Follow } from './useFollow.js';
import { loadPicturePixels } from './picture-pixels.js';
import { formatFigure } from '../logic/figure.js';

const MIN_INTERVAL_S = 1;
const MAX_INTERVAL_S = 3600;
const DEFAULT_INTERVAL_S = 10;

/** The Follow toggle and its interval, for the device (and image folder, when chosen) the settings name. */
export function FollowControl({ follow, settings }: { follow: Follow; settings: Settings }) {
  const id = useId();
  const [interval, setInterval] = useState(String(DEFAULT_INTERVAL_S));
  const seconds = Number(interval);
  const intervalProblem =
    interval.trim() === '' || !Number.isFinite(seconds) || seconds < MIN_INTERVAL_S || seconds > MAX_INTERVAL_S
      ? `Seconds between polls: ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S}.`
      : null;
  const withImages = settings.data_source_settings.console_data_settings.sub_directory_name !== '';
  const blocker = intervalProblem;
  return (
    <div className="follow" data-testid="follow-control">
      <label className={`setting${intervalProblem !== null ? ' invalid' : ''}`}>
        follow every (seconds)
        <input
          type="number"
          min={MIN_INTERVAL_S}
          max={MAX_INTERVAL_S}
          value={interval}
          disabled={follow.active}
          onChange={(event) => setInterval(event.target.value)}
          aria-invalid={intervalProblem !== null}
          aria-describedby={`${id}-follow-hint`}
        />
      </label>
      <p className={intervalProblem !== null ? 'issue' : 'hint'} id={`${id}-follow-hint`}>
        {blocker ??
          (withImages
            ? 'New inference results and images are added to the followed analysis as they arrive, the heat drawn over the newest image; stopping keeps them.'
            : 'New inference results are added to the followed analysis as they arrive; stopping keeps them.')}
      </p>
      <div className="row">
        <button
          type="button"
          aria-pressed={follow.active}
          disabled={follow.busy || (!follow.active && blocker !== null)}
          onClick={() => void (follow.active ? follow.stop() : follow.start(settings, seconds))}
          data-testid="follow-toggle"
        >
          {follow.active ? 'Stop following' : 'Follow'}
        </button>
      </div>
      {follow.status?.view !== undefined && follow.status.deviceId === settings.data_source_settings.console_data_settings.device_id && (
        <FollowView
          view={follow.status.view}
          frames={follow.status.frames}
          settings={settings}
          folder={follow.status.outputDir}
          imageUrl={withImages ? (follow.status.newestImage ?? null) : null}
        />
      )}
    </div>
  );
}

/** Width of the live picture in the panel, CSS pixels. */
const VIEW_WIDTH = 280;
/** The grid's values are drawn in thousandths, so fractions of a person-second keep their colour. */
const VIEW_STEPS = 1000;

/**
 * The heat of every followed frame so far (the whole period), repainted after each poll that added
 * frames; over `imageUrl` (Case 1: the newest image, scaled to the picture) when there is one.
 */
function FollowView({
  view,
  frames,
  settings,
  folder,
  imageUrl,
}: {
  view: NonNullable<FollowStatus['view']>;
  frames: number;
  settings: Settings;
  folder: string;
  imageUrl: string | null;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { image_size_h: imageWidth, image_size_v: imageHeight } = settings.heat_map_settings.params;
  const width = VIEW_WIDTH;
  const height = Math.max(1, Math.round((VIEW_WIDTH * imageHeight) / Math.max(1, imageWidth)));
  const output = settings.output_settings;
  const table = useMemo(() => getColormap(output.cmap), [output.cmap]);
  const peak = view.whole.reduce((max, value) => Math.max(max, value), 0);
  useEffect(() => {
    let cancelled = false;
    const draw = (image: Uint8ClampedArray | null): void => {
    const context = canvasRef.current?.getContext('2d');
    if (cancelled || context === null || context === undefined) return;
    const grid = view.whole.map((value) => Math.round(value * VIEW_STEPS));
    const pixels = paintHeat(
      {
        grid,
        columns: view.columns,
        rows: view.rows,
        scale: colorScale(0, 0, 0, Math.round(peak * VIEW_STEPS)),
        table,
        interpolation: output.interpolation,
        image,
        transparency: output.transparency,
        emptyCells: output.empty_cells,
      },
      width,
      height,
    );
    context.putImageData(new ImageData(pixels, width, height), 0, 0);
    // Whether the newest image is under the heat, for tests and tools reading the page.
    if (canvasRef.current !== null) canvasRef.current.dataset.image = image === null ? 'none' : 'newest';
    };
    if (imageUrl === null) {
      draw(null);
    } else {
      // An unreadable image: the heat alone, as without one.
      loadPicturePixels(imageUrl, width, height, draw, () => draw(null));
    }
    return () => {
      cancelled = true;
    };
  }, [view, peak, table, output.interpolation, output.transparency, output.empty_cells, width, height, imageUrl]);
  const unit = view.unit === 'person-seconds' ? 'person-seconds' : 'person-frames';
  return (
    <figure className="follow-view">
      <canvas
        ref={canvasRef}
        width={width}
        height={height}
        role="img"
        aria-label={`Heat of the ${formatFigure(frames)} followed frames, in ${unit}; the busiest cell holds ${formatFigure(peak)}${imageUrl === null ? '' : '; over the newest image'}`}
        data-testid="follow-view"
      />
      <figcaption className="hint">
        All {formatFigure(frames)} followed frames, in {unit} (busiest cell {formatFigure(peak)}); the store and outputs are kept in{' '}
        <span data-testid="follow-folder">{folder}</span>
      </figcaption>
    </figure>
  );
}

/** The header's line: the device, its frames (and images, in Case 1), the last update in local time, any retry. */
export function FollowStatusLine({ status }: { status: FollowStatus | null }) {
  if (status === null) return null;
  const updated = status.lastUpdateMs === null ? 'no update yet' : `last update ${new Date(status.lastUpdateMs).toLocaleTimeString()}`;
  const state =
    status.state === 'retrying'
      ? `retrying: ${status.message ?? ''}`
      : status.state === 'failed'
        ? `stopped: ${status.message ?? ''}`
        : status.state === 'stopped'
          ? 'stopped'
          : status.state === 'starting'
            ? 'starting'
            : `every ${status.intervalS} s`;
  return (
    <div className={`follow-status${status.state === 'retrying' || status.state === 'failed' ? ' warning' : ''}`} role="status" aria-live="polite" data-testid="follow-status">
      <span data-testid="follow-device">Following {status.deviceId}</span> · <span data-testid="follow-frames">{status.frames} frames</span> ·{' '}
      {status.images > 0 && (
        <>
          <span data-testid="follow-images">{status.images} images</span> ·{' '}
        </>
      )}
      <span data-testid="follow-updated">{updated}</span> · <span data-testid="follow-state">{state}</span>
    </div>
  );
}
