/**
 * Searches in sorted arrays.
 */

/**
 * The first position of `values` (sorted, non-decreasing by `<`) holding a value ≥ `value`;
 * `values.length` when there is none. O(log n).
 *
 * ```ts
 * lowerBound([1, 3, 3, 7], 3); // 1
 * lowerBound(['a', 'c'], 'b'); // 1
 * ```
 */
export function lowerBound<T extends number | string>(values: ArrayLike<T>, value: T): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Where each value lies in `values` (increasing, no value twice: a store's frame indexes), as a
 * function of the value: arithmetic when the values are consecutive (frames 0…n-1, or 1…n as
 * MOTChallenge numbers them), else a binary search, O(log n). -1 for a value not in `values`.
 * Builds nothing per value: a seek asks it for one frame of 600,000.
 *
 * ```ts
 * positionLookup(Int32Array.of(1, 2, 3))(3); // 2
 * positionLookup(Int32Array.of(0, 5, 9))(5); // 1
 * ```
 */
export function positionLookup(values: ArrayLike<number>): (value: number) => number {
  const n = values.length;
  if (n === 0) return () => -1;
  const first = values[0];
  if (values[n - 1] - first === n - 1) return (value) => (value >= first && value - first < n && Number.isInteger(value) ? value - first : -1);
  return (value) => {
    const at = lowerBound(values, value);
    return at < n && values[at] === value ? at : -1;
  };
}
