/**
 * `crowdheat --smoke-test` (the packaged desktop app started with this flag, as the release
 * workflow does on each platform's runner): writes a short demo scene with its video, analyses
 * it through the app's own analysis worker exactly as the window's Analyse does (with the
 * timeline's previews), checks every output, prints one line and returns the exit code. No
 * window is opened. Kept out of src-main/electron so that Node tests run it with a forked worker.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareDemo } from '../demo/index.js';
import { readPreviewIndex } from '../sinks/preview.js';
import { oneLine } from '../../src-shared/messages.js';
import { readSettingsFile } from './settings-io.js';
import { outputDirOf, previewDirOf, type RunAnalysis } from './analysis.js';

/** The command-line flag that runs the smoke test instead of opening the window. */
export const SMOKE_TEST_FLAG = '--smoke-test';
/** Frames of the smoke test's demo scene: 6 s at the scene's 10 fps, a few seconds' work. */
export const SMOKE_TEST_FRAMES = 60;
/** The whole test (scene, analysis, checks) is abandoned after this long. */
export const SMOKE_TEST_DEADLINE_MS = 180_000;

export interface SmokeTestOptions {
  /** The app's own way of analysing (Electron: the utilityProcess worker). */
  runAnalysis: RunAnalysis;
  /** A folder the test may create its work folder in (removed afterwards). */
  tempDir: string;
  /** Where the one-line result goes (stdout in the app). */
  log: (line: string) => void;
  deadlineMs?: number;
}

/** True when `argv` asks for the smoke test. */
export function wantsSmokeTest(argv: readonly string[]): boolean {
  return argv.includes(SMOKE_TEST_FLAG);
}

/**
 * Runs the smoke test; resolves with 0 when the analysis produced every output with the demo's
 * frame count, else 1 after logging one line saying what failed. Never rejects.
 */
export async function runSmokeTest(options: SmokeTestOptions): Promise<number> {
  const signal = AbortSignal.timeout(options.deadlineMs ?? SMOKE_TEST_DEADLINE_MS);
  let workDir: string | null = null;
  try {
    workDir = await mkdtemp(join(options.tempDir, 'crowdheat-smoke-'));
    const demo = await prepareDemo(join(workDir, 'demo'), { frames: SMOKE_TEST_FRAMES, signal });
    const { settings } = await readSettingsFile(demo.configPath, workDir);
    const outputDir = outputDirOf(workDir);
    const summary = await options.runAnalysis(
      { ...settings, output_settings: { ...settings.output_settings, output_dir: outputDir } },
      { signal, cwd: workDir, previewDir: previewDirOf(workDir) },
    );
    const problems = await checkOutputs(outputDir, previewDirOf(workDir), summary.frames, summary.video?.file);
    if (problems.length > 0) throw new Error(problems.join('; '));
    options.log(`crowdheat smoke test: ok, ${summary.frames} frames analysed, ${summary.detections} detections, outputs complete`);
    return 0;
  } catch (error) {
    const reason = signal.aborted ? `no result within ${(options.deadlineMs ?? SMOKE_TEST_DEADLINE_MS) / 1000} s` : error instanceof Error ? error.message : String(error);
    options.log(oneLine(`crowdheat smoke test: FAILED: ${reason}`));
    return 1;
  } finally {
    if (workDir !== null) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** What is missing or wrong among a finished analysis's outputs; empty when all is well. */
async function checkOutputs(outputDir: string, previewDir: string, frames: number, videoFile: string | undefined): Promise<string[]> {
  const problems: string[] = [];
  if (frames !== SMOKE_TEST_FRAMES) problems.push(`analysed ${frames} frames, expected ${SMOKE_TEST_FRAMES}`);
  const nonEmpty = async (relative: string): Promise<void> => {
    const size = await stat(join(outputDir, relative)).then((info) => info.size, () => -1);
    if (size <= 0) problems.push(`${relative} ${size < 0 ? 'is missing' : 'is empty'}`);
  };
  if (videoFile === undefined) problems.push('no heat video was written');
  else await nonEmpty(videoFile);
  await nonEmpty('heatmap.png');
  await nonEmpty('griddata.npy');
  const written = JSON.parse(await readFile(join(outputDir, 'summary.json'), 'utf8')) as { frames?: unknown };
  if (written.frames !== SMOKE_TEST_FRAMES) problems.push(`summary.json counts ${String(written.frames)} frames`);
  const index = await readPreviewIndex(previewDir);
  if (index.frameCount !== SMOKE_TEST_FRAMES) problems.push(`the timeline has ${index.frameCount} frames`);
  return problems;
}
