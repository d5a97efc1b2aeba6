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
import { colorScale, frameLabel, heatColors } from '../../src-shared/render/index.js';
import type { OutputSettings } from '../../src-shared/settings/types.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameResult, Sink, SinkFactory } from '../pipeline/types.js';
import { rationalFromFps } from '../ffmpeg/args.js';
import { HeatVideoEncoder, type Background } from '../ffmpeg/encoder.js';
import { resolveFfmpeg } from '../ffmpeg/locate.js';
import { isVideoSource } from '../sources/video.js';
import { makeFolder, temporaryPathFor } from './atomic.js';
import { PREVIEW_WIDTH, previewImagePattern, removePreviewImages } from './preview.js';
import { colorbarStrip, labelStrip, stripLayout } from './overlay-strips.js';

export interface OutputSize {
  width: number;
  height: number;
}

/**
 * The output picture size. H.264 in yuv420p needs even sizes, so an odd size is rounded up with
 * a warning (to `diagnostics`, when given: one sink reports it for all); zero, negative or
 * fractional sizes are a SettingsError.
 */
export function outputSize(output: OutputSettings, diagnostics?: Diagnostics): OutputSize {
  const even = (key: 'output_video_width' | 'output_video_height'): number => {
    const value = output[key];
    if (!Number.isInteger(value) || value <= 0) {
      throw new SettingsError(`output_settings.${key}: ${value} is not allowed; give a positive whole number of pixels`);
    }
    if (value % 2 === 0) return value;
    diagnostics?.warn('odd-video-size', `output_settings.${key}: ${value} is odd; H.264 needs even sizes, using ${value + 1}`);
    return value + 1;
  };
  return { width: even('output_video_width'), height: even('output_video_height') };
}

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
  const size = outputSize(output, diagnostics);
  const table = getColormap(output.cmap);
  const ffmpeg = isVideoSource(source) ? source.ffmpeg : await resolveFfmpeg(output.ffmpeg_path);
  const fileName = videoFileName(source.name);
  const finalPath = join(outputDir, 'video', fileName);
  await makeFolder(join(outputDir, 'video'), signal, 'output_settings.output_dir');
  const temporaryPath = temporaryPathFor(finalPath);
  const layout = stripLayout(size.width, size.height);
  const scale = new RunningScale(output, params.last_valid_frame);
  const background: Background | 'pictures' =
    !output.overlay ? { kind: 'none' } : isVideoSource(source) ? { kind: 'video', path: source.video.path } : source.hasImages ? 'pictures' : { kind: 'none' };

  let encoder: HeatVideoEncoder | null = null;
  let lastPicture: Uint8Array | null = null;
  let framesWritten = 0;

  const start = (first: FrameResult): HeatVideoEncoder => {
    const image = first.frame.image;
    const resolved: Background =
      background !== 'pictures' ? background : image !== undefined ? { kind: 'frames', width: image.width, height: image.height } : { kind: 'none' };
    return new HeatVideoEncoder({
      ffmpeg,
      path: temporaryPath,
      displayPath: finalPath,
      width: size.width,
      height: size.height,
      rate: rationalFromFps(output.output_video_fps),
      columns: params.grid_num_h,
      rows: params.grid_num_v,
      interpolation: output.interpolation,
      background: resolved,
      transparency: output.transparency,
      label: layout.label,
      colorbar: output.cbar ? { ...layout.colorbar, perFrame: scale.moves } : null,
      ...(previewDir !== undefined && isVideoSource(source)
        ? { previews: { video: source.video.path, pattern: previewImagePattern(previewDir), width: PREVIEW_WIDTH } }
        : {}),
    }, signal);
  };

  const sink: Sink = {
    async write(result) {
      encoder ??= start(result);
      const frameScale = scale.next(result.grid);
      // Fresh buffers each frame: a pipe may still hold the previous ones when this one is drawn.
      const heat = heatColors(result.grid, frameScale, table);
      const label = labelStrip(layout, frameLabel(result.frame.detections.count, result.frame.timestamp));
      const colorbar = output.cbar && (scale.moves || framesWritten === 0) ? colorbarStrip(layout, table, frameScale) : undefined;
      const picture = await pictureFor(result.frame.image, encoder, lastPicture);
      if (picture !== undefined) lastPicture = picture;
      await encoder.write({ heat, label, ...(colorbar !== undefined ? { colorbar } : {}), ...(picture !== undefined ? { picture } : {}) });
      framesWritten += 1;
    },
    async finish() {
      if (encoder === null) {
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
  encoder: HeatVideoEncoder,
  previous: Uint8Array | null,
): Promise<Uint8Array | undefined> {
  const background = encoder.background;
  if (background.kind !== 'frames') return undefined;
  if (image === undefined) return previous ?? new Uint8Array(background.width * background.height * 3);
  if (image.width === background.width && image.height === background.height) return image.data;
  const resized = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(background.width, background.height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return new Uint8Array(resized.buffer, resized.byteOffset, resized.length);
}

