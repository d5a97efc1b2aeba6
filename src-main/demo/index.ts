/**
 * The demo: a synthetic crowd written out as the AITRIOS sample's own input files (seed CSV,
 * `param.yaml`, `heat_map_app.yaml`), then run through the ordinary pipeline, so a new user
 * sees every output of crowdheat without a camera or a Console account.
 *
 * ```ts
 * const { summary, configPath } = await runDemo({ outputDir: 'demo-output' });
 * // demo-output/input/heat_map_app.yaml can be edited and run again with `crowdheat run`.
 * ```
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CancelledError, SettingsError } from '../../src-shared/errors.js';
import { FfmpegArgs, h264Output, rawVideoInput } from '../ffmpeg/args.js';
import { resolveFfmpeg } from '../ffmpeg/locate.js';
import { FfmpegProcess } from '../ffmpeg/spawn.js';
import type { Warning } from '../pipeline/diagnostics.js';
import { runPipeline } from '../pipeline/run.js';
import type { Progress, RunSummary } from '../pipeline/types.js';
import { loadSettingsFile } from '../settings-file.js';
import { AtomicFile, temporaryPathFor, writeFileAtomic } from '../sinks/atomic.js';
import { ScenePainter } from './paint.js';
import { simulateScene, DEFAULT_SCENE_FRAMES, SCENE_FPS, SCENE_HEIGHT, SCENE_WIDTH, type SceneFrame } from './scene.js';

export interface DemoOptions {
  /** Frames of the scene (600, one minute at 10 fps, by default). */
  frames?: number;
  /** Seed of the scene; the same seed always gives the same files. */
  seed?: number;
  /**
   * Also paint the scene into `input/demo.mp4` (needs ffmpeg: CROWDHEAT_FFMPEG, else the bundled
   * one), so the run overlays the heat on a camera picture (the sample's Case 3). Default true;
   * false leaves `video_file` empty (Case 4: the heat colours alone).
   */
  video?: boolean;
  signal?: AbortSignal;
}

export interface PreparedDemo {
  /** `<outputDir>/input/heat_map_app.yaml`, the file to run. */
  configPath: string;
  /** `<outputDir>/input/demo.csv`. */
  metaPath: string;
  /** `<outputDir>/input/param.yaml`. */
  paramPath: string;
  /** `<outputDir>/input/demo.mp4`, when a video was written. */
  videoPath?: string;
}

export const DEMO_SEED = 1;
/** Grid of 30-pixel square cells, which divides 1920×1080 evenly (so legacy counting works too). */
const DEMO_GRID = { columns: 64, rows: 36 };
const DEMO_WINDOW_FRAMES = 15;
const DEMO_OUTPUT_SIZE = { width: 960, height: 540 };
/** The CSV is written in chunks of about this many characters. */
const CSV_CHUNK_CHARS = 1 << 16;

/**
 * Writes the demo's inputs under `<outputDir>/input/` and returns their absolute paths.
 * Each file appears under its name only once complete.
 */
export async function prepareDemo(outputDir: string, options: DemoOptions = {}): Promise<PreparedDemo> {
  const frames = options.frames ?? DEFAULT_SCENE_FRAMES;
  const seed = options.seed ?? DEMO_SEED;
  if (!Number.isInteger(frames) || frames < 1) throw new SettingsError(`demo frames: must be an integer ≥ 1, got ${frames}`);
  if (!Number.isInteger(seed)) throw new SettingsError(`demo seed: must be an integer, got ${seed}`);
  const root = resolve(outputDir);
  const inputDir = join(root, 'input');
  await mkdir(inputDir, { recursive: true });
  const metaPath = join(inputDir, 'demo.csv');
  const paramPath = join(inputDir, 'param.yaml');
  const configPath = join(inputDir, 'heat_map_app.yaml');
  const videoPath = options.video === false ? undefined : join(inputDir, 'demo.mp4');

  const csv = await SceneCsvFile.create(metaPath);
  let video: SceneVideoFile | null = null;
  try {
    if (videoPath !== undefined) video = await SceneVideoFile.create(videoPath);
    // One pass writes both files, so the video's frame i is exactly the CSV's row i.
    for (const frame of simulateScene({ frames, seed })) {
      if (options.signal?.aborted) throw new CancelledError();
      await csv.write(frame);
      await video?.write(frame);
    }
    await video?.commit();
    await csv.commit();
  } catch (error) {
    await Promise.allSettled([csv.discard(), video?.discard()]);
    throw error;
  }
  await writeFileAtomic(paramPath, paramYaml());
  await writeFileAtomic(configPath, appYaml({ root, metaPath, paramPath, videoPath: videoPath ?? '', frames, seed }));
  return videoPath === undefined ? { configPath, metaPath, paramPath } : { configPath, metaPath, paramPath, videoPath };
}

export interface RunDemoOptions extends DemoOptions {
  /** Where the inputs (`input/`) and the outputs (`detect/`, `video/`, …) go. */
  outputDir: string;
  onProgress?: (progress: Progress) => void;
  onWarning?: (warning: Warning) => void;
}

/**
 * Prepares the demo's inputs and runs them through the pipeline exactly as `crowdheat run
 * --config_path <configPath>` would, so the demo also proves the files it leaves behind.
 */
export async function runDemo(options: RunDemoOptions): Promise<{ summary: RunSummary; configPath: string }> {
  const { configPath } = await prepareDemo(options.outputDir, options);
  const cwd = process.cwd();
  const { settings, warnings } = await loadSettingsFile(configPath, cwd);
  for (const message of warnings) options.onWarning?.({ kind: 'settings', message });
  const summary = await runPipeline(settings, {
    cwd,
    signal: options.signal,
    onProgress: options.onProgress,
    onWarning: options.onWarning,
  });
  return { summary, configPath };
}

/** The scene's detections as the sample's local metadata file: a header row, then `index,"<JSON>"`. */
class SceneCsvFile {
  private readonly encoder = new TextEncoder();
  // pandas writes this header for a one-column frame with its index, as the sample's files have.
  private pending = ',0\n';

  private constructor(private readonly file: AtomicFile) {}

  static async create(path: string): Promise<SceneCsvFile> {
    return new SceneCsvFile(await AtomicFile.create(path));
  }

  async write(frame: SceneFrame): Promise<void> {
    this.pending += csvRow(frame);
    if (this.pending.length >= CSV_CHUNK_CHARS) await this.flush();
  }

  async commit(): Promise<void> {
    await this.flush();
    await this.file.commit();
  }

  async discard(): Promise<void> {
    await this.file.discard();
  }

  private async flush(): Promise<void> {
    await this.file.write(this.encoder.encode(this.pending));
    this.pending = '';
  }
}

/** The scene painted frame by frame into an H.264 MP4; ffmpeg holds no more than its pipe's worth. */
class SceneVideoFile {
  private constructor(
    private readonly path: string,
    private readonly temporaryPath: string,
    private readonly painter: ScenePainter,
    private readonly ffmpeg: FfmpegProcess,
  ) {}

  static async create(path: string): Promise<SceneVideoFile> {
    const binary = await resolveFfmpeg('');
    const { width, height } = DEMO_OUTPUT_SIZE;
    const rate = { num: SCENE_FPS, den: 1 };
    const temporaryPath = temporaryPathFor(path);
    const args = new FfmpegArgs()
      .logLevel('error')
      .input(rawVideoInput({ pipe: 0, width, height, pixelFormat: 'rgb24', rate }))
      // Flat shapes compress well at any preset; the fast one keeps the demo quick.
      .output(h264Output({ map: '0:v', path: temporaryPath, rate, preset: 'veryfast' }));
    return new SceneVideoFile(path, temporaryPath, new ScenePainter(width, height), new FfmpegProcess(binary, args));
  }

  async write(frame: SceneFrame): Promise<void> {
    await this.ffmpeg.write(0, this.painter.paint(frame).data);
  }

  async commit(): Promise<void> {
    await this.ffmpeg.finish(`could not encode ${this.path}`);
    await rename(this.temporaryPath, this.path);
  }

  async discard(): Promise<void> {
    await this.ffmpeg.kill();
    await rm(this.temporaryPath, { force: true });
  }
}

/** One CSV row; the JSON is spaced as Python's `json.dumps` spaces it, its quotes doubled for CSV. */
export function csvRow(frame: SceneFrame): string {
  const detections = frame.detections.map(
    (d) =>
      `{"class_id": ${d.class_id}, "bounding_box": {"left": ${d.left}, "top": ${d.top}, ` +
      `"right": ${d.right}, "bottom": ${d.bottom}}, "score": ${d.score}}`,
  );
  const json = `{"perception": {"object_detection_list": [${detections.join(', ')}]}}`;
  return `${frame.index},"${json.replaceAll('"', '""')}"\n`;
}

function paramYaml(): string {
  return [
    '# Grid parameters of the crowdheat demo (the sample\'s param_file format).',
    '# Each person counts as the point at their feet (bbox2pix, point_ratio 1.0) plus a disk of',
    '# one cell around it, summed over the last 15 frames (1.5 s at 10 fps).',
    'number_of_add_grid: 1',
    `last_valid_frame: ${DEMO_WINDOW_FRAMES}`,
    `image_size_h: ${SCENE_WIDTH}`,
    `image_size_v: ${SCENE_HEIGHT}`,
    `grid_num_h: ${DEMO_GRID.columns}`,
    `grid_num_v: ${DEMO_GRID.rows}`,
    'bbox2pix: true',
    'point_ratio: 1.0',
    '',
  ].join('\n');
}

interface AppYamlPaths {
  root: string;
  metaPath: string;
  paramPath: string;
  /** Empty for the sample's Case 4 (metadata only). */
  videoPath: string;
  frames: number;
  seed: number;
}

function appYaml(paths: AppYamlPaths): string {
  // JSON strings are valid YAML double-quoted scalars, so any path is quoted safely.
  const quote = (text: string): string => JSON.stringify(text);
  return [
    `# crowdheat demo: ${paths.frames} frames of a synthetic crowd (seed ${paths.seed}) at ${SCENE_FPS} fps,`,
    '# in the AITRIOS heatmap sample\'s format. Run it again with:',
    `#   crowdheat run --config_path ${quote(join(paths.root, 'input', 'heat_map_app.yaml'))}`,
    '# Paths are absolute: relative ones would resolve against the directory the command runs in',
    '# (as in the sample), and this file must work from anywhere.',
    'data_source_settings:',
    '  mode: "local"',
    '  console_data_settings:   # not used in local mode',
    '    setting_path: "./config/console_access_settings.yaml"',
    '    device_id: ""',
    '    sub_directory_name: ""',
    '    first_timestamp: ""',
    '    last_timestamp: ""',
    '    number_of_inference_results: 20',
    '    number_of_images: 20',
    '  local_data_settings:',
    `    video_file: ${quote(paths.videoPath)}${paths.videoPath === '' ? '   # empty: metadata only (Case 4), the heat colours alone' : ''}`,
    `    meta_file: ${quote(paths.metaPath)}`,
    'heat_map_settings:',
    `  param_file: ${quote(paths.paramPath)}`,
    'output_settings:',
    `  output_dir: ${quote(paths.root)}`,
    `  output_video_fps: ${SCENE_FPS}`,
    `  output_video_width: ${DEMO_OUTPUT_SIZE.width}`,
    `  output_video_height: ${DEMO_OUTPUT_SIZE.height}`,
    '  cmap: "jet"',
    '  cbar: true',
    '  min: 0',
    `  max: ${DEMO_WINDOW_FRAMES}   # someone standing still for the whole window saturates the colour`,
    '  overlay: true',
    '  transparency: 0.45',
    '',
  ].join('\n');
}
