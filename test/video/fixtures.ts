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

/** Encodes a flat-coloured (or test-pattern) H.264 video of `frames` frames; `ultrafast` (no B-frames) unless `preset` says otherwise. */
export async function makeVideo(
  path: string,
  options: { frames: number; width: number; height: number; fps?: number; color?: string; pattern?: boolean; preset?: string },
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
    '-c:v', 'libx264', '-preset', options.preset ?? 'ultrafast', '-pix_fmt', 'yuv420p', path,
  ]);
  if (result.status !== 0) throw new Error(`making ${path} failed: ${result.stderr.toString()}`);
}

/** Solid colours, one a frame, for the variable-frame-rate clip. */
export const VFR_COLORS: readonly (readonly [number, number, number])[] = [
  [200, 30, 30], [30, 200, 30], [30, 30, 200], [200, 200, 30], [200, 30, 200], [30, 200, 200], [120, 60, 10], [10, 60, 120],
];

/**
 * A variable-frame-rate clip: frame k is a solid VFR_COLORS[k] shown at k² × 80 ms (0, 80,
 * 320, 720 ms, …), encoded losslessly (libx264rgb, qp 0) so each decoded pixel is its colour
 * exactly. `-vsync vfr` (ffmpeg 4.1 has no `-fps_mode`) keeps the irregular timestamps.
 */
export async function makeVfrVideo(path: string, width = 64, height = 64): Promise<void> {
  const ffmpeg = await bundledFfmpegPath();
  const frames = Buffer.concat(VFR_COLORS.map((color) => Buffer.alloc(width * height * 3, Buffer.from(color))));
  const result = spawnSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', '25', '-i', 'pipe:0',
    '-vf', "setpts='N*N*2/(25*TB)'", '-vsync', 'vfr',
    '-c:v', 'libx264rgb', '-qp', '0', path,
  ], { input: frames });
  if (result.status !== 0) throw new Error(`making ${path} failed: ${result.stderr.toString()}`);
}

/** Frame `index` of `path` as rgb24, selected by number after decoding from the start: the reference. */
export async function frameByNumber(path: string, index: number, width: number, height: number): Promise<Buffer> {
  const ffmpeg = await bundledFfmpegPath();
  const result = spawnSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-i', path,
    '-vf', `select=eq(n\\,${index}),scale=${width}:${height}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ], { maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`reading frame ${index} of ${path} failed: ${result.stderr.toString()}`);
  return result.stdout;
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
