import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterFirstPass } from '../progress-reports.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import type { Progress, SinkFactory } from '../../src-main/pipeline/types.js';
import { openSeedCsv } from '../../src-main/sources/seed-csv.js';
import { openMot } from '../../src-main/sources/mot.js';
import { defaultSettings } from '../../src-shared/settings/types.js';
import { Diagnostics } from '../../src-main/pipeline/diagnostics.js';
import type { FrameSource } from '../../src-main/pipeline/types.js';
import { ReadMeter } from '../../src-main/sources/read-meter.js';
import { formatProgress } from '../../src-main/cli/progress.js';
import { progressFacts } from '../../src-renderer/logic/progress.js';

const ROW = '"{""perception"": {""object_detection_list"": [{""class_id"": 0, ""bounding_box"": {""left"": 10, ""top"": 20, ""right"": 110, ""bottom"": 220}, ""score"": 0.9}]}}"';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-meta-progress-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A seed CSV with rows for `indices` (in the order given) after a header. */
async function writeCsv(indices: readonly number[]): Promise<string> {
  const path = join(dir, 'meta.csv');
  await writeFile(path, ['index,meta', ...indices.map((index) => `${index},${ROW}`)].join('\n') + '\n');
  return path;
}

/** Slows each frame down so the run lasts long enough for several throttled progress reports (none is timed). */
const slowSink: SinkFactory = () => ({
  write: () => new Promise<void>((done) => setTimeout(done, 12)),
  finish: async () => undefined,
  abort: async () => undefined,
});

async function progressOfRun(metaFile: string, format: 'seed_csv' | 'mot'): Promise<Progress[]> {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = metaFile;
  settings.data_source_settings.local_data_settings.meta_format = format;
  settings.output_settings.output_dir = join(dir, 'out');
  const progress: Progress[] = [];
  await runPipeline(settings, { onProgress: (p) => progress.push(p), extraSinks: [slowSink] });
  return afterFirstPass(progress);
}

describe('progress of metadata-only analyses', () => {
  it('a seed CSV run reports a rising fraction of the frames from its first pass, ending at 1', async () => {
    // Rows out of order and a gap: frames 0–39 are yielded (3 and 17 empty), 40 in all.
    const indices = Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 3 && i !== 17).reverse();
    const progress = await progressOfRun(await writeCsv(indices), 'seed_csv');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    for (const report of progress) expect(report.expectedFrames).toBe(40);
    const fractions = progress.map((report) => report.frames / (report.expectedFrames ?? Number.NaN));
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions[0]).toBeLessThan(1);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(progress[progress.length - 1]).toMatchObject({ frames: 40, expectedFrames: 40 });
  });

  it('measures the rate from the first frame, not from the first pass over the file: none at the first frame', async () => {
    const progress = await progressOfRun(await writeCsv(Array.from({ length: 30 }, (_, i) => i)), 'seed_csv');
    expect(progress[0]).toEqual({ frames: 1, expectedFrames: 30, rate: 0 });
    for (const report of progress.slice(1)) expect(report.rate).toBeGreaterThan(0);
  });

  it('a MOT run whose last frame has only unreadable rows still ends its progress at 1 of the frames read', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${i + 1},-1,10,20,30,40,0.9,-1,-1,-1`);
    lines.push('31,-1,x,20,30,40,0.9,-1,-1,-1');
    const path = join(dir, 'det.txt');
    await writeFile(path, lines.join('\n') + '\n');
    const progress = await progressOfRun(path, 'mot');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    // The first pass sees frame numbers up to 31; frame 31 has no usable row, so 30 frames are read.
    expect(progress[0].expectedFrames).toBe(31);
    expect(progress[progress.length - 1]).toMatchObject({ frames: 30, expectedFrames: 30 });
  });

  it('the sources know their frame count once iteration has begun, not before', async () => {
    const diagnostics = new Diagnostics(() => undefined);
    const csv = openSeedCsv(await writeCsv([5, 2, 9]), diagnostics);
    expect(csv.expectedFrames).toBeUndefined();
    const iterator = csv.frames(new AbortController().signal)[Symbol.asyncIterator]();
    await iterator.next();
    expect(csv.expectedFrames).toBe(10);
    await iterator.return?.(undefined);

    const motPath = join(dir, 'gt-free.txt');
    await writeFile(motPath, ['4,-1,1,1,2,2,1', '2,-1,1,1,2,2,1'].join('\n'));
    const mot = openMot(motPath, diagnostics);
    let frames = 0;
    for await (const frame of mot.frames(new AbortController().signal)) {
      expect(frame.index).toBe(frames);
      frames += 1;
    }
    expect(mot.expectedFrames).toBe(4);
    expect(frames).toBe(4);
  });

  /** Samples `source.preparing()` at every turn of the event loop until the first frame arrives; the frame count then. */
  async function preparationOf(source: FrameSource): Promise<{ shares: number[]; after: number | undefined }> {
    const shares: number[] = [];
    let waiting = true;
    const sample = (): void => {
      if (!waiting) return;
      const share = source.preparing?.();
      if (share !== undefined) shares.push(share);
      setImmediate(sample);
    };
    sample();
    const iterator = source.frames(new AbortController().signal)[Symbol.asyncIterator]();
    await iterator.next();
    waiting = false;
    const after = source.preparing?.();
    await iterator.return?.(undefined);
    return { shares, after };
  }

  it('a seed CSV reports how much of the file its first pass has read, rising to the whole file, then nothing', async () => {
    // About 9 MB: the first pass reads it in 1 MiB pieces, a turn of the event loop between them.
    const indices = Array.from({ length: 40_000 }, (_, i) => i);
    const { shares, after } = await preparationOf(openSeedCsv(await writeCsv(indices), new Diagnostics()));
    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThanOrEqual(shares[i - 1]);
    expect(shares.some((share) => share > 0 && share < 1)).toBe(true);
    expect(shares[shares.length - 1]).toBe(1);
    expect(after).toBeUndefined();
  });

  it('a MOT file reports its first pass the same way', async () => {
    const path = join(dir, 'det.txt');
    await writeFile(path, Array.from({ length: 120_000 }, (_, i) => `${Math.floor(i / 4) + 1},-1,10,20,30,40,0.9,-1,-1,-1`).join('\n') + '\n');
    const { shares, after } = await preparationOf(openMot(path, new Diagnostics()));
    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThanOrEqual(shares[i - 1]);
    expect(shares.some((share) => share > 0 && share < 1)).toBe(true);
    expect(shares[shares.length - 1]).toBe(1);
    expect(after).toBeUndefined();
  });

  it('a read meter keeps the furthest pass, and is 0 until the size is known', () => {
    const meter = new ReadMeter();
    meter.observe(50);
    expect(meter.share()).toBe(0);
    meter.setTotal(200);
    expect(meter.share()).toBe(0.25);
    meter.observe(20);
    expect(meter.share()).toBe(0.25);
    meter.observe(200);
    expect(meter.share()).toBe(1);
    meter.observe(300);
    expect(meter.share()).toBe(1);
  });

  it('the CLI line and the app bar say the input is being read, with its share, before the first frame', () => {
    expect(formatProgress({ frames: 0, rate: 0, preparing: 0.25 }, false)).toBe('reading the input  25.0%');
    expect(formatProgress({ frames: 0, rate: 0, preparing: 0.25 }, true)).toBe('reading the input  25.0%');
    expect(progressFacts(0, undefined, 0, 0.426)).toEqual({ percent: 42, frames: 'reading the input', rate: '', eta: '' });
    // Once frames come, the frames' share is shown.
    expect(progressFacts(150, 600, 50, 1)).toEqual({ percent: 25, frames: '150 / 600 frames', rate: '50.0 frames/s', eta: 'about 9 s left' });
  });
});
