import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryPathFor } from '../../src-main/sinks/atomic.js';
import { PARTIAL_NAME, removeLeftoverPartials } from '../../src-main/sinks/leftovers.js';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { localSettings, makeTempDir, writeSeedCsv, type Box } from '../video/fixtures.js';
import { deadPid, descendantsNamed, isAlive } from '../video/processes.js';

const CLI = resolve('bin', 'crowdheat');
const FRAMES = 30;

describe('partial files left by a killed run', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const boxes: Box[][] = Array.from({ length: FRAMES }, (_, i) => [[i * 4, 100, i * 4 + 200, 700]]);
    await writeSeedCsv(join(dir, 'meta.csv'), boxes);
  });
  afterAll(() => cleanup());

  it('the atomic writers name their temporary files as the cleaner recognises them', () => {
    const name = basename(temporaryPathFor('/out/video/clip_heatmap.mp4'));
    const match = PARTIAL_NAME.exec(name);
    expect(match?.[1]).toBe(String(process.pid));
  });

  it("removes a dead run's partial files from the output folders, and nothing of the user's or of a live run", async () => {
    const out = join(dir, 'out-tidy');
    const dead = deadPid();
    await mkdir(join(out, 'video'), { recursive: true });
    await mkdir(join(out, 'detect'), { recursive: true });
    await mkdir(join(out, 'mine'), { recursive: true });
    const leftovers = [
      join(out, `.griddata.npy.${dead}-0a1b2c3d.partial`),
      join(out, 'video', `.meta_heatmap.mp4.${dead}-deadbeef.partial`),
      join(out, 'detect', `.000003.json.${dead}-00000000.partial`),
      join(out, `.crowdheat.duckdb.${dead}-0a1b2c3d.partial.wal`),
    ];
    const kept = [
      join(out, `.summary.json.${process.pid}-12345678.partial`),
      join(out, 'notes.partial'),
      join(out, `.draft.${dead}.partial`),
      join(out, `.report.${dead}-ABCDEF12.partial`),
      join(out, `.notes.${dead}-0a1b2c3d.partial.wal.txt`),
      join(out, 'mine', `.file.${dead}-0a1b2c3d.partial`),
    ];
    for (const path of [...leftovers, ...kept]) await writeFile(path, 'x');
    expect((await removeLeftoverPartials(out)).sort()).toEqual([...leftovers].sort());
    expect((await readdir(out)).sort()).toEqual(['.draft.' + dead + '.partial', `.notes.${dead}-0a1b2c3d.partial.wal.txt`, `.report.${dead}-ABCDEF12.partial`, `.summary.json.${process.pid}-12345678.partial`, 'detect', 'mine', 'notes.partial', 'video'].sort());
    expect(await readdir(join(out, 'mine'))).toEqual([`.file.${dead}-0a1b2c3d.partial`]);
  });

  it('a run killed with SIGKILL leaves partial files; the next run into the folder removes them', async () => {
    const out = join(dir, 'out-killed');
    const stuck = join(dir, 'stuck-ffmpeg');
    await writeFile(stuck, '#!/bin/sh\ncase "$*" in *-version*) echo "ffmpeg version fake"; exit 0;; esac\nexec sleep 30\n');
    await chmod(stuck, 0o755);
    const cli = spawn(
      process.execPath,
      [CLI, 'run', '--meta_file', join(dir, 'meta.csv'), '--video_file', '', '--output_dir', out, '--set', `output_settings.ffmpeg_path=${stuck}`, '-q'],
      { cwd: dir, stdio: 'ignore', env: { ...process.env, CROWDHEAT_FFMPEG_STALL_MS: '600000' } },
    );
    try {
      // Wait for the stuck encoder: griddata.npy's partial file exists by then.
      let partials: string[] = [];
      for (let look = 0; look < 200 && (partials.length === 0 || descendantsNamed('stuck-ffmpeg', cli.pid).length === 0); look++) {
        await new Promise((wait) => setTimeout(wait, 50));
        partials = (await readdir(out).catch(() => [])).filter((name) => PARTIAL_NAME.test(name));
      }
      expect(partials.some((name) => name.startsWith('.griddata.npy.'))).toBe(true);
      // Kill the worker's whole process group (it and its ffmpeg) at once: nothing can tidy up.
      const workers = descendantsNamed('node', cli.pid);
      expect(workers.length).toBeGreaterThan(0);
      for (const worker of workers) process.kill(-worker, 'SIGKILL');
      for (let look = 0; look < 100 && workers.some(isAlive); look++) await new Promise((wait) => setTimeout(wait, 20));
    } finally {
      cli.kill('SIGKILL');
    }
    const left = (await readdir(out)).filter((name) => PARTIAL_NAME.test(name));
    expect(left.length).toBeGreaterThan(0);

    const settings = localSettings(dir, '', { output_dir: out });
    await runPipeline(settings);
    expect(await readdir(join(out, 'video'))).toEqual(['heatmap.mp4']);
    expect((await readdir(out)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
