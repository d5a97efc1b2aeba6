import { describe, expect, it } from 'vitest';
import { InputError } from '../../src-shared/errors.js';
import { readLines } from '../../src-main/sources/line-reader.js';
import { tempDirEachTest } from './helpers.js';

const temp = tempDirEachTest();

async function collect(path: string): Promise<{ text: string; line: number }[]> {
  const lines: { text: string; line: number }[] = [];
  for await (const line of readLines(path)) lines.push(line);
  return lines;
}

describe('readLines', () => {
  it('drops a BOM and CRLF, numbers lines from 1, keeps a last line without a break', async () => {
    const path = temp.write('a.txt', '\uFEFFfirst\r\n\r\nthird\nlast');
    expect(await collect(path)).toEqual([
      { text: 'first', line: 1 },
      { text: '', line: 2 },
      { text: 'third', line: 3 },
      { text: 'last', line: 4 },
    ]);
  });

  it('joins lines and multi-byte characters split across read chunks', async () => {
    // 300,000 characters of 2 bytes each: longer than one 256 KiB chunk, with é across a boundary.
    const long = 'é'.repeat(150_000);
    const path = temp.write('b.txt', `${long}\r\n${long}x\n`);
    const lines = await collect(path);
    expect(lines.map((l) => [l.text.length, l.line])).toEqual([
      [150_000, 1],
      [150_001, 2],
    ]);
    expect(lines[0].text).toBe(long);
    expect(lines[1].text).toBe(`${long}x`);
  });

  it('reports a missing file as an InputError', async () => {
    const path = `${temp.dir}/none.txt`;
    await expect(collect(path)).rejects.toBeInstanceOf(InputError);
    await expect(collect(path)).rejects.toThrow(`meta_file not found: ${path}`);
  });
});
