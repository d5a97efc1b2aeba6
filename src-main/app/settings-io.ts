/**
 * Settings files as the back end reads them for the app: the sample-format YAML from a path,
 * with its param file read relative to the working directory (as the sample does). Imports by
 * the user go through import-settings.ts, which reports every problem at once.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../src-shared/errors.js';
import { parseSettings, type Settings } from '../../src-shared/settings/index.js';

export function readTextFrom(cwd: string): (path: string) => string {
  return (path) => {
    const absolute = resolve(cwd, path);
    try {
      return readFileSync(absolute, 'utf8');
    } catch (error) {
      throw new InputError(`${absolute}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  };
}

/** Parses settings from a file the back end reads. */
export function readSettingsFile(path: string, cwd: string): { settings: Settings; warnings: string[] } {
  const absolute = resolve(cwd, path);
  const readText = readTextFrom(cwd);
  return parseSettings(readText(absolute), absolute, readText);
}
