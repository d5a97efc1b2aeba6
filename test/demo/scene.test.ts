import { describe, expect, it } from 'vitest';
import {
  MAX_PEOPLE,
  MIN_PEOPLE,
  POINTS_OF_INTEREST,
  SCENE_HEIGHT,
  SCENE_WIDTH,
  SeededRandom,
  simulateScene,
  type SceneFrame,
} from '../../src-main/demo/scene.js';

function scene(seed: number, frames = 600): SceneFrame[] {
  return [...simulateScene({ frames, seed })];
}

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws uniformly in [0, 1)', () => {
    const random = new SeededRandom(123);
    const tenths = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = random.next();
      if (value < 0 || value >= 1) outside += 1;
      else tenths[Math.floor(value * 10)] += 1;
    }
    expect(outside).toBe(0);
    for (const count of tenths) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});

describe('simulateScene', () => {
  it('gives the same frames for the same seed and other frames for another seed', () => {
    expect(scene(5, 200)).toEqual(scene(5, 200));
    expect(scene(5, 200)).not.toEqual(scene(6, 200));
  });

  it('does not let the number of frames asked for change the earlier frames', () => {
    expect(scene(3, 600).slice(0, 100)).toEqual(scene(3, 100));
  });

  it('yields exactly the frames asked for, numbered from 0', () => {
    expect(scene(1, 37).map((frame) => frame.index)).toEqual(Array.from({ length: 37 }, (_, i) => i));
  });

  it.each([1, 2, 3, 42])('keeps %i’s crowd between MIN_PEOPLE and MAX_PEOPLE in every frame', (seed) => {
    const counts = scene(seed).map((frame) => frame.people.length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(MIN_PEOPLE);
    expect(Math.max(...counts)).toBeLessThanOrEqual(MAX_PEOPLE);
  });

  it('reports integer boxes inside the image, class 0, scores from 0.5 to below 1', () => {
    const wrong = scene(2)
      .flatMap((frame) => frame.detections)
      .filter(
        (d) =>
          ![d.left, d.top, d.right, d.bottom].every(Number.isInteger) ||
          d.left < 0 ||
          d.top < 0 ||
          d.right > SCENE_WIDTH - 1 ||
          d.bottom > SCENE_HEIGHT - 1 ||
          d.right <= d.left ||
          d.bottom <= d.top ||
          d.class_id !== 0 ||
          d.score < 0.5 ||
          d.score >= 1,
      );
    expect(wrong).toEqual([]);
  });

  it('lists detections best score first and people far to near', () => {
    for (const frame of scene(4, 100)) {
      const scores = frame.detections.map((d) => d.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const rows = frame.people.map((p) => p.y);
      expect(rows).toEqual([...rows].sort((a, b) => a - b));
    }
  });

  it('draws people smaller the further up the picture they stand', () => {
    const people = scene(1, 100).flatMap((frame) => frame.people);
    const far = people.filter((p) => p.y < 500);
    const near = people.filter((p) => p.y > 900);
    expect(far.length).toBeGreaterThan(0);
    expect(near.length).toBeGreaterThan(0);
    expect(Math.max(...far.map((p) => p.height))).toBeLessThan(Math.min(...near.map((p) => p.height)));
  });

  it('detects people where they are, misses some and invents a few', () => {
    let matched = 0;
    let invented = 0;
    let missed = 0;
    for (const frame of scene(1)) {
      const found = new Set<number>();
      for (const d of frame.detections) {
        const owner = frame.people.find(
          (p) => !found.has(p.id) && Math.abs((d.left + d.right) / 2 - p.x) < p.width * 0.3 && Math.abs(d.bottom - p.y) < p.height * 0.1,
        );
        if (owner === undefined) invented += 1;
        else {
          found.add(owner.id);
          matched += 1;
        }
      }
      missed += frame.people.length - found.size;
    }
    const people = matched + missed;
    expect(matched / people).toBeGreaterThan(0.9);
    expect(missed).toBeGreaterThan(0);
    expect(invented).toBeGreaterThan(0);
    expect(invented / matched).toBeLessThan(0.05);
  });

  it('has people lingering at every point of interest', () => {
    const frames = scene(1);
    for (const poi of POINTS_OF_INTEREST) {
      let longest = 0;
      const stay = new Map<number, number>();
      for (const frame of frames) {
        const here = new Set(
          frame.people
            .filter((p) => !p.walking && Math.abs(p.x - poi.x) <= poi.radiusX + 20 && Math.abs(p.y - poi.y) <= poi.radiusY + 20)
            .map((p) => p.id),
        );
        for (const id of [...stay.keys()]) if (!here.has(id)) stay.delete(id);
        for (const id of here) {
          const frames = (stay.get(id) ?? 0) + 1;
          stay.set(id, frames);
          longest = Math.max(longest, frames);
        }
      }
      expect(longest, poi.kind).toBeGreaterThanOrEqual(poi.lingerFrames[0]);
    }
  });
});
