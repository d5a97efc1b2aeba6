/**
 * `crowdheat follow` through the built command line against the loopback fake Console: a real
 * one-second interval, records added while it runs, then SIGINT (or SIGTERM): exit 0, the store
 * complete with exactly the fake's inferences, the outputs whole.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { StoreReader } from '../../src-main/store/store.js';
import { formatTimestamp } from '../../src-shared/frames.js';
import { FakeConsole, IMAGE_COLORS, TOKEN_PATH, type FakeRecord } from '../fake-console.js';
import { FollowStore } from '../../src-main/console/follow-store.js';
import { writeFollowSettings } from './follow-fixture.js';

const CLI = join(import.meta.dirname, '../../bin/crowdheat');
const BUILT = existsSync(join(import.meta.dirname, '../../dist/src-main/cli.js'));
const START = Date.UTC(2026, 10, 29, 9, 0, 0, 0);
const record = (second: number): FakeRecord => ({ id: `r${second}`, inferences: [{ T: formatTimestamp(START + second * 1000) }] });

let dir: string;
let fake: FakeConsole;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-follow-cli-'));
  fake = await FakeConsole.start({ devices: [{ device_id: 'cam-1', records: [0, 1, 2].map(record) }] });
  await writeFollowSettings(dir, fake);
});
afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs follow; after each poll line calls `onPoll(n)`, which returns true to stop it with `stopWith`. */
function follow(args: string[], onPoll: (polls: number) => boolean, stopWith: NodeJS.Signals): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'follow', ...args], { cwd: dir, env: { ...process.env, CROWDHEAT_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    let polls = 0;
    let stopped = false;
    // A deadline for the whole follow, so a follow that never stops fails the test instead of hanging it.
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const seen = (stdout.match(/ poll \d+: /g) ?? []).length;
      while (polls < seen) {
        polls += 1;
        if (!stopped && onPoll(polls)) {
          stopped = true;
          child.kill(stopWith);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(deadline);
      done({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!BUILT)('crowdheat follow (built CLI)', () => {
  it('polls every second, stores what the device adds, and on SIGINT exits 0 with a complete store and whole outputs', async () => {
    const outcome = await follow(
      ['--config_path', 'heat_map_app.yaml', '--interval', '1'],
      (polls) => {
        if (polls === 1) fake.appendRecords('cam-1', [3, 4].map(record));
        if (polls === 2) fake.appendRecords('cam-1', [5].map(record));
        return polls >= 3;
      },
      'SIGINT',
    );
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/poll 1: 3 new inferences, 3 in all, last T 20261129090002000 \(2026-11-29T09:00:02\.000Z\)/);
    expect(outcome.stdout).toMatch(/stopped after \d+ polls \(0 failed\): 6 frames, \d+ detections in /);
    const store = await StoreReader.open(join(dir, 'out'));
    try {
      expect((await store.frames()).t).toEqual(fake.inferenceTimes('cam-1'));
    } finally {
      store.close();
    }
    const summary = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as { frames: number; follow: { following: boolean } };
    expect(summary.frames).toBe(6);
    expect(summary.follow.following).toBe(false);
    const picture = await sharp(join(dir, 'out', 'heatmap_period.png')).metadata();
    expect([picture.format, picture.width, picture.height]).toEqual(['png', 64, 48]);
  }, 90_000);

  it('SIGTERM stops it as Ctrl-C does, and a second follow continues the same store', async () => {
    const first = await follow(['--config_path', 'heat_map_app.yaml', '--interval', '1'], () => true, 'SIGTERM');
    expect(first.code).toBe(0);
    fake.appendRecords('cam-1', [7, 8].map(record));
    const second = await follow(['--config_path', 'heat_map_app.yaml', '--interval', '1'], () => true, 'SIGTERM');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/poll 1: 2 new inferences, 5 in all/);
    const store = await StoreReader.open(join(dir, 'out'));
    try {
      expect((await store.frames()).t).toEqual(fake.inferenceTimes('cam-1'));
    } finally {
      store.close();
    }
  }, 90_000);

  it('Case 1: polls the image folder too, stores each new image\'s T once, paired with its inference, and draws heatmap_period.png over the newest image', async () => {
    const image = (second: number): string => `${formatTimestamp(START + second * 1000)}.jpg`;
    fake.appendImages('cam-1', 'snaps', [0, 1].map(image));
    const outcome = await follow(
      ['--config_path', 'heat_map_app.yaml', '--interval', '1', '--set', 'data_source_settings.console_data_settings.sub_directory_name=snaps',
        // Case 1 settings need a range start (as a run's); it bounds the inferences, not the images followed.
        '--set', `data_source_settings.console_data_settings.first_timestamp=${formatTimestamp(START)}`],
      (polls) => {
        if (polls === 1) {
          fake.appendRecords('cam-1', [3, 4].map(record));
          // match_tolerance_ms is 0: the image at 4.5 s pairs with no inference (the newest: the fake's fifth colour).
          fake.appendImages('cam-1', 'snaps', [image(3), image(4), image(4.5)]);
        }
        return polls >= 3;
      },
      'SIGINT',
    );
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/poll 1: 3 new inferences, 3 in all, last T 20261129090002000 \(2026-11-29T09:00:02\.000Z\); 2 new images, 2 in all\n/);
    expect(outcome.stdout).toMatch(/poll 2: 2 new inferences, 5 in all, .*; 3 new images, 5 in all\n/);
    expect(outcome.stdout).toMatch(/poll 3: 0 new inferences, 5 in all, .*; 0 new images, 5 in all\n/);
    const store = await FollowStore.open(join(dir, 'out', 'crowdheat.duckdb'), { deviceId: 'cam-1', settings: '{}', sourceName: 'heatmap' });
    try {
      const T = (second: number): string => formatTimestamp(START + second * 1000);
      expect(await store.images()).toEqual([
        { t: T(0), inferenceT: T(0) },
        { t: T(1), inferenceT: T(1) },
        { t: T(3), inferenceT: T(3) },
        { t: T(4), inferenceT: T(4) },
        { t: T(4.5), inferenceT: null },
      ]);
    } finally {
      store.close();
    }
    // In the bottom-left corner, with no heat there, the picture shows the newest image: the fake's fifth colour.
    const { data, info } = await sharp(join(dir, 'out', 'heatmap_period.png')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([64, 48]);
    const colour = IMAGE_COLORS[4 % IMAGE_COLORS.length];
    const at = (info.height - 2) * info.width * info.channels + 1 * info.channels;
    for (let channel = 0; channel < 3; channel++) expect(Math.abs((data[at + channel] ?? 0) - colour[channel])).toBeLessThan(12);
  }, 90_000);

  it('Ctrl-C during the first token request exits 0 with nothing written', async () => {
    fake.inject({ kind: 'hang' }, 1, 'token');
    const outcome = await new Promise<Outcome>((done, fail) => {
      const child = spawn(process.execPath, [CLI, 'follow', '--config_path', 'heat_map_app.yaml'], { cwd: dir, env: { ...process.env, CROWDHEAT_DEBUG: '' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Ctrl-C once the token request hangs on the Console; deadlines so that nothing waits for ever.
      const started = Date.now();
      const watch = setInterval(() => {
        if (fake.requests.some((request) => request.path === TOKEN_PATH)) {
          clearInterval(watch);
          child.kill('SIGINT');
        } else if (Date.now() - started > 30_000) {
          clearInterval(watch);
          child.kill('SIGKILL');
        }
      }, 50);
      const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', fail);
      child.on('close', (code) => {
        clearInterval(watch);
        clearTimeout(deadline);
        done({ code, stdout, stderr });
      });
    });
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/stopped before the first poll: nothing was written\n$/);
    expect(fake.requests.map((request) => request.path)).toEqual([TOKEN_PATH]);
    expect(existsSync(join(dir, 'out', 'crowdheat.duckdb'))).toBe(false);
    expect(existsSync(join(dir, 'out', 'summary.json'))).toBe(false);
  }, 90_000);

  it('refuses an interval out of range before any work, exit 2', async () => {
    const outcome = await follow(['--config_path', 'heat_map_app.yaml', '--interval', '0.5'], () => false, 'SIGINT');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim()).toBe('crowdheat: --interval: must be a number of seconds from 1 to 3600, got 0.5');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 30_000);
});
