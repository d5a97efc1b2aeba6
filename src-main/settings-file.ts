/**
 * Settings files on disk. Relative paths (the main file, its param_file) resolve against the
 * directory the command runs in, as in the sample; the paths inside Settings stay as written
 * and the pipeline resolves them against the same directory.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../src-shared/errors.js';
import {
  readSettings,
  validateSettings,
  type SettingOverride,
  type Settings,
  type SettingsRead,
} from '../src-shared/settings/index.js';

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** Reads a text file named by a setting; the error names the path as written and, if relative, where it looked. */
export function readTextFile(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  try {
    return readFileSync(absolute, 'utf8');
  } catch (error) {
    const lookedIn = isAbsolute(path) ? '' : ` (looked for ${absolute})`;
    throw new InputError(`${path}: ${reasonOf(error)}${lookedIn}`);
  }
}

/**
 * Reads settings without validating them, so the caller can apply overrides first and then
 * call `validateSettings(read.settings, read.origins)`. `path` null means defaults plus overrides.
 */
export function readSettingsFile(path: string | null, cwd: string, overrides: readonly SettingOverride[] = []): SettingsRead {
  const main = path === null ? null : { text: readTextFile(path, cwd), path };
  return readSettings(main, (paramFile) => readTextFile(paramFile, cwd), overrides);
}

/** Reads and validates a settings file (the sample's heat_map_app.yaml or crowdheat's export). */
export function loadSettingsFile(path: string, cwd: string): { settings: Settings; warnings: string[] } {
  const { settings, warnings, origins } = readSettingsFile(path, cwd);
  validateSettings(settings, origins);
  return { settings, warnings };
}
