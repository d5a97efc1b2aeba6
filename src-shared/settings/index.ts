/**
 * Settings: the sample-format YAML in (tolerant) and out (self-contained), and validation.
 * No file system here: the caller passes a reader for the param file, so the desktop app's
 * renderer can import settings from text it already holds.
 *
 * ```ts
 * const { settings, warnings } = parseSettings(text, 'config/heat_map_app.yaml', (path) => readFileSync(path, 'utf8'));
 * const yaml = settingsToYaml(settings); // parses back to the same settings
 * ```
 */
import { readSettings, type ReadText } from './yaml.js';
import { validateSettings } from './validate.js';
import type { Settings } from './types.js';

export * from './types.js';
export { fieldByKey, SETTING_FIELDS, type SettingField, type Rule } from './fields.js';
export { settingLabel, type SettingOrigin, type SettingOrigins } from './origins.js';
export { findSettingsIssues, validateSettings, type SettingsIssue } from './validate.js';
export {
  parseOverrideValue,
  parseYaml,
  readSettings,
  resolveSettingKey,
  settingsToYaml,
  type ReadText,
  type SettingOverride,
  type SettingsRead,
} from './yaml.js';

/** Parses and validates a main settings file (and the param file it names, through `readText`). */
export function parseSettings(
  mainYamlText: string,
  mainPath: string,
  readText: ReadText,
): { settings: Settings; warnings: string[] } {
  const { settings, warnings, origins } = readSettings({ text: mainYamlText, path: mainPath }, readText);
  validateSettings(settings, origins);
  return { settings, warnings };
}
