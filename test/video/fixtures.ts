/**
 * Real inputs for the video tests, made with the bundled ffmpeg in a temporary folder.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'crowdheat-video-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Encodes a flat-coloured (or test-pattern) H.264 video of `frames` frames. */
export async function makeVideo(
  path: string,
  options: { frames: number; width: number; height: number; fps?: number; color?: string; pattern?: boolean },
): Promise<void> {
  const ffmpeg = await bundledFfmpegPath();
  const fps = options.fps ?? 10;
  const source = options.pattern === true
    ? `testsrc2=size=${options.width}x${options.height}:rate=${fps}`
    : `color=c=${options.color ?? 'gray'}:size=${options.width}x${options.height}:rate=${fps}`;
  const result = spawnSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', source,
    '-frames:v', String(options.frames),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path,
  ]);
  if (result.status !== 0) throw new Error(`making ${path} failed: ${result.stderr.toString()}`);
}

/** An audio-only file (a sine tone in M4A). */
export async function makeAudio(path: string): Promise<void> {
  const ffmpeg = await bundledFfmpegPath();
  const result = spawnSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', path,
  ]);
  if (result.status !== 0) throw new Error(`making ${path} failed: ${result.stderr.toString()}`);
}

export type Box = [left: number, top: number, right: number, bottom: number];

/** A seed CSV with the given boxes in every frame (the sample's format: header row, then index,"<dict>"). */
export async function writeSeedCsv(path: string, frames: Box[][]): Promise<void> {
  const rows = frames.map((boxes, index) => {
    const list = boxes.map(([left, top, right, bottom]) => ({
      class_id: 0,
      bounding_box: { left, top, right, bottom },
      score: 0.9,
    }));
    const dict = JSON.stringify({ perception: { object_detection_list: list } });
    return `${index},"${dict.replaceAll('"', '""')}"`;
  });
  await writeFile(path, ['0,1,2', ...rows].join('\n') + '\n');
}

/** Settings for a local run over `dir`: metadata `meta.csv`, optional video, output `out`. */
export function localSettings(dir: string, video: string, overrides: Partial<Settings['output_settings']> = {}): Settings {
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = join(dir, 'meta.csv');
  settings.data_source_settings.local_data_settings.video_file = video;
  settings.output_settings = { ...settings.output_settings, output_dir: join(dir, 'out'), ...overrides };
  return settings;
}
