/**
 * Validation of typed settings: each value against its rule (when the chosen mode uses it),
 * then the rules between settings. Every message is one line naming the key (where it was
 * written, when known), the bad value and what is allowed.
 */
import { closeColormapNames, getColormap } from '../colormaps/index.js';
import { SettingsError } from '../errors.js';
import { timestampOf } from '../console/timestamps.js';
import { formatValue, LIMITS, SETTING_FIELDS } from './fields.js';
import { settingLabel, settingLabels, type SettingOrigins } from './origins.js';
import type { Settings } from './types.js';
import { zoneProblems } from '../zones/settings.js';

/** One problem, keyed by the dotted YAML key (the desktop app marks that field). */
export interface SettingsIssue {
  key: string;
  message: string;
}

/** The sample's files ship with placeholders like `__device_id__` the user is meant to replace. */
const PLACEHOLDER = /^__.*__$/;

export function findSettingsIssues(settings: Settings, origins?: SettingOrigins): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  const bad = new Set<string>();
  for (const field of SETTING_FIELDS) {
    const value = field.get(settings);
    if (typeof value === 'string' && value.length > LIMITS.textLength) {
      // Wrong in any mode: a megabyte of text is no path, name or ID.
      bad.add(field.key);
      issues.push({
        key: field.key,
        message:
          `${settingLabel(field.key, origins)} must be at most ${LIMITS.textLength} characters, ` +
          `got ${value.length}: ${formatValue(value)}`,
      });
      continue;
    }
    const hasType = field.rule.hasType(value);
    if (hasType && !(field.usage.test(settings) && !field.rule.accepts(value))) continue;
    bad.add(field.key);
    // A value of the wrong type is wrong anywhere; one out of range only where it is used.
    const when = hasType && field.usage.when !== '' ? ` ${field.usage.when}` : '';
    issues.push({
      key: field.key,
      message: `${settingLabel(field.key, origins)} must be ${field.rule.allowed}${when}, got ${formatValue(value)}`,
    });
  }
  const allGood = (...keys: string[]): boolean => keys.every((key) => !bad.has(key));
  const add = (key: string, message: string): void => {
    issues.push({ key, message });
  };

  const output = settings.output_settings;
  if (allGood('output_settings.min', 'output_settings.max') && output.max !== 0 && output.min >= output.max) {
    const [minLabel, maxLabel] = settingLabels('output_settings.min', 'output_settings.max', origins);
    add(
      'output_settings.min',
      `${minLabel} (${output.min}) must be less than ${maxLabel} (${output.max}); or set max to 0 for an automatic scale`,
    );
  }

  const params = settings.heat_map_settings.params;
  const sizesKnown = allGood(
    'heat_map_settings.counting',
    'heat_map_settings.image_size_h',
    'heat_map_settings.image_size_v',
    'heat_map_settings.grid_num_h',
    'heat_map_settings.grid_num_v',
  );
  if (sizesKnown && params.counting === 'legacy') {
    const pairs: Array<[string, number, string, number]> = [
      ['image_size_h', params.image_size_h, 'grid_num_h', params.grid_num_h],
      ['image_size_v', params.image_size_v, 'grid_num_v', params.grid_num_v],
    ];
    for (const [sizeName, size, gridName, grid] of pairs) {
      if (size % grid === 0) continue;
      add(
        'heat_map_settings.counting',
        `${settingLabel('heat_map_settings.counting', origins)} is legacy, which needs ${sizeName} (${size}) ` +
          `to be divisible by ${gridName} (${grid}); use counting: exact, or sizes that divide evenly`,
      );
    }
  }

  const [columnsKey, rowsKey, marginKey] = [
    'heat_map_settings.grid_num_h',
    'heat_map_settings.grid_num_v',
    'heat_map_settings.number_of_add_grid',
  ];
  if (allGood(columnsKey, rowsKey)) {
    const cells = params.grid_num_h * params.grid_num_v;
    if (cells > LIMITS.gridCells) {
      const [columnsLabel, rowsLabel] = settingLabels(columnsKey, rowsKey, origins);
      add(
        columnsKey,
        `${columnsLabel} × ${rowsLabel} (${params.grid_num_h} × ${params.grid_num_v} = ${cells} cells) ` +
          `must be at most ${LIMITS.gridCells} cells (2048 × 2048)`,
      );
    } else if (allGood(marginKey)) {
      const largerSide = Math.max(params.grid_num_h, params.grid_num_v);
      if (params.number_of_add_grid > largerSide) {
        add(
          marginKey,
          `${settingLabel(marginKey, origins)} must be at most the larger grid side (${largerSide}), ` +
            `got ${params.number_of_add_grid}`,
        );
      }
    }
  }

  const consoleData = settings.data_source_settings.console_data_settings;
  if (settings.data_source_settings.mode === 'console') {
    const deviceKey = 'data_source_settings.console_data_settings.device_id';
    if (allGood(deviceKey) && PLACEHOLDER.test(consoleData.device_id)) {
      add(
        deviceKey,
        `${settingLabel(deviceKey, origins)} is still the sample's placeholder ${formatValue(consoleData.device_id)}; ` +
          'set the ID of your device',
      );
    }
    const firstKey = 'data_source_settings.console_data_settings.first_timestamp';
    const lastKey = 'data_source_settings.console_data_settings.last_timestamp';
    if (allGood(firstKey, lastKey)) {
      const [firstLabel, lastLabel] = settingLabels(firstKey, lastKey, origins);
      const { first_timestamp: first, last_timestamp: last } = consoleData;
      if (consoleData.sub_directory_name !== '' && first === '' && last === '') {
        add(
          firstKey,
          `${firstLabel} and ${lastLabel} are both empty; with sub_directory_name set (images from the Console) ` +
            'at least one of them is needed',
        );
      } else if (first !== '' && last !== '' && timestampOf(first) > timestampOf(last)) {
        add(firstKey, `${firstLabel} (${formatValue(first)}) must not be after ${lastLabel} (${formatValue(last)})`);
      }
    }
  }
  const local = settings.data_source_settings.local_data_settings;
  const startKey = 'data_source_settings.local_data_settings.start_time';
  const fpsKey = 'data_source_settings.local_data_settings.metadata_fps';
  if (settings.data_source_settings.mode === 'local' && allGood(startKey, fpsKey) && local.start_time !== '' && local.metadata_fps === 0) {
    const [startLabel, fpsLabel] = settingLabels(startKey, fpsKey, origins);
    add(startKey, `${startLabel} (${formatValue(local.start_time)}) gives frame 0 its time only with ${fpsLabel} set above 0`);
  }
  const cmapKey = 'output_settings.cmap';
  if (allGood(cmapKey) && !isColormap(output.cmap)) {
    const close = closeColormapNames(output.cmap);
    const hint = close.length > 0 ? `; close matches: ${close.join(', ')}` : '';
    add(
      cmapKey,
      `${settingLabel(cmapKey, origins)} must be a Matplotlib colormap name (case-sensitive), ` +
        `got ${formatValue(output.cmap)}${hint}`,
    );
  }
  for (const message of zoneProblems(settings.zones)) add('zones', message);
  return issues;
}

function isColormap(name: string): boolean {
  try {
    getColormap(name);
    return true;
  } catch (error) {
    if (error instanceof SettingsError) return false;
    throw error;
  }
}

/** Throws the first problem as a SettingsError; `origins` (from reading a file) names where each value was written. */
export function validateSettings(settings: Settings, origins?: SettingOrigins): void {
  const issues = findSettingsIssues(settings, origins);
  if (issues.length > 0) throw new SettingsError(issues[0].message);
}
