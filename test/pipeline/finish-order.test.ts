/**
 * How a run's sinks finish: one after another in their order, a failure leaving the later ones
 * unfinished and every sink aborted once no finish is in flight; a cancel settles only after the
 * finish in flight has ended. And a video paired with shorter metadata expects the metadata's
 * count of frames once its first pass is done.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterFirstPass } from '../progress-reports.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { CancelledError } from '../../src-shared/errors.js';
import type { Progress, Sink, SinkFactory } from '../../src-main/pipeline/types.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import { localSettings, makeTempDir, makeVideo, writeSeedCsv } from '../video/fixtures.js';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  await writeSeedCsv(join(dir, 'meta.csv'), Array.from({ length: 6 }, () => [[10, 10, 60, 60]]));
});
afterAll(() => cleanup());

function metadataRun(outputDir: string): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = join(dir, 'meta.csv');
  settings.output_settings.output_dir = join(dir, outputDir);
  settings.output_settings.per_frame_outputs = 'never';
  return settings;
}

/** A sink whose finish runs `finish` and records its start and end in `events`. */
function recordingSink(name: string, events: string[], finish: () => Promise<void>): SinkFactory {
  return (): Sink => ({
    write: () => undefined,
    async finish() {
      events.push(`${name} started`);
      await finish();
      events.push(`${name} ended`);
    },
    abort: async () => {
      events.push(`${name} aborted`);
    },
  });
}

describe('finishing the sinks', () => {
  it('finishes them one after another in their order', async () => {
    const events: string[] = [];
    const slow = recordingSink('slow', events, () => new Promise((resolve) => setTimeout(resolve, 200)));
    const quick = recordingSink('quick', events, async () => undefined);
    await runPipeline(metadataRun('in-order'), { extraSinks: [slow, quick] });
    expect(events).toEqual(['slow started', 'slow ended', 'quick started', 'quick ended']);
  });

  it('a failing finish leaves the sinks after it unfinished, and every sink is aborted', async () => {
    const events: string[] = [];
    const before = recordingSink('before', events, async () => undefined);
    const failing = recordingSink('failing', events, async () => {
      throw new Error('the failing sink gave up');
    });
    const later = recordingSink('later', events, async () => undefined);
    await expect(runPipeline(metadataRun('failure'), { extraSinks: [before, failing, later] })).rejects.toThrow('the failing sink gave up');
    expect(events.slice(0, 3)).toEqual(['before started', 'before ended', 'failing started']);
    expect(events.slice(3).sort()).toEqual(['before aborted', 'failing aborted', 'later aborted']);
  });

  it("a run whose heatmap.png cannot be written commits no store and no period pictures beside an earlier run's files", async () => {
    const settings = metadataRun('png-fails');
    // A folder where heatmap.png goes: its finish fails; the store's comes after it.
    await mkdir(join(dir, 'png-fails', 'heatmap.png'), { recursive: true });
    await expect(runPipeline(settings)).rejects.toThrow();
    expect((await readdir(join(dir, 'png-fails'))).sort()).toEqual(['heatmap.png']);
  });
});

describe('a cancel while the sinks finish', () => {
  it('settles only once the finish in flight has ended, and aborts each sink after it', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const cancelling = recordingSink('cancelling', events, async () => {
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const later = recordingSink('later', events, async () => undefined);
    const error = await runPipeline(metadataRun('cancel-finishing'), { signal: controller.signal, extraSinks: [cancelling, later] }).then(
      () => null,
      (caught: unknown) => caught,
    );
    const atSettle = [...events];
    expect(error).toBeInstanceOf(CancelledError);
    expect(atSettle).toContain('cancelling ended');
    expect(atSettle.indexOf('cancelling aborted')).toBeGreaterThan(atSettle.indexOf('cancelling ended'));
    expect(atSettle).not.toContain('later started');
  });
});

describe('a video longer than its metadata', () => {
  it("expects the metadata's count of frames, so progress ends at 6 of 6, not 6 of the video's 10", async () => {
    await makeVideo(join(dir, 'ten.mp4'), { frames: 10, width: 64, height: 36 });
    const settings = localSettings(dir, join(dir, 'ten.mp4'), { output_video_width: 64, output_video_height: 36 });
    const progress: Progress[] = [];
    const summary = await runPipeline(settings, { onProgress: (report) => progress.push(report) });
    expect(summary.frames).toBe(6);
    const counted = afterFirstPass(progress);
    expect(counted.length).toBeGreaterThan(0);
    for (const report of counted) expect(report.expectedFrames).toBe(6);
    expect(counted[counted.length - 1]).toMatchObject({ frames: 6, expectedFrames: 6 });
  });
});
