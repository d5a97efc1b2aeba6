/**
 * One output picture from one frame's grid: colours → stretch → blend → colorbar → label.
 * Buffers are allocated once per renderer and reused, so rendering a video allocates nothing
 * per frame beyond bilinear's scratch rows.
 *
 * ```ts
 * const renderer = new FrameRenderer({ width: 1920, height: 1080, table: getColormap('Reds'),
 *   interpolation: 'nearest', overlay: true, transparency: 0.4, colorbar: true, emptyCells: 'clear' });
 * const picture = renderer.render({ grid, columns: 192, rows: 108,
 *   scale: colorScale(0, 0, 15, runningMax), label: frameLabel(n, frame.timestamp), image });
 * ```
 */
import type { RgbImage } from '../frames.js';
import type { EmptyCells, Interpolation } from '../settings/types.js';
import { blendCovered } from './blend.js';
import { drawColorbar } from './colorbar.js';
import { heatColors, heatCoverage } from './heat.js';
import type { ColorScale } from './scale.js';
import { drawText, measureText, textScale } from './text.js';
import { upscaleBilinear, upscaleNearest } from './upscale.js';

export interface FrameStyle {
  /** Output picture size in pixels. */
  width: number;
  height: number;
  /** Colormap table from `getColormap`. */
  table: Uint8Array;
  interpolation: Interpolation;
  /** Blend the heat over the frame's picture when it has one (`output_settings.overlay`). */
  overlay: boolean;
  /** Weight of the heat in the blend, 0–1. */
  transparency: number;
  /** Draw the labelled colorbar at the right edge (`output_settings.cbar`). */
  colorbar: boolean;
  /** What a cell with count 0 draws over a picture (`output_settings.empty_cells`); the heat alone is always tinted. */
  emptyCells: EmptyCells;
}

export interface FrameInput {
  /** Counts (or person-seconds), row after row (`rows` × `columns`). */
  grid: ArrayLike<number>;
  columns: number;
  rows: number;
  scale: ColorScale;
  /** Text for the top left, usually `frameLabel(count, timestamp)`. */
  label: string;
  /** The camera picture, already `width` × `height`; without it the heat is shown alone. */
  image?: RgbImage;
}

/** Font units of the gap between the picture's edge and the label. */
const LABEL_MARGIN = 4;

export class FrameRenderer {
  private cells = new Uint8Array(0);
  private cellCoverage = new Uint8Array(0);
  private readonly heat: Uint8Array;
  private readonly coverage: Uint8Array;
  private readonly picture: RgbImage;
  private readonly fontScale: number;

  constructor(private readonly style: FrameStyle) {
    this.heat = new Uint8Array(style.width * style.height * 3);
    this.coverage = new Uint8Array(this.heat.length);
    this.picture = { width: style.width, height: style.height, data: new Uint8Array(this.heat.length) };
    this.fontScale = textScale(style.width, style.height);
  }

  /** Renders into a buffer owned by the renderer: copy it before the next `render` if you keep it. */
  render(input: FrameInput): RgbImage {
    const { style } = this;
    if (this.cells.length !== input.columns * input.rows * 3) {
      this.cells = new Uint8Array(input.columns * input.rows * 3);
      this.cellCoverage = new Uint8Array(this.cells.length);
    }
    const cells = heatColors(input.grid, input.scale, style.table, this.cells);
    const upscale = style.interpolation === 'bilinear' ? upscaleBilinear : upscaleNearest;
    const image = style.overlay ? input.image : undefined;
    if (image !== undefined) {
      if (image.width !== style.width || image.height !== style.height) {
        throw new RangeError(`render: picture is ${image.width}×${image.height}, output is ${style.width}×${style.height}`);
      }
      upscale(cells, input.columns, input.rows, style.width, style.height, this.heat);
      heatCoverage(input.grid, style.emptyCells, this.cellCoverage);
      upscale(this.cellCoverage, input.columns, input.rows, style.width, style.height, this.coverage);
      blendCovered(image.data, this.heat, this.coverage, style.transparency, this.picture.data);
    } else {
      upscale(cells, input.columns, input.rows, style.width, style.height, this.picture.data);
    }
    const margin = LABEL_MARGIN * this.fontScale;
    if (style.colorbar) {
      // Room for a two-line label is kept whether or not this frame has a timestamp, so the
      // bar does not jump between frames.
      const top = margin + measureText('\n', this.fontScale).height;
      drawColorbar(this.picture, style.table, input.scale.min, input.scale.max, { scale: this.fontScale, top });
    }
    drawText(this.picture, input.label, margin, margin, { scale: this.fontScale });
    return this.picture;
  }
}
