import { join } from 'node:path';
import type { Frame } from '../../src-shared/frames.js';
import { resolveTimeBase } from '../../src-shared/periods/time-base.js';
import { STORE_FILE } from '../../src-main/store/schema.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { StoreReader, StoreWriter, type DetectionStream } from '../../src-main/store/store.js';

/** Writes `frames` (with their T when they have one, else no time base) into a store in `dir` and opens it. */
export async function storeOf(dir: string, frames: Frame[]): Promise<StoreReader> {
  const writer = await StoreWriter.create(join(dir, STORE_FILE));
  for (const frame of frames) writer.addFrame(frame);
  const timeBase = resolveTimeBase({ timestamps: writer.timestamps(), frameIndexes: writer.frameIndexes(), metadataFps: 0, startMs: 0, videoFps: 0 });
  await writer.finish(timeBase, { settings: '{}', source_name: 'test' });
  return StoreReader.open(dir);
}

/** Every detection `stream` hands over, in its order, as [frame, left, top, right, bottom, score, class id, track id]. */
export async function detectionRows(stream: DetectionStream): Promise<number[][]> {
  const rows: number[][] = [];
  await stream.forEachDetections((frameIndex, d) => {
    for (let i = 0; i < d.count; i++) rows.push([frameIndex, ...Array.from(d.boxes.subarray(i * 4, i * 4 + 4)), d.scores[i], d.classIds[i], d.trackIds[i]]);
  });
  return rows;
}

/** The column types of `detections` in the store file at `path`, by column name (`frame_index: 'INTEGER'`, …). */
export async function detectionColumnTypes(path: string): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'detections'");
    return Object.fromEntries(result.getRows().map(([name, type]) => [String(name), String(type)]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
