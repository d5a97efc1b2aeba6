/**
 * heatmap.png: the last frame's window as heat (with the colorbar and label) over the last
 * picture — the video's last paired frame, the last Console image, or heat alone — at the
 * output size, with the zones' outlines and names unless `zone_outlines` is false. Written at
 * the end of every run that has frames.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { CancelledError } from '../../src-shared/errors.js';
import type { Frame, RgbImage } from '../../src-shared/frames.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { FrameRenderer, frameLabel } from '../../src-shared/render/index.js';
import { drawZoneOutlines } from '../../src-shared/zones/draw.js';
import type { Sink, SinkFactory } from '../pipeline/types.js';
import { videoPictureAhead } from './picture-ahead.js';
import { writeFileAtomic } from './atomic.js';
import { resolveVideoFormat } from '../../src-shared/render/video-format.js';
import { outputSize, RunningScale, sourceFormatOf } from './video.js';

export const PNG_FILE = 'heatmap.png';

export const pngSink: SinkFactory = (context) => {
  const { settings, params, outputDir, source, signal } = context;
  const output = settings.output_settings;
  const table = getColormap(output.cmap);
  const scale = new RunningScale(output, params.last_valid_frame);
  let last: { frame: Frame; grid: Int32Array; position: number; scale: { min: number; max: number } } | null = null;
  // The video's last paired frame, decoded while the run counts (picture-ahead.ts). Its size is
  // the output size, known from the video before the first frame.
  const ahead = videoPictureAhead(context);

  const sink: Sink = {
    write(result) {
      // By the first frame the metadata's first pass is done: the run's last position is known.
      if (ahead !== null && last === null && (source.expectedFrames ?? 0) > 0) ahead.start((source.expectedFrames ?? 0) - 1);
      const frameScale = scale.next(result.grid);
      if (last === null || last.grid.length !== result.grid.length) {
        last = { frame: result.frame, grid: new Int32Array(result.grid.length), position: 0, scale: frameScale };
      }
      // Keep a copy: the counter overwrites its grid with the next frame.
      last.grid.set(result.grid);
      last.frame = result.frame;
      last.position = result.position;
      last.scale = frameScale;
    },
    async finish() {
      if (last === null) return;
      const size = outputSize(resolveVideoFormat(output, sourceFormatOf(source, settings, last.frame.image)));
      let picture: RgbImage | undefined;
      if (ahead !== null) {
        picture = await ahead.picture(last.position);
      } else if (output.overlay && last.frame.image !== undefined) {
        picture = await resize(last.frame.image, size.width, size.height);
      }
      const renderer = new FrameRenderer({
        width: size.width,
        height: size.height,
        table,
        interpolation: output.interpolation,
        overlay: output.overlay,
        transparency: output.transparency,
        colorbar: true,
        emptyCells: output.empty_cells,
      });
      const rendered = renderer.render({
        grid: last.grid,
        columns: params.grid_num_h,
        rows: params.grid_num_v,
        scale: last.scale,
        label: frameLabel(last.frame.detections.count, last.frame.timestamp),
        ...(picture !== undefined ? { image: picture } : {}),
      });
      if (output.zone_outlines && settings.zones.length > 0) {
        drawZoneOutlines(rendered, settings.zones, params.image_size_h, params.image_size_v);
      }
      const png = await sharp(rendered.data, { raw: { width: rendered.width, height: rendered.height, channels: 3 } }).png().toBuffer();
      // A run cancelled while this was painted writes no heatmap.png (the run waits for this finish).
      if (signal.aborted) throw new CancelledError();
      await writeFileAtomic(join(outputDir, PNG_FILE), png);
    },
    // Nothing is on disk before finish, and writeFileAtomic cleans up after itself.
    abort: async () => {
      await ahead?.stop();
    },
    outputs: () => (last !== null ? [PNG_FILE] : []),
  };
  return sink;
};

/** `image` stretched to `width × height` (sharp, `fit: fill`); the same object when it already has that size. */
export async function resize(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
