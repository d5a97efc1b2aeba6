/**
 * Heat over picture: `out = round((1 - t) * image + t * heat)` for every byte.
 *
 * ```ts
 * blend(Uint8Array.of(100), Uint8Array.of(200), 0.4) // [140]
 * ```
 */
import { SettingsError } from '../errors.js';

/**
 * Blends two RGB buffers of equal length into `out` (allocated when absent; it may be `image`
 * or `heat` itself). Each byte is `image + round(t * (heat - image))` with halves rounded up,
 * which equals the formula above for integer bytes. All 65536 (image, heat) pairs are worked
 * out once per transparency, and aligned buffers are read and written four bytes at a time:
 * a 1080p frame is 6 million bytes, and this is the one per-pixel step that JavaScript does.
 */
export function blend(image: Uint8Array, heat: Uint8Array, transparency: number, out?: Uint8Array): Uint8Array {
  if (!(transparency >= 0 && transparency <= 1)) {
    throw new SettingsError(`output_settings.transparency: ${transparency} is not between 0 and 1`);
  }
  if (image.length !== heat.length) {
    throw new RangeError(`blend: image has ${image.length} bytes but heat has ${heat.length}`);
  }
  const result = out ?? new Uint8Array(image.length);
  if (result.length !== image.length) {
    throw new RangeError(`blend: output has ${result.length} bytes but image has ${image.length}`);
  }
  const mix = mixTable(transparency);
  const aligned = image.byteOffset % 4 === 0 && heat.byteOffset % 4 === 0 && result.byteOffset % 4 === 0;
  const wordCount = aligned ? image.length >> 2 : 0;
  if (wordCount > 0) {
    const imageWords = new Uint32Array(image.buffer, image.byteOffset, wordCount);
    const heatWords = new Uint32Array(heat.buffer, heat.byteOffset, wordCount);
    const resultWords = new Uint32Array(result.buffer, result.byteOffset, wordCount);
    // Byte k of a word pairs with byte k of the other whatever the platform's byte order.
    for (let i = 0; i < wordCount; i++) {
      const a = imageWords[i];
      const b = heatWords[i];
      resultWords[i] =
        mix[((a & 0xff) << 8) | (b & 0xff)] |
        (mix[(a & 0xff00) | ((b >>> 8) & 0xff)] << 8) |
        (mix[((a >>> 8) & 0xff00) | ((b >>> 16) & 0xff)] << 16) |
        (mix[((a >>> 16) & 0xff00) | (b >>> 24)] << 24);
    }
  }
  for (let i = wordCount * 4; i < image.length; i++) result[i] = mix[(image[i] << 8) | heat[i]];
  return result;
}

let mixTransparency = Number.NaN;
let mixBytes = new Uint8Array(0);

/** `mix[(image << 8) | heat]` is the blended byte; kept for the last transparency, which a run reuses every frame. */
function mixTable(transparency: number): Uint8Array {
  if (transparency === mixTransparency) return mixBytes;
  const table = new Uint8Array(65536);
  for (let base = 0; base < 256; base++) {
    for (let heat = 0; heat < 256; heat++) table[(base << 8) | heat] = base + Math.round(transparency * (heat - base));
  }
  mixTransparency = transparency;
  mixBytes = table;
  return table;
}

/**
 * `blend` with the heat's weight scaled per byte by `coverage` (0–255, `heatCoverage`
 * stretched like the colours): 255 blends exactly as `blend`, 0 keeps the image byte, values
 * between weigh the heat by `transparency * coverage / 255` (the soft edge of a clear cell under
 * bilinear stretching). `out` (allocated when absent) may be `heat`, not `image` or `coverage`.
 */
export function blendCovered(
  image: Uint8Array,
  heat: Uint8Array,
  coverage: Uint8Array,
  transparency: number,
  out?: Uint8Array,
): Uint8Array {
  if (coverage.length !== image.length) {
    throw new RangeError(`blend: coverage has ${coverage.length} bytes but image has ${image.length}`);
  }
  if (out === image || out === coverage) throw new RangeError('blend: the output must not be the image or the coverage');
  if (!(transparency >= 0 && transparency <= 1)) {
    throw new SettingsError(`output_settings.transparency: ${transparency} is not between 0 and 1`);
  }
  if (image.length !== heat.length) {
    throw new RangeError(`blend: image has ${image.length} bytes but heat has ${heat.length}`);
  }
  const result = out ?? new Uint8Array(image.length);
  if (result.length !== image.length) {
    throw new RangeError(`blend: output has ${result.length} bytes but image has ${image.length}`);
  }
  const mix = mixTable(transparency);
  for (let i = 0; i < image.length; i++) {
    const weight = coverage[i];
    const base = image[i];
    if (weight === 255) result[i] = mix[(base << 8) | heat[i]];
    else if (weight === 0) result[i] = base;
    else result[i] = base + Math.round(((transparency * weight) / 255) * (heat[i] - base));
  }
  return result;
}
