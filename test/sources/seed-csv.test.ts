import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openSeedCsv } from '../../src-main/sources/seed-csv.js';
import { expectInputError, readAll, readFileWith, recordingDiagnostics, tempDirEachTest, unreadablePathTests } from './helpers.js';

const REAL_CSV = '/work/shared/data/aitrios-sample.csv';
const HEADER = '0,1,2,3,4,5,6,7,8,9';

/** A CSV cell holding `text`, quoted as pandas writes it. */
function cell(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function jsonDict(boxes: number[][]): string {
  return JSON.stringify({
    perception: {
      object_detection_list: boxes.map(([left, top, right, bottom, score, classId]) => ({
        class_id: classId,
        bounding_box: { left, top, right, bottom },
        score,
      })),
    },
  });
}

const temp = tempDirEachTest();

function readCsv(lines: string[], eol = '\n') {
  return readFileWith(openSeedCsv, temp.write('meta.csv', lines.join(eol) + eol));
}

describe('seed CSV', () => {
  it('is a metadata-only source named heatmap', () => {
    const source = openSeedCsv('/nowhere.csv', recordingDiagnostics().diagnostics);
    expect(source.name).toBe('heatmap');
    expect(source.hasImages).toBe(false);
    expect(source.expectedFrames).toBeUndefined();
  });

  it('reads JSON dicts after a header with more cells than the rows', async () => {
    const { frames, warnings } = await readCsv([
      HEADER,
      `0,${cell(jsonDict([[120, 576, 412, 1048, 0.99, 0], [1, 2.5, 3, 4, 0.5, 2]]))}`,
      `1,${cell(jsonDict([]))}`,
    ], '\r\n');
    expect(frames).toEqual([
      { index: 0, boxes: [[120, 576, 412, 1048, 0.99, 0], [1, 2.5, 3, 4, 0.5, 2]] },
      { index: 1, boxes: [] },
    ]);
    expect(warnings).toEqual([]);
  });

  it('reads Python-literal dicts: single quotes, tuples, True/None, exponents', async () => {
    const dict =
      "{'perception': {'object_detection_list': ({'class_id': 1, 'bounding_box': {'left': 1e1, 'top': -2, " +
      "'right': 30.5, 'bottom': 40}, 'score': 0.75, 'tracked': True, 'note': None},)}}";
    const { frames, warnings } = await readCsv(['index,meta', `0,${cell(dict)}`]);
    expect(frames).toEqual([{ index: 0, boxes: [[10, -2, 30.5, 40, 0.75, 1]] }]);
    expect(warnings).toEqual([]);
  });

  it('drops a detection with a NaN or infinite value, naming file, line and value, and keeps the others', async () => {
    const pythonDict =
      "{'perception': {'object_detection_list': [{'class_id': 0, 'bounding_box': {'left': nan, 'top': 0, " +
      "'right': inf, 'bottom': -inf}, 'score': 0.5}, {'class_id': 0, 'bounding_box': {'left': 5, 'top': 6, 'right': 7, 'bottom': 8}, 'score': 0.5}]}}";
    const jsonWithNaN = '{"perception": {"object_detection_list": [{"class_id": 0, "bounding_box": ' +
      '{"left": 1, "top": 2, "right": 3, "bottom": 4}, "score": NaN}]}}';
    const { path, frames, warnings } = await readCsv(['h', `0,${cell(pythonDict)}`, `1,${cell(jsonWithNaN)}`]);
    expect(frames).toEqual([
      { index: 0, boxes: [[5, 6, 7, 8, 0.5, 0]] },
      { index: 1, boxes: [] },
    ]);
    expect(warnings).toEqual([
      `${path}:2: skipped: detection 0: bounding_box.left NaN is not a finite number`,
      `${path}:3: skipped: detection 0: score NaN is not a finite number`,
    ]);
  });

  it('ignores extra empty cells and blank lines', async () => {
    const { frames, warnings } = await readCsv([HEADER, '', `0,${cell(jsonDict([[1, 2, 3, 4, 1, 0]]))},,,`, '']);
    expect(frames).toEqual([{ index: 0, boxes: [[1, 2, 3, 4, 1, 0]] }]);
    expect(warnings).toEqual([]);
  });

  it('reads rows of odd widths the same after any header, or none: skipped and reported with their own lines', async () => {
    const rows = [
      `0,${cell(jsonDict([[1, 2, 3, 4, 1, 0]]))}`,
      '1',
      `2,${cell(jsonDict([[5, 6, 7, 8, 1, 0]]))},surprise`,
      `3,${cell(jsonDict([[9, 10, 11, 12, 1, 0]]))},,`,
      `4,${cell(jsonDict([[13, 14, 15, 16, 1, 0]]))},,,,,,,,`,
      'x,y',
      `6,${cell(jsonDict([[17, 18, 19, 20, 1, 0]]))}`,
    ];
    const frames = [
      { index: 0, boxes: [[1, 2, 3, 4, 1, 0]] },
      { index: 1, boxes: [] },
      { index: 2, boxes: [] },
      { index: 3, boxes: [[9, 10, 11, 12, 1, 0]] },
      { index: 4, boxes: [[13, 14, 15, 16, 1, 0]] },
      { index: 5, boxes: [] },
      { index: 6, boxes: [[17, 18, 19, 20, 1, 0]] },
    ];
    const warnings = (path: string, first: number) => [
      `${path}:${first + 1}: skipped: no metadata dict after the index`,
      `${path}:${first + 2}: skipped: unexpected value in column 3: 'surprise'`,
      `${path}:${first + 5}: skipped: index 'x' is not a whole number from 0`,
    ];
    // Headers: the sample's (10 cells), one cell, a blank line before it, one spanning two lines.
    for (const header of [[HEADER], ['index'], ['', HEADER], ['a,"b', 'c",d']]) {
      const read = await readCsv([...header, ...rows]);
      expect(read.frames).toEqual(frames);
      expect(read.warnings).toEqual(warnings(read.path, header.length + 1));
      expect(read.diagnostics.skippedRecords).toBe(3);
    }
    const bare = await readCsv(rows);
    expect(bare.frames).toEqual(frames);
    expect(bare.warnings).toEqual(warnings(bare.path, 1));
  });

  it('splits plain rows without csv-parse to exactly what csv-parse gives, whatever else the file holds', async () => {
    // Each kind of line the reader meets; the plain-row path takes the first kind, csv-parse the rest.
    const dict = (i: number) => jsonDict([[i, 2, i + 3, 40, 0.5, i % 3]]);
    // Dicts in json.dumps layout (the plain-dict path) with number tokens of every kind, some
    // of which the general reader refuses or reports (leading zeros, NaN, overflow, big or
    // fractional class ids).
    const token = fc.oneof(
      fc.integer({ min: -5000, max: 5000 }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.constantFrom('-0', '0.5e3', '1E+2', '2e-1', '01', '1.', '.5', '1e400', 'NaN', '-', '2147483647', '2147483648', '999999999', '1000000000', '1.5', '-1', '+1'),
    );
    const detection = fc
      .tuple(token, token, token, token, token, token)
      .map(([c, l, t, r, b, s]) => `{"class_id": ${c}, "bounding_box": {"left": ${l}, "top": ${t}, "right": ${r}, "bottom": ${b}}, "score": ${s}}`);
    const dumped = fc
      .tuple(fc.array(detection, { maxLength: 4 }), fc.constantFrom('', ', ', ' '))
      .map(([items, end]) => `{"perception": {"object_detection_list": [${items.join(', ')}${end}]}}`);
    const line = fc.oneof(
      { weight: 8, arbitrary: fc.nat(40).map((i) => `${i},${cell(dict(i))}`) },
      { weight: 6, arbitrary: fc.tuple(fc.nat(40), dumped).map(([i, d]) => `${i},${cell(d)}`) },
      fc.nat(40).map((i) => `${i},${cell("{'perception': {'object_detection_list': []}}")}`),
      fc.nat(40).map((i) => `${i},${cell(dict(i))},x`),
      fc.nat(40).map((i) => `${i},${cell(dict(i))},,`),
      fc.nat(40).map((i) => `00${i},${cell(dict(i))}`),
      fc.nat(40).map((i) => ` ${i},${cell(dict(i))} `),
      fc.nat(40).map((i) => `${i}`),
      fc.nat(40).map((i) => `${i},""`),
      fc.nat(40).map((i) => `${i},"{""perception"":\n {}}"`),
      fc.nat(40).map((i) => `${i},"{""perception"": {}}\r"`),
      fc.nat(40).map((i) => `${i},"{"broken"}" tail`),
      fc.nat(40).map((i) => `${i},{}`),
      fc.nat(40).map((i) => `${i},${cell(`{"note": "café 東京", "perception": {"object_detection_list": []}}`)}`),
      fc.constant('x,y'),
      fc.constant(''),
      fc.constant('   '),
      fc.constant('12345678901234567890,"{}"'),
    );
    const file = fc.record({
      header: fc.constantFrom<string[]>([HEADER], ['index'], [], ['', HEADER], ['a,"b', 'c",d'], ['"q",x']),
      lines: fc.array(line, { minLength: 1, maxLength: 12 }),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
      last: fc.boolean(),
      bom: fc.boolean(),
    });
    const readWith = async (path: string, plainRows: boolean) => {
      const { diagnostics, warnings } = recordingDiagnostics();
      const read = await readAll(openSeedCsv(path, diagnostics, { plainRows })).then(
        (frames) => ({ frames }),
        (error: unknown) => ({ error: String(error) }),
      );
      return { ...read, warnings: warnings.map((w) => w.message), skipped: diagnostics.skippedRecords };
    };
    await fc.assert(
      fc.asyncProperty(file, async ({ header, lines, eol, last, bom }) => {
        const text = (bom ? '\ufeff' : '') + [...header, ...lines].join(eol) + (last ? eol : '');
        const path = temp.write('meta.csv', text);
        expect(await readWith(path, true)).toEqual(await readWith(path, false));
      }),
      { numRuns: 100 },
    );
  });

  it('yields empty frames for gaps in the index, and before the first row', async () => {
    const { frames, warnings } = await readCsv([
      HEADER,
      `2,${cell(jsonDict([[1, 2, 3, 4, 1, 0]]))}`,
      `5,${cell(jsonDict([[5, 6, 7, 8, 1, 0]]))}`,
    ]);
    expect(frames).toEqual([
      { index: 0, boxes: [] },
      { index: 1, boxes: [] },
      { index: 2, boxes: [[1, 2, 3, 4, 1, 0]] },
      { index: 3, boxes: [] },
      { index: 4, boxes: [] },
      { index: 5, boxes: [[5, 6, 7, 8, 1, 0]] },
    ]);
    expect(warnings).toEqual([]);
  });

  it('refuses a jump in the index beyond the cap before yielding any frame, naming both rows', async () => {
    const path = temp.write('meta.csv', [HEADER, `0,${cell(jsonDict([]))}`, `5000000,${cell(jsonDict([]))}`, `1,${cell(jsonDict([]))}`].join('\n'));
    await expectInputError(
      openSeedCsv,
      path,
      `${path}:2 (index 0) and ${path}:3 (index 5000000) leave 4999999 frames without rows between them; ` +
        'at most 9000 are filled with empty frames (fix or split the file)',
    );
  });

  it('refuses a jump found only after sorting a file out of order, naming both rows', async () => {
    const path = temp.write('meta.csv', [HEADER, `5,${cell(jsonDict([]))}`, `0,${cell(jsonDict([]))}`, `20000,${cell(jsonDict([]))}`].join('\n'));
    await expectInputError(
      openSeedCsv,
      path,
      `${path}:2 (index 5) and ${path}:4 (index 20000) leave 19994 frames without rows between them; ` +
        'at most 9000 are filled with empty frames (fix or split the file)',
    );
  });

  it('refuses a first index beyond the cap, naming its row', async () => {
    const path = temp.write('meta.csv', [HEADER, `9001,${cell(jsonDict([]))}`].join('\n'));
    await expectInputError(
      openSeedCsv,
      path,
      `${path}:2: index 9001 leaves 9001 frames without rows before it; at most 9000 are filled with empty frames (fix or split the file)`,
    );
  });

  it('fills a gap of exactly the cap with empty frames', async () => {
    const { frames } = await readCsv([HEADER, `0,${cell(jsonDict([]))}`, `9001,${cell(jsonDict([]))}`]);
    expect(frames.length).toBe(9002);
  });

  it('reads a first row that is already data as data (no header)', async () => {
    const { frames } = await readCsv([`0,${cell(jsonDict([[1, 2, 3, 4, 1, 0]]))}`]);
    expect(frames).toEqual([{ index: 0, boxes: [[1, 2, 3, 4, 1, 0]] }]);
  });

  it('places rows at their own index whatever the order, and skips a repeated index, naming file and line', async () => {
    const { path, frames, warnings, diagnostics } = await readCsv([
      HEADER,
      `0,${cell(jsonDict([[1, 2, 3, 4, 1, 0]]))}`,
      `1,${cell(jsonDict([[5, 6, 7, 8, 1, 0]]))}`,
      `1,${cell(jsonDict([[9, 9, 9, 9, 1, 0]]))}`,
      `0,${cell(jsonDict([[9, 9, 9, 9, 1, 0]]))}`,
      `x1,${cell(jsonDict([[9, 9, 9, 9, 1, 0]]))}`,
      `2,${cell(jsonDict([[2, 2, 2, 2, 1, 0]]))}`,
    ]);
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(frames[2].boxes).toEqual([[2, 2, 2, 2, 1, 0]]);
    expect(frames[0].boxes).toEqual([[1, 2, 3, 4, 1, 0]]);
    expect(frames[1].boxes).toEqual([[5, 6, 7, 8, 1, 0]]);
    expect(warnings).toEqual([
      `${path}:6: skipped: index 'x1' is not a whole number from 0`,
      `${path}:5: skipped: index 0 was already read at line 2`,
      `${path}:4: skipped: index 1 was already read at line 3`,
    ]);
    expect(diagnostics.skippedRecords).toBe(3);
  });

  it('yields an empty frame for a row whose dict is unusable, and says why', async () => {
    const { path, frames, warnings, diagnostics } = await readCsv([
      HEADER,
      `0,${cell("{'perception': {'object_detection_list': [}}")}`,
      `1,${cell('{"other": 1}')}`,
      `2,${cell('{"perception": {"object_detection_list": 5}}')}`,
      '3',
      `4,${cell(jsonDict([[1, 2, 3, 4, 1, 0]]))},surprise`,
      `5,${cell('{"perception": {}}')}`,
      `6,${cell('[1, 2]')}`,
    ]);
    expect(frames).toEqual([0, 1, 2, 3, 4, 5, 6].map((index) => ({ index, boxes: [] })));
    expect(warnings).toEqual([
      `${path}:2: skipped: malformed metadata dict: unexpected character '}' at character 43`,
      `${path}:3: skipped: metadata dict has no 'perception' dict`,
      `${path}:4: skipped: 'object_detection_list' is not a list`,
      `${path}:5: skipped: no metadata dict after the index`,
      `${path}:6: skipped: unexpected value in column 3: 'surprise'`,
      `${path}:8: skipped: metadata is a list of 2, not a dict`,
    ]);
    expect(diagnostics.skippedRecords).toBe(6);
  });

  it('drops only the bad detections of a row', async () => {
    const good = { class_id: 0, bounding_box: { left: 1, top: 2, right: 3, bottom: 4 }, score: 0.5 };
    const list = [
      good,
      { class_id: 0, score: 0.5 },
      { class_id: 0, bounding_box: { left: '1', top: 2, right: 3, bottom: 4 }, score: 0.5 },
      { class_id: 0, bounding_box: { left: 1, top: 2, right: 3 }, score: 0.5 },
      { class_id: 0, bounding_box: { left: 1, top: 2, right: 3, bottom: 4 } },
      { class_id: -1, bounding_box: { left: 1, top: 2, right: 3, bottom: 4 }, score: 0.5 },
      { class_id: 1.5, bounding_box: { left: 1, top: 2, right: 3, bottom: 4 }, score: 0.5 },
      { bounding_box: { left: 7, top: 8, right: 9, bottom: 10 }, score: 0.25 },
      'box',
      { class_id: 0, bounding_box: [1, 2, 3, 4], score: 0.5 },
    ];
    const { path, frames, warnings, diagnostics } = await readCsv([
      HEADER,
      `0,${cell(JSON.stringify({ perception: { object_detection_list: list } }))}`,
    ]);
    expect(frames).toEqual([{ index: 0, boxes: [[1, 2, 3, 4, 0.5, 0], [7, 8, 9, 10, 0.25, 0]] }]);
    expect(warnings).toEqual([
      `${path}:2: skipped: detection 1: no 'bounding_box'`,
      `${path}:2: skipped: detection 2: bounding_box.left '1' is not a number`,
      `${path}:2: skipped: detection 3: no 'bounding_box.bottom'`,
      `${path}:2: skipped: detection 4: no 'score'`,
      `${path}:2: skipped: detection 5: class_id -1 is not a whole number from 0`,
      `${path}:2: skipped: detection 6: class_id 1.5 is not a whole number from 0`,
      `${path}:2: skipped: detection 8: not a dict`,
      `${path}:2: skipped: detection 9: 'bounding_box' is not a dict`,
    ]);
    expect(diagnostics.skippedRecords).toBe(8);
  });

  it('reports rows with broken CSV quoting one by one and reads on', async () => {
    const { path, frames, warnings } = await readCsv([
      HEADER,
      `0,${cell(jsonDict([[1, 2, 3, 4, 1, 0]]))}`,
      '1,"{"broken"}" tail',
      `2,${cell(jsonDict([[5, 6, 7, 8, 1, 0]]))}`,
      '3,"{"perception": {"object_detection_list": [1, 2]}}"',
      `4,${cell(jsonDict([[9, 10, 11, 12, 1, 0]]))}`,
    ]);
    expect(warnings).toEqual([
      `${path}:3: skipped: malformed metadata dict: unexpected text after the literal at character 4`,
      `${path}:5: skipped: unexpected value in column 3: '2]}}"'`,
    ]);
    expect(frames).toEqual([
      { index: 0, boxes: [[1, 2, 3, 4, 1, 0]] },
      { index: 1, boxes: [] },
      { index: 2, boxes: [[5, 6, 7, 8, 1, 0]] },
      { index: 3, boxes: [] },
      { index: 4, boxes: [[9, 10, 11, 12, 1, 0]] },
    ]);
  });

  it('reports a quote left open at the end of the file', async () => {
    const { path, frames, warnings } = await readCsv([HEADER, `0,${cell(jsonDict([[1, 2, 3, 4, 1, 0]]))}`, '1,"{""a"": 1']);
    expect(warnings).toEqual([
      `${path}:3: skipped: not a CSV row: Quote Not Closed: the parsing is finished with an opening quote at line 3`,
    ]);
    expect(frames).toEqual([{ index: 0, boxes: [[1, 2, 3, 4, 1, 0]] }]);
  });

  it('stops at the first frame after the signal aborts', async () => {
    const rows = [HEADER];
    for (let i = 0; i < 50; i++) rows.push(`${i},${cell(jsonDict([[i, 0, i + 1, 1, 1, 0]]))}`);
    const path = temp.write('long.csv', rows.join('\n'));
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const frame of openSeedCsv(path, recordingDiagnostics().diagnostics).frames(controller.signal)) {
      seen.push(frame.index);
      if (frame.index === 3) controller.abort();
    }
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  describe('errors a user can act on', () => {
    unreadablePathTests(openSeedCsv, temp, 'absent.csv');

    it.each([
      ['empty', ''],
      ['only a header', `${HEADER}\r\n`],
      ['only blank lines', '\n\n  \n'],
    ])('%s file', async (_name, text) => {
      const path = temp.write('meta.csv', text);
      await expectInputError(openSeedCsv, path, `${path}: no metadata rows`);
    });

    it('rows that are all unusable', async () => {
      const path = temp.write('meta.csv', `${HEADER}\nx,"{}"\ny,"{}"\n2,"{""a"": 1`);
      await expectInputError(
        openSeedCsv,
        path,
        `${path}: no usable record among 3 rows; the first: ${path}:2: index 'x' is not a whole number from 0`,
      );
    });
  });

  it('reads a JSON dict and its Python-literal rendering to the same detections', async () => {
    // JSON has no -0, so a negative zero cannot make the round trip through json.dumps.
    const finite = fc
      .double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })
      .map((value) => (value === 0 ? 0 : value));
    const detection = fc.tuple(finite, finite, finite, finite, fc.oneof(finite, fc.constant(Number.NaN)), fc.nat(1000));
    const style = fc.record({
      quote: fc.constantFrom("'", '"'),
      tuple: fc.boolean(),
      trailingComma: fc.boolean(),
      exponent: fc.boolean(),
      note: fc.string({ unit: 'binary', maxLength: 12 }),
    });
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(detection, { maxLength: 6 }), style, async (boxes, options) => {
        round += 1;
        const path = temp.write(`property-${round}.csv`, [
          HEADER,
          `0,${cell(pythonJsonDumps(boxes, options.note))}`,
          `1,${cell(pythonRepr(boxes, options))}`,
        ].join('\n'));
        const { frames, warnings } = await readFileWith(openSeedCsv, path);
        // A NaN score drops its detection, with a warning, in either rendering.
        const nanScores = boxes.filter((box) => Number.isNaN(box[4])).length;
        expect(warnings).toHaveLength(2 * nanScores);
        expect(frames).toHaveLength(2);
        expect(frames[1].boxes).toEqual(frames[0].boxes);
        expect(frames[0].boxes).toEqual(boxes.filter((box) => !Number.isNaN(box[4])));
      }),
      { numRuns: 40 },
    );
  });

  describe.skipIf(!existsSync(REAL_CSV))('the AITRIOS sample file', () => {
    it('reads 600 frames with the exact detections', async () => {
      const { frames, warnings } = await readFileWith(openSeedCsv, REAL_CSV);
      expect(warnings).toEqual([]);
      expect(frames).toHaveLength(600);
      expect(frames.map((f) => f.index)).toEqual(Array.from({ length: 600 }, (_, i) => i));
      expect(frames[0].boxes[0]).toEqual([120, 576, 412, 1048, 0.9995220899581909, 0]);
      expect(frames[599].boxes.at(-1)).toEqual([1344, 329, 1427, 581, 0.7182368636131287, 0]);
      const counts = frames.map((f) => f.boxes.length);
      expect([counts[0], counts[100], counts[186], counts[409], counts[599]]).toEqual([9, 8, 6, 12, 9]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(5006);
    });
  });
});

/** What Python's json.dumps writes: JSON, with NaN for NaN. */
function pythonJsonDumps(boxes: number[][], note: string): string {
  const body = jsonDict(boxes).replaceAll('null', 'NaN');
  return body.replace(/^\{/, `{"note": ${JSON.stringify(note)}, `);
}

/** A Python literal of the same dict, in the spellings repr() and hand-written files use. */
function pythonRepr(
  boxes: number[][],
  options: { quote: string; tuple: boolean; trailingComma: boolean; exponent: boolean; note: string },
): string {
  const q = options.quote;
  const key = (name: string): string => `${q}${name}${q}`;
  const number = (value: number): string => {
    if (Number.isNaN(value)) return 'nan';
    if (options.exponent) return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
    return Number.isInteger(value) && !Object.is(value, -0) ? `${value}.0` : String(value);
  };
  const comma = options.trailingComma ? ',' : '';
  const items = boxes.map(([left, top, right, bottom, score, classId]) =>
    `{${key('class_id')}: ${classId}, ${key('bounding_box')}: {${key('left')}: ${number(left)}, ` +
    `${key('top')}: ${number(top)}, ${key('right')}: ${number(right)}, ${key('bottom')}: ${number(bottom)}${comma}}, ` +
    `${key('score')}: ${number(score)}, ${key('valid')}: True, ${key('track')}: None}`,
  );
  let list: string;
  if (items.length === 0) list = options.tuple ? '()' : '[]';
  else if (options.tuple) list = `(${items.join(', ')}${items.length === 1 ? ',' : comma})`;
  else list = `[${items.join(', ')}${comma}]`;
  return `{${key('note')}: ${pythonString(options.note, q)}, ${key('perception')}: {${key('object_detection_list')}: ${list}}}`;
}

/** A Python string literal of `text`, escaping as repr() does. */
function pythonString(text: string, quote: string): string {
  let body = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || char === quote) body += `\\${char}`;
    else if (char === '\n') body += '\\n';
    else if (char === '\r') body += '\\r';
    else if (char === '\t') body += '\\t';
    else if (code < 0x20 || code === 0x7f) body += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code > 0xffff) body += `\\U${code.toString(16).padStart(8, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) body += `\\u${code.toString(16).padStart(4, '0')}`;
    else body += char;
  }
  return `${quote}${body}${quote}`;
}
