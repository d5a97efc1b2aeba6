/**
 * Heat over picture: `out = round((1 - t) * image + t * heat)` for every byte.
 *
 * ```ts
 * blend(Uint8Array.of(100), Uint8Array.of(200), 0.4, new Uint8Array(1)) // [140]
 * ```
 */
import { SettingsError } from '../errors.js';

/**
 * Blends two RGB buffers of equal length into `out` (allocated when absent; it may be `image`
 * or `heat` itself). Computed as `image + round(t * (heat - image))`, with halves rounded up,
 * which equals the formula above for integer bytes; the 511 possible differences are rounded
 * once into a table so that each byte costs one lookup and one addition.
 */
export function blend(image: Uint8Array, heat: Uint8Array, transparency: number, out?: Uint8Array): Uint8Array {
  if (!(transparency >= 0 && transparency <= 1)) {
    throw new SettingsError(`output_settings.transparency: ${transparency} is not between 0 and 1`);
  }
  if (image.length !== heat.length) {
    throw new RangeError(`blend: image has ${image.length} bytes but heat has ${heat.length}`);
  }
  const result = out ?? new Uint8Array(image.length);
  const stepOf = new Int16Array(511);
  for (let difference = -255; difference <= 255; difference++) {
    stepOf[difference + 255] = Math.round(transparency * difference);
  }
  for (let i = 0; i < image.length; i++) {
    const base = image[i];
    result[i] = base + stepOf[heat[i] - base + 255];
  }
  return result;
}
