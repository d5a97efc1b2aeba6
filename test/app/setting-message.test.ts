/**
 * The line under a setting's field: a to-do for an empty field that needs a value, the issue
 * itself for anything else (also on an empty field whose rule allows empty).
 */
import { describe, expect, it } from 'vitest';
import { settingMessage } from '../../src-renderer/logic/setting-message.js';
import { defaultSettings, fieldByKey, findSettingsIssues, type Settings } from '../../src-shared/settings/index.js';

const lineOf = (settings: Settings, key: string): { text: string; pending: boolean } => {
  const field = fieldByKey(key);
  if (field === undefined) throw new Error(`no field ${key}`);
  return settingMessage(field, field.get(settings), findSettingsIssues(settings).find((issue) => issue.key === key));
};

describe('the problem line under a setting', () => {
  it('says what an empty field that needs a value needs, as a to-do', () => {
    const settings = defaultSettings();
    settings.data_source_settings.mode = 'local';
    settings.data_source_settings.local_data_settings.meta_file = '';
    settings.data_source_settings.local_data_settings.video_file = '';
    const line = lineOf(settings, 'data_source_settings.local_data_settings.meta_file');
    expect(line.pending).toBe(true);
    expect(line.text).toMatch(/^Needed to analyse: .+\.$/);
    expect(line.text).not.toContain('not empty');
  });

  it('gives the issue itself, as a mistake, on an empty field whose rule allows empty: both Console timestamps empty while images are asked for', () => {
    const settings = defaultSettings();
    settings.data_source_settings.mode = 'console';
    const consoleData = settings.data_source_settings.console_data_settings;
    consoleData.device_id = 'Aid-1';
    consoleData.sub_directory_name = 'images';
    consoleData.first_timestamp = '';
    consoleData.last_timestamp = '';
    const line = lineOf(settings, 'data_source_settings.console_data_settings.first_timestamp');
    expect(line).toEqual({
      text: 'data_source_settings.console_data_settings.first_timestamp and data_source_settings.console_data_settings.last_timestamp are both empty; with sub_directory_name set (images from the Console) at least one of them is needed',
      pending: false,
    });
  });

  it('says nothing without an issue, and drops the leading key of a rule the value breaks', () => {
    const settings = defaultSettings();
    expect(lineOf(settings, 'heat_map_settings.grid_num_h')).toEqual({ text: '', pending: false });
    settings.heat_map_settings.params.grid_num_h = 0;
    const line = lineOf(settings, 'heat_map_settings.grid_num_h');
    expect(line.pending).toBe(false);
    expect(line.text).toMatch(/^must be .*, got 0$/);
  });
});
