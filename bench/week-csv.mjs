// The week's metadata: the real AITRIOS sample CSV's rows repeated, frame i numbered i (the run
// gives it a time with metadata_fps / start_time). Shared by week.mjs and app-week.mjs.
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/aitrios-sample.csv');

/** Writes `frames` rows of the sample (its header first) to `path`, streaming. */
export async function writeWeekCsv(path, frames) {
  const lines = readFileSync(SAMPLE, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const rows = lines.slice(1).map((line) => line.slice(line.indexOf(',')));
  const out = createWriteStream(path);
  const write = (text) => (out.write(text) ? Promise.resolve() : new Promise((done) => out.once('drain', done)));
  await write(`${lines[0]}\n`);
  let batch = [];
  for (let i = 0; i < frames; i++) {
    batch.push(`${i}${rows[i % rows.length]}`);
    if (batch.length === 5000) {
      await write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${batch.join('\n')}\n`);
  await new Promise((done) => out.end(done));
}
