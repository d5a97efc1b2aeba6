/**
 * Settings files as the back end reads them for the app: the sample-format YAML from a path
 * or from text the browser uploaded, with its param file read relative to the working
 * directory (as the sample does). Files are read as `crowdheat run` reads them: regular files
 * of at most 1 MB, asynchronously (src-main/settings-file.ts).
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

/** Parses and validates settings from text the user uploaded; a param file it names is read from `cwd`. */
export async function readSettingsText(text: string, cwd: string): Promise<{ settings: Settings; warnings: string[] }> {
  return parsed(text, 'imported settings', cwd);
}
