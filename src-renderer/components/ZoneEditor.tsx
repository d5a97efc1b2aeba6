/**
 * The Zones panel: draw named zones on the metadata's picture space. Click to add corners,
 * double-click or Enter to close the outline, drag a corner to move it, Delete to remove the
 * selected zone (or the outline being drawn), Escape to drop the outline. The zones live in the
 * settings, so they are analysed, exported and imported with them.
 */
import { useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { FIGURE_DIGITS, shown } from '../../src-shared/figures.js';
import type { RunInfo } from '../../src-shared/api.js';
import { parseIsoWithOffset } from '../../src-shared/periods/time-base.js';
import { ELAPSED, localText } from '../logic/period.js';
import type { ZoneFiguresState } from './useZoneFigures.js';
import {
  addCorner,
  closeOutline,
  cornerAt,
  deleteSelected,
  editorProblems,
  imagePoint,
  moveCorner,
  renameZone,
  type ZoneEditorState,
} from '../logic/zones.js';

interface ZoneEditorProps {
  zones: ZoneDefinition[];
  /** The metadata space (image_size_h × image_size_v). */
  width: number;
  height: number;
  onZonesChange(zones: ZoneDefinition[]): void;
  /** Every zone's figures for the analysis shown, from its store (none before an analysis). */
  figures?: ZoneFiguresState;
  /** How the analysis shown writes its times (RunInfo's `timeClock`): `elapsed` ones as time since frame 0. */
  timeClock?: RunInfo['timeClock'];
  /** The clock the period bar shows the analysis's times on (shownZoneOf): the zone figures' range is written on it too. */
  timeZone?: string;
}

export function ZoneEditor({ zones, width, height, onZonesChange, figures, timeClock, timeZone }: ZoneEditorProps) {
  const [drawing, setDrawing] = useState<Array<[number, number]>>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dragging = useRef<{ zone: number; corner: number; moved: boolean } | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const state: ZoneEditorState = { zones, drawing, selected: selected !== null && selected < zones.length ? selected : null };
  const problems = editorProblems(state);
  const cornerRadius = Math.max(width, height) / 120;

  const apply = (next: ZoneEditorState): void => {
    if (next.zones !== state.zones) onZonesChange(next.zones);
    setDrawing(next.drawing);
    setSelected(next.selected);
  };

  const pointOf = (event: { clientX: number; clientY: number }): [number, number] | null => {
    const svg = svgRef.current;
    const matrix = svg?.getScreenCTM();
    if (svg === null || matrix === null || matrix === undefined) return null;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    return imagePoint(point.x, point.y, width, height);
  };

  const close = (): void => {
    const result = closeOutline(state);
    setError(result.error);
    apply(result.state);
  };

  const onPointerDown = (event: PointerEvent<SVGSVGElement>): void => {
    const point = pointOf(event);
    if (point === null || drawing.length > 0) return;
    const hit = cornerAt(zones, point, cornerRadius * 2);
    if (hit === null) return;
    dragging.current = { ...hit, moved: false };
    setSelected(hit.zone);
    event.currentTarget.setPointerCapture(event.pointerId);
  };

  const onPointerMove = (event: PointerEvent<SVGSVGElement>): void => {
    const drag = dragging.current;
    const point = drag === null ? null : pointOf(event);
    if (drag === null || point === null) return;
    drag.moved = true;
    onZonesChange(moveCorner(state, drag.zone, drag.corner, point).zones);
  };

  const onPointerUp = (): void => {
    // A press on a corner is a drag or a selection, never a new corner: the click that follows is skipped.
    if (dragging.current !== null) setTimeout(() => (dragging.current = null), 0);
  };

  const onClick = (event: MouseEvent<SVGSVGElement>): void => {
    if (dragging.current !== null) return;
    const point = pointOf(event);
    if (point === null) return;
    setError(null);
    apply(addCorner(state, point));
  };

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>): void => {
    if (event.key === 'Enter') close();
    else if (event.key === 'Delete' || event.key === 'Backspace') apply(deleteSelected(state));
    else if (event.key === 'Escape') setDrawing([]);
    else return;
    event.preventDefault();
  };

  return (
    <section className="panel zones-panel" aria-labelledby="zones-heading">
      <h2 id="zones-heading">Zones</h2>
      <svg
        ref={svgRef}
        className="zone-canvas"
        viewBox={`0 0 ${width} ${height}`}
        role="application"
        aria-label="zone editor: click to add corners, double-click or Enter to close, drag a corner to move it, Delete to remove"
        tabIndex={0}
        data-testid="zone-canvas"
        onClick={onClick}
        onDoubleClick={close}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
      >
        <rect x={0} y={0} width={width} height={height} className="zone-backdrop" />
        {zones.map((zone, index) => (
          <g key={index} className={index === state.selected ? 'zone selected' : 'zone'}>
            <polygon points={zone.points.map(([x, y]) => `${x},${y}`).join(' ')} vectorEffect="non-scaling-stroke" />
            {zone.points.map(([x, y], corner) => (
              <circle key={corner} cx={x} cy={y} r={cornerRadius} />
            ))}
            <text x={zone.points[0]?.[0] ?? 0} y={zone.points[0]?.[1] ?? 0} dy="1.2em" dx="0.3em" fontSize={height / 18}>
              {zone.name}
            </text>
          </g>
        ))}
        {drawing.length > 0 && (
          <polyline className="zone-drawing" points={drawing.map(([x, y]) => `${x},${y}`).join(' ')} vectorEffect="non-scaling-stroke" />
        )}
      </svg>
      {state.selected !== null && (
        <label className="zone-name">
          Name
          <input
            type="text"
            value={zones[state.selected].name}
            onChange={(event) => onZonesChange(renameZone(state, state.selected ?? 0, event.target.value).zones)}
            data-testid="zone-name"
          />
        </label>
      )}
      <p className="hint">
        {drawing.length > 0 ? `${drawing.length} corner(s): double-click or Enter to close, Escape to drop.` : `${zones.length} zone(s). Click the picture to start one.`}
      </p>
      {[...(error === null ? [] : [error]), ...problems].map((message) => (
        <p key={message} className="error" role="alert">
          {message}
        </p>
      ))}
      {figures !== undefined && <ZoneFiguresTable figures={figures} timeClock={timeClock} timeZone={timeZone} />}
    </section>
  );
}


/**
 * The range the figures cover, written as the period bar writes its ranges: on `timeZone`'s
 * clock with its name (`2026-11-23 08:55:00 to 2026-11-23 08:56:00 (Asia/Tokyo)`), as time since
 * frame 0 for a rate without a start, with the ISO offsets when no clock is known, or the frames.
 */
function spanOf(data: NonNullable<ZoneFiguresState['data']>, timeClock: RunInfo['timeClock'], timeZone: string | undefined): string {
  const first = data.zones[0]?.figures;
  if (first === undefined || first.start === null || first.end === null) return `frames ${data.first + 1} to ${data.last}`;
  if (timeClock === 'elapsed') return `${localText(parseIsoWithOffset(first.start), ELAPSED)} to ${localText(parseIsoWithOffset(first.end), ELAPSED)} since frame 0`;
  if (timeZone !== undefined && timeZone !== ELAPSED) {
    return `${localText(parseIsoWithOffset(first.start), timeZone)} to ${localText(parseIsoWithOffset(first.end), timeZone)} (${timeZone})`;
  }
  const readable = (iso: string): string => iso.replace('T', ' ');
  return `${readable(first.start)} to ${readable(first.end)}`;
}

/** Every zone's figures over the range shown; each cell keeps the exact value in `data-value`. */
function ZoneFiguresTable({ figures, timeClock, timeZone }: { figures: ZoneFiguresState; timeClock: RunInfo['timeClock']; timeZone: string | undefined }) {
  const { data, pending, error } = figures;
  if (error !== null) {
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  }
  if (data === null) return pending ? <p className="hint">Counting the zones…</p> : null;
  const personUnit = data.unit === 'seconds' ? 'person-s' : 'person-frames';
  return (
    <div className="zone-figures" aria-busy={pending}>
      <table data-testid="zone-figures">
        <caption>
          {spanOf(data, timeClock, timeZone)}
          {pending ? ' (updating…)' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">zone</th>
            <th scope="col">mean</th>
            <th scope="col">peak</th>
            <th scope="col">{personUnit}</th>
            <th scope="col">occupied</th>
            <th scope="col">visits</th>
          </tr>
        </thead>
        <tbody>
          {data.zones.map(({ name, figures: row }) => (
            <tr key={name} data-zone={name}>
              <th scope="row">{name}</th>
              <td data-key="mean" data-value={row.meanOccupancy}>{shown(row.meanOccupancy, FIGURE_DIGITS.meanPeople)}</td>
              <td data-key="peak" data-value={row.peakOccupancy}>{shown(row.peakOccupancy, FIGURE_DIGITS.count)}</td>
              <td data-key="person-time" data-value={row.personTime}>{shown(row.personTime, FIGURE_DIGITS.figure)}</td>
              <td data-key="occupied" data-value={row.occupiedShare}>{shown(row.occupiedShare * 100, FIGURE_DIGITS.percent)} %</td>
              <td data-key="visits" data-value={row.visits ?? ''}>{row.visits === null ? '–' : shown(row.visits, FIGURE_DIGITS.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
