/**
 * The settings of a view of a stored analysis: the run's own (kept in the store as YAML) with
 * overrides over them, checked like any settings.
 */
import { SettingsError } from '../../src-shared/errors.js';
import { readSettings, validateSettings, type SettingOverride, type Settings } from '../../src-shared/settings/index.js';

/**
 * The stored run's settings with `overrides` over them, validated.
 *
 * @throws SettingsError naming the override (its label), the value and what is allowed.
 */
export function recountSettings(storedYaml: string, overrides: readonly SettingOverride[]): Settings {
  const read = readSettings({ text: storedYaml, path: 'the stored analysis' }, () => {
    throw new SettingsError('the stored settings name a param_file; crowdheat stores them inline');
  }, overrides);
  validateSettings(read.settings, read.origins);
  return read.settings;
}
