/**
 * The picture of a period view: the range's (or a bucket's) person-seconds grid over the
 * analysis's picture, painted like a frame (logic/heat.ts), on a colour scale fit to the data,
 * with the legend in the view's unit, the value of the cell under the pointer, and one cell
 * outlined on request (the busiest place).
 */
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { ApiClient, RunInfo } from '../../src-shared/api.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import type { DisplaySettings } from '../logic/display.js';
import { cellAt, legendGradient, paintHeat } from '../logic/heat.js';
import { gridMax } from '../logic/legend.js';
import { formatFigure, periodScale, unitName, type PeriodUnit } from '../logic/period.js';
import { messageOf } from '../api/client.js';
import { Legend } from './Legend.js';
import { loadPicturePixels } from './picture-pixels.js';

/** Width of the canvas when the source has no pictures, as the timeline's. */
const HEAT_ONLY_WIDTH = 640;

interface PeriodPictureProps {
  api: ApiClient;
  run: RunInfo;
  display: DisplaySettings;
  grid: readonly number[];
  columns: number;
  rows: number;
  unit: PeriodUnit;
  /** What the picture shows, e.g. `whole period`, for its accessible name. */
  caption: string;
  /** The cell to outline, or null. */
  highlight: { h: number; v: number } | null;
  onError: (message: string) => void;
}

interface Hover {
  h: number;
  v: number;
  value: number;
  left: number;
  top: number;
}

export function PeriodPicture({ api, run, display, grid, columns, rows, unit, caption, highlight, onError }: PeriodPictureProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const width = run.hasImages ? run.previewWidth : HEAT_ONLY_WIDTH;
  const height = run.hasImages ? run.previewHeight : Math.max(1, Math.round((HEAT_ONLY_WIDTH * run.params.image_size_v) / run.params.image_size_h));
  const table = useMemo(() => getColormap(display.cmap), [display.cmap]);
  const gradient = useMemo(() => legendGradient(table), [table]);
  const scale = useMemo(() => periodScale(0, grid), [grid]);
  const showImage = run.hasImages && display.overlay;
  // The fields painted with, not the display object: the window makes a new one at every render,
  // and an unchanged picture must not be painted (and its scene decoded) again.
  const { interpolation, transparency, empty_cells: emptyCells } = display;

  // The scene under the heat: the analysis's first picture.
  useEffect(() => {
    if (!showImage) return;
    let current = true;
    api.call('getFrame', { runId: run.runId, index: 0 }).then(
      (frame) => {
        if (current) setImageUrl(frame.imageUrl);
      },
      (error: unknown) => onError(messageOf(error)),
    );
    return () => {
      current = false;
    };
  }, [api, run.runId, showImage, onError]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null || grid.length !== columns * rows) return;
    let cancelled = false;
    const draw = (image: Uint8ClampedArray | null): void => {
      const context = canvas.getContext('2d');
      if (cancelled || context === null) return;
      try {
        const pixels = paintHeat(
          { grid, columns, rows, scale, table, interpolation, image, transparency, emptyCells },
          width,
          height,
        );
        context.putImageData(new ImageData(pixels, width, height), 0, 0);
        // The grid painted, for tests and tools reading the page.
        canvas.dataset.grid = `${columns}x${rows}`;
      } catch (error) {
        onError(messageOf(error));
      }
    };
    if (!showImage || imageUrl === null) {
      draw(null);
    } else {
      loadPicturePixels(imageUrl, width, height, draw, () => onError('cannot load the picture under the period view'));
    }
    return () => {
      cancelled = true;
    };
  }, [grid, columns, rows, scale, table, interpolation, transparency, emptyCells, showImage, imageUrl, width, height, onError]);

  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const bounds = event.currentTarget.getBoundingClientRect();
    const cell = cellAt(((event.clientX - bounds.left) * width) / bounds.width, ((event.clientY - bounds.top) * height) / bounds.height, width, height, columns, rows);
    if (cell === null || grid.length !== columns * rows) {
      setHover(null);
      return;
    }
    setHover({ ...cell, value: grid[cell.v * columns + cell.h], left: event.clientX - bounds.left, top: event.clientY - bounds.top });
  };

  const name = unitName(unit);
  return (
    <div className="period-picture">
      <div className="stage">
        <div className="frame" style={{ width: `min(100%, max(320px, calc((100vh - 360px) * ${width / height})))` }}>
          <canvas
            ref={canvasRef}
            width={width}
            height={height}
            data-testid="period-canvas"
            role="img"
            aria-label={`${name} heatmap of the ${caption}, ${columns} × ${rows} cells, highest ${formatFigure(gridMax(grid))}`}
            onMouseMove={onMove}
            onMouseLeave={() => setHover(null)}
          />
          {highlight !== null && (
            <div
              className="cell-highlight"
              data-testid="cell-highlight"
              style={{
                left: `${(highlight.h / columns) * 100}%`,
                top: `${(highlight.v / rows) * 100}%`,
                width: `${100 / columns}%`,
                height: `${100 / rows}%`,
              }}
            />
          )}
          {hover !== null && (
            <div className="cell-tooltip" data-testid="period-tooltip" style={{ left: hover.left + 14, top: hover.top + 14 }}>
              cell h {hover.h}, v {hover.v}: {formatFigure(hover.value)} {name}
            </div>
          )}
        </div>
      </div>
      <div className="frame-facts">
        <Legend gradient={gradient} scale={scale} frameMax={scale.max} runPeak={scale.max} windowFrames={0} unit={name} onFit={() => undefined} />
      </div>
    </div>
  );
}
