/**
 * What a reader tried and skipped, so that input without a single usable record fails with one
 * line naming the file, how many records were tried and why the first was refused.
 */
import { InputError } from '../../src-shared/errors.js';
import { showValue } from '../../src-shared/messages.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';

export class SkipTally {
  /** Records the reader tried to read (rows, lines, inferences). */
  records = 0;
  private first: string | undefined;

  constructor(
    private readonly path: string,
    private readonly diagnostics: Diagnostics,
  ) {}

  /** One more record was tried. */
  tried(): void {
    this.records += 1;
  }

  /** A record (or a part of one) was skipped: reported to the run's diagnostics, the first kept for `nothingUsable`. */
  skip(where: string, why: string): void {
    this.first ??= `${where}: ${why}`;
    this.diagnostics.skip(where, why);
  }

  /**
   * The error for input in which no record was usable, e.g.
   * `data.csv: no usable record among 3 rows; the first: data.csv:2: malformed metadata dict: …`.
   */
  nothingUsable(noun: string): InputError {
    if (this.records === 0) return new InputError(`${this.path}: no metadata ${noun}`);
    const first = this.first === undefined ? '' : `; the first: ${showValue(this.first, 200)}`;
    return new InputError(`${this.path}: no usable record among ${this.records} ${noun}${first}`);
  }
}
