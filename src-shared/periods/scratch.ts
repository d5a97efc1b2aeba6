/**
 * Typed arrays reused from one view to the next. A view over a week allocates tens of MB (a
 * difference array and the grids of 168 hourly buckets at 192×108 are 28 MB each; per-frame
 * counts, buckets and weights of 604,800 frames 2.4–4.8 MB each), and on the 2-core VMs
 * crowdheat is measured on, the first touch of fresh memory costs about 10 ms a MB in page
 * faults — more than the sums themselves. Views asked one after another (an opened analysis
 * reads one at a time) take their arrays from one `ViewScratch`, so the memory is touched once.
 *
 * An array handed out stays valid until the same name is asked for again: whoever keeps a
 * view's arrays must copy them, or finish with them, before asking for the next view.
 *
 * ```ts
 * const scratch = new ViewScratch();
 * const counts = scratch.int32s('counts', frames); // zeros
 * const bucketOf = scratch.int32s('bucketOf', frames, -1);
 * ```
 */
export class ViewScratch {
  private readonly floats = new Map<string, Float64Array>();
  private readonly integers = new Map<string, Int32Array>();

  /** `length` values of `fill` (0 by default), in the memory of the last array asked for as `name` when it is long enough. */
  float64s(name: string, length: number, fill = 0): Float64Array {
    return reused(this.floats, name, length, fill, (size) => new Float64Array(size));
  }

  /** `length` values of `fill` (0 by default), as `float64s` for Int32Array. */
  int32s(name: string, length: number, fill = 0): Int32Array {
    return reused(this.integers, name, length, fill, (size) => new Int32Array(size));
  }
}

/** The array kept as `name` in `kept`, cut to `length` and filled, or a new one (kept) when it is too short. */
function reused<T extends Float64Array | Int32Array>(kept: Map<string, T>, name: string, length: number, fill: number, make: (length: number) => T): T {
  const buffer = kept.get(name);
  if (buffer !== undefined && buffer.length >= length) return buffer.subarray(0, length).fill(fill) as T;
  const made = make(length);
  kept.set(name, made);
  return fill === 0 ? made : (made.fill(fill) as T);
}

/** A ViewScratch that keeps nothing: every array is new (callers without a scratch of their own). */
export const NO_SCRATCH = {
  float64s: (_name: string, length: number, fill = 0): Float64Array => (fill === 0 ? new Float64Array(length) : new Float64Array(length).fill(fill)),
  int32s: (_name: string, length: number, fill = 0): Int32Array => (fill === 0 ? new Int32Array(length) : new Int32Array(length).fill(fill)),
} satisfies Pick<ViewScratch, 'float64s' | 'int32s'>;

/** What views take their large arrays from. */
export type Scratch = Pick<ViewScratch, 'float64s' | 'int32s'>;
