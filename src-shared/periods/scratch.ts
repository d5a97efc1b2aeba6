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
    let buffer = this.floats.get(name);
    if (buffer === undefined || buffer.length < length) {
      buffer = new Float64Array(length);
      this.floats.set(name, buffer);
      return fill === 0 ? buffer : buffer.fill(fill);
    }
    return buffer.subarray(0, length).fill(fill);
  }

  /** `length` values of `fill` (0 by default), as `float64s` for Int32Array. */
  int32s(name: string, length: number, fill = 0): Int32Array {
    let buffer = this.integers.get(name);
    if (buffer === undefined || buffer.length < length) {
      buffer = new Int32Array(length);
      this.integers.set(name, buffer);
      return fill === 0 ? buffer : buffer.fill(fill);
    }
    return buffer.subarray(0, length).fill(fill);
  }
}

/** A ViewScratch that keeps nothing: every array is new (callers without a scratch of their own). */
export const NO_SCRATCH = {
  float64s: (_name: string, length: number, fill = 0): Float64Array => (fill === 0 ? new Float64Array(length) : new Float64Array(length).fill(fill)),
  int32s: (_name: string, length: number, fill = 0): Int32Array => (fill === 0 ? new Int32Array(length) : new Int32Array(length).fill(fill)),
} satisfies Pick<ViewScratch, 'float64s' | 'int32s'>;

/** What views take their large arrays from. */
export type Scratch = Pick<ViewScratch, 'float64s' | 'int32s'>;
