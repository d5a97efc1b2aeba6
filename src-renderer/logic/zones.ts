/**
 * The zone editor's state and its changes, apart from React so it is tested in Node: click to
 * add a corner, close the outline (double-click or Enter) once it has three, drag a corner,
 * rename, delete. Points are metadata pixels, rounded to whole pixels.
 */
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { MAX_ZONE_POINTS, MAX_ZONES } from '../../src-shared/zones/definition.js';
import { zoneProblems } from '../../src-shared/zones/settings.js';

export interface ZoneEditorState {
  zones: ZoneDefinition[];
  /** Corners of the outline being drawn, not yet a zone. */
  drawing: Array<[number, number]>;
  /** Index of the selected zone (Delete removes it, the name field renames it), or null. */
  selected: number | null;
}

export function editorState(zones: readonly ZoneDefinition[]): ZoneEditorState {
  return { zones: zones.map(copyZone), drawing: [], selected: null };
}

function copyZone(zone: ZoneDefinition): ZoneDefinition {
  return { name: zone.name, points: zone.points.map(([x, y]) => [x, y]) };
}

/** A point of the view (e.g. a click), given in metadata pixels, clamped to the image and rounded. */
export function imagePoint(x: number, y: number, width: number, height: number): [number, number] {
  return [Math.round(Math.min(Math.max(x, 0), width)), Math.round(Math.min(Math.max(y, 0), height))];
}

/** Adds a corner to the outline being drawn (a repeat of the last corner is ignored). */
export function addCorner(state: ZoneEditorState, point: [number, number]): ZoneEditorState {
  const last = state.drawing.at(-1);
  if (last !== undefined && last[0] === point[0] && last[1] === point[1]) return state;
  if (state.drawing.length >= MAX_ZONE_POINTS) return state;
  return { ...state, drawing: [...state.drawing, point], selected: null };
}

/** A name not used yet: `zone 1`, `zone 2`, … */
export function freeName(zones: readonly ZoneDefinition[]): string {
  for (let n = 1; ; n++) {
    const name = `zone ${n}`;
    if (!zones.some((zone) => zone.name === name)) return name;
  }
}

/**
 * Closes the outline being drawn into a new zone. Returns the new state, or an error message
 * (fewer than 3 corners, a crossing outline, too many zones) and the state unchanged.
 */
export function closeOutline(state: ZoneEditorState): { state: ZoneEditorState; error: string | null } {
  if (state.drawing.length < 3) return { state, error: 'a zone needs at least 3 corners' };
  if (state.zones.length >= MAX_ZONES) return { state, error: `at most ${MAX_ZONES} zones` };
  const zone: ZoneDefinition = { name: freeName(state.zones), points: state.drawing };
  const problem = zoneProblems([zone])[0];
  if (problem !== undefined) return { state, error: problem.replace(/^zones\[0\] /, '') };
  const zones = [...state.zones, zone];
  return { state: { zones, drawing: [], selected: zones.length - 1 }, error: null };
}

/** Moves corner `corner` of zone `zone` to `point`. */
export function moveCorner(state: ZoneEditorState, zone: number, corner: number, point: [number, number]): ZoneEditorState {
  const zones = state.zones.map((entry, index) =>
    index !== zone ? entry : { ...entry, points: entry.points.map((p, i): [number, number] => (i === corner ? point : p)) },
  );
  return { ...state, zones };
}

export function renameZone(state: ZoneEditorState, zone: number, name: string): ZoneEditorState {
  return { ...state, zones: state.zones.map((entry, index) => (index === zone ? { ...entry, name } : entry)) };
}

/** Removes the selected zone, or the outline being drawn when there is one. */
export function deleteSelected(state: ZoneEditorState): ZoneEditorState {
  if (state.drawing.length > 0) return { ...state, drawing: [] };
  if (state.selected === null) return state;
  return { zones: state.zones.filter((_, index) => index !== state.selected), drawing: [], selected: null };
}

/** The corner nearest to `point` within `radius` (metadata pixels), or null. */
export function cornerAt(zones: readonly ZoneDefinition[], point: [number, number], radius: number): { zone: number; corner: number } | null {
  let best: { zone: number; corner: number } | null = null;
  let bestDistance = radius * radius;
  zones.forEach((zone, z) =>
    zone.points.forEach(([x, y], c) => {
      const distance = (x - point[0]) ** 2 + (y - point[1]) ** 2;
      if (distance <= bestDistance) {
        bestDistance = distance;
        best = { zone: z, corner: c };
      }
    }),
  );
  return best;
}

/** Problems of the zones as they stand (names, crossings), for the panel to show. */
export function editorProblems(state: ZoneEditorState): string[] {
  return zoneProblems(state.zones);
}
