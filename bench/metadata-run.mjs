#!/usr/bin/env node
// The whole metadata-only run (the sample's Case 4) on the real 600-frame AITRIOS CSV:
// read, count, write 600 detect JSON files, griddata.npy, summary.json, the heat-only MP4
// (300×300, the sample defaults) and heatmap.png.
// Baseline in the same script: only reading the same CSV and parsing every row's dict
// (csv-parse + JSON.parse), i.e. the floor any implementation pays to see the data.
// Run after `npm run build`: node bench/metadata-run.mjs [path/to/aitrios-sample.csv]
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse';
import { runPipeline } from '../dist/src-main/pipeline/run.js';
import { defaultSettings } from '../dist/src-shared/settings/types.js';

const csv = resolve(process.argv[2] ?? '../shared/data/aitrios-sample.csv');
if (!existsSync(csv)) {
  console.log(`metadata run: skipped, ${csv} not found`);
  process.exit(0);
}
const REPEATS = 5;

async function readOnly() {
  let detections = 0;
  const rows = createReadStream(csv).pipe(parse({ relax_column_count: true, from_line: 2 }));
  for await (const row of rows) detections += JSON.parse(row[1]).perception.object_detection_list.length;
  return detections;
}

async function fullRun(counting, bbox2pix) {
  const dir = await mkdtemp(join(tmpdir(), 'crowdheat-bench-'));
  try {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = csv;
    settings.output_settings.output_dir = dir;
    Object.assign(settings.heat_map_settings.params, { counting, bbox2pix });
    const summary = await runPipeline(settings);
    return summary.detections;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function best(run) {
  let fastest = Infinity;
  let result;
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    result = await run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds: fastest, result };
}

const base = await best(readOnly);
console.log(`metadata run on ${csv} (best of ${REPEATS})`);
console.log('| run | seconds | frames/s | ratio to read-only baseline |');
console.log('|---|---|---|---|');
console.log(`| read + parse CSV only (baseline) | ${base.seconds.toFixed(3)} | ${Math.round(600 / base.seconds)} | 1.0 |`);
for (const [label, counting, bbox2pix] of [
  ['exact, box mode, 192×108, n=1, W=15', 'exact', false],
  ['legacy, box mode, 192×108, n=1, W=15', 'legacy', false],
  ['exact, point mode, 192×108, n=1, W=15', 'exact', true],
]) {
  const run = await best(() => fullRun(counting, bbox2pix));
  if (run.result !== base.result) throw new Error(`${label}: ${run.result} detections, baseline read ${base.result}`);
  console.log(`| ${label} (all outputs incl. heat-only MP4) | ${run.seconds.toFixed(3)} | ${Math.round(600 / run.seconds)} | ${(run.seconds / base.seconds).toFixed(2)} |`);
}
