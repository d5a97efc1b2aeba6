/**
 * What the command line tells the user while a run goes on, always on stderr (stdout stays
 * clean for scripts): a progress line once the run has lasted a moment, warnings, and the
 * closing summary. On a terminal the progress line is redrawn in place; into a file or a pipe
 * it is a plain line now and then, so logs stay readable.
 */
import { MAX_MESSAGE_LENGTH, oneLine as boundedLine } from '../../src-shared/messages.js';
import { summaryEndIso } from '../../src-shared/periods/range.js';
import { elapsedText, parseIsoWithOffset, summaryTimeClock } from '../../src-shared/periods/time-base.js';
import type { ConsoleCacheSummary, Progress, RunSummary } from '../pipeline/types.js';

/** The part of a stream the reporter needs (process.stderr has it). */
export interface TextStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ReporterOptions {
  /** Print nothing but errors. */
  quiet?: boolean;
  /** Milliseconds on a monotonic clock; tests pass their own. */
  clock?: () => number;
  /** Runs shorter than this show no progress at all. */
  showAfterMs?: number;
  /** Least time between two plain (non-terminal) progress lines. */
  plainEveryMs?: number;
  /** Least time between two redraws on a terminal. */
  redrawEveryMs?: number;
}

const CLEAR_LINE = '\r\x1b[K';
const BAR_WIDTH = 24;

export class ProgressReporter {
  private readonly started: number;
  private readonly clock: () => number;
  private readonly quiet: boolean;
  private readonly showAfterMs: number;
  private readonly plainEveryMs: number;
  private readonly redrawEveryMs: number;
  private lastShown: number | undefined;
  /** The line now on the terminal, redrawn after a warning; empty when none is. */
  private liveLine = '';

  constructor(
    private readonly stream: TextStream,
    options: ReporterOptions = {},
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.quiet = options.quiet ?? false;
    this.showAfterMs = options.showAfterMs ?? 500;
    this.plainEveryMs = options.plainEveryMs ?? 2000;
    this.redrawEveryMs = options.redrawEveryMs ?? 100;
    this.started = this.clock();
  }

  private get onTerminal(): boolean {
    return this.stream.isTTY === true;
  }

  update(progress: Progress): void {
    if (this.quiet) return;
    const now = this.clock();
    if (now - this.started < this.showAfterMs) return;
    const every = this.onTerminal ? this.redrawEveryMs : this.plainEveryMs;
    if (this.lastShown !== undefined && now - this.lastShown < every) return;
    this.lastShown = now;
    if (this.onTerminal) {
      this.liveLine = formatProgress(progress, true, this.stream.columns);
      this.stream.write(CLEAR_LINE + this.liveLine);
    } else {
      this.stream.write(`crowdheat: ${formatProgress(progress, false)}\n`);
    }
  }

  warn(message: string): void {
    this.say(printedLine('crowdheat: warning: ', message));
  }

  /** A line that belongs to the run's story (the closing summary); silenced by --quiet. */
  say(line: string): void {
    if (this.quiet) return;
    if (this.liveLine !== '') this.stream.write(CLEAR_LINE);
    this.stream.write(`${line}\n`);
    if (this.liveLine !== '') this.stream.write(this.liveLine);
  }

  /** Takes the progress line off the terminal; call before the summary or an error. */
  finish(): void {
    if (this.liveLine !== '') this.stream.write(CLEAR_LINE);
    this.liveLine = '';
  }
}

/**
 * Error or warning text from anywhere, as the CLI prints it: line breaks folded into spaces,
 * other control characters escaped, cut to 300 characters with `…` (src-shared/messages.ts).
 * Every line the CLI prints about a problem passes through here.
 */
export function oneLine(text: string, max = MAX_MESSAGE_LENGTH): string {
  return boundedLine(text.replace(/\s*[\r\n]+\s*/g, ' ').trim(), max);
}

/**
 * `prefix + message + suffix` as printed: the message is cut so that the whole line, prefix and
 * suffix included, stays within the 300 characters a message may take.
 */
export function printedLine(prefix: string, message: string, suffix = ''): string {
  return `${prefix}${oneLine(message, Math.max(1, MAX_MESSAGE_LENGTH - prefix.length - suffix.length))}${suffix}`;
}

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/**
 * One progress line: frames (of the total, when known), percent, speed and time left.
 *
 * ```ts
 * formatProgress({ frames: 150, expectedFrames: 600, rate: 50 }, false)
 * // '150/600 frames  25.0%  50.0 fps  ETA 0:09'
 * formatProgress({ frames: 0, rate: 0, preparing: 0.25 }, false)
 * // 'reading the input  25.0%'   (a CSV's or MOT file's first pass, before any frame)
 * ```
 */
export function formatProgress(progress: Progress, withBar: boolean, columns?: number): string {
  const { frames, expectedFrames, rate, preparing } = progress;
  if (frames === 0 && preparing !== undefined) return `reading the input  ${(preparing * 100).toFixed(1)}%`;
  const speed = `${rate.toFixed(1)} fps`;
  if (expectedFrames === undefined || expectedFrames <= 0) return `${frames} frames  ${speed}`;
  const fraction = Math.min(frames / expectedFrames, 1);
  const eta = rate > 0 ? formatDuration((expectedFrames - frames) / rate) : '--:--';
  const text = `${frames}/${expectedFrames} frames  ${(fraction * 100).toFixed(1)}%  ${speed}  ETA ${eta}`;
  if (!withBar) return text;
  const filled = Math.round(fraction * BAR_WIDTH);
  const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${text}`;
  // A line wider than the terminal would wrap, and `\r` could no longer redraw it. A terminal
  // without a size (columns 0, as under `script`) is taken as wide enough.
  if (columns === undefined || columns <= 0 || line.length < columns) return line;
  return text.slice(0, columns - 1);
}

/**
 * The closing paragraph of a run: counts, the time range (the frames' T, else the times
 * `metadata_fps` or the video's rate gave them), the busiest cell (the peak of one frame's window),
 * the whole period's busiest place (person-seconds or person-frames) when known, and the outputs.
 */
export function formatSummary(summary: RunSummary, outputDir: string): string {
  const warnings = Object.entries(summary.warnings)
    .filter(([kind]) => kind !== 'skipped-record')
    .reduce((total, [, count]) => total + count, 0);
  const parts = [
    `crowdheat: done in ${summary.wall_time_s.toFixed(1)} s: ${plural(summary.frames, 'frame')}, ` +
      `${plural(summary.detections, 'detection')}, ${plural(summary.skipped_records, 'skipped record')}, ` +
      `${plural(warnings, 'warning')}.`,
  ];
  if (summary.time_range !== null) parts.push(`Time range ${summary.time_range.first} to ${summary.time_range.last}.`);
  else {
    // Frames without T whose times come from metadata_fps or the video's rate: their span, and where it came from.
    const base = summary.time_base;
    if (base !== undefined && base.kind !== 'none' && base.kind !== 'T' && base.first !== null && base.last !== null) {
      const end = summaryEndIso(base.last, base.median_interval_ms, base.fps);
      // Times from a rate without a start are no dates: time since frame 0 (summaryTimeClock).
      const elapsed = summaryTimeClock(base) === 'elapsed';
      const shownTime = (iso: string): string => (elapsed ? elapsedText(parseIsoWithOffset(iso), true) : iso);
      parts.push(`Time range ${shownTime(base.first)} to ${shownTime(end)}${elapsed ? ' since frame 0' : ''} (times from ${base.kind === 'metadata_fps' ? 'metadata_fps' : "the video's frame rate"}).`);
    }
  }
  if (summary.peak.frame >= 0) {
    const when = summary.peak.timestamp ?? `frame ${summary.peak.frame}`;
    parts.push(`Busiest cell: ${summary.peak.count} at (h ${summary.peak.h}, v ${summary.peak.v}), ${when}.`);
  }
  // The whole period's busiest place (summary.json's busiest_place): what the period outputs show.
  const place = summary.busiest_place;
  if (place !== undefined && place !== null) {
    parts.push(`Busiest place over the whole period: ${place.value.toLocaleString('en-US')} ${place.unit} at (h ${place.h}, v ${place.v}).`);
  }
  const outputs = summary.outputs.length > 0 ? `: ${summary.outputs.join(', ')}` : '';
  parts.push(`Outputs in ${outputDir}${outputs}`);
  const cache = summary.console_cache;
  if (cache === undefined) return parts.join(' ');
  return `${parts.join(' ')}\n${formatCacheUse(cache)}`;
}

/**
 * The closing line of a Console run with the cache:
 * `Console cache …/console-cache.duckdb: 1200 inferences from the cache, 300 fetched; 0 images from the cache, 0 fetched.`
 */
export function formatCacheUse(cache: ConsoleCacheSummary): string {
  return (
    `Console cache ${cache.file}: ${cache.inferences_from_cache} ${cache.inferences_from_cache === 1 ? 'inference' : 'inferences'} ` +
    `from the cache, ${cache.inferences_fetched} fetched; ${cache.images_from_cache} ${cache.images_from_cache === 1 ? 'image' : 'images'} ` +
    `from the cache, ${cache.images_fetched} fetched.`
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
