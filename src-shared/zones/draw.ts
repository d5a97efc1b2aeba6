/**
 * Zone outlines with their names on an RGB picture (heatmap.png, the period pictures): a dark
 * line under a bright one so the outline reads over any heat colour or camera picture, and the
 * name in the built-in font at the zone's topmost corner.
 */
import type { RgbImage } from '../frames.js';
import { drawText, textScale } from '../render/text.js';
import type { ZoneDefinition } from './definition.js';

const LINE_COLOUR = [0, 255, 255] as const;
const SHADOW_COLOUR = [0, 0, 0] as const;

/**
 * Draws every zone onto `target` in place. Zone points are metadata pixels; `imageWidth` ×
 * `imageHeight` is the metadata space, stretched to the picture's size. Lines are about 1/360
 * of the picture's height thick (at least 1 pixel); parts outside the picture are clipped.
 *
 * ```ts
 * drawZoneOutlines(picture, [{ name: 'entrance', points: [[0, 700], [400, 700], [400, 1080]] }], 1920, 1080);
 * ```
 */
export function drawZoneOutlines(target: RgbImage, zones: readonly ZoneDefinition[], imageWidth: number, imageHeight: number): void {
  const sx = target.width / imageWidth;
  const sy = target.height / imageHeight;
  const thickness = Math.max(1, Math.round(target.height / 360));
  const scale = textScale(target.width, target.height);
  for (const pass of [{ colour: SHADOW_COLOUR, radius: thickness }, { colour: LINE_COLOUR, radius: Math.max(0, thickness - 1) }]) {
    for (const zone of zones) {
      const n = zone.points.length;
      for (let i = 0; i < n; i++) {
        const [ax, ay] = zone.points[i];
        const [bx, by] = zone.points[(i + 1) % n];
        drawSegment(target, ax * sx, ay * sy, bx * sx, by * sy, pass.radius, pass.colour);
      }
    }
  }
  for (const zone of zones) {
    if (zone.points.length === 0) continue;
    let top = zone.points[0];
    for (const point of zone.points) if (point[1] < top[1] || (point[1] === top[1] && point[0] < top[0])) top = point;
    const x = Math.min(Math.max(0, top[0] * sx + thickness * 2), target.width - 1);
    const y = Math.min(Math.max(0, top[1] * sy + thickness * 2), target.height - 1);
    drawText(target, zone.name, x, y, { scale });
  }
}

/** A line of square brush strokes of half-width `radius` from (ax, ay) to (bx, by), in picture pixels. */
function drawSegment(target: RgbImage, ax: number, ay: number, bx: number, by: number, radius: number, colour: readonly number[]): void {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay)) * 2));
  for (let s = 0; s <= steps; s++) {
    const x = Math.round(ax + ((bx - ax) * s) / steps);
    const y = Math.round(ay + ((by - ay) * s) / steps);
    for (let py = Math.max(0, y - radius); py <= Math.min(target.height - 1, y + radius); py++) {
      for (let px = Math.max(0, x - radius); px <= Math.min(target.width - 1, x + radius); px++) {
        const o = (py * target.width + px) * 3;
        target.data[o] = colour[0];
        target.data[o + 1] = colour[1];
        target.data[o + 2] = colour[2];
      }
    }
  }
}
