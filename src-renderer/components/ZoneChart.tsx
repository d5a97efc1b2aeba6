/**
 * Occupancy per zone under the timeline: one small chart per zone, drawn from the downsampled
 * series of `zoneView` (min to max people of each column), so it costs the same for a minute
 * and for a week. A click seeks the timeline to that column's first frame; each chart is a
 * slider for the keyboard (arrows, Page Up/Down, Home/End move and seek).
 */
import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { ZoneViewData } from '../../src-shared/api.js';

interface ZoneChartProps {
  data: ZoneViewData;
  /** Seeks the timeline to a frame position. */
  onSeek(frame: number): void;
}

const HEIGHT = 40;

export function ZoneChart({ data, onSeek }: ZoneChartProps) {
  if (data.zones.length === 0) return null;
  const top = Math.max(1, ...data.zones.flatMap((zone) => zone.series.max));
  return (
    <section className="zone-charts" aria-label="occupancy per zone">
      {data.zones.map((zone) => (
        <OneZone key={zone.name} name={zone.name} series={zone.series} top={top} onSeek={onSeek} />
      ))}
    </section>
  );
}

function OneZone({ name, series, top, onSeek }: { name: string; series: ZoneViewData['zones'][number]['series']; top: number; onSeek(frame: number): void }) {
  const [column, setColumn] = useState(0);
  const columns = series.min.length;
  if (columns === 0) return null;
  const go = (next: number): void => {
    const clamped = Math.min(columns - 1, Math.max(0, next));
    setColumn(clamped);
    onSeek(series.firstFrame[clamped]);
  };
  const onClick = (event: MouseEvent<SVGSVGElement>): void => {
    const bounds = event.currentTarget.getBoundingClientRect();
    go(Math.floor(((event.clientX - bounds.left) / Math.max(1, bounds.width)) * columns));
  };
  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>): void => {
    const page = Math.max(1, Math.round(columns / 10));
    const moves: Record<string, number> = { ArrowLeft: column - 1, ArrowRight: column + 1, PageDown: column - page, PageUp: column + page, Home: 0, End: columns - 1 };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    go(next);
  };
  const y = (value: number): number => HEIGHT - (value / top) * HEIGHT;
  const path = series.min.map((low, c) => `M${c + 0.5},${y(series.max[c])}V${Math.min(HEIGHT, y(low) + 0.5)}`).join('');
  return (
    <figure className="zone-chart">
      <figcaption>{name}</figcaption>
      <svg
        viewBox={`0 0 ${columns} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="slider"
        tabIndex={0}
        aria-label={`people in zone ${name} over time: click or use the arrow keys to seek`}
        aria-valuemin={0}
        aria-valuemax={columns - 1}
        aria-valuenow={column}
        aria-valuetext={`frame ${series.firstFrame[column]}, ${series.min[column]} to ${series.max[column]} people`}
        data-testid={`zone-chart-${name}`}
        onClick={onClick}
        onKeyDown={onKeyDown}
      >
        <path d={path} className="zone-chart-bars" vectorEffect="non-scaling-stroke" />
        <line x1={column + 0.5} x2={column + 0.5} y1={0} y2={HEIGHT} className="zone-chart-cursor" vectorEffect="non-scaling-stroke" />
      </svg>
    </figure>
  );
}
