/**
 * The app's library of analyses: each lives in its own work folder under `<workRoot>/runs/<id>/`
 * (the store and outputs in `output/`, the sampled pictures in `preview/`) with a `run.json`
 * record, so the list survives a restart of the app or of `crowdheat serve`.
 *
 * A record is written when the analysis starts (`state: running`) and again when it ends
 * (`done`); a record still saying `running` that no process is running is an interrupted
 * analysis, and so is one whose store is missing: never opened, only deleted. A folder whose
 * record is missing or damaged is listed as interrupted too, named by its id.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Dirent } from 'node:fs';
import { ANALYSIS_DISPLAY_KEYS, type AnalysisDisplay, type AnalysisEntry, type VideoFacts } from '../../src-shared/api.js';
import { CrowdheatError } from '../../src-shared/errors.js';
import { findSettingsIssues } from '../../src-shared/settings/validate.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';
import { fieldByKey, SETTING_FIELDS } from '../../src-shared/settings/fields.js';
import { isPlainObject } from '../../src-shared/objects.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { StoreReader } from '../store/store.js';
import { frameSpanMs } from '../../src-shared/periods/range.js';
import { isTimeBaseKind, timeClockOf, type TimeBaseKind } from '../../src-shared/periods/time-base.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { outputDirOf, storePathOf } from './analysis.js';
import { checkedZones } from './zones.js';

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
  /** The first and the last frame's time, ms since the epoch; null without a time base. */
  fromMs: number | null;
  toMs: number | null;
  /**
   * When the last frame ends (frameSpanMs: its time plus its duration), the end of the analysis's
   * period as the app shows it; missing from records written before it was kept (read from the store then).
   */
  endMs?: number | null;
  /** Where its frame times came from (the store's time_base); missing from records written before it was kept. */
  timeBase?: TimeBaseKind;
  /** The display settings chosen while looking at it in the app (`saveAnalysisDisplay`), when saved. */
  display?: AnalysisDisplay;
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

/**
 * The record in `workDir`, or null when it is missing, unreadable or not a run record
 * (runRecordOf), so a damaged or hand-edited `run.json` never reaches the views or the renderer
 * as a half-record.
 */
export async function readRunRecord(workDir: string): Promise<RunRecord | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(workDir, RUN_RECORD_FILE), 'utf8'));
  } catch {
    return null;
  }
  return runRecordOf(parsed);
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isTimeOrNull = (value: unknown): value is number | null => value === null || isFiniteNumber(value);

/**
 * `value` as a RunRecord when every field has its type, else null. `settings`: each setting of
 * its type (one missing, from a record an older crowdheat wrote, takes its default) and zones that
 * read; `video.file`: a relative path inside the output folder; `warnings` may be missing.
 */
export function runRecordOf(value: unknown): RunRecord | null {
  if (!isPlainObject(value)) return null;
  const { runId, createdMs, sourceName, state, frames, fromMs, toMs, endMs, timeBase, video, display } = value;
  const warnings = value.warnings ?? [];
  if (
    typeof runId !== 'string' ||
    !isFiniteNumber(createdMs) ||
    typeof sourceName !== 'string' ||
    (state !== 'running' && state !== 'done') ||
    !Number.isInteger(frames) ||
    (frames as number) < 0 ||
    !isTimeOrNull(fromMs) ||
    !isTimeOrNull(toMs) ||
    (endMs !== undefined && !isTimeOrNull(endMs)) ||
    (timeBase !== undefined && !isTimeBaseKind(timeBase)) ||
    !Array.isArray(warnings) ||
    !warnings.every((warning) => typeof warning === 'string')
  ) {
    return null;
  }
  if (video !== undefined && !isRecordedVideo(video)) return null;
  let checkedDisplayOf: AnalysisDisplay | undefined;
  if (display !== undefined) {
    try {
      checkedDisplayOf = checkedDisplay(display, 'run.json');
    } catch {
      return null;
    }
  }
  const settings = settingsOf(value.settings);
  if (settings === null) return null;
  // Zones saved with the analysis after it ran (saveAnalysisZones): checked like the settings' own.
  let zones: ZoneDefinition[] | undefined;
  if (value.zones !== undefined) {
    try {
      zones = checkedZones(value.zones, 'run.json');
    } catch {
      return null;
    }
  }
  return {
    runId,
    createdMs,
    sourceName,
    settings,
    state,
    warnings: warnings as string[],
    ...(video === undefined ? {} : { video: video as RunRecord['video'] & object }),
    frames: frames as number,
    fromMs,
    toMs,
    ...(endMs === undefined ? {} : { endMs }),
    ...(timeBase === undefined ? {} : { timeBase }),
    ...(checkedDisplayOf === undefined ? {} : { display: checkedDisplayOf }),
    ...(zones === undefined ? {} : { zones }),
  };
}

/**
 * `value` as an analysis's display settings (AnalysisDisplay): a mapping of exactly its keys, each
 * of its setting's type and within the setting's rules (min below max, a known colormap, …).
 *
 * @throws CrowdheatError naming `where` and the first problem (`saveAnalysisDisplay: output_settings.transparency must be …`).
 */
export function checkedDisplay(value: unknown, where: string): AnalysisDisplay {
  if (!isPlainObject(value)) throw new CrowdheatError(`${where}: display must be a mapping of ${ANALYSIS_DISPLAY_KEYS.join(', ')}`);
  const stray = Object.keys(value).find((key) => !(ANALYSIS_DISPLAY_KEYS as readonly string[]).includes(key));
  if (stray !== undefined) throw new CrowdheatError(`${where}: display has no setting ${JSON.stringify(stray)} (it holds ${ANALYSIS_DISPLAY_KEYS.join(', ')})`);
  const settings = defaultSettings();
  for (const key of ANALYSIS_DISPLAY_KEYS) {
    const field = fieldByKey(`output_settings.${key}`);
    if (field === undefined || !(key in value) || !field.rule.hasType(value[key])) {
      throw new CrowdheatError(`${where}: display.${key} must be ${field?.rule.allowed ?? 'given'}`);
    }
    field.set(settings, value[key]);
  }
  const issue = findSettingsIssues(settings).find((found) => ANALYSIS_DISPLAY_KEYS.some((key) => found.key === `output_settings.${key}`));
  if (issue !== undefined) throw new CrowdheatError(`${where}: ${issue.message}`);
  const output = settings.output_settings;
  const { cmap, transparency, min, max, interpolation, overlay, empty_cells: emptyCells } = output;
  return { cmap, transparency, min, max, interpolation, overlay, empty_cells: emptyCells };
}

function isRecordedVideo(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { file } = value;
  return (
    ['width', 'height', 'fps', 'frames', 'durationS', 'bytes'].every((key) => isFiniteNumber(value[key])) &&
    typeof file === 'string' &&
    file !== '' &&
    !isAbsolute(file) &&
    !file.split(/[\\/]/).includes('..')
  );
}

/** Recorded settings over the defaults, or null when a setting has the wrong type or the zones do not read. */
function settingsOf(value: unknown): Settings | null {
  if (!isPlainObject(value)) return null;
  const recorded = value as unknown as Settings;
  const settings = defaultSettings();
  for (const field of SETTING_FIELDS) {
    let entry: unknown;
    try {
      entry = field.get(recorded);
    } catch {
      return null; // a section that is not a mapping
    }
    if (entry === undefined) continue;
    if (!field.rule.hasType(entry)) return null;
    field.set(settings, Array.isArray(entry) ? [...(entry as unknown[])] : entry);
  }
  try {
    settings.zones = value.zones === undefined ? [] : checkedZones(value.zones, 'run.json');
  } catch {
    return null;
  }
  return settings;
}

/** Whether the analysis's store is in place (the store writer renames it there only once complete). */
export async function hasCompleteStore(workDir: string): Promise<boolean> {
  try {
    return (await stat(storePathOf(workDir))).isFile();
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
 * The end of a complete analysis's period (frameSpanMs) and how its times are shown
 * (timeClockOf): from its record, or for a record written before these were kept, from the
 * store's own frames and time base (its last frame's time is not its end); the end is null
 * without a time base, and both are unknown when the store does not read.
 */
async function periodFactsOf(workDir: string, record: RunRecord): Promise<Pick<AnalysisEntry, 'toMs' | 'timeClock'>> {
  const startTime = record.settings.data_source_settings.local_data_settings.start_time;
  if (record.endMs !== undefined) {
    return { toMs: record.endMs, ...(record.timeBase === undefined ? {} : { timeClock: timeClockOf(record.timeBase, startTime) }) };
  }
  try {
    const reader = await StoreReader.open(outputDirOf(workDir));
    try {
      const frames = await reader.frames();
      return { toMs: frameSpanMs(frames.timeMs, frames.durationMs)?.toMs ?? null, timeClock: timeClockOf(reader.meta.time_base, startTime) };
    } finally {
      reader.close();
    }
  } catch {
    return { toMs: null };
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
      if (record === null || record.runId !== runId) {
        // Listed, so it can be seen and deleted (its folder would otherwise use disk unseen), never opened.
        if (isRunning(runId)) return null;
        const folder = await stat(workDir).catch(() => null);
        if (folder === null || !folder.isDirectory()) return null;
        return {
          runId,
          sourceName: `${runId} (its ${RUN_RECORD_FILE} is unreadable)`,
          createdMs: folder.mtimeMs,
          frames: 0,
          fromMs: null,
          toMs: null,
          timezone: '',
          state: 'interrupted',
          complete: false,
          bytes: await folderBytes(workDir),
        };
      }
      const complete = record.state === 'done' && (await isComplete(workDir, runId));
      const state: AnalysisEntry['state'] = complete ? 'done' : isRunning(runId) ? 'running' : 'interrupted';
      return {
        runId,
        sourceName: record.sourceName,
        createdMs: record.createdMs,
        frames: record.frames,
        fromMs: record.fromMs,
        ...(complete ? await periodFactsOf(workDir, record) : { toMs: null }),
        timezone: record.settings.output_settings.timezone,
        state,
        complete,
        bytes: await folderBytes(workDir),
      };
    }),
  );
  return entries.filter((entry): entry is AnalysisEntry => entry !== null).sort((a, b) => b.createdMs - a.createdMs || a.runId.localeCompare(b.runId));
}
