/**
 * Paints frames of the demo scene, so the demo has a camera picture to overlay the heatmap on.
 *
 * The still parts (wall, tiled floor, counter, screen, bench) are painted once per picture
 * size; each frame copies them and draws the people as simple figures — shadow, legs, body,
 * head — far ones first so near ones cover them. Every shape is filled row by row in spans,
 * so a 960×540 frame costs little more than the copy of its background.
 *
 * ```ts
 * const painter = new ScenePainter(960, 540);
 * for (const frame of simulateScene({ frames: 600, seed: 1 })) encoder.write(painter.paint(frame));
 * ```
 */
import type { RgbImage } from '../../src-shared/frames.js';
import {
  ENTRANCES,
  FLOOR_TOP_Y,
  HORIZON_Y,
  POINTS_OF_INTEREST,
  SCENE_HEIGHT,
  SCENE_WIDTH,
  SHIRT_COLOURS,
  personHeightAt,
  type Entrance,
  type PointOfInterest,
  type SceneFrame,
  type ScenePerson,
} from './scene.js';

type Colour = readonly [number, number, number];

const SKIN_TONES: readonly Colour[] = [
  [236, 196, 164],
  [205, 150, 110],
  [150, 100, 70],
  [95, 65, 45],
];
const HAIR: Colour = [50, 38, 30];
const TROUSERS: readonly Colour[] = [
  [50, 55, 75],
  [70, 70, 70],
  [90, 70, 50],
];
/** Floor tiles are this many metres square. */
const TILE_METRES = 0.8;

export class ScenePainter {
  private readonly background: Uint8Array;
  private readonly scaleX: number;
  private readonly scaleY: number;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.scaleX = width / SCENE_WIDTH;
    this.scaleY = height / SCENE_HEIGHT;
    this.background = new Uint8Array(width * height * 3);
    const canvas = this.canvas(this.background);
    this.paintRoom(canvas);
    for (const entrance of ENTRANCES) this.paintDoormat(canvas, entrance);
    for (const poi of POINTS_OF_INTEREST) this.paintFurniture(canvas, poi);
  }

  /** A new picture of `frame`: the room and every person at their true position. */
  paint(frame: SceneFrame): RgbImage {
    const data = this.background.slice();
    const canvas = this.canvas(data);
    for (const person of frame.people) this.paintPerson(canvas, person);
    return { width: this.width, height: this.height, data };
  }

  private canvas(data: Uint8Array): Canvas {
    return new Canvas(data, this.width, this.height);
  }

  private paintRoom(canvas: Canvas): void {
    const wallBottom = Math.round(FLOOR_TOP_Y * this.scaleY);
    for (let y = 0; y < wallBottom; y++) {
      const shade = y / Math.max(1, wallBottom);
      canvas.span(y, 0, this.width, [Math.round(214 - 30 * shade), Math.round(208 - 30 * shade), Math.round(196 - 30 * shade)]);
    }
    // The floor is a ground plane: a row's distance from the horizon sets its depth and scale,
    // so tiles shrink and crowd together toward the back wall as a camera would see them.
    const nearRows = SCENE_HEIGHT - HORIZON_Y;
    const rowsPerMetreNear = (personHeightAt(SCENE_HEIGHT) / 1.7) * 0.5;
    const depthScale = (nearRows * nearRows) / rowsPerMetreNear;
    const light: Colour = [198, 186, 162];
    const dark: Colour = [172, 158, 132];
    const data = canvas.data;
    for (let y = wallBottom; y < this.height; y++) {
      const rowsBelowHorizon = (y + 0.5) / this.scaleY - HORIZON_Y;
      const depth = depthScale / rowsBelowHorizon;
      const depthTile = Math.floor(depth / TILE_METRES);
      const metresPerPixel = 1.7 / personHeightAt((y + 0.5) / this.scaleY) / this.scaleX;
      // Far rows are a little darker, as light falls off away from the camera.
      const fade = 0.8 + 0.2 * (rowsBelowHorizon / nearRows);
      let offset = y * this.width * 3;
      for (let x = 0; x < this.width; x++) {
        const across = (x + 0.5 - this.width / 2) * metresPerPixel;
        const colour = (Math.floor(across / TILE_METRES) + depthTile) & 1 ? light : dark;
        data[offset++] = colour[0] * fade;
        data[offset++] = colour[1] * fade;
        data[offset++] = colour[2] * fade;
      }
    }
    canvas.rect(0, wallBottom - 3 * this.scaleY, this.width, wallBottom, [120, 110, 100]);
  }

  /** A dark mat where people come in, so the entrances read as entrances. */
  private paintDoormat(canvas: Canvas, entrance: Entrance): void {
    const depth = 60;
    const [fromX, fromY] = entrance.from;
    const [toX, toY] = entrance.to;
    const [outX, outY] = entrance.outward;
    const left = Math.min(fromX, toX) - (outX < 0 ? 1 : outX > 0 ? depth : 0);
    const right = Math.max(fromX, toX) + (outX > 0 ? 2 : outX < 0 ? depth : 0);
    const top = Math.min(fromY, toY) - (outY > 0 ? depth : 0);
    const bottom = Math.max(fromY, toY) + (outY > 0 ? 2 : 0);
    canvas.rect(left * this.scaleX, top * this.scaleY, right * this.scaleX, bottom * this.scaleY, [96, 104, 98]);
  }

  private paintFurniture(canvas: Canvas, poi: PointOfInterest): void {
    const [left, top, right, bottom] = poi.object;
    const l = left * this.scaleX;
    const r = right * this.scaleX;
    const t = top * this.scaleY;
    const b = bottom * this.scaleY;
    const h = b - t;
    switch (poi.kind) {
      case 'counter':
        canvas.rect(l, t, r, t + h * 0.3, [176, 132, 92]);
        canvas.rect(l, t + h * 0.3, r, b, [120, 82, 52]);
        canvas.rect(l + (r - l) * 0.1, t - h * 0.35, l + (r - l) * 0.22, t, [60, 60, 66]);
        return;
      case 'screen':
        canvas.rect(l, t, r, b, [40, 40, 48]);
        canvas.rect(l + h * 0.05, t + h * 0.05, r - h * 0.05, b - h * 0.05, [70, 130, 190]);
        canvas.rect(l + h * 0.15, t + h * 0.2, l + (r - l) * 0.6, t + h * 0.35, [220, 235, 250]);
        return;
      case 'bench':
        canvas.rect(l, t, r, t + h * 0.25, [150, 100, 60]);
        canvas.rect(l, t + h * 0.4, r, t + h * 0.62, [170, 116, 72]);
        canvas.rect(l + (r - l) * 0.05, t + h * 0.62, l + (r - l) * 0.1, b, [70, 60, 55]);
        canvas.rect(r - (r - l) * 0.1, t + h * 0.62, r - (r - l) * 0.05, b, [70, 60, 55]);
        return;
    }
  }

  private paintPerson(canvas: Canvas, person: ScenePerson): void {
    const feetX = person.x * this.scaleX;
    const feetY = person.y * this.scaleY;
    const height = person.height * this.scaleY;
    const width = person.width * this.scaleX;
    canvas.darkenEllipse(feetX, feetY, width * 0.6, Math.max(1, height * 0.035), 0.7);

    const legTop = feetY - height * 0.47;
    const legWidth = width * 0.2;
    const swing = person.walking ? Math.sin(person.stride) * width * 0.14 : 0;
    const trousers = TROUSERS[person.id % TROUSERS.length];
    canvas.rect(feetX - width * 0.24 + swing, legTop, feetX - width * 0.24 + swing + legWidth, feetY, trousers);
    canvas.rect(feetX + width * 0.04 - swing, legTop, feetX + width * 0.04 - swing + legWidth, feetY, trousers);

    const shirt = SHIRT_COLOURS[person.shirt];
    const sleeve: Colour = [shirt[0] * 0.8, shirt[1] * 0.8, shirt[2] * 0.8];
    const armTop = feetY - height * 0.8;
    const armBottom = feetY - height * 0.46;
    const armWidth = width * 0.14;
    canvas.rect(feetX - width * 0.44 - swing * 0.6, armTop, feetX - width * 0.44 - swing * 0.6 + armWidth, armBottom, sleeve);
    canvas.rect(feetX + width * 0.3 + swing * 0.6, armTop, feetX + width * 0.3 + swing * 0.6 + armWidth, armBottom, sleeve);
    canvas.ellipse(feetX, feetY - height * 0.63, width * 0.32, height * 0.2, shirt);

    const headRadius = height * 0.075;
    const headY = feetY - height + headRadius;
    canvas.ellipse(feetX, headY, headRadius * 0.9, headRadius, SKIN_TONES[person.id % SKIN_TONES.length]);
    canvas.rect(feetX - headRadius * 0.9, headY - headRadius, feetX + headRadius * 0.9, headY - headRadius * 0.45, HAIR);
  }
}

/** Span fills on a tightly packed RGB buffer, clipped to its edges. */
class Canvas {
  constructor(
    readonly data: Uint8Array,
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** Fills pixels x0 ≤ x < x1 of row y. */
  span(y: number, x0: number, x1: number, colour: Colour): void {
    if (y < 0 || y >= this.height) return;
    const from = Math.max(0, x0);
    const to = Math.min(this.width, x1);
    const data = this.data;
    const [r, g, b] = colour;
    for (let o = (y * this.width + from) * 3, end = (y * this.width + to) * 3; o < end; o += 3) {
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
    }
  }

  /** Fills the pixels whose centres lie in [left, right) × [top, bottom). */
  rect(left: number, top: number, right: number, bottom: number, colour: Colour): void {
    const x0 = Math.round(left);
    const x1 = Math.round(right);
    for (let y = Math.max(0, Math.round(top)), end = Math.min(this.height, Math.round(bottom)); y < end; y++) {
      this.span(y, x0, x1, colour);
    }
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, colour: Colour): void {
    this.ellipseRows(cx, cy, rx, ry, (y, x0, x1) => this.span(y, x0, x1, colour));
  }

  /** Multiplies the pixels of an ellipse by `factor` (a soft shadow on whatever is beneath). */
  darkenEllipse(cx: number, cy: number, rx: number, ry: number, factor: number): void {
    const data = this.data;
    this.ellipseRows(cx, cy, rx, ry, (y, x0, x1) => {
      const from = Math.max(0, x0);
      const to = Math.min(this.width, x1);
      for (let o = (y * this.width + from) * 3, end = (y * this.width + to) * 3; o < end; o++) {
        data[o] = data[o] * factor;
      }
    });
  }

  private ellipseRows(cx: number, cy: number, rx: number, ry: number, fill: (y: number, x0: number, x1: number) => void): void {
    if (rx <= 0 || ry <= 0) return;
    const top = Math.max(0, Math.ceil(cy - ry - 0.5));
    const bottom = Math.min(this.height - 1, Math.floor(cy + ry - 0.5));
    for (let y = top; y <= bottom; y++) {
      const dy = (y + 0.5 - cy) / ry;
      const half = rx * Math.sqrt(Math.max(0, 1 - dy * dy));
      const x0 = Math.round(cx - half);
      const x1 = Math.round(cx + half);
      if (x1 > x0 && y < this.height) fill(y, x0, x1);
    }
  }
}
