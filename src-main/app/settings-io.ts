/**
 * Settings files as the back end reads them for the app: the sample-format YAML from a path,
 * with its param file read relative to the working directory (as the sample does). Files are
 * read as `crowdheat run` reads them: regular files of at most 1 MB, asynchronously
 * (src-main/settings-file.ts). Imports by the user go through import-settings.ts, which reads
 * files by the same rules and reports every problem at once.
 */
import { validateSettings, type Settings } from '../../src-shared/settings/index.js';
import { readSettingsFileText, readSettingsWithParamFile } from '../settings-file.js';

async function parsed(text: string, path: string, cwd: string): Promise<{ settings: Settings; warnings: string[] }> {
  const { settings, warnings, origins } = await readSettingsWithParamFile({ text, path }, cwd);
  validateSettings(settings, origins);
  return { settings, warnings };
}

/** Parses and validates settings from a file the back end reads (`path` relative to `cwd`). */
export async function readSettingsFile(path: string, cwd: string): Promise<{ settings: Settings; warnings: string[] }> {
  return parsed(await readSettingsFileText(path, cwd), path, cwd);
}
