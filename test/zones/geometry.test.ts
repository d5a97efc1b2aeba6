import { describe, expect, it } from 'vitest';
import { makePolygon, orientation, pointInPolygon, selfIntersection } from '../../src-shared/zones/geometry.js';

// A U open at the bottom of the picture (y grows downwards): the notch is x 10..20, y 10..30.
const U = makePolygon([[0, 0], [30, 0], [30, 30], [20, 30], [20, 10], [10, 10], [10, 30], [0, 30]]);
const TRIANGLE = makePolygon([[0, 0], [3, 0], [0, 3]]);

describe('orientation', () => {
  it('gives the sign of the cross product, 0 for collinear points', () => {
    expect(orientation(0, 0, 10, 0, 5, 5)).toBe(1);
    expect(orientation(0, 0, 10, 0, 5, -5)).toBe(-1);
    expect(orientation(0, 0, 10, 0, 20, 0)).toBe(0);
  });

  it('is exact where the float estimate rounds to the wrong sign or to zero', () => {
    // The cross product is 3·(3 − x − y); as exact rationals 0.1 + 2.9 is below 3 and
    // 0.1 + 2.9000000000000004 above it; both float estimates lie within their error bound of 0.
    expect(orientation(3, 0, 0, 3, 0.1, 2.9)).toBe(1);
    expect(orientation(3, 0, 0, 3, 0.1, 2.9000000000000004)).toBe(-1);
    expect(orientation(0, 0, 0.1, 0.1, 0.30000000000000004, 0.30000000000000004)).toBe(0);
  });
});

describe('pointInPolygon', () => {
  it('counts the arms and the base of a concave U and not its notch', () => {
    expect(pointInPolygon(U, 15, 5)).toBe(true);
    expect(pointInPolygon(U, 5, 20)).toBe(true);
    expect(pointInPolygon(U, 25, 29.5)).toBe(true);
    expect(pointInPolygon(U, 15, 20)).toBe(false);
    expect(pointInPolygon(U, 15, 29.999)).toBe(false);
    expect(pointInPolygon(U, 31, 15)).toBe(false);
  });

  it('counts points on edges as inside', () => {
    expect(pointInPolygon(U, 15, 10)).toBe(true);
    expect(pointInPolygon(U, 10, 20)).toBe(true);
    expect(pointInPolygon(U, 0, 15)).toBe(true);
    expect(pointInPolygon(U, 30, 0.5)).toBe(true);
    expect(pointInPolygon(U, 25, 30)).toBe(true);
  });

  it('counts every corner, convex and reflex, as inside', () => {
    for (const [x, y] of [[0, 0], [30, 0], [30, 30], [20, 30], [20, 10], [10, 10], [10, 30], [0, 30]]) {
      expect(pointInPolygon(U, x, y), `corner ${x},${y}`).toBe(true);
    }
  });

  it('leaves out points on the line of an edge beyond it and across the notch opening', () => {
    expect(pointInPolygon(U, 15, 30)).toBe(false);
    expect(pointInPolygon(U, 35, 0)).toBe(false);
    expect(pointInPolygon(U, -1, 30)).toBe(false);
  });

  it('decides points next to a diagonal edge exactly', () => {
    expect(pointInPolygon(TRIANGLE, 0.5, 2.5)).toBe(true);
    expect(pointInPolygon(TRIANGLE, 0.75, 2.25)).toBe(true);
    expect(pointInPolygon(TRIANGLE, 0.1, 2.9)).toBe(true);
    expect(pointInPolygon(TRIANGLE, 0.1, 2.9000000000000004)).toBe(false);
  });

  it('gives the same answer whichever way round the corners are listed', () => {
    const reversed = makePolygon([[0, 30], [10, 30], [10, 10], [20, 10], [20, 30], [30, 30], [30, 0], [0, 0]]);
    for (let y = -1; y <= 31; y += 0.5) {
      for (let x = -1; x <= 31; x += 0.5) {
        expect(pointInPolygon(reversed, x, y)).toBe(pointInPolygon(U, x, y));
      }
    }
  });

  it('matches a count of the U\'s area on a half-pixel lattice', () => {
    // Lattice points with x, y in 0..30 step 0.5: 61 × 61; the notch's open interior (10,20)×(10,30]
    // minus its edges: x strictly between 10 and 20 (19 values), y from 10.5 to 30 (40 values).
    let inside = 0;
    for (let y = 0; y <= 30; y += 0.5) for (let x = 0; x <= 30; x += 0.5) if (pointInPolygon(U, x, y)) inside += 1;
    expect(inside).toBe(61 * 61 - 19 * 40);
  });
});

describe('selfIntersection', () => {
  it('finds the crossing edges of a bow tie', () => {
    expect(selfIntersection(makePolygon([[0, 0], [10, 10], [10, 0], [0, 10]]))).toEqual([0, 2]);
  });

  it('accepts simple polygons, concave ones included', () => {
    expect(selfIntersection(U)).toBeNull();
    expect(selfIntersection(TRIANGLE)).toBeNull();
  });

  it('rejects a repeated corner, an edge folding back and a corner touching another edge', () => {
    expect(selfIntersection(makePolygon([[0, 0], [10, 0], [10, 0], [0, 10]]))).not.toBeNull();
    expect(selfIntersection(makePolygon([[0, 0], [10, 0], [5, 0], [5, 5]]))).not.toBeNull();
    expect(selfIntersection(makePolygon([[0, 0], [3, 0], [6, 0]]))).not.toBeNull();
    // Corner (5, 0) lies on the edge (0, 0)–(10, 0).
    expect(selfIntersection(makePolygon([[0, 0], [10, 0], [10, 10], [5, 0], [0, 10]]))).not.toBeNull();
  });
});
