/**
 * Issue 9's inputs (and others of the same kinds) through the built `crowdheat run`, as a user
 * runs it: small generated files in, detect JSON / summary.json / griddata.npy, warnings and
 * exit codes out, compared with values computed by hand.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'bin', 'crowdheat');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface DetectJson {
  number_of_detects: number;
  bboxes?: { left: number; top: number; right: number; bottom: number }[];
  positions?: { x: number; y: number }[];
  griddata: number[][];
  timestamp?: string;
}

interface Summary {
  frames: number;
  detections: number;
  skipped_records: number;
  outside_image: number;
  warnings: Record<string, number>;
  image_extent: { finding: string | null; fitting_size: { h: number; v: number } | null; message: string | null };
}

/** Runs the built CLI in `cwd` with a deadline, so a hang fails the test instead of stalling it. */
function crowdheat(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.CROWDHEAT_DEBUG;
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** griddata.npy as frames of rows of cells (int32 little-endian, C order). */
function readNpy(path: string): { shape: number[]; cells: Int32Array } {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.toString('latin1', 10, 10 + headerLength);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim() !== '').map(Number);
  const start = 10 + headerLength;
  const cells = new Int32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  return { shape, cells };
}

/** The non-zero cells of one frame's grid, as `[v, h, count]`. */
function heatCells(grid: number[][]): number[][] {
  const cells: number[][] = [];
  grid.forEach((row, v) => row.forEach((count, h) => count !== 0 && cells.push([v, h, count])));
  return cells;
}

describe('readers through crowdheat run', () => {
  let root: string;
  let caseNumber = 0;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'crowdheat-readers-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** A fresh folder holding `name` with `content`; returns the folder. */
  function caseWith(name: string, content: string | Buffer): string {
    caseNumber += 1;
    const folder = mkdtempSync(join(root, `case-${caseNumber}-`));
    writeFileSync(join(folder, name), content);
    return folder;
  }

  async function run(cwd: string, meta: string, ...flags: string[]): Promise<Outcome> {
    return crowdheat(['run', '--meta_file', meta, '--output_dir', 'out', ...flags], cwd);
  }

  function detect(cwd: string, frame: number): DetectJson {
    return JSON.parse(readFileSync(join(cwd, 'out', 'detect', `${String(frame).padStart(8, '0')}.json`), 'utf8')) as DetectJson;
  }

  function summary(cwd: string): Summary {
    return JSON.parse(readFileSync(join(cwd, 'out', 'summary.json'), 'utf8')) as Summary;
  }

  function warningLines(outcome: Outcome): string[] {
    return outcome.stderr.split('\n').filter((line) => line.startsWith('crowdheat: warning: '));
  }

  test('a detection with no pixel inside the image adds no heat, is not listed, and is counted once', async () => {
    const cwd = caseWith('det.txt', '1,-1,3817,926,277,251,1\n');
    const outcome = await run(cwd, 'det.txt', '--number_of_add_grid', '0');
    expect(outcome.code).toBe(0);
    const frame = detect(cwd, 0);
    expect(frame.number_of_detects).toBe(0);
    expect(frame.bboxes).toEqual([]);
    expect(heatCells(frame.griddata)).toEqual([]);
    const npy = readNpy(join(cwd, 'out', 'griddata.npy'));
    expect(npy.shape).toEqual([1, 108, 192]);
    expect(npy.cells.every((count) => count === 0)).toBe(true);
    const s = summary(cwd);
    expect(s.detections).toBe(0);
    expect(s.outside_image).toBe(1);
    expect(s.warnings['outside-image']).toBe(1);
    expect(warningLines(outcome).filter((line) => line.includes('no pixel inside'))).toEqual([
      'crowdheat: warning: 1 detection(s) with no pixel inside the 1920×1080 image were left out (no heat, not in detect/)',
    ]);
  });

  test('a box crossing the edge counts over its visible part and is listed as the detector gave it', async () => {
    // Two boxes outside (right, below), one crossing the right and bottom edges.
    const cwd = caseWith('det.txt', ['1,-1,1900,1000,100,100,1', '1,-1,1920,10,5,5,1', '1,-1,10,1080,5,5,1'].join('\n'));
    const outcome = await run(cwd, 'det.txt', '--number_of_add_grid', '0');
    expect(outcome.code).toBe(0);
    const frame = detect(cwd, 0);
    expect(frame.bboxes).toEqual([{ left: 1900, top: 1000, right: 2000, bottom: 1100 }]);
    // Columns 190..191, rows 100..107: 16 cells.
    const expected: number[][] = [];
    for (let v = 100; v <= 107; v++) for (let h = 190; h <= 191; h++) expected.push([v, h, 1]);
    expect(heatCells(frame.griddata)).toEqual(expected);
    expect(summary(cwd).outside_image).toBe(2);
    expect(warningLines(outcome)).toContain(
      'crowdheat: warning: 2 detection(s) with no pixel inside the 1920×1080 image were left out (no heat, not in detect/)',
    );
  });

  test('4K detections read as 1920×1080 are reported once with the extent seen and the size that fits', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i + 1},-1,${3000 + i * 10},${1500 + i * 20},${840 - i * 10},${660 - i * 20},1`);
    const cwd = caseWith('det.txt', rows.join('\n'));
    const outcome = await run(cwd, 'det.txt');
    expect(outcome.code).toBe(0);
    const message =
      "detections reach x = 3840, y = 2160 but image_size is 1920×1080; set image_size_h / image_size_v to the detector's frame size (3840×2160 would fit)";
    expect(warningLines(outcome).filter((line) => line.includes('detections reach'))).toEqual([`crowdheat: warning: ${message}`]);
    const s = summary(cwd);
    expect(s.image_extent.finding).toBe('beyond');
    expect(s.image_extent.fitting_size).toEqual({ h: 3840, v: 2160 });
    expect(s.image_extent.message).toBe(message);
    expect(s.warnings['image-size-mismatch']).toBe(1);
  });

  test('detections crowded into a corner of the declared image are reported with the size that fits', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i + 1},-1,${10 + i * 5},${20 + i * 5},40,${200 - i * 5},1`);
    const cwd = caseWith('det.txt', rows.join('\n'));
    const outcome = await run(cwd, 'det.txt');
    expect(outcome.code).toBe(0);
    expect(warningLines(outcome).filter((line) => line.includes('image_size'))).toEqual([
      'crowdheat: warning: all 12 detections stay within x ≤ 105, y ≤ 220 of image_size 1920×1080; ' +
        "set image_size_h / image_size_v to the detector's frame size (300×300 would fit)",
    ]);
    expect(summary(cwd).image_extent.finding).toBe('crowded');
  });

  test('a point comes from the box as the detector gave it, not from the clipped box', async () => {
    const cwd = caseWith('det.txt', '1,-1,900,-300,100,800,0.9\n');
    const outcome = await run(cwd, 'det.txt', '--bbox2pix', '--number_of_add_grid', '0', '--set', 'heat_map_settings.point_ratio=0.5');
    expect(outcome.code).toBe(0);
    const frame = detect(cwd, 0);
    expect(frame.positions).toEqual([{ x: 950, y: 100 }]);
    expect(heatCells(frame.griddata)).toEqual([[10, 95, 1]]);
  });

  test('MOT rows written track by track are placed at their own frames, nothing skipped', async () => {
    const cwd = caseWith('det.txt', ['1,1,10,10,50,50,1', '2,1,12,10,50,50,1', '1,2,500,500,50,50,1', '2,2,502,500,50,50,1'].join('\n'));
    const outcome = await run(cwd, 'det.txt', '--quiet');
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
    const s = summary(cwd);
    expect([s.frames, s.detections, s.skipped_records]).toEqual([2, 4, 0]);
    expect(detect(cwd, 0).bboxes).toEqual([
      { left: 10, top: 10, right: 60, bottom: 60 },
      { left: 500, top: 500, right: 550, bottom: 550 },
    ]);
    expect(detect(cwd, 1).bboxes).toEqual([
      { left: 12, top: 10, right: 62, bottom: 60 },
      { left: 502, top: 500, right: 552, bottom: 550 },
    ]);
  });

  test('seed CSV rows out of order are placed at their own index', async () => {
    const dict = (left: number): string =>
      `"{""perception"": {""object_detection_list"": [{""class_id"": 0, ""bounding_box"": {""left"": ${left}, ""top"": 10, ""right"": ${left + 10}, ""bottom"": 20}, ""score"": 0.9}]}}"`;
    const cwd = caseWith('meta.csv', ['0,1', `2,${dict(30)}`, `0,${dict(10)}`, `1,${dict(20)}`].join('\n'));
    const outcome = await run(cwd, 'meta.csv');
    expect(outcome.code).toBe(0);
    expect([0, 1, 2].map((i) => detect(cwd, i).bboxes?.[0].left)).toEqual([10, 20, 30]);
    expect(summary(cwd).skipped_records).toBe(0);
  });

  test("an inline inference without an object list is an empty frame, as {'perception': {}} is in the seed CSV", async () => {
    const record = {
      DeviceID: 'Aid-1',
      Inferences: [
        { T: '20230412140023000', F: 1, O: '{"perception":{"object_detection_list":[]}}' },
        { T: '20230412140023100', F: 1, O: '{"perception":{}}' },
      ],
    };
    const cwd = caseWith('inference.json', JSON.stringify(record));
    const outcome = await run(cwd, 'inference.json');
    expect(outcome.code).toBe(0);
    const s = summary(cwd);
    expect([s.frames, s.detections, s.skipped_records]).toEqual([2, 0, 0]);
  });

  test('a seed CSV whose every row fails exits 2 with one line naming the file, the rows tried and the first reason', async () => {
    const cwd = caseWith('meta.csv', ['0,1', '0,"{perception: 1}"', '1,"{\'perception\': np.array([1])}"'].join('\n'));
    const outcome = await run(cwd, 'meta.csv');
    expect(outcome.code).toBe(2);
    const path = join(cwd, 'meta.csv');
    expect(outcome.stderr.split('\n')).toEqual([
      `crowdheat: warning: ${path}:2: skipped: malformed metadata dict: unknown name 'perception' at character 2`,
      `crowdheat: warning: ${path}:3: skipped: malformed metadata dict: unknown name 'np.array' at character 16`,
      `crowdheat: ${path}: no usable record among 2 rows; the first: ${path}:2: ` +
        "malformed metadata dict: unknown name 'perception' at character 2",
      '',
    ]);
    expect(existsSync(join(cwd, 'out', 'summary.json'))).toBe(false);
    expect(existsSync(join(cwd, 'out', 'detect')) ? readdirSync(join(cwd, 'out', 'detect')) : []).toEqual([]);
  });

  test('NumPy 2 scalar reprs in a Python-literal seed CSV read as the numbers they are', async () => {
    const dict =
      "{'perception': {'object_detection_list': [{'class_id': np.int64(0), 'bounding_box': {'left': np.int64(10), " +
      "'top': numpy.int32(20), 'right': np.float64(30.5), 'bottom': np.float32(40)}, 'score': np.float32(0.9), 'tracked': np.True_, 'label': np.str_('person')}]}}";
    const cwd = caseWith('meta.csv', `0,1\n0,"${dict}"\n`);
    const outcome = await run(cwd, 'meta.csv');
    expect(outcome.code).toBe(0);
    expect(detect(cwd, 0).bboxes).toEqual([{ left: 10, top: 20, right: 30.5, bottom: 40 }]);
    expect(summary(cwd).skipped_records).toBe(0);
  });

  test('a MOT file whose rows are 108,000 frames apart is refused before any output, naming the rows', async () => {
    const content = '1,-1,100,100,50,50,1\n108001,-1,100,100,50,50,1\n216001,-1,100,100,50,50,1\n';
    const cwd = caseWith('det.txt', content);
    const outcome = await run(cwd, 'det.txt');
    expect(outcome.code).toBe(2);
    const path = join(cwd, 'det.txt');
    expect(outcome.stderr).toBe(
      `crowdheat: ${path}:1 (frame 1) and ${path}:2 (frame 108001) leave 107999 frames without rows between them; ` +
        'at most 9000 are filled with empty frames (fix or split the file)\n',
    );
    expect(existsSync(join(cwd, 'out', 'summary.json'))).toBe(false);
    expect(existsSync(join(cwd, 'out', 'griddata.npy'))).toBe(false);
  });

  test('a CSV cell nested 100,000 deep and one of 10 MB are skipped, counted and named; the other rows count', async () => {
    const good = '"{""perception"": {""object_detection_list"": [{""bounding_box"": {""left"": 1, ""top"": 2, ""right"": 3, ""bottom"": 4}, ""score"": 1}]}}"';
    const deep = `"${'['.repeat(100_000)}${']'.repeat(100_000)}"`;
    const bigDict = `{"perception": {"object_detection_list": [], "pad": "${'x'.repeat(10 * 1024 * 1024)}"}}`;
    const big = `"${bigDict.replaceAll('"', '""')}"`;
    const cwd = caseWith('meta.csv', ['0,1', `0,${good}`, `1,${deep}`, `2,${big}`, `3,${good}`].join('\n'));
    const outcome = await run(cwd, 'meta.csv');
    expect(outcome.code).toBe(0);
    const path = join(cwd, 'meta.csv');
    const skipped = warningLines(outcome).filter((line) => line.includes('skipped'));
    expect(skipped).toEqual([
      `crowdheat: warning: ${path}:3: skipped: record nests deeper than the cap of 64 levels`,
      `crowdheat: warning: ${path}:4: skipped: record of ${bigDict.length} characters is longer than the cap of 1048576`,
    ]);
    const s = summary(cwd);
    expect([s.frames, s.detections, s.skipped_records]).toEqual([4, 2, 2]);
  });

  test('an inference entry nested 100,000 deep is skipped and named by record and inference in a pretty-printed file', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const good = (t: string): string => `{"T": "${t}", "F": 1, "O": {"perception": {}}}`;
    const text = `[\n  {\n    "Inferences": [\n      ${good('20230412140023000')},\n      ${deep},\n      ${good('20230412140023100')}\n    ]\n  }\n]\n`;
    const cwd = caseWith('inference.json', text);
    const outcome = await run(cwd, 'inference.json');
    expect(outcome.code).toBe(0);
    expect(warningLines(outcome)).toEqual([
      `crowdheat: warning: ${join(cwd, 'inference.json')}: record 1, inference 2: skipped: inference is a list of 1, not an object`,
    ]);
    expect([summary(cwd).frames, summary(cwd).skipped_records]).toEqual([2, 1]);
  });
});
