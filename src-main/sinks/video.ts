/**
 * video/<name>_heatmap.mp4: H.264 (yuv420p, +faststart) at `output_video_fps`, one picture per
 * frame: the heat blended over the camera picture (or alone), the label, and the colorbar when
 * `cbar` is set. Composited and encoded by one ffmpeg (see ffmpeg/encoder.ts); written to a
 * temporary name and renamed when complete. When the run writes the app's previews and the
 * source is a video, the same ffmpeg writes their pictures (sinks/preview.ts).
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../src-shared/frames.js';
import { SettingsError } from '../../src-shared/errors.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { colorScale, frameLabel, heatColorsRgba, type ColorScale } from '../../src-shared/render/index.js';
import { parseTimestamp } from '../../src-shared/frames.js';
import { resolveVideoFormat, type SourceFormat, type VideoFormat } from '../../src-shared/render/video-format.js';
import type { OutputSettings, Settings } from '../../src-shared/settings/types.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameResult, FrameSource, Sink, SinkFactory } from '../pipeline/types.js';
import { rationalFromFps } from '../ffmpeg/args.js';
import { HeatVideoEncoder, type Background, type HeatFrame } from '../ffmpeg/encoder.js';
import { resolveFfmpeg } from '../ffmpeg/locate.js';
import { isVideoSource } from '../sources/video.js';
import { makeFolder, temporaryPathFor } from './atomic.js';
import { PREVIEW_WIDTH, removePreviewImages, sampledPicturePattern, videoPictureStepOf } from './preview.js';
import { colorbarStrip, LabelStrips, stripLayout, trimStrip, type TrimmedStrip } from './overlay-strips.js';

export interface OutputSize {
  width: number;
  height: number;
}

/**
 * The picture size to encode: H.264 in yuv420p needs even sizes, so an odd size written in the
 * settings is rounded up with a warning (to `diagnostics`, when given: one sink reports it for
 * all). Sizes taken from the source are already even (`resolveVideoFormat`).
 */
export function outputSize(format: VideoFormat, diagnostics?: Diagnostics): OutputSize {
  const even = (key: 'output_video_width' | 'output_video_height', value: number): number => {
    if (!Number.isInteger(value) || value <= 0) {
      throw new SettingsError(`output_settings.${key}: ${value} is not allowed; give a positive whole number of pixels`);
    }
    if (value % 2 === 0) return value;
    diagnostics?.warn('odd-video-size', `output_settings.${key}: ${value} is odd; H.264 needs even sizes, using ${value + 1}`);
    return value + 1;
  };
  return { width: even('output_video_width', format.width), height: even('output_video_height', format.height) };
}

/**
 * What the source tells about the video's format: the video's stream, else the first
 * picture's size, the metadata space, the declared `local_data_settings.metadata_fps` (local
 * mode, when above 0) and the first frames' T times (`timesMs`).
 */
export function sourceFormatOf(
  source: FrameSource,
  settings: Settings,
  picture: RgbImage | undefined,
  timesMs: readonly number[] = [],
): SourceFormat {
  const params = settings.heat_map_settings.params;
  const imageSize = { width: params.image_size_h, height: params.image_size_v };
  if (isVideoSource(source)) {
    const { width, height, fps } = source.video;
    return { picture: { width, height }, videoFps: fps.num / fps.den, imageSize };
  }
  const metadataFps = declaredMetadataFps(settings);
  return {
    imageSize,
    timesMs,
    ...(metadataFps === undefined ? {} : { metadataFps }),
    ...(picture !== undefined ? { picture: { width: picture.width, height: picture.height } } : {}),
  };
}

/** `local_data_settings.metadata_fps` when the run reads local files and the setting is above 0. */
function declaredMetadataFps(settings: Settings): number | undefined {
  const fps = settings.data_source_settings.local_data_settings.metadata_fps;
  return settings.data_source_settings.mode === 'local' && fps > 0 ? fps : undefined;
}

/** A frame waiting for the output size: its heat, label text, colorbar scale (null: no new bar) and picture. */
interface PendingFrame {
  heat: Uint8Array;
  text: string;
  bar: { min: number; max: number } | null;
  picture?: Uint8Array;
}

/**
 * How many frames the video sink holds back, at most, to learn the data's own rate from their
 * T times when neither the settings nor the source give one.
 */
export const RATE_SAMPLE_FRAMES = 31;

/** The file name of the video: `<name>_heatmap.mp4`, or plain `heatmap.mp4` for unnamed sources. */
export function videoFileName(sourceName: string): string {
  return sourceName === '' || sourceName === 'heatmap' ? 'heatmap.mp4' : `${sourceName}_heatmap.mp4`;
}

/** Tracks the colour scale over a run (it moves only with `max: 0` and W = 0: the running maximum). */
export class RunningScale {
  private runningMax = 0;
  constructor(private readonly output: OutputSettings, private readonly windowFrames: number) {}

  /** Whether the scale can change from frame to frame. */
  get moves(): boolean {
    return this.output.max === 0 && this.windowFrames === 0;
  }

  /** The scale of every frame when it does not move, else null. */
  get fixed(): ColorScale | null {
    return this.moves ? null : colorScale(this.output.min, this.output.max, this.windowFrames, 0);
  }

  next(grid: Int32Array): { min: number; max: number } {
    if (this.moves) {
      for (let i = 0; i < grid.length; i++) if (grid[i] > this.runningMax) this.runningMax = grid[i];
    }
    return colorScale(this.output.min, this.output.max, this.windowFrames, this.runningMax);
  }
}

export const videoSink: SinkFactory = async (context) => {
  const { settings, params, outputDir, source, diagnostics, signal, previewDir } = context;
  const output = settings.output_settings;
  const table = getColormap(output.cmap);
  const ffmpeg = isVideoSource(source) ? source.ffmpeg : await resolveFfmpeg(output.ffmpeg_path);
  const fileName = videoFileName(source.name);
  const finalPath = join(outputDir, 'video', fileName);
  await makeFolder(join(outputDir, 'video'), signal, 'output_settings.output_dir');
  const temporaryPath = temporaryPathFor(finalPath);
  const scale = new RunningScale(output, params.last_valid_frame);
  const backgroundKind: Background | 'pictures' =
    !output.overlay ? { kind: 'none' } : isVideoSource(source) ? { kind: 'video', path: source.video.path } : source.hasImages ? 'pictures' : { kind: 'none' };
  // Only metadata without a rate of its own (neither written nor declared) waits for its T times to give one.
  const learnsRate = output.output_video_fps === 0 && !isVideoSource(source) && declaredMetadataFps(settings) === undefined;

  let encoder: HeatVideoEncoder | null = null;
  let background: Background | null = null;
  let firstPicture: RgbImage | undefined;
  let lastPicture: Uint8Array | null = null;
  let format: VideoFormat | null = null;
  let size: OutputSize = { width: 0, height: 0 };
  let layout = stripLayout(2, 2);
  let labels = new LabelStrips(layout);
  /** The colorbar when its scale is fixed: drawn once at the output size and trimmed (`trimStrip`). */
  let fixedBar: TrimmedStrip | null = null;
  let framesWritten = 0;
  /** Frames held back (with their T times) while the rate is learnt from the data. */
  const held: PendingFrame[] = [];
  const heldTimes: number[] = [];
  let holding = learnsRate;

  const resolveFormat = (): VideoFormat => {
    const resolved = resolveVideoFormat(output, sourceFormatOf(source, settings, firstPicture, heldTimes));
    size = outputSize(resolved, diagnostics);
    layout = stripLayout(size.width, size.height);
    labels = new LabelStrips(layout);
    const fixedScale = scale.fixed;
    fixedBar = output.cbar && fixedScale !== null ? trimStrip(layout.colorbar, colorbarStrip(layout, table, fixedScale)) : null;
    format = resolved;
    return resolved;
  };

  const start = (current: VideoFormat): HeatVideoEncoder =>
    new HeatVideoEncoder({
      ffmpeg,
      path: temporaryPath,
      displayPath: finalPath,
      width: size.width,
      height: size.height,
      rate: rationalFromFps(current.fps),
      columns: params.grid_num_h,
      rows: params.grid_num_v,
      interpolation: output.interpolation,
      background: background ?? { kind: 'none' },
      transparency: output.transparency,
      preset: output.encoder_preset,
      crf: output.encoder_crf,
      label: layout.label,
      colorbar: !output.cbar ? null : fixedBar !== null ? { ...fixedBar.spec, perFrame: false } : { ...layout.colorbar, perFrame: true },
      ...(previewDir !== undefined && isVideoSource(source)
        ? {
            previews: {
              video: source.video.path,
              pattern: sampledPicturePattern(previewDir),
              width: PREVIEW_WIDTH,
              step: videoPictureStepOf(source),
            },
          }
        : {}),
    }, signal);

  /** Starts the encoder with the format known now and sends it the held frames. */
  const release = async (): Promise<HeatVideoEncoder> => {
    holding = false;
    const started = start(resolveFormat());
    encoder = started;
    // Label and colorbar strips are drawn at the output size, known only now.
    for (const frame of held.splice(0)) await started.write(drawn(frame));
    return started;
  };

  /** A frame's heat, label text and picture; its strips are drawn when the output size is known. */
  const pendingFrame = async (result: FrameResult): Promise<PendingFrame> => {
    const frameScale = scale.next(result.grid);
    // Fresh buffers each frame: a pipe may still hold the previous ones when this one is drawn.
    const heat = heatColorsRgba(result.grid, frameScale, table, output.empty_cells);
    const text = frameLabel(result.frame.detections.count, result.frame.timestamp);
    const bar = output.cbar && (scale.moves || framesWritten === 0) ? frameScale : null;
    const picture = background === null ? undefined : await pictureFor(result.frame.image, background, lastPicture);
    if (picture !== undefined) lastPicture = picture;
    framesWritten += 1;
    return { heat, text, bar, ...(picture !== undefined ? { picture } : {}) };
  };

  const drawn = (pending: PendingFrame): HeatFrame => ({
    heat: pending.heat,
    label: labels.strip(pending.text),
    ...(pending.bar !== null ? { colorbar: fixedBar?.rgba ?? colorbarStrip(layout, table, pending.bar) } : {}),
    ...(pending.picture !== undefined ? { picture: pending.picture } : {}),
  });

  const sink: Sink = {
    async write(result) {
      if (framesWritten === 0) {
        const image = result.frame.image;
        firstPicture = image;
        background =
          backgroundKind !== 'pictures' ? backgroundKind : image !== undefined ? { kind: 'frames', width: image.width, height: image.height } : { kind: 'none' };
      }
      const frame = await pendingFrame(result);
      if (holding) {
        const time = result.frame.timestamp === undefined ? Number.NaN : parseTimestamp(result.frame.timestamp);
        // Without a T on the first frame the data has no rate of its own: start at once.
        if (Number.isFinite(time)) heldTimes.push(time);
        held.push(frame);
        if (heldTimes.length === held.length && held.length < RATE_SAMPLE_FRAMES) return;
        await release();
        return;
      }
      encoder ??= start(resolveFormat());
      await encoder.write(drawn(frame));
    },
    async finish(summary) {
      if (holding && held.length > 0) await release();
      const written = format;
      if (encoder === null || written === null) {
        diagnostics.warn('no-video', `no frames, so no ${fileName} was written`);
        return;
      }
      try {
        await encoder.finish();
        await rename(temporaryPath, finalPath);
      } catch (error) {
        await rm(temporaryPath, { force: true });
        throw error;
      }
      summary.video = {
        file: `video/${fileName}`,
        width: size.width,
        height: size.height,
        fps: written.fps,
        frames: framesWritten,
        duration_s: Math.round((framesWritten / written.fps) * 1000) / 1000,
        size_from: written.sizeFrom,
        rate_from: written.rateFrom,
        preset: output.encoder_preset,
        crf: output.encoder_crf,
      };
    },
    async abort() {
      await encoder?.abort();
      await rm(temporaryPath, { force: true });
      // Only now that ffmpeg is gone: it writes the preview pictures until it is.
      if (encoder?.previews !== undefined && previewDir !== undefined) await removePreviewImages(previewDir);
    },
    outputs: () => (encoder !== null ? [`video/${fileName}`] : []),
  };
  return sink;
};

/**
 * The RGB bytes to send for a frame when the background is pictures from JS: the frame's own
 * (resized when its size differs from the first), else the previous one, so a frame without a
 * picture keeps the last scene rather than flashing black.
 */
async function pictureFor(
  image: RgbImage | undefined,
  background: Background,
  previous: Uint8Array | null,
): Promise<Uint8Array | undefined> {
  if (background.kind !== 'frames') return undefined;
  if (image === undefined) return previous ?? new Uint8Array(background.width * background.height * 3);
  if (image.width === background.width && image.height === background.height) return image.data;
  const resized = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(background.width, background.height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return new Uint8Array(resized.buffer, resized.byteOffset, resized.length);
}

