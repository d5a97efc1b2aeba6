/**
 * The `zones:` section of heat_map_app.yaml: its shape when read (`readZones`), its rules before
 * a run (`zoneProblems`: errors) and its hints (`zoneWarnings`: points outside the image). Every
 * message names the zone by position and name.
 */
import { SettingsError } from '../errors.js';
import { showValue } from '../messages.js';
import { isPlainObject } from '../objects.js';
import { makePolygon, selfIntersection } from './geometry.js';
import { MAX_ZONE_NAME_LENGTH, MAX_ZONE_POINTS, MAX_ZONES, type ZoneDefinition } from './definition.js';

/** How a zone is named in messages: `zones[2] "entrance"`. */
export function zoneLabel(index: number, name: unknown): string {
  return typeof name === 'string' ? `zones[${index}] "${showValue(name)}"` : `zones[${index}]`;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Reads the value of `zones:` as written: null or absent is no zones; otherwise a list of
 * `{name: text, points: [[x, y], ...]}`. Keys other than name and points are warnings.
 *
 * @param where the file, for messages.
 * @throws SettingsError (one line, naming the zone) when the shape is wrong.
 */
export function readZones(value: unknown, where: string): { zones: ZoneDefinition[]; warnings: string[] } {
  const warnings: string[] = [];
  if (value === null || value === undefined) return { zones: [], warnings };
  const prefix = where === '' ? '' : `${where}: `;
  if (!Array.isArray(value)) {
    throw new SettingsError(`${prefix}zones must be a list of {name, points}, got ${describe(value)}`);
  }
  if (value.length > MAX_ZONES) {
    throw new SettingsError(`${prefix}zones holds ${value.length} zones; at most ${MAX_ZONES} are allowed`);
  }
  const zones = value.map((entry: unknown, index): ZoneDefinition => {
    if (!isPlainObject(entry)) throw new SettingsError(`${prefix}${zoneLabel(index, undefined)} must be a mapping {name, points}, got ${describe(entry)}`);
    const label = zoneLabel(index, entry.name);
    for (const key of Object.keys(entry)) {
      if (key !== 'name' && key !== 'points') warnings.push(`${prefix}${label}: unknown key ${showValue(key)} (ignored)`);
    }
    if (typeof entry.name !== 'string') throw new SettingsError(`${prefix}${label}: name must be a string, got ${describe(entry.name)}`);
    const points = entry.points;
    if (!Array.isArray(points)) throw new SettingsError(`${prefix}${label}: points must be a list of [x, y], got ${describe(points)}`);
    if (points.length > MAX_ZONE_POINTS) {
      throw new SettingsError(`${prefix}${label}: has ${points.length} points; at most ${MAX_ZONE_POINTS} are allowed`);
    }
    return {
      name: entry.name,
      points: points.map((point: unknown, p): [number, number] => {
        if (!Array.isArray(point) || point.length !== 2 || !isFiniteNumber(point[0]) || !isFiniteNumber(point[1])) {
          throw new SettingsError(`${prefix}${label}: point ${p + 1} must be [x, y] with two finite numbers, got ${describe(point)}`);
        }
        return [point[0], point[1]];
      }),
    };
  });
  return { zones, warnings };
}

/**
 * Characters a zone name may not hold: C0 and C1 controls and DEL, and the bidirectional
 * marks, embeddings, overrides and isolates, which would make the name show other than it reads
 * in report.html, the CSVs and the app.
 */
// Control characters are what this pattern is for.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * The errors of well-shaped zones: an empty or too long name, a name with control or
 * text-direction characters, a repeated name, fewer than 3
 * points, a self-intersecting outline. One message per zone at most, in zone order.
 */
export function zoneProblems(zones: readonly ZoneDefinition[]): string[] {
  const problems: string[] = [];
  const firstByName = new Map<string, number>();
  if (zones.length > MAX_ZONES) problems.push(`zones holds ${zones.length} zones; at most ${MAX_ZONES} are allowed`);
  zones.forEach((zone, index) => {
    const label = zoneLabel(index, zone.name);
    const earlier = firstByName.get(zone.name);
    if (zone.name.trim() === '') problems.push(`${label}: needs a name (not empty)`);
    else if (zone.name.length > MAX_ZONE_NAME_LENGTH) problems.push(`${label}: name is longer than ${MAX_ZONE_NAME_LENGTH} characters`);
    else if (UNPRINTABLE.test(zone.name)) {
      const found = (UNPRINTABLE.exec(zone.name)?.[0] ?? '').codePointAt(0) ?? 0;
      problems.push(`${label}: name must not hold control or text-direction characters (found U+${found.toString(16).toUpperCase().padStart(4, '0')})`);
    }
    else if (earlier !== undefined) problems.push(`${label}: the name is already used by zones[${earlier}]; zone names must be unique`);
    else if (zone.points.length < 3) problems.push(`${label}: needs at least 3 points, got ${zone.points.length}`);
    else if (zone.points.length > MAX_ZONE_POINTS) problems.push(`${label}: has ${zone.points.length} points; at most ${MAX_ZONE_POINTS} are allowed`);
    else {
      const crossing = selfIntersection(makePolygon(zone.points));
      if (crossing !== null) {
        const [a, b] = crossing.map((edge) => `${edge + 1}–${((edge + 1) % zone.points.length) + 1}`);
        problems.push(`${label}: the outline crosses itself (edges between points ${a} and ${b}); list the points in order around the zone`);
      }
    }
    if (earlier === undefined) firstByName.set(zone.name, index);
  });
  return problems;
}

/** A warning for each zone with points outside the metadata image (0..width × 0..height): they can never hold a detection's anchor there. */
export function zoneWarnings(zones: readonly ZoneDefinition[], width: number, height: number): string[] {
  const warnings: string[] = [];
  zones.forEach((zone, index) => {
    const outside = zone.points.findIndex(([x, y]) => x < 0 || y < 0 || x > width || y > height);
    if (outside < 0) return;
    const [x, y] = zone.points[outside];
    warnings.push(`${zoneLabel(index, zone.name)}: point ${outside + 1} [${x}, ${y}] lies outside the image (${width}×${height})`);
  });
  return warnings;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${showValue(value)}"`;
  if (Array.isArray(value)) return showValue(JSON.stringify(value));
  if (isPlainObject(value)) return 'a mapping';
  return showValue(String(value));
}
