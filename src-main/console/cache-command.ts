/**
 * `crowdheat console cache [--clear [--device ID]]`: what the Console cache keeps, per device, and
 * how to empty it.
 */
import { timestampToIso } from '../../src-shared/console/timestamps.js';
import { formatBytes } from '../../src-shared/bytes.js';
import { showValue } from '../../src-shared/messages.js';
import { ConsoleCache, deleteCacheFile, normaliseEndpoint, type CacheDeviceInfo } from './cache.js';
import { stat } from 'node:fs/promises';

/**
 * Prints the cache's file, its size and a line per device; with `clear`, empties it first (all of
 * it by deleting the file, whatever it holds, or one device's part).
 *
 * ```
 * Console cache /home/me/.cache/crowdheat/console-cache.duckdb: 3.2 MB
 * cam-1 of https://console.aitrios.sony-semicon.com/api/v1: 12000 inferences, 600 images, 2.9 MB; complete from 20240501120000000 (2024-05-01T12:00:00.000Z) to …
 * ```
 */
export async function consoleCacheCommand(
  file: string,
  out: (line: string) => void,
  options: { clear: boolean; deviceId?: string; endpoint?: string },
): Promise<void> {
  if (options.clear && options.deviceId === undefined) {
    await deleteCacheFile(file);
    out(`Console cache ${showValue(file, 200)}: cleared`);
    return;
  }
  const exists = await stat(file).then(() => true, () => false);
  if (!exists && !options.clear) {
    out(`Console cache ${showValue(file, 200)}: empty (no file yet)`);
    return;
  }
  const cache = await ConsoleCache.open(file);
  try {
    if (options.deviceId !== undefined) {
      await cache.clearDevice(options.deviceId, options.endpoint ?? null);
      const where = options.endpoint === undefined ? '' : ` of ${showValue(normaliseEndpoint(options.endpoint), 200)}`;
      out(`Console cache: cleared device ${showValue(options.deviceId)}${where}`);
    }
    const info = await cache.info();
    out(`Console cache ${showValue(info.file, 200)}: ${formatBytes(info.file_bytes)}`);
    if (info.devices.length === 0) out('no device data');
    for (const device of info.devices) out(describeDevice(device));
  } finally {
    cache.close();
  }
}

/** One line about the part of the cache of a device of one Console (its endpoint). */
export function describeDevice(device: CacheDeviceInfo): string {
  const parts = [`${device.inferences} inferences`, `${device.images} images`, formatBytes(device.bytes)];
  const complete = device.covered.map(
    (interval) =>
      `${interval.first === null ? 'the beginning' : `${interval.first} (${timestampToIso(interval.first)})`} to ` +
      `${interval.last} (${timestampToIso(interval.last)})`,
  );
  const known = complete.length === 0 ? '' : `; complete from ${complete.join(', from ')}`;
  return `${showValue(device.device_id)} of ${showValue(device.endpoint, 200)}: ${parts.join(', ')}${known}`;
}
