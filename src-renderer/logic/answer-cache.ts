/**
 * The answers the window asked for most recently, kept so that going back to a view already seen
 * (whole period → by hour → whole period again) shows it at once instead of asking the back end
 * to count a week again. Bounded by the answers' total weight (e.g. grid cells), not their number:
 * one answer by hour on a week holds 168 grids.
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, { value: T; weight: number }>();
  private total = 0;

  /**
   * @param capacity the most total weight kept (> 0); an answer heavier than that alone is not kept
   * @param weigh an answer's weight, a non-negative number in the capacity's unit
   */
  constructor(
    private readonly capacity: number,
    private readonly weigh: (value: T) => number,
  ) {}

  /** The answer kept for `key` (it becomes the most recently used), or undefined. */
  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` for `key`, dropping the least recently used answers until the total fits. */
  set(key: string, value: T): void {
    const weight = this.weigh(value);
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.total -= previous.weight;
    }
    if (weight > this.capacity) return;
    this.entries.set(key, { value, weight });
    this.total += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.capacity) break;
      this.entries.delete(oldest);
      this.total -= entry.weight;
    }
  }

  /** The keys kept, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The total weight kept. */
  weight(): number {
    return this.total;
  }
}
