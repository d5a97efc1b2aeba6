/**
 * How a run's sinks finish: the standalone ones side by side, then the others one after another
 * in their order; a failure is thrown once every finish in flight has ended. And a video paired
 * with shorter metadata expects the metadata's count of frames once its first pass is done.
 */
import { readFile } from 'node:fs/promises';
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
function recordingSink(name: string, events: string[], standalone: boolean, finish: () => Promise<void>): SinkFactory {
  return (): Sink => ({
    ...(standalone ? { standalone: true } : {}),
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

/** Resolves once `events` holds `event`; rejects after 10 s (the finishes did not overlap). */
async function until(events: string[], event: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!events.includes(event)) {
    if (Date.now() > deadline) throw new Error(`${event} never happened while another finish waited for it`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('finishing the sinks', () => {
  it('finishes standalone sinks side by side, then the others in order once all of those are done', async () => {
    const events: string[] = [];
    // Each standalone finish waits for the other to have started: one after another, this fails.
    const one = recordingSink('one', events, true, () => until(events, 'two started'));
    const two = recordingSink('two', events, true, () => until(events, 'one started'));
    const three = recordingSink('three', events, false, async () => undefined);
    const four = recordingSink('four', events, false, async () => undefined);
    await runPipeline(metadataRun('side-by-side'), { extraSinks: [three, one, four, two] });
    expect(events.slice(0, 2).sort()).toEqual(['one started', 'two started']);
    expect(events.slice(2, 4).sort()).toEqual(['one ended', 'two ended']);
    expect(events.slice(4)).toEqual(['three started', 'three ended', 'four started', 'four ended']);
  });

  it('throws the first failure in sink order only after every standalone finish in flight has ended, then aborts', async () => {
    const events: string[] = [];
    const failing = recordingSink('failing', events, true, async () => {
      throw new Error('the failing sink gave up');
    });
    const slow = recordingSink('slow', events, true, () => new Promise((resolve) => setTimeout(resolve, 300)));
    const later = recordingSink('later', events, false, async () => undefined);
    await expect(runPipeline(metadataRun('failure'), { extraSinks: [failing, slow, later] })).rejects.toThrow('the failing sink gave up');
    expect(events.slice(0, 3)).toEqual(['failing started', 'slow started', 'slow ended']);
    expect(events).not.toContain('later started');
    expect(events.slice(3).sort()).toEqual(['failing aborted', 'later aborted', 'slow aborted']);
  });
});

describe('a cancel while the sinks finish', () => {
  it('settles only once the finishes in flight have ended, and aborts each sink after its finish', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const slow = recordingSink('slow', events, true, () => new Promise((resolve) => setTimeout(resolve, 300)));
    const cancelling = recordingSink('cancelling', events, true, async () => controller.abort());
    const later = recordingSink('later', events, false, async () => undefined);
    const settings = metadataRun('cancel-finishing');
    const error = await runPipeline(settings, { signal: controller.signal, extraSinks: [slow, cancelling, later] }).then(
      () => null,
      (caught: unknown) => caught,
    );
    const atSettle = [...events];
    expect(error).toBeInstanceOf(CancelledError);
    expect(atSettle).toContain('slow ended');
    expect(atSettle.indexOf('slow aborted')).toBeGreaterThan(atSettle.indexOf('slow ended'));
    expect(atSettle).not.toContain('later started');
  });
});

describe("the summary's fields from standalone finishes", () => {
  it('come in sink order in summary.json, not in the order the finishes end', async () => {
    const events: string[] = [];
    // The first sink in order ends last: its field still comes first.
    const late = recordingSink('late', events, true, () => until(events, 'early ended'));
    const early = recordingSink('early', events, true, async () => undefined);
    const adding = (factory: SinkFactory, field: string): SinkFactory => async (context) => {
      const sink = await factory(context);
      if (sink === null) return null;
      return {
        ...sink,
        async finish(summary) {
          await sink.finish(summary);
          Object.assign(summary, { [field]: true });
        },
      };
    };
    const settings = metadataRun('field-order');
    const summary = await runPipeline(settings, { extraSinks: [adding(late, 'late_field'), adding(early, 'early_field')] });
    expect(events).toEqual(['late started', 'early started', 'early ended', 'late ended']);
    const written = Object.keys(JSON.parse(await readFile(join(dir, 'field-order', 'summary.json'), 'utf8')) as object);
    expect(written.filter((key) => key.endsWith('_field'))).toEqual(['late_field', 'early_field']);
    expect(Object.keys(summary).filter((key) => key.endsWith('_field'))).toEqual(['late_field', 'early_field']);
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
