/**
 * Diagnostics: warnings and skipped records of one run. Sources and sinks report here; the
 * summary counts everything, and only the first few of each kind are shown in full so a file
 * with a million bad rows does not drown the terminal.
 */
import { oneLine } from '../../src-shared/messages.js';

export interface Warning {
  /** Stable kind, e.g. `skipped-row`, `frame-count-mismatch`, `non-finite-box`. */
  kind: string;
  message: string;
}

export type WarningListener = (warning: Warning) => void;

const SHOWN_PER_KIND = 20;

export class Diagnostics {
  /** Records (rows, frames, buffers) skipped because they were malformed. */
  skippedRecords = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly listener: WarningListener = () => {}) {}

  /** A malformed record was skipped; `where` names the file and row (or frame). */
  skip(where: string, why: string): void {
    this.skippedRecords += 1;
    this.warn('skipped-record', `${where}: skipped: ${why}`);
  }

  /**
   * Counts a warning of `kind` and passes the first few on. The message is made one bounded
   * line here (`oneLine`), so a warning quoting a 10 MB cell or an escape sequence reaches no
   * listener (terminal, app, log) whole.
   */
  warn(kind: string, message: string): void {
    const seen = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, seen);
    if (seen <= SHOWN_PER_KIND) this.listener({ kind, message: oneLine(message) });
    else if (seen === SHOWN_PER_KIND + 1) {
      this.listener({ kind, message: `(more warnings of kind ${kind} are counted in the summary, not shown)` });
    }
  }

  /** How many warnings of each kind were raised (shown or not). */
  warningCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
