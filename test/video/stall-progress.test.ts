/**
 * The stall watchdog and ffmpeg's progress reports: an ffmpeg that reads nothing but goes on
 * writing `-progress` blocks that say nothing new (as ffmpeg does while it waits for good) is
 * stopped after the stall limit, not taken for alive.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALL_ENV } from '../../src-main/ffmpeg/spawn.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { ProcessError } from '../../src-shared/errors.js';
import { localSettings, makeTempDir, writeSeedCsv, type Box } from './fixtures.js';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
const previousStall = process.env[STALL_ENV];
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  await writeSeedCsv(join(dir, 'meta.csv'), Array.from({ length: 400 }, (_, i): Box[] => [[i, 100, i + 200, 700]]));
  process.env[STALL_ENV] = '1000';
});
afterAll(async () => {
  if (previousStall === undefined) delete process.env[STALL_ENV];
  else process.env[STALL_ENV] = previousStall;
  await cleanup();
});

describe('an ffmpeg that repeats the same progress block and reads nothing', () => {
  it('is stopped after the stall limit with the one-line stall error', async () => {
    // Answers -version like ffmpeg; then, as the run's encoder, writes the same block every 0.2 s for 20 s.
    const repeating = join(dir, 'repeating-ffmpeg');
    const block = String.raw`frame=3\ntotal_size=48\nout_time_ms=300000\nprogress=continue\n`;
    await writeFile(
      repeating,
      `#!/bin/sh\ncase "$*" in *-version*) echo "ffmpeg version fake"; exit 0;; esac\n` +
        `i=0; while [ $i -lt 100 ]; do printf '${block}'; sleep 0.2; i=$((i+1)); done\n`,
    );
    await chmod(repeating, 0o755);
    const out = join(dir, 'out');
    const settings = localSettings(dir, '', { ffmpeg_path: repeating, output_dir: out, output_video_width: 1280, output_video_height: 720 });
    const error = await runPipeline(settings).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProcessError);
    expect((error as Error).message).toBe(
      `ffmpeg made no progress for 1 s while encoding ${join(out, 'video', 'heatmap.mp4')} and was stopped (${repeating})`,
    );
  }, 60_000);
});
