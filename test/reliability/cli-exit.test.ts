/**
 * Exit codes of the built command line when an external process fails: a crashed, killed or
 * stalled ffmpeg is exit 1 (the README keeps 2 for bad settings or input), with one line naming
 * ffmpeg; Ctrl-C on a run stuck on ffmpeg is exit 130 at once. `npm test` builds first.
 */
import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, writeSeedCsv, type Box } from '../video/fixtures.js';
import { descendantsNamed } from '../video/processes.js';

const CLI = resolve('bin', 'crowdheat');

interface Outcome {
  code: number | null;
  stderr: string;
  /** Milliseconds from the SIGINT (when sent) to the exit. */
  afterInterrupt: number | null;
}

describe('crowdheat run: exit codes when ffmpeg fails', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const boxes: Box[][] = Array.from({ length: 30 }, (_, i) => [[i * 4, 100, i * 4 + 200, 700]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
  });
  afterAll(() => cleanup());

  const fake = async (name: string, body: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\ncase "$*" in *-version*) echo "ffmpeg version fake"; exit 0;; esac\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  };

  const run = (ffmpeg: string, env: Record<string, string>, interruptWhen?: () => boolean): Promise<Outcome> =>
    new Promise((done, fail) => {
      const child = spawn(
        process.execPath,
        [CLI, 'run', '--meta_file', 'meta.csv', '--video_file', '', '--output_dir', `out-${Math.random().toString(16).slice(2)}`, '--set', `output_settings.ffmpeg_path=${ffmpeg}`, '-q'],
        { cwd: dir, env: { ...process.env, CROWDHEAT_DEBUG: '', ...env } },
      );
      let stderr = '';
      let interruptedAt: number | null = null;
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const poll =
        interruptWhen === undefined
          ? null
          : setInterval(() => {
              if (interruptedAt === null && interruptWhen()) {
                interruptedAt = performance.now();
                child.kill('SIGINT');
              }
            }, 50);
      child.on('error', fail);
      child.on('close', (code) => {
        if (poll !== null) clearInterval(poll);
        done({ code, stderr, afterInterrupt: interruptedAt === null ? null : performance.now() - interruptedAt });
      });
    });

  const oneLine = (outcome: Outcome): string => {
    expect(outcome.stderr.endsWith('\n')).toBe(true);
    const lines = outcome.stderr.slice(0, -1).split('\n');
    expect(lines).toHaveLength(1);
    expect(outcome.stderr).not.toContain('    at ');
    return lines[0];
  };

  it('an ffmpeg killed by a signal is exit 1, one line naming ffmpeg', async () => {
    const outcome = await run(await fake('killed-ffmpeg', 'kill -9 $$'), {});
    expect(outcome.code).toBe(1);
    expect(oneLine(outcome)).toMatch(/^crowdheat: ffmpeg .* while encoding \S+heatmap\.mp4 \(killed by SIGKILL\): /);
  });

  it('an ffmpeg that stalls is exit 1 after the stall limit, one line naming ffmpeg', async () => {
    const stuck = await fake('stalled-ffmpeg', 'exec sleep 30');
    const outcome = await run(stuck, { CROWDHEAT_FFMPEG_STALL_MS: '1000' });
    expect(outcome.code).toBe(1);
    expect(oneLine(outcome)).toMatch(
      new RegExp(`^crowdheat: ffmpeg made no progress for 1 s while encoding \\S+heatmap\\.mp4 and was stopped \\(${stuck}\\)$`),
    );
  });

  it('Ctrl-C on a run stuck on ffmpeg exits 130 at once', async () => {
    const stuck = await fake('stuckcli-ffmpeg', 'sleep 30');
    let seenAt: number | null = null;
    const outcome = await run(stuck, { CROWDHEAT_FFMPEG_STALL_MS: '600000' }, () => {
      // Interrupt half a second after the stuck encoder appears (its pipe is full by then).
      if (seenAt === null && descendantsNamed('stuckcli-ffmpeg').length > 0) seenAt = performance.now();
      return seenAt !== null && performance.now() - seenAt > 500;
    });
    expect(outcome.code).toBe(130);
    expect(outcome.afterInterrupt).not.toBeNull();
    // The promise is 1 s; the margin is for a loaded 2-core machine (process exit and reaping).
    expect(outcome.afterInterrupt).toBeLessThan(2000);
    expect(descendantsNamed('stuckcli-ffmpeg')).toEqual([]);
  });
});
