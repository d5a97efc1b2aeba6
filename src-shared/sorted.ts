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
