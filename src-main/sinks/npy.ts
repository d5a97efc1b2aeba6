/**
 * griddata.npy: every frame's grid in one NumPy array of shape (frames, grid_num_v, grid_num_h),
 * little-endian int32, format version 1.0, so `numpy.load('griddata.npy')` reads it.
 *
 * The frame count is known only at the end, so the header is written with room to spare and
 * rewritten in place before the file is renamed into place.
 */
import { join } from 'node:path';
import type { Sink, SinkFactory } from '../pipeline/types.js';
import { AtomicFile } from './atomic.js';

/** Header bytes including magic and padding; 128 holds any shape crowdheat writes and is 64-aligned as NumPy asks. */
const HEADER_BYTES = 128;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]; // \x93NUMPY v1.0

/** The .npy v1.0 header for a little-endian C-order array of `shape` (`descr` '<i4' int32, '<f8' float64). */
export function npyHeader(shape: readonly number[], descr: '<i4' | '<f8' = '<i4'): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const prefix = MAGIC.length + 2;
  const textLength = HEADER_BYTES - prefix;
  if (dict.length + 1 > textLength) throw new Error(`npy header too long for shape (${dims})`);
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  header[8] = textLength & 0xff;
  header[9] = textLength >> 8;
  const text = dict.padEnd(textLength - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) header[prefix + i] = text.charCodeAt(i);
  return header;
}

function littleEndianBytes(grid: Int32Array): Uint8Array {
  const bytes = new Uint8Array(grid.buffer, grid.byteOffset, grid.byteLength);
  if (new Uint8Array(new Int32Array([1]).buffer)[0] === 1) return bytes;
  const swapped = new Uint8Array(grid.length * 4);
  const view = new DataView(swapped.buffer);
  for (let i = 0; i < grid.length; i++) view.setInt32(i * 4, grid[i], true);
  return swapped;
}

export const npySink: SinkFactory = async (context) => {
  const { grid_num_v: rows, grid_num_h: columns } = context.params;
  const file = await AtomicFile.create(join(context.outputDir, 'griddata.npy'));
  await file.write(npyHeader([0, rows, columns]));
  let frames = 0;
  const sink: Sink = {
    async write(result) {
      // Written before this returns (the counter overwrites its grid on the next frame).
      file.writeNow(littleEndianBytes(result.grid));
      frames += 1;
    },
    async finish() {
      await file.writeAt(npyHeader([frames, rows, columns]), 0);
      await file.commit();
    },
    abort: () => file.discard(),
    outputs: () => ['griddata.npy'],
  };
  return sink;
};
