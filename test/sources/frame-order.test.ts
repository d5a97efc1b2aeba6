import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BUCKET_BYTES, MAX_FRAME_GAP, orderRows, type FrameRow, type FrameRowReader } from '../../src-main/sources/frame-order.js';
import { InputError } from '../../src-shared/errors.js';

/** A reader over fixed rows; counts its passes and what it was asked to report. */
function readerOf(frames: number[]): { read: FrameRowReader; passes: boolean[] } {
  const passes: boolean[] = [];
  const read: FrameRowReader = async function* (report) {
    passes.push(report);
    for (let i = 0; i < frames.length; i++) yield { frame: frames[i], line: i + 1, text: `row ${i + 1}` };
  };
  return { read, passes };
}

async function collect(rows: AsyncGenerator<FrameRow>): Promise<FrameRow[]> {
  const out: FrameRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

function sortFolders(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('crowdheat-sort-'));
}

describe('orderRows', () => {
  it('streams a file already in order in two passes, the second reporting, with no temporary files', async () => {
    const { read, passes } = readerOf([1, 1, 2, 5]);
    const before = sortFolders();
    const ordered = await orderRows('f', read, 1, 'frame', 100, new AbortController().signal);
    expect(ordered.sorted).toBe(false);
    // Frames 1 … 5 from the origin 1: five frames, 3 and 4 without rows.
    expect(ordered.span).toBe(5);
    expect((await collect(ordered.iterate())).map((r) => r.line)).toEqual([1, 2, 3, 4]);
    expect(passes).toEqual([false, true]);
    expect(sortFolders()).toEqual(before);
  });

  it('sorts a file out of order through many buckets, same frames kept in file order, and removes its folder', async () => {
    // 2,000 rows in a scrambled frame order (a permutation of 0..999, each frame twice).
    const frames = Array.from({ length: 2000 }, (_, i) => (i * 389) % 1000);
    const { read } = readerOf(frames);
    const before = sortFolders();
    const ordered = await orderRows('f', read, 0, 'index', 40 * BUCKET_BYTES, new AbortController().signal);
    expect(ordered.sorted).toBe(true);
    // Frames 0 … 999 from the origin 0.
    expect(ordered.span).toBe(1000);
    const rows = await collect(ordered.iterate());
    expect(rows.length).toBe(2000);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]];
      expect(a.frame < b.frame || (a.frame === b.frame && a.line < b.line)).toBe(true);
    }
    expect(rows[0]).toEqual({ frame: 0, line: 1, text: 'row 1' });
    expect(sortFolders()).toEqual(before);
  });

  it('hands out row texts unchanged through the buckets, quotes, tabs and line breaks included', async () => {
    const texts = ['"quoted"', 'a\nb\r\nc', 'tab\there', '{"perception": {}}'];
    const read: FrameRowReader = async function* () {
      for (let i = 0; i < texts.length; i++) yield { frame: texts.length - i, line: i + 1, text: texts[i] };
    };
    const ordered = await orderRows('f', read, 1, 'frame', 100, new AbortController().signal);
    expect(ordered.sorted).toBe(true);
    expect((await collect(ordered.iterate())).map((r) => r.text)).toEqual([...texts].reverse());
  });

  it('removes its folder when iteration stops early', async () => {
    const { read } = readerOf([3, 2, 1]);
    const before = sortFolders();
    const ordered = await orderRows('f', read, 1, 'frame', 100, new AbortController().signal);
    for await (const row of ordered.iterate()) {
      expect(row.frame).toBe(1);
      break;
    }
    expect(sortFolders()).toEqual(before);
    expect(existsSync(tmpdir())).toBe(true);
  });

  it(`fills a gap of ${MAX_FRAME_GAP} frames and refuses one more, in either order`, async () => {
    const signal = new AbortController().signal;
    await expect(orderRows('f', readerOf([1, MAX_FRAME_GAP + 2]).read, 1, 'frame', 1, signal)).resolves.toBeDefined();
    await expect(orderRows('f', readerOf([1, MAX_FRAME_GAP + 3]).read, 1, 'frame', 1, signal)).rejects.toThrow(
      new InputError(`f:1 (frame 1) and f:2 (frame 9003) leave 9001 frames without rows between them; at most 9000 are filled with empty frames (fix or split the file)`),
    );
    await expect(orderRows('f', readerOf([5, 1, MAX_FRAME_GAP + 7]).read, 1, 'frame', 1, signal)).rejects.toThrow(
      new InputError(`f:1 (frame 5) and f:3 (frame 9007) leave 9001 frames without rows between them; at most 9000 are filled with empty frames (fix or split the file)`),
    );
  });
});
