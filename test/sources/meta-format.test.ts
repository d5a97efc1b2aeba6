import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src-shared/errors.js';
import { sniffMetaFormat } from '../../src-main/sources/meta-format.js';
import { tempDirEachTest } from './helpers.js';

const DATA = '/work/shared/data';

const temp = tempDirEachTest();

const SEED_ROW = '0,"{""perception"": {""object_detection_list"": []}}"';

describe('sniffMetaFormat', () => {
  it.each([
    ['seed CSV with the sample header', `0,1,2,3,4,5,6,7,8,9\r\n${SEED_ROW}\r\n`, 'seed_csv'],
    ['seed CSV with a Python-literal dict', `,meta\n0,"{'perception': {'object_detection_list': []}}"\n`, 'seed_csv'],
    ['seed CSV without a header', `\uFEFF${SEED_ROW}\n`, 'seed_csv'],
    ['seed CSV header alone', 'index,meta\n', 'seed_csv'],
    ['MOT det', '\n1,-1,286.552,154.138,71.337,167.328,0.998331,-1,-1,-1\n1,-1,1,2,3,4,0.5,-1,-1,-1\n', 'mot'],
    ['MOT gt with six columns', '1,1,10,20,30,40\n2,1,10,20,30,40\n', 'mot'],
    ['MOT with trailing empty cells', '1,-1,10,20,30,40,0.9,,\n', 'mot'],
    ['inference JSON object', '  {"DeviceID": "d", "Inferences": []}', 'inference_json'],
    ['inference JSON array', '[{"DeviceID": "d"}]', 'inference_json'],
    ['inference JSON Lines', '{"DeviceID": "a"}\n{"DeviceID": "b"}\n', 'inference_json'],
  ])('%s → %s', async (_name, text, format) => {
    // Names that lie about the content: the content decides.
    const path = temp.write('metadata.txt', text);
    expect(await sniffMetaFormat(path)).toBe(format);
  });

  it('tells the sample header (frame 0) from a MOT row (frames from 1) when it stands alone', async () => {
    expect(await sniffMetaFormat(temp.write('a.csv', '0,1,2,3,4,5,6,7,8,9\n'))).toBe('seed_csv');
  });

  it('judges only complete lines when the file is longer than what it reads', async () => {
    const row = '1,-1,286.552,154.138,71.337,167.328,0.998331,-1,-1,-1\n';
    expect(await sniffMetaFormat(temp.write('det.txt', row.repeat(5000)))).toBe('mot');
  });

  it('rejects what it does not recognise, naming the file and the formats it expected', async () => {
    const path = temp.write('notes.txt', 'hello\nworld\n');
    const sniffing = sniffMetaFormat(path);
    await expect(sniffing).rejects.toBeInstanceOf(InputError);
    await expect(sniffing).rejects.toThrow(
      `${path}: unrecognised metadata format: expected a seed CSV (header, then rows index,"{...}"), ` +
        'a MOTChallenge det/gt file (rows frame,id,left,top,width,height,...) or inference JSON ' +
        '(starting with { or [); set local_data_settings.meta_format to force one',
    );
  });

  it.each([
    ['empty', ''],
    ['blank', ' \r\n\n'],
  ])('%s file: no metadata rows', async (_name, text) => {
    const path = temp.write('meta.csv', text);
    await expect(sniffMetaFormat(path)).rejects.toBeInstanceOf(InputError);
    await expect(sniffMetaFormat(path)).rejects.toThrow(`${path}: no metadata rows`);
  });

  it('missing file and directory', async () => {
    const missing = `${temp.dir}/missing.csv`;
    await expect(sniffMetaFormat(missing)).rejects.toBeInstanceOf(InputError);
    await expect(sniffMetaFormat(missing)).rejects.toThrow(`meta_file not found: ${missing}`);
    await expect(sniffMetaFormat(temp.dir)).rejects.toThrow(`meta_file is a directory, not a file: ${temp.dir}`);
  });

  describe.skipIf(!existsSync(DATA))('the real files', () => {
    it('recognises the AITRIOS sample CSV and the MOTChallenge detections', async () => {
      expect(await sniffMetaFormat(`${DATA}/aitrios-sample.csv`)).toBe('seed_csv');
      for (const sequence of ['PETS09-S2L1', 'TUD-Stadtmitte', 'ETH-Bahnhof']) {
        expect(await sniffMetaFormat(`${DATA}/motchallenge/${sequence}-det.txt`)).toBe('mot');
      }
    });
  });
});
