/**
 * The strip of bucket maps (by hour, by day, by N min): each a small heat picture on one shared
 * colour scale, so they compare, captioned with its local start and total. A thumbnail is a
 * button: click, Enter or Space opens that bucket as the view.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PeriodViewData } from '../../src-shared/api.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import type { ColorScale } from '../../src-shared/render/index.js';
import type { DisplaySettings } from '../logic/display.js';
import { paintThumbnail } from '../logic/heat.js';
import { THUMBNAIL_MAX_COLUMNS, thumbnailSize } from '../../src-shared/periods/thumbnail.js';
import { bucketStartText, formatFigure, periodScale, spansDays, stripCaption, unitName, type PeriodUnit } from '../logic/period.js';

type Bucket = PeriodViewData['buckets'][number];

/** Width of a thumbnail in canvas pixels (the back end reduces bucket grids to at most this many columns). */
const THUMB_WIDTH = THUMBNAIL_MAX_COLUMNS;

interface SmallMultiplesProps {
  buckets: Bucket[];
  /** The view's grid size (the thumbnails' shape). */
  columns: number;
  rows: number;
  /** The size of the buckets' thumbnail grids (`PeriodViewData.bucketColumns`, `bucketRows`). */
  bucketColumns: number;
  bucketRows: number;
  unit: PeriodUnit;
  timeZone: string;
  display: DisplaySettings;
  /** Start (ms) of the open bucket, or null. */
  selected: number | null;
  onOpen: (bucket: Bucket) => void;
}

export function SmallMultiples({ buckets, columns, rows, bucketColumns, bucketRows, unit, timeZone, display, selected, onOpen }: SmallMultiplesProps) {
  const table = useMemo(() => getColormap(display.cmap), [display.cmap]);
  const scale = useMemo(() => periodScale(0, ...buckets.map((bucket) => bucket.grid)), [buckets]);
  const withDate = useMemo(() => spansDays(buckets.map((bucket) => bucket.startMs), timeZone), [buckets, timeZone]);
  const height = Math.max(1, Math.round((THUMB_WIDTH * rows) / columns));
  // The block size the back end reduced the grids by; a strip for another grid size (a re-count in flight) is not drawn.
  const shape = thumbnailSize(columns, rows, buckets.length);
  const factor = shape.columns === bucketColumns && shape.rows === bucketRows ? shape.factor : null;
  const name = unitName(unit);
  return (
    <div className="small-multiples">
      <p className="strip-caption" id="strip-caption">
        {stripCaption(buckets.length, scale.max, unit, timeZone)}
      </p>
      <ul className="strip" aria-describedby="strip-caption" data-testid="small-multiples">
        {buckets.map((bucket) => {
          const start = bucketStartText(bucket.startMs, timeZone, withDate);
          // The bucket's people × duration (not a sum of its cells), beside a scale that is per cell: the caption says so.
          const total = `${formatFigure(bucket.personSeconds)} ${name} in all`;
          return (
            <li key={bucket.startMs}>
              <button
                type="button"
                className="thumb"
                aria-pressed={selected === bucket.startMs}
                title={`${bucket.frames} frames`}
                data-testid="bucket-thumb"
                data-start={bucket.start}
                onClick={() => onOpen(bucket)}
              >
                <Thumbnail grid={bucket.grid} columns={columns} rows={rows} factor={factor} width={THUMB_WIDTH} height={height} scale={scale} table={table} display={display} />
                <span className="thumb-start">{start}</span>
                <span className="thumb-total" data-testid="bucket-total">
                  {total}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

interface ThumbnailProps {
  /** The bucket's thumbnail grid (blocks of `factor × factor` cells; src-shared/periods/thumbnail.ts). */
  grid: readonly number[];
  /** The full grid's size, which the picture's aspect follows. */
  columns: number;
  rows: number;
  /** The block size; null when `grid` is not this grid's thumbnail (nothing is drawn). */
  factor: number | null;
  width: number;
  height: number;
  scale: ColorScale;
  table: Uint8Array;
  display: DisplaySettings;
}

/** How far beyond the strip's visible part (px, each side) a thumbnail is painted ahead of a scroll. */
const PAINT_AHEAD_PX = 480;

function Thumbnail({ grid, columns, rows, factor, width, height, scale, table, display }: ThumbnailProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // Painted once it comes near the strip's visible part: a week by hour shows 8 of 168 at a time,
  // and a strip of thousands of buckets would otherwise paint (and hold) thousands of canvases.
  const [near, setNear] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null || near) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setNear(true);
    }, { root: canvas.closest('.strip'), rootMargin: `0px ${PAINT_AHEAD_PX}px` });
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [near]);
  useEffect(() => {
    const context = near ? canvasRef.current?.getContext('2d') : null;
    if (context === undefined || context === null || factor === null) return;
    // The heat alone, every cell in the colormap (empty ones its lowest colour), so a thumbnail reads without the scene.
    // Painted at the grid's own size, so a partial block at the right or bottom edge keeps its true width.
    const pixels = paintThumbnail(grid, columns, rows, factor, { scale, table, interpolation: display.interpolation }, width, height);
    context.putImageData(new ImageData(pixels, width, height), 0, 0);
  }, [near, grid, columns, rows, factor, width, height, scale, table, display.interpolation]);
  return <canvas ref={canvasRef} width={width} height={height} aria-hidden="true" data-painted={near && factor !== null ? 'true' : undefined} />;
}
