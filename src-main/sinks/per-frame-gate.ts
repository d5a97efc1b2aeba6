/**
 * Per-frame outputs (detect/*.json, griddata.npy, the heatmap video) grow with every frame: about
 * 145 KB a frame at the default grid, and a video frame each (a week at 1 fps would be 84 hours
 * of video at the default 2 fps). `output_settings.per_frame_outputs` decides when they are written:
 * `auto` (default) while the run has at most PER_FRAME_LIMIT frames, `always`, or `never`.
 *
 * In `auto`, a run known up front to be longer (the source's frame count, or a seed CSV's
 * rows) writes none; a run that turns out longer stops writing them at the limit and removes
 * what it wrote. Either way a warning names the setting.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Frame } from '../../src-shared/frames.js';
import { sniffMetaFormat } from '../sources/meta-format.js';
import type { RunContext, Sink, SinkFactory } from '../pipeline/types.js';

/** The most frames `per_frame_outputs: auto` writes per-frame outputs for. */
export const PER_FRAME_LIMIT = 100_000;

const WARNING =
  `the run has more than ${PER_FRAME_LIMIT.toLocaleString('en-US')} frames: per-frame outputs (detect/*.json, griddata.npy, the video) ` +
  'are left out; set output_settings.per_frame_outputs: always to write them';

/** Lines in a file (newline bytes), read in 1 MiB pieces. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let at = piece.indexOf(10);
    while (at >= 0) {
      lines += 1;
      at = piece.indexOf(10, at + 1);
    }
  }
  return lines;
}

/**
 * Frames the run will have, when it can be known before reading: the source's own count, or a
 * seed CSV's rows (one frame a row, after the header). Undefined when not known.
 */
export async function framesKnownUpFront(context: RunContext, cwd: string): Promise<number | undefined> {
  if (context.source.expectedFrames !== undefined) return context.source.expectedFrames;
  const data = context.settings.data_source_settings;
  if (data.mode !== 'local' || data.local_data_settings.video_file !== '') return undefined;
  const path = resolve(cwd, data.local_data_settings.meta_file);
  // A folder holds inference JSON, whose count is known only once it is read.
  if (!(await stat(path)).isFile()) return undefined;
  const format = data.local_data_settings.meta_format === 'auto' ? await sniffMetaFormat(path) : data.local_data_settings.meta_format;
  if (format !== 'seed_csv') return undefined;
  return Math.max((await countLines(path)) - 1, 0);
}

/** Shared by the gated sinks of one run: whether the warning was given. */
interface GateState {
  warned: boolean;
  knownFrames: number | undefined | null;
}

const states = new WeakMap<RunContext, GateState>();

/**
 * Wraps a per-frame sink in the `per_frame_outputs` rule. `fileOf` names the file the sink
 * writes for a frame (relative to the output directory), so that what was written before the
 * limit was passed can be removed.
 */
export function gatePerFrame(factory: SinkFactory, cwd: string, fileOf?: (frame: Frame) => string): SinkFactory {
  return async (context) => {
    const mode = context.settings.output_settings.per_frame_outputs;
    if (mode === 'never') return null;
    if (mode === 'always') return factory(context);
    let state = states.get(context);
    if (state === undefined) {
      state = { warned: false, knownFrames: null };
      states.set(context, state);
    }
    if (state.knownFrames === null) state.knownFrames = await framesKnownUpFront(context, cwd);
    const warn = (): void => {
      if (state.warned) return;
      state.warned = true;
      context.diagnostics.warn('per-frame-outputs-left-out', WARNING);
    };
    if (state.knownFrames !== undefined && state.knownFrames > PER_FRAME_LIMIT) {
      warn();
      return null;
    }
    const inner = await factory(context);
    if (inner === null) return null;
    const files: string[] = [];
    let dropped = false;
    const sink: Sink = {
      async write(result) {
        if (dropped) return;
        if (result.position >= PER_FRAME_LIMIT) {
          dropped = true;
          warn();
          await inner.abort();
          for (const file of files) await rm(join(context.outputDir, file), { force: true });
          files.length = 0;
          return;
        }
        await inner.write(result);
        if (fileOf !== undefined) files.push(fileOf(result.frame));
      },
      finish: (summary) => (dropped ? Promise.resolve() : inner.finish(summary)),
      abort: () => (dropped ? Promise.resolve() : inner.abort()),
      outputs: () => (dropped ? [] : (inner.outputs?.() ?? [])),
    };
    return sink;
  };
}
