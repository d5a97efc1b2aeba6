import { join } from 'node:path';
import type { Frame } from '../../src-shared/frames.js';
import { resolveTimeBase } from '../../src-shared/periods/time-base.js';
import { STORE_FILE } from '../../src-main/store/schema.js';
import { StoreReader, StoreWriter } from '../../src-main/store/store.js';

/** Writes `frames` (with their T when they have one, else no time base) into a store in `dir` and opens it. */
export async function storeOf(dir: string, frames: Frame[]): Promise<StoreReader> {
  const writer = await StoreWriter.create(join(dir, STORE_FILE));
  for (const frame of frames) writer.addFrame(frame);
  const timeBase = resolveTimeBase({ timestamps: writer.timestamps(), frameIndexes: writer.frameIndexes(), metadataFps: 0, startMs: 0, videoFps: 0 });
  await writer.finish(timeBase, { settings: '{}', source_name: 'test' });
  return StoreReader.open(dir);
}
