#!/usr/bin/env node
/**
 * One crowdheat run in this process, for bench/video.mjs --target (run after `npm run build`):
 *   node bench/overlay-run.mjs SETTINGS.json [--video-only] [--dist DIR]
 *
 * SETTINGS.json holds a whole settings object. `--video-only` leaves out the per-frame files
 * (detect/*.json, griddata.npy) and keeps every other output (the video, heatmap.png, the store,
 * summary.json), to show what the video costs apart from them. `--dist` runs another build
 * (e.g. an older commit's, built by bench/video.mjs --target --before) instead of this one's.
 * `--dump DIR` also writes what the run sends its compositing ffmpeg into DIR: the heat, label
 * and colorbar streams (`heat.raw`, `label.raw`, `colorbar.raw`) and the encoder's spec
 * (`spec.json`), so bench/video.mjs can time that ffmpeg alone, fed from files.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const distAt = process.argv.indexOf('--dist');
const dist = distAt > 0 ? process.argv[distAt + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { runPipeline, STANDARD_SINKS } = await import(join(dist, 'src-main/pipeline/run.js'));
const { detectJsonSink } = await import(join(dist, 'src-main/sinks/detect-json.js'));
const { npySink } = await import(join(dist, 'src-main/sinks/npy.js'));

const dumpAt = process.argv.indexOf('--dump');
if (dumpAt > 0) {
  // Bench-only: the encoder's own writes, copied to files as they are sent.
  const dump = process.argv[dumpAt + 1];
  const { HeatVideoEncoder } = await import(join(dist, 'src-main/ffmpeg/encoder.js'));
  const write = HeatVideoEncoder.prototype.write;
  HeatVideoEncoder.prototype.write = function (frame) {
    if (this.framesSent === 0) writeFileSync(join(dump, 'spec.json'), JSON.stringify(this.spec));
    appendFileSync(join(dump, 'heat.raw'), frame.heat);
    appendFileSync(join(dump, 'label.raw'), frame.label);
    if (frame.colorbar !== undefined && (this.spec.colorbar?.perFrame || this.framesSent === 0)) appendFileSync(join(dump, 'colorbar.raw'), frame.colorbar);
    return write.call(this, frame);
  };
}
const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
if (process.argv.includes('--video-only')) {
  for (const sink of [detectJsonSink, npySink]) STANDARD_SINKS.splice(STANDARD_SINKS.indexOf(sink), 1);
}
const summary = await runPipeline(settings, { cwd: dirname(process.argv[2]) });
console.log(JSON.stringify({ frames: summary.frames, outputs: summary.outputs }));
