/**
 * Exact plane geometry for zones: the orientation of three points, point-in-polygon with the
 * boundary counted as inside, and whether a polygon crosses itself.
 *
 * Exact means no tolerance: the sign of every cross product is the sign of the true product of
 * the doubles as given. A fast floating-point estimate decides when it is clearly away from
 * zero (Shewchuk's error bound); otherwise the product is computed again in BigInt integers.
 */

/** ε of IEEE double arithmetic (2⁻⁵³). */
const EPSILON = 2 ** -53;
/** Shewchuk's bound on the error of the float estimate of the 2×2 determinant below. */
const ORIENT_ERROR_BOUND = (3 + 16 * EPSILON) * EPSILON;

/**
 * The sign of the cross product (b − a) × (c − a): 1 when a, b, c turn left (counter-clockwise
 * with y up), −1 when they turn right, 0 when they lie on one line. Exact for all finite doubles.
 *
 * ```ts
 * orientation(0, 0, 10, 0, 5, 5) // 1
 * orientation(0, 0, 10, 0, 5, 0) // 0
 * ```
 */
export function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): -1 | 0 | 1 {
  const left = (bx - ax) * (cy - ay);
  const right = (by - ay) * (cx - ax);
  const estimate = left - right;
  const bound = ORIENT_ERROR_BOUND * (Math.abs(left) + Math.abs(right));
  if (estimate > bound) return 1;
  if (-estimate > bound) return -1;
  if (left === 0 && right === 0) return 0;
  return exactOrientation(ax, ay, bx, by, cx, cy);
}

/** The same sign from exact integer arithmetic: every double is an integer times a power of two. */
function exactOrientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): -1 | 0 | 1 {
  const values = [ax, ay, bx, by, cx, cy];
  const shift = Math.max(...values.map(fractionBits));
  const [iax, iay, ibx, iby, icx, icy] = values.map((value) => scaledInteger(value, shift));
  const det = (ibx - iax) * (icy - iay) - (iby - iay) * (icx - iax);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

/** The number of binary digits after the point of a finite double (0 for integers). */
function fractionBits(value: number): number {
  let bits = 0;
  let scaled = value;
  while (!Number.isInteger(scaled) && bits < 1100) {
    scaled *= 2;
    bits += 1;
  }
  return bits;
}

/** `value · 2^shift` as a BigInt, exactly (the value has at most `shift` fraction bits). */
function scaledInteger(value: number, shift: number): bigint {
  const own = fractionBits(value);
  // Scaling by a power of two is exact in doubles as long as it stays finite; go the rest in BigInt.
  let integer = value;
  for (let i = 0; i < own; i++) integer *= 2;
  return BigInt(integer) << BigInt(shift - own);
}

/** A polygon in metadata pixels: vertex i is (xs[i], ys[i]); the last vertex joins the first. */
export interface Polygon {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Bounding box, for a cheap first test. */
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * A polygon from `[[x, y], ...]` points (at least one).
 *
 * ```ts
 * const square = makePolygon([[0, 0], [10, 0], [10, 10], [0, 10]]);
 * ```
 */
export function makePolygon(points: ReadonlyArray<readonly [number, number]>): Polygon {
  const xs = Float64Array.from(points, (point) => point[0]);
  const ys = Float64Array.from(points, (point) => point[1]);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    minX = Math.min(minX, xs[i]);
    maxX = Math.max(maxX, xs[i]);
    minY = Math.min(minY, ys[i]);
    maxY = Math.max(maxY, ys[i]);
  }
  return { xs, ys, minX, minY, maxX, maxY };
}

/** Whether (px, py) lies on the closed segment a–b. Exact. */
export function onSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  if (px < Math.min(ax, bx) || px > Math.max(ax, bx) || py < Math.min(ay, by) || py > Math.max(ay, by)) return false;
  return orientation(ax, ay, bx, by, px, py) === 0;
}

/**
 * Whether the point (x, y) lies inside the polygon or on its boundary (an edge or a corner).
 * Works for concave polygons; exact (no tolerance), so a point on an edge is inside whatever its
 * coordinates. Crossing rule: an edge counts when it straddles the horizontal line through the
 * point (one end strictly above, the other at or below) and the point lies left of it.
 *
 * ```ts
 * pointInPolygon(makePolygon([[0, 0], [10, 0], [10, 10], [0, 10]]), 10, 5) // true (on the edge)
 * ```
 */
export function pointInPolygon(polygon: Polygon, x: number, y: number): boolean {
  if (x < polygon.minX || x > polygon.maxX || y < polygon.minY || y > polygon.maxY) return false;
  const { xs, ys } = polygon;
  const n = xs.length;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ax = xs[j];
    const ay = ys[j];
    const bx = xs[i];
    const by = ys[i];
    // An edge whose height range misses the point's line can neither hold the point nor be crossed.
    if (y < (ay < by ? ay : by) || y > (ay < by ? by : ay)) continue;
    const straddles = ay > y !== by > y;
    if (x < (ax < bx ? ax : bx)) {
      // Left of both ends: not on the edge, and on its left side wherever it is crossed.
      if (straddles) inside = !inside;
      continue;
    }
    if (x > (ax < bx ? bx : ax)) continue;
    // Inside the edge's bounding box: the exact sign decides (0: on the edge).
    const side = ay < by ? orientation(ax, ay, bx, by, x, y) : orientation(bx, by, ax, ay, x, y);
    if (side === 0) return true;
    if (straddles && side > 0) inside = !inside;
  }
  return inside;
}

/** Whether the closed segments p1–p2 and q1–q2 share a point. Exact. */
export function segmentsIntersect(
  p1x: number, p1y: number, p2x: number, p2y: number,
  q1x: number, q1y: number, q2x: number, q2y: number,
): boolean {
  const d1 = orientation(q1x, q1y, q2x, q2y, p1x, p1y);
  const d2 = orientation(q1x, q1y, q2x, q2y, p2x, p2y);
  const d3 = orientation(p1x, p1y, p2x, p2y, q1x, q1y);
  const d4 = orientation(p1x, p1y, p2x, p2y, q2x, q2y);
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (
    (d1 === 0 && onSegment(p1x, p1y, q1x, q1y, q2x, q2y)) ||
    (d2 === 0 && onSegment(p2x, p2y, q1x, q1y, q2x, q2y)) ||
    (d3 === 0 && onSegment(q1x, q1y, p1x, p1y, p2x, p2y)) ||
    (d4 === 0 && onSegment(q2x, q2y, p1x, p1y, p2x, p2y))
  );
}

/**
 * The first two edges of a polygon that touch or cross where they should not, or null when the
 * polygon is simple. Edge i runs from vertex i to vertex i + 1 (the last to vertex 0). Adjacent
 * edges may share their common corner only (folding back over each other counts as crossing);
 * a repeated vertex makes a zero-length edge, which counts as crossing its neighbours.
 * O(n²), fine for the bounded number of points a zone may have.
 */
export function selfIntersection(polygon: Polygon): [number, number] | null {
  const { xs, ys } = polygon;
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const i2 = (i + 1) % n;
    if (xs[i] === xs[i2] && ys[i] === ys[i2]) return [i, i2 === 0 ? n - 1 : i2];
  }
  for (let i = 0; i < n; i++) {
    const a1 = i;
    const a2 = (i + 1) % n;
    for (let j = i + 1; j < n; j++) {
      const b1 = j;
      const b2 = (j + 1) % n;
      const adjacentAfter = b1 === a2;
      const adjacentBefore = b2 === a1;
      if (adjacentAfter || adjacentBefore) {
        // Adjacent edges share one corner; they overlap only when the far end of one lies on the other.
        const [farA, farB] = adjacentAfter ? [a1, b2] : [a2, b1];
        if (onSegment(xs[farB], ys[farB], xs[a1], ys[a1], xs[a2], ys[a2])) return [i, j];
        if (onSegment(xs[farA], ys[farA], xs[b1], ys[b1], xs[b2], ys[b2])) return [i, j];
        continue;
      }
      if (segmentsIntersect(xs[a1], ys[a1], xs[a2], ys[a2], xs[b1], ys[b1], xs[b2], ys[b2])) return [i, j];
    }
  }
  return null;
}
