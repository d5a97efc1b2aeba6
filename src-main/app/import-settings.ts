/**
 * Settings YAML imported into the app. Unlike a command-line run, which stops at the first
 * problem, an import reports every problem of the file at once and still fills the form, so
 * the user sees each problem at its field and fixes them in one go. Relative paths in a file
 * read from disk resolve against the file's own folder (the file may sit anywhere, the app's
 * working directory is nobody's choice); text the browser uploaded has no folder, so its
 * paths resolve against the host's working directory, as before.
 *
 * Files (the YAML and its param file) are read as `crowdheat run` reads them: regular files of
 * at most 1 MB, asynchronously (src-main/settings-file.ts).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { findSettingsIssues, type Settings, type SettingOrigins } from '../../src-shared/settings/index.js';
import { fieldByKey } from '../../src-shared/settings/index.js';
import { readSettingsFileText, readSettingsWithParamFile } from '../settings-file.js';

export interface ImportedSettings {
  settings: Settings;
  /** Unknown keys and the like: the import went through. */
  warnings: string[];
  /** Every value of the wrong type (its default kept) and every value out of range or in conflict (kept, marked in the form). */
  problems: string[];
}

/** The settings that hold paths a file names relative to itself. */
const PATH_KEYS = [
  'data_source_settings.local_data_settings.meta_file',
  'data_source_settings.local_data_settings.video_file',
  'data_source_settings.console_data_settings.setting_path',
  'heat_map_settings.param_file',
  'output_settings.output_dir',
  'output_settings.ffmpeg_path',
] as const;

/**
 * Imports the YAML at `path` (relative paths against `cwd`); its param file and the paths it
 * names resolve against its own folder.
 *
 * @throws InputError when the file (or its param file) cannot be read, is not a regular file or
 * is larger than 1 MB; SettingsError when it is not YAML or not a mapping of settings.
 */
export async function importSettingsFile(path: string, cwd: string): Promise<ImportedSettings> {
  const absolute = resolve(cwd, path);
  const folder = dirname(absolute);
  const text = await readSettingsFileText(path, cwd);
  // Messages name the file as it was given, as `crowdheat run` and the other settings reads do.
  return importSettings(text, path, folder);
}

/** Imports YAML text the browser uploaded; its relative paths resolve against `cwd`. */
export async function importSettingsText(text: string, cwd: string): Promise<ImportedSettings> {
  return importSettings(text, 'imported settings', cwd, false);
}

async function importSettings(text: string, label: string, folder: string, fromFile = true): Promise<ImportedSettings> {
  const typeProblems: string[] = [];
  const { settings, warnings, origins } = await readSettingsWithParamFile({ text, path: label }, folder, [], typeProblems);
  if (fromFile) resolvePathsAgainst(settings, origins, folder);
  const issues = findSettingsIssues(settings, origins).map((issue) => issue.message);
  return { settings, warnings, problems: [...typeProblems, ...issues] };
}

/** Every path the file itself wrote, made absolute against `folder`. */
function resolvePathsAgainst(settings: Settings, origins: SettingOrigins, folder: string): void {
  for (const key of PATH_KEYS) {
    const field = fieldByKey(key);
    const value = field?.get(settings);
    if (field === undefined || !origins.has(key) || typeof value !== 'string' || value.trim() === '' || isAbsolute(value)) continue;
    // A bare program name (`ffmpeg`) is looked up on the PATH, not in the folder.
    if (key === 'output_settings.ffmpeg_path' && !/[\\/]/.test(value)) continue;
    field.set(settings, resolve(folder, value));
  }
}
