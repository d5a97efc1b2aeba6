/**
 * The packaged app's `--smoke-test` path, run here in Node: the same runSmokeTest that
 * src-main/electron/main.ts calls, with the analysis worker as a real forked child process
 * (the utilityProcess adapter over Node's fork, as test/app/electron-shell.test.ts does).
 * Electron itself does not run here; the release workflow runs the packaged app.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSmokeTest, SMOKE_TEST_FRAMES, wantsSmokeTest } from '../../src-main/app/smoke-test.js';
import { utilityProcessWorker, type UtilityChild } from '../../src-main/electron/pipeline-process.js';
import { runInWorker } from '../../src-main/pipeline/worker-client.js';
import { WORKER_ENV } from '../../src-main/pipeline/worker-protocol.js';
import type { RunAnalysis } from '../../src-main/app/analysis.js';

const BUILT_WORKER = fileURLToPath(new URL('../../dist/src-main/pipeline/worker.js', import.meta.url));

/** A forked worker behind the utilityProcess surface main.ts gives runInWorker. */
function forkedChild(): UtilityChild {
  const child = fork(BUILT_WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, [WORKER_ENV]: '1' } });
  const adapter = {
    postMessage: (message: unknown) => void child.send(message as object),
    on(event: 'message' | 'exit', listener: (value: never) => void) {
      if (event === 'message') child.on('message', listener as (message: unknown) => void);
      else child.on('exit', (code) => (listener as (code: number) => void)(code ?? 0));
      return adapter;
    },
    kill: () => child.kill(),
  };
  return adapter as UtilityChild;
}

const appAnalysis: RunAnalysis = (settings, options) => runInWorker(settings, { ...options, startWorker: utilityProcessWorker(forkedChild) });

describe('the flag', () => {
  it('is --smoke-test anywhere on the command line', () => {
    expect(wantsSmokeTest(['/opt/crowdheat/crowdheat', '--no-sandbox', '--smoke-test'])).toBe(true);
    expect(wantsSmokeTest(['/opt/crowdheat/crowdheat'])).toBe(false);
  });
});

describe.skipIf(!existsSync(BUILT_WORKER))('runSmokeTest through the app\'s worker process', () => {
  let temp = '';
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'crowdheat-smoke-test-'));
  });
  afterAll(() => rm(temp, { recursive: true, force: true }));

  it('analyses the demo with its video, finds every output and returns 0, leaving nothing behind', async () => {
    const lines: string[] = [];
    const code = await runSmokeTest({ runAnalysis: appAnalysis, tempDir: temp, log: (line) => lines.push(line) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^crowdheat smoke test: ok, ${SMOKE_TEST_FRAMES} frames analysed, \\d+ detections, outputs complete$`));
    expect(code).toBe(0);
    expect(await readdir(temp)).toEqual([]);
  }, 180_000);

  it('returns 1 with one line naming the failure when the analysis fails', async () => {
    const lines: string[] = [];
    const failing: RunAnalysis = async () => {
      throw new Error('video_file /x.mp4: cannot be read');
    };
    expect(await runSmokeTest({ runAnalysis: failing, tempDir: temp, log: (line) => lines.push(line) })).toBe(1);
    expect(lines).toEqual(['crowdheat smoke test: FAILED: video_file /x.mp4: cannot be read']);
  }, 60_000);

  it('returns 1 when an output is missing', async () => {
    const lines: string[] = [];
    const noVideo: RunAnalysis = async (settings, options) => {
      const summary = await appAnalysis(settings, options);
      delete summary.video;
      return summary;
    };
    expect(await runSmokeTest({ runAnalysis: noVideo, tempDir: temp, log: (line) => lines.push(line) })).toBe(1);
    expect(lines).toEqual(['crowdheat smoke test: FAILED: no heat video was written']);
  }, 180_000);

  it('returns 1 when the analysis does not finish before the deadline', async () => {
    const lines: string[] = [];
    const stuck: RunAnalysis = (_settings, options) =>
      new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(new Error('cancelled'))));
    expect(await runSmokeTest({ runAnalysis: stuck, tempDir: temp, log: (line) => lines.push(line), deadlineMs: 3000 })).toBe(1);
    expect(lines).toEqual(['crowdheat smoke test: FAILED: no result within 3 s']);
  }, 60_000);
});

describe('the release workflow', () => {
  it('builds on Linux, Windows and macOS runners and smoke-tests each packaged app', async () => {
    const { load } = await import('js-yaml');
    const { readFile } = await import('node:fs/promises');
    const workflow = load(await readFile(fileURLToPath(new URL('../../.github/workflows/release.yml', import.meta.url)), 'utf8')) as {
      jobs: { installer: { strategy: { matrix: { include: Array<{ name: string; os: string; app: string }> } }; steps: Array<{ run?: string; if?: string }> } };
    };
    const job = workflow.jobs.installer;
    expect(job.strategy.matrix.include.map((entry) => [entry.name, entry.os])).toEqual([
      ['linux', 'ubuntu-latest'], ['windows', 'windows-latest'], ['macos', 'macos-latest'],
    ]);
    const smokeSteps = job.steps.filter((step) => step.run?.includes('--smoke-test') === true);
    expect(smokeSteps.map((step) => step.if)).toEqual(["matrix.name == 'linux'", "matrix.name == 'macos'", "matrix.name == 'windows'"]);
    expect(job.steps.some((step) => step.run?.startsWith('npx electron-builder') === true)).toBe(true);
  });
});
