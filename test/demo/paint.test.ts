import { describe, expect, it } from 'vitest';
import { ScenePainter } from '../../src-main/demo/paint.js';
import { simulateScene, type SceneFrame } from '../../src-main/demo/scene.js';

const frame: SceneFrame = [...simulateScene({ frames: 50, seed: 1 })][49];
const empty: SceneFrame = { index: 0, people: [], detections: [] };

function pixel(image: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const o = (Math.round(y) * image.width + Math.round(x)) * 3;
  return [image.data[o], image.data[o + 1], image.data[o + 2]];
}

describe('ScenePainter', () => {
  it('paints a tightly packed RGB picture of the asked size', () => {
    const image = new ScenePainter(320, 180).paint(frame);
    expect(image.width).toBe(320);
    expect(image.height).toBe(180);
    expect(image.data.length).toBe(320 * 180 * 3);
  });

  it('paints each person over the floor at their true position', () => {
    const painter = new ScenePainter(960, 540);
    const withPeople = painter.paint(frame);
    const room = painter.paint(empty);
    const scale = 960 / 1920;
    // The nearest person is painted last, so nothing covers their body.
    const nearest = frame.people[frame.people.length - 1];
    const body = [nearest.x * scale, (nearest.y - nearest.height * 0.63) * scale];
    expect(pixel(withPeople, body[0], body[1])).not.toEqual(pixel(room, body[0], body[1]));
    const head = [nearest.x * scale, (nearest.y - nearest.height * 0.93) * scale];
    expect(pixel(withPeople, head[0], head[1])).not.toEqual(pixel(room, head[0], head[1]));
  });

  it('leaves the room untouched away from people', () => {
    const painter = new ScenePainter(960, 540);
    const withPeople = painter.paint(frame);
    const room = painter.paint(empty);
    // The top corners are wall, above everyone's head.
    expect(pixel(withPeople, 2, 2)).toEqual(pixel(room, 2, 2));
    expect(pixel(withPeople, 957, 2)).toEqual(pixel(room, 957, 2));
  });

  it('returns a new picture each time and paints a frame the same way twice', () => {
    const painter = new ScenePainter(480, 270);
    const first = painter.paint(frame);
    const second = painter.paint(frame);
    expect(second.data === first.data).toBe(false);
    expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true);
  });

  it('clips figures at the edge of the picture instead of wrapping them onto the next row', () => {
    const atLeftEdge: SceneFrame = {
      index: 0,
      people: [{ id: 1, x: 1, y: 1078, width: 180, height: 470, shirt: 0, walking: true, stride: 1 }],
      detections: [],
    };
    const painter = new ScenePainter(96, 54);
    const image = painter.paint(atLeftEdge);
    const room = painter.paint(empty);
    expect(pixel(image, 1, 40)).not.toEqual(pixel(room, 1, 40));
    const rightColumn = (picture: { width: number; data: Uint8Array }): number[][] =>
      Array.from({ length: 54 }, (_, y) => pixel(picture, 95, y));
    expect(rightColumn(image)).toEqual(rightColumn(room));
  });
});
