import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeObjectDetectionTop } from '../../src-shared/flatbuffers/index.js';
import { Diagnostics } from '../../src-main/pipeline/diagnostics.js';
import { openMetadata } from '../../src-main/sources/index.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-inference-registry-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const O = Buffer.from(
  encodeObjectDetectionTop([{ left: 1, top: 2, right: 3, bottom: 4, score: 0.5, class_id: 0 }]),
).toString('base64');

async function timestampsOf(path: string): Promise<(string | undefined)[]> {
  const source = await openMetadata(path, 'auto', new Diagnostics());
  const timestamps = [];
  for await (const frame of source.frames(new AbortController().signal)) timestamps.push(frame.timestamp);
  return timestamps;
}

describe('meta_format auto', () => {
  it('reads a JSON file and a folder as inference JSON', async () => {
    const file = join(dir, 'record.json');
    await writeFile(file, JSON.stringify({ Inferences: [{ T: '20230412140023431', O }, { T: '20230412140023098', O }] }));
    expect(await timestampsOf(file)).toEqual(['20230412140023098', '20230412140023431']);

    const folder = join(dir, 'records');
    await mkdir(folder);
    await writeFile(join(folder, '1.json'), JSON.stringify({ Inferences: [{ T: '20230412140023765', O }] }));
    await writeFile(join(folder, '2.json'), JSON.stringify({ Inferences: [{ T: '20230412140023098', O }] }));
    expect(await timestampsOf(folder)).toEqual(['20230412140023098', '20230412140023765']);
  });
});
