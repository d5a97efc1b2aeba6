import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeatVideoEncoder } from '../../src-main/ffmpeg/encoder.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { ffmpegEnvironment, MALLOC_MMAP_THRESHOLD, MALLOC_TRIM_THRESHOLD } from '../../src-main/ffmpeg/spawn.js';
import { makeTempDir } from './fixtures.js';

/** The environment of a running process, read from /proc (Linux). */
function environmentOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((entry) => entry !== '');
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

describe('the environment ffmpeg runs with', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterAll(() => cleanup());

  it('fixes glibc malloc\'s mmap threshold at 32 MiB and its trim threshold at 64 MiB, and keeps the rest of the environment', () => {
    expect(MALLOC_MMAP_THRESHOLD).toBe(33_554_432);
    expect(MALLOC_TRIM_THRESHOLD).toBe(67_108_864);
    const env = ffmpegEnvironment({ PATH: '/usr/bin', HOME: '/home/x' });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/x', MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '67108864' });
  });

  it('keeps each threshold the user set, and sets the other', () => {
    const given = { MALLOC_MMAP_THRESHOLD_: '1048576' };
    expect(ffmpegEnvironment(given)).toEqual({ MALLOC_MMAP_THRESHOLD_: '1048576', MALLOC_TRIM_THRESHOLD_: '67108864' });
    expect(given).toEqual({ MALLOC_MMAP_THRESHOLD_: '1048576' });
    expect(ffmpegEnvironment({ MALLOC_TRIM_THRESHOLD_: '0' })).toEqual({ MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '0' });
  });

  it.runIf(process.platform === 'linux')('reaches the compositing ffmpeg of a heat video, beside this process\'s own variables', async () => {
    const ffmpeg = await bundledFfmpegPath();
    const path = join(dir, 'environment.mp4');
    const encoder = new HeatVideoEncoder({
      ffmpeg, path, width: 64, height: 64, rate: { num: 2, den: 1 }, columns: 2, rows: 2,
      interpolation: 'nearest', background: { kind: 'none' }, transparency: 0.5,
      label: { x: 0, y: 0, width: 2, height: 2 }, colorbar: null,
    });
    const seen = environmentOf(encoder.pid as number);
    for (let k = 0; k < 3; k++) await encoder.write({ heat: new Uint8Array(16).fill(200), label: new Uint8Array(8) });
    await encoder.finish();
    expect(seen.get('MALLOC_MMAP_THRESHOLD_')).toBe('33554432');
    expect(seen.get('MALLOC_TRIM_THRESHOLD_')).toBe('67108864');
    expect(seen.get('PATH')).toBe(process.env.PATH);
    expect(await probeVideo(ffmpeg, path)).toMatchObject({ width: 64, height: 64, frameCount: 3 });
  });
});
