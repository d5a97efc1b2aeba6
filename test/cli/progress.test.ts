import { describe, expect, test } from 'vitest';
import type { RunSummary } from '../../src-main/pipeline/types.js';
import { DEFAULT_GRID_PARAMS } from '../../src-shared/settings/types.js';
import { formatDuration, formatProgress, formatSummary, oneLine, printedLine, ProgressReporter, type TextStream } from '../../src-main/cli/progress.js';

/** A stream that keeps what is written, as a terminal or as a pipe. */
function streamOf(isTTY: boolean, columns?: number): TextStream & { text: string } {
  return {
    text: '',
    isTTY,
    columns,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

/** A clock the test moves by hand. */
function clockAt(start: number): { now: () => number; to: (ms: number) => void } {
  let time = start;
  return { now: () => time, to: (ms) => (time = ms) };
}

const PROGRESS = { frames: 150, expectedFrames: 600, rate: 50 };

describe('progress line', () => {
  test('frames of the total, percent, speed and time left', () => {
    expect(formatProgress(PROGRESS, false)).toBe('150/600 frames  25.0%  50.0 fps  ETA 0:09');
    expect(formatProgress(PROGRESS, true)).toBe('[######..................] 150/600 frames  25.0%  50.0 fps  ETA 0:09');
    expect(formatProgress({ frames: 42, rate: 12.345 }, true)).toBe('42 frames  12.3 fps');
    expect(formatProgress({ frames: 0, expectedFrames: 10, rate: 0 }, false)).toBe('0/10 frames  0.0%  0.0 fps  ETA --:--');
  });

  test('a terminal too narrow for the bar gets the text alone, cut to fit', () => {
    expect(formatProgress(PROGRESS, true, 30)).toBe('150/600 frames  25.0%  50.0 f');
    expect(formatProgress(PROGRESS, true, 0)).toBe('[######..................] 150/600 frames  25.0%  50.0 fps  ETA 0:09');
  });

  test('durations', () => {
    expect(formatDuration(9.4)).toBe('0:09');
    expect(formatDuration(754)).toBe('12:34');
    expect(formatDuration(3 * 3600 + 5 * 60 + 7)).toBe('3:05:07');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--:--');
  });

  test('nothing is shown in the first half second', () => {
    const stream = streamOf(false);
    const clock = clockAt(1000);
    const reporter = new ProgressReporter(stream, { clock: clock.now });
    clock.to(1499);
    reporter.update(PROGRESS);
    expect(stream.text).toBe('');
    clock.to(1500);
    reporter.update(PROGRESS);
    expect(stream.text).toBe('crowdheat: 150/600 frames  25.0%  50.0 fps  ETA 0:09\n');
  });

  test('into a pipe: a plain line every 2 s at most', () => {
    const stream = streamOf(false);
    const clock = clockAt(0);
    const reporter = new ProgressReporter(stream, { clock: clock.now });
    for (const ms of [600, 700, 2599, 2600, 4000, 4600]) {
      clock.to(ms);
      reporter.update({ frames: ms, rate: 1000 });
    }
    expect(stream.text).toBe('crowdheat: 600 frames  1000.0 fps\ncrowdheat: 2600 frames  1000.0 fps\ncrowdheat: 4600 frames  1000.0 fps\n');
  });

  test('on a terminal: one line redrawn in place, cleared around warnings and at the end', () => {
    const stream = streamOf(true, 120);
    const clock = clockAt(0);
    const reporter = new ProgressReporter(stream, { clock: clock.now });
    clock.to(600);
    reporter.update({ frames: 6, rate: 10 });
    clock.to(650);
    reporter.update({ frames: 7, rate: 10 });
    clock.to(700);
    reporter.update({ frames: 8, rate: 10 });
    reporter.warn('row 9: skipped:\n  bad cell');
    reporter.finish();
    expect(stream.text).toBe(
      '\r\x1b[K6 frames  10.0 fps' +
        '\r\x1b[K8 frames  10.0 fps' +
        '\r\x1b[Kcrowdheat: warning: row 9: skipped: bad cell\n8 frames  10.0 fps' +
        '\r\x1b[K',
    );
  });

  test('--quiet prints nothing', () => {
    const stream = streamOf(true);
    const clock = clockAt(0);
    const reporter = new ProgressReporter(stream, { clock: clock.now, quiet: true });
    clock.to(5000);
    reporter.update(PROGRESS);
    reporter.warn('something');
    reporter.say('summary');
    reporter.finish();
    expect(stream.text).toBe('');
  });

  test('multi-line messages fold onto one line', () => {
    expect(oneLine('ffmpeg failed:\n  Invalid data\r\n found\n')).toBe('ffmpeg failed: Invalid data found');
  });
});

describe('summary', () => {
  const summary: RunSummary = {
    parameters: { ...DEFAULT_GRID_PARAMS },
    source: { mode: 'local', name: 'sample', meta_file: 'in/sample.csv' },
    frames: 600,
    detections: 5006,
    skipped_records: 2,
    warnings: { 'skipped-record': 2, 'frame-count-mismatch': 1 },
    timestamps: [],
    time_range: { first: '20230412140023098', last: '20230412140029728' },
    peak: { count: 37, frame: 339, h: 122, v: 77, timestamp: '20230412140026000' },
    wall_time_s: 3.456,
    outputs: ['detect/', 'griddata.npy', 'summary.json'],
  };

  test('one paragraph: counts, time range, busiest cell, outputs', () => {
    expect(formatSummary(summary, '/data/out')).toBe(
      'crowdheat: done in 3.5 s: 600 frames, 5006 detections, 2 skipped records, 1 warning. ' +
        'Time range 20230412140023098 to 20230412140029728. ' +
        'Busiest cell: 37 at (h 122, v 77), 20230412140026000. ' +
        'Outputs in /data/out: detect/, griddata.npy, summary.json',
    );
  });

  test('names the whole period\'s busiest place, in its unit, after the busiest cell', () => {
    const withPlace = { ...summary, outputs: [], busiest_place: { h: 75, v: 51, value: 106704, unit: 'person-seconds' } };
    expect(formatSummary(withPlace, '/o')).toBe(
      'crowdheat: done in 3.5 s: 600 frames, 5006 detections, 2 skipped records, 1 warning. ' +
        'Time range 20230412140023098 to 20230412140029728. ' +
        'Busiest cell: 37 at (h 122, v 77), 20230412140026000. ' +
        'Busiest place over the whole period: 106,704 person-seconds at (h 75, v 51). Outputs in /o',
    );
    expect(formatSummary({ ...summary, busiest_place: null }, '/o')).not.toContain('Busiest place');
  });

  test('without T but with a time base from metadata_fps or the video, the range is the one those times span', () => {
    const gaps = { count: 0, total_s: 0, listed: [] };
    const timeBase = {
      kind: 'metadata_fps' as const, clock: 'wall' as const, fps: 10, unit: 'person-seconds' as const, first: '2026-11-23T09:00:00+09:00',
      last: '2026-11-23T09:00:59.900+09:00', median_interval_ms: 100, covered_s: 60, gaps,
    };
    const fromFps = { ...summary, time_range: null, time_base: timeBase, outputs: [] };
    expect(formatSummary(fromFps, '/o')).toBe(
      'crowdheat: done in 3.5 s: 600 frames, 5006 detections, 2 skipped records, 1 warning. ' +
        // The period ends when the last frame (59.9 s in, 0.1 s long) ends.
        'Time range 2026-11-23T09:00:00+09:00 to 2026-11-23T09:01:00.000+09:00 (times from metadata_fps). ' +
        'Busiest cell: 37 at (h 122, v 77), 20230412140026000. Outputs in /o',
    );
    const fromVideo = { ...fromFps, time_base: { ...timeBase, kind: 'video_fps' as const, clock: 'elapsed' as const } };
    expect(formatSummary(fromVideo, '/o')).toContain("(times from the video's frame rate). ");
    // Without start_time, frame 0 is at 0 ms: the times are time since frame 0, not dates of 1970.
    const noStart = {
      ...fromFps,
      time_base: { ...timeBase, clock: 'elapsed' as const, first: '1970-01-01T09:00:00.000+09:00', last: '1970-01-01T09:00:59.900+09:00' },
    };
    expect(formatSummary(noStart, '/o')).toContain('Time range 0:00:00.000 to 0:01:00.000 since frame 0 (times from metadata_fps). ');
    // The run's own word decides: a start_time typed in 1970 is a date like any other.
    const startIn1970 = { ...noStart, time_base: { ...noStart.time_base, clock: 'wall' as const } };
    expect(formatSummary(startIn1970, '/o')).toContain('Time range 1970-01-01T09:00:00.000+09:00 to 1970-01-01T09:01:00.000+09:00 (times from metadata_fps). ');
    const noBase = { ...fromFps, time_base: { ...timeBase, kind: 'none' as const, clock: 'none' as const, first: null, last: null } };
    expect(formatSummary(noBase, '/o')).not.toContain('Time range');
  });

  test('without timestamps and without any detection', () => {
    const quiet = { ...summary, time_range: null, detections: 0, frames: 1, peak: { count: 0, frame: -1, h: -1, v: -1 }, outputs: [] };
    expect(formatSummary(quiet, '/o')).toBe(
      'crowdheat: done in 3.5 s: 1 frame, 0 detections, 2 skipped records, 1 warning. Outputs in /o',
    );
  });
});

describe('printedLine', () => {
  test('cuts the message so that the whole printed line, prefix and suffix included, is at most 300 characters', () => {
    const line = printedLine('crowdheat: warning: ', `bad ${'q'.repeat(1000)}`);
    expect(line).toBe(`crowdheat: warning: bad ${'q'.repeat(275)}…`);
    expect(line.length).toBe(300);
    const usage = printedLine('crowdheat: ', 'x'.repeat(400), ' (see crowdheat help run)');
    expect(usage).toBe(`crowdheat: ${'x'.repeat(263)}… (see crowdheat help run)`);
    expect(usage.length).toBe(300);
    expect(printedLine('crowdheat: ', 'short')).toBe('crowdheat: short');
  });
});

