/**
 * What a dropped file is, told by the back end from real files: a tiny MP4 made by the bundled
 * ffmpeg, metadata in each format, settings YAML, and files it must refuse.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src-shared/errors.js';
import { inspectFile } from '../../src-main/app/inspect.js';
import { bundledFfmpegPath } from '../../src-main/ffmpeg/locate.js';
import { makeVideo } from '../video/fixtures.js';

/** Real inputs outside the repository (README: Licence and data). */
const DATA = '/work/shared/data';
const SEED_CSV = '0,1,2\n0,"{""perception"": {""object_detection_list"": []}}"\n1,"{""perception"": {""object_detection_list"": []}}"\n';
const MOT = '1,-1,286.552,154.138,71.337,167.328,0.998331,-1,-1,-1\n2,-1,10,20,30,40,0.5,-1,-1,-1\n';
const INFERENCE = JSON.stringify({ DeviceID: 'd', ModelID: 'm', Image: false, Inferences: [{ T: '20230412140023098', F: 1, O: '{}' }] });
const SETTINGS = 'data_source_settings:\n  mode: "local"\noutput_settings:\n  cmap: "Reds"\n';

let dir: string;
const at = (name: string): string => join(dir, name);
const inspect = (name: string) => inspectFile(at(name), bundledFfmpegPath);
const refusal = (name: string, reason: string): string =>
  `${name}: not a video, metadata or settings file crowdheat can read (${reason})`;
const NOT_METADATA = 'text, but not settings YAML, a seed CSV, a MOTChallenge det/gt file or inference JSON';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-inspect-'));
  await makeVideo(at('clip.mp4'), { frames: 7, width: 64, height: 48, fps: 10 });
  await writeFile(at('meta.csv'), SEED_CSV);
  // A MOT file named .txt: ffmpeg's tty demuxer would call it a video.
  await writeFile(at('det.txt'), MOT);
  await writeFile(at('result.json'), INFERENCE);
  await mkdir(at('results'));
  await writeFile(at('results/0001.jsonl'), `${INFERENCE}\n`);
  await mkdir(at('photos'));
  await writeFile(at('photos/a.jpg'), 'not json');
  await writeFile(at('heat_map_app.yaml'), SETTINGS);
  await writeFile(at('param.yaml'), 'grid_num_h: 10\ngrid_num_v: 10\n');
  await writeFile(at('package.json'), '{"name": "not-inference-results", "version": "1.0.0"}\n');
  await writeFile(at('garbage.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  await writeFile(at('empty.csv'), '');
  await writeFile(at('one-line.txt'), 'just a note');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('inspectFile', () => {
  it('probes a video: its size, frame count and rate', async () => {
    expect(await inspect('clip.mp4')).toEqual({ kind: 'video', path: at('clip.mp4'), width: 64, height: 48, frameCount: 7, fps: 10 });
  });

  it.each([
    ['meta.csv', 'seed_csv'],
    ['det.txt', 'mot'],
    ['result.json', 'inference_json'],
    ['results', 'inference_json'],
  ])('takes %s for metadata (%s)', async (name, format) => {
    expect(await inspect(name)).toEqual({ kind: 'metadata', path: at(name), format });
  });

  it("takes YAML with the sample's sections for settings", async () => {
    expect(await inspect('heat_map_app.yaml')).toEqual({ kind: 'settings', path: at('heat_map_app.yaml') });
  });

  it.each([
    ['garbage.bin', 'cannot be read as a video: Invalid data found when processing input'],
    ['empty.csv', 'the file is empty'],
    ['one-line.txt', NOT_METADATA],
    ['param.yaml', NOT_METADATA],
    ['package.json', 'JSON, but not inference results: no Inferences array'],
    ['photos', 'a folder without .json, .jsonl or .ndjson files'],
  ])('refuses %s in one line naming it', async (name, reason) => {
    const inspecting = inspect(name);
    await expect(inspecting).rejects.toBeInstanceOf(InputError);
    await expect(inspecting).rejects.toThrow(refusal(name, reason));
  });

  it.skipIf(!existsSync(DATA))('recognises the real AITRIOS CSV and MOTChallenge det files', async () => {
    expect(await inspectFile(join(DATA, 'aitrios-sample.csv'), bundledFfmpegPath)).toMatchObject({ kind: 'metadata', format: 'seed_csv' });
    for (const name of ['ETH-Bahnhof-det.txt', 'PETS09-S2L1-det.txt', 'TUD-Stadtmitte-det.txt']) {
      expect(await inspectFile(join(DATA, 'motchallenge', name), bundledFfmpegPath)).toMatchObject({ kind: 'metadata', format: 'mot' });
    }
  });

  it('names a missing path in full', async () => {
    await expect(inspect('gone.mp4')).rejects.toThrow(`${at('gone.mp4')}: not found`);
  });

  it('asks for ffmpeg only for binary files', async () => {
    let asked = 0;
    const counting = () => {
      asked += 1;
      return bundledFfmpegPath();
    };
    await inspectFile(at('det.txt'), counting);
    await inspectFile(at('heat_map_app.yaml'), counting);
    expect(asked).toBe(0);
    await inspectFile(at('clip.mp4'), counting);
    expect(asked).toBe(1);
  });
});
