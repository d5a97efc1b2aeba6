import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics, type Warning } from '../../src-main/pipeline/diagnostics.js';
import type { FrameSource } from '../../src-main/pipeline/types.js';

/** A frame as plain numbers, for exact comparisons. */
export interface PlainFrame {
  index: number;
  boxes: number[][];
}

/** Reads every frame of `source`; boxes as [left, top, right, bottom, score, classId]. */
export async function readAll(source: FrameSource, signal = new AbortController().signal): Promise<PlainFrame[]> {
  const frames: PlainFrame[] = [];
  for await (const frame of source.frames(signal)) {
    const { count, boxes, scores, classIds } = frame.detections;
    const rows: number[][] = [];
    for (let i = 0; i < count; i++) {
      rows.push([boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], scores[i], classIds[i]]);
    }
    frames.push({ index: frame.index, boxes: rows });
  }
  return frames;
}

/** Diagnostics that keep every warning shown, for assertions. */
export function recordingDiagnostics(): { diagnostics: Diagnostics; warnings: Warning[] } {
  const warnings: Warning[] = [];
  return { diagnostics: new Diagnostics((warning) => warnings.push(warning)), warnings };
}

/** A temporary directory with a `write(name, text)` helper; `remove()` deletes it. */
export function tempDir(): { dir: string; write: (name: string, text: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'crowdheat-sources-'));
  return {
    dir,
    write: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
