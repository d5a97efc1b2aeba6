/**
 * The app's library of analyses: each lives in its own work folder under `<workRoot>/runs/<id>/`
 * (the store and outputs in `output/`, the sampled pictures in `preview/`) with a `run.json`
 * record, so the list survives a restart of the app or of `crowdheat serve`.
 *
 * A record is written when the analysis starts (`state: running`) and again when it ends
 * (`done`); a record still saying `running` that no process is running is an interrupted
 * analysis, and so is one whose store is missing: never opened, only deleted.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dirent } from 'node:fs';
import type { AnalysisEntry, VideoFacts } from '../../src-shared/api.js';
import type { Settings } from '../../src-shared/settings/types.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { STORE_FILE } from '../store/schema.js';
import { StoreReader } from '../store/store.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { outputDirOf } from './analysis.js';

export const RUN_RECORD_FILE = 'run.json';
/** What a run id looks like; anything else in the runs folder is not an analysis. */
export const RUN_ID_PATTERN = /^run-[0-9a-f]{12}$/;

/** What `run.json` holds about one analysis. */
export interface RunRecord {
  runId: string;
  /** ms since the epoch. */
  createdMs: number;
  sourceName: string;
  settings: Settings;
  state: 'running' | 'done';
  warnings: string[];
  /** The heat video's facts and its file (relative to the output folder). */
  video?: VideoFacts & { file: string };
  frames: number;
  fromMs: number | null;
  toMs: number | null;
  /** Zones drawn or edited in the app after the analysis (`saveAnalysisZones`), when saved. */
  zones?: ZoneDefinition[];
}

/** The folder holding every analysis's work folder. */
export function runsDirOf(workRoot: string): string {
  return join(workRoot, 'runs');
}

export async function writeRunRecord(workDir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(workDir, RUN_RECORD_FILE), JSON.stringify(record));
}

/** The record in `workDir`, or null when it is missing or unreadable. */
export async function readRunRecord(workDir: string): Promise<RunRecord | null> {
  try {
    const record = JSON.parse(await readFile(join(workDir, RUN_RECORD_FILE), 'utf8')) as RunRecord;
    return typeof record.runId === 'string' && typeof record.createdMs === 'number' ? record : null;
  } catch {
    return null;
  }
}

/** Whether the analysis's store is in place (the store writer renames it there only once complete). */
export async function hasCompleteStore(workDir: string): Promise<boolean> {
  try {
    return (await stat(join(outputDirOf(workDir), STORE_FILE))).isFile();
  } catch {
    return false;
  }
}

/** Bytes of every file under `dir`. */
export async function folderBytes(dir: string): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile()) total += await stat(path).then((info) => info.size, () => 0);
  }
  return total;
}

/**
 * Whether the store in `workDir` opens as a complete one (StoreReader refuses a store not marked
 * complete, or of a newer schema).
 */
export async function storeOpensComplete(workDir: string): Promise<boolean> {
  if (!(await hasCompleteStore(workDir))) return false;
  try {
    (await StoreReader.open(outputDirOf(workDir))).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Every analysis under `workRoot`, newest first. `isRunning(id)` says which this process is
 * running now; a `running` record of any other is interrupted, and so is a `done` one whose
 * store `isComplete` denies (by default: it must open as complete).
 */
export async function listLibrary(
  workRoot: string,
  isRunning: (runId: string) => boolean,
  isComplete: (workDir: string, runId: string) => Promise<boolean> = storeOpensComplete,
): Promise<AnalysisEntry[]> {
  const root = runsDirOf(workRoot);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const entries = await Promise.all(
    names.filter((name) => RUN_ID_PATTERN.test(name)).map(async (runId): Promise<AnalysisEntry | null> => {
      const workDir = join(root, runId);
      const record = await readRunRecord(workDir);
      if (record === null || record.runId !== runId) return null;
      const complete = record.state === 'done' && (await isComplete(workDir, runId));
      const state: AnalysisEntry['state'] = complete ? 'done' : isRunning(runId) ? 'running' : 'interrupted';
      return {
        runId,
        sourceName: record.sourceName,
        createdMs: record.createdMs,
        frames: record.frames,
        fromMs: record.fromMs,
        toMs: record.toMs,
        state,
        complete,
        bytes: await folderBytes(workDir),
      };
    }),
  );
  return entries.filter((entry): entry is AnalysisEntry => entry !== null).sort((a, b) => b.createdMs - a.createdMs || a.runId.localeCompare(b.runId));
}
