import { describe, expect, it } from 'vitest';
import { analysisDescription, settingsOfOpened } from '../../src-renderer/logic/library.js';
import { outOfDateNotice } from '../../src-renderer/logic/display.js';
import { recountParams } from '../../src-renderer/logic/period.js';
import { defaultSettings, type Settings } from '../../src-shared/settings/types.js';

describe('the recent analyses list', () => {
  it('describes an analysis by its frames and its time range in its own time zone', () => {
    const utc = { timezone: 'UTC', state: 'done' } as const;
    expect(analysisDescription({ ...utc, frames: 600, fromMs: null, toMs: null })).toBe('600 frames');
    expect(analysisDescription({ ...utc, frames: 1, fromMs: null, toMs: null })).toBe('1 frame');
    expect(analysisDescription({ ...utc, frames: 60, fromMs: 0, toMs: 59_000 })).toBe('60 frames, 1970-01-01 00:00:00 to 00:00:59 UTC');
    // A start within a minute is not cut to the minute beside an end given to the second.
    expect(analysisDescription({ ...utc, frames: 600, fromMs: Date.UTC(2026, 10, 23, 0, 59, 30), toMs: Date.UTC(2026, 10, 23, 1, 0, 29, 900) })).toBe('600 frames, 2026-11-23 00:59:30 to 01:00:29 UTC');
    const week = Date.UTC(2026, 0, 5);
    expect(analysisDescription({ ...utc, frames: 604_800, fromMs: week, toMs: week + 604_799_000 })).toBe('604,800 frames, 2026-01-05 00:00 to 2026-01-11 23:59 UTC');
    // The week of the benchmark, analysed by hour in Tokyo: its days as its period views show them.
    const tokyoWeek = Date.parse('2026-11-23T00:00:00+09:00');
    expect(analysisDescription({ state: 'done', timezone: 'Asia/Tokyo', frames: 604_800, fromMs: tokyoWeek, toMs: tokyoWeek + 604_799_000 })).toBe(
      '604,800 frames, 2026-11-23 00:00 to 2026-11-29 23:59 Asia/Tokyo',
    );
    // Across a change of the clock (New York, 2026-03-08 02:00 → 03:00): wall times either side.
    expect(analysisDescription({ state: 'done', timezone: 'America/New_York', frames: 7200, fromMs: Date.parse('2026-03-08T01:00:00-05:00'), toMs: Date.parse('2026-03-08T03:59:59-04:00') })).toBe(
      '7,200 frames, 2026-03-08 01:00:00 to 03:59:59 America/New_York',
    );
    // An hour the clock goes back over (Berlin, 2026-10-25 03:00 CEST → 02:00 CET): a reading shown twice gets its offset, not a range that reads backwards.
    expect(analysisDescription({ state: 'done', timezone: 'Europe/Berlin', frames: 2700, fromMs: Date.parse('2026-10-25T02:30:00+02:00'), toMs: Date.parse('2026-10-25T02:15:00+01:00') })).toBe(
      '2,700 frames, 2026-10-25 02:30:00 +02:00 to 02:15:00 +01:00 Europe/Berlin',
    );
    expect(analysisDescription({ state: 'done', timezone: 'Europe/Berlin', frames: 100, fromMs: Date.parse('2026-10-24T23:00:00+02:00'), toMs: Date.parse('2026-10-25T02:15:00+01:00') })).toBe(
      '100 frames, 2026-10-24 23:00 to 2026-10-25 02:15 +01:00 Europe/Berlin',
    );
    // One frame, or frames within one second: one time, not "00:00:00 to 00:00:00".
    expect(analysisDescription({ ...utc, frames: 1, fromMs: 5_000, toMs: 5_000 })).toBe('1 frame, 1970-01-01 00:00:05 UTC');
    expect(analysisDescription({ ...utc, frames: 3, fromMs: 5_000, toMs: 5_900 })).toBe('3 frames, 1970-01-01 00:00:05 UTC');
    // A zone this browser does not know: UTC, and it says so.
    expect(analysisDescription({ state: 'done', timezone: 'Mars/Olympus_Mons', frames: 60, fromMs: 0, toMs: 59_000 })).toBe('60 frames, 1970-01-01 00:00:00 to 00:00:59 UTC');
  });

  it('says an interrupted analysis cannot be opened, and a running one is being analysed', () => {
    expect(analysisDescription({ frames: 0, fromMs: null, toMs: null, timezone: '', state: 'interrupted' })).toBe('interrupted before it finished: delete it and analyse again');
    expect(analysisDescription({ frames: 0, fromMs: null, toMs: null, timezone: '', state: 'running' })).toBe('being analysed');
  });
});

describe('opening an analysis from the library', () => {
  /** What an analysis was made with: a week of CSV at 1 frame a second, by hour in Tokyo, a 96 × 54 point grid, one zone. */
  function analysed(): Settings {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = '/data/week.csv';
    settings.data_source_settings.local_data_settings.metadata_fps = 1;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T00:00:00+09:00';
    settings.heat_map_settings.params = { ...settings.heat_map_settings.params, grid_num_h: 96, grid_num_v: 54, bbox2pix: true, number_of_add_grid: 2 };
    settings.output_settings = { ...settings.output_settings, period: 'hour', timezone: 'Asia/Tokyo', cmap: 'viridis', output_dir: '/library/runs/run-1/output' };
    settings.zones = [{ name: 'door', points: [[0, 0], [10, 0], [10, 10]] }];
    return settings;
  }

  it('puts the analysis\'s source, grid, period, time zone and zones in a fresh form, so it is neither out of date nor re-counted', () => {
    const run = analysed();
    const info = { params: run.heat_map_settings.params, dataSource: run.data_source_settings, output: run.output_settings, zones: run.zones };
    const fresh = defaultSettings();
    // Before: the fresh form's empty source marks the analysis out of date and its grid would re-count it.
    expect(outOfDateNotice(info.dataSource, fresh)).toBe('Out of date — Analyse to read the source again (changed: meta_file, metadata_fps, start_time)');

    const opened = settingsOfOpened(fresh, info);
    expect(outOfDateNotice(info.dataSource, opened)).toBeNull();
    expect(recountParams(info.params, opened.heat_map_settings.params, new Set())).toBeUndefined();
    expect(opened.data_source_settings).toEqual(run.data_source_settings);
    expect(opened.heat_map_settings.params).toEqual(run.heat_map_settings.params);
    expect(opened.output_settings).toEqual({ ...run.output_settings, output_dir: fresh.output_settings.output_dir });
    expect(opened.zones).toEqual(run.zones);
  });

  it('keeps the form\'s output folder and parameter file, and its source and zones when the analysis does not carry them', () => {
    const run = analysed();
    const form = defaultSettings();
    form.output_settings.output_dir = 'my-exports';
    form.heat_map_settings.param_file = 'params.yaml';
    form.zones = [{ name: 'mine', points: [[1, 1], [5, 1], [5, 5]] }];
    const opened = settingsOfOpened(form, { params: run.heat_map_settings.params, output: run.output_settings });
    expect(opened.output_settings.output_dir).toBe('my-exports');
    expect(opened.output_settings.timezone).toBe('Asia/Tokyo');
    expect(opened.heat_map_settings.param_file).toBe('params.yaml');
    expect(opened.data_source_settings).toEqual(form.data_source_settings);
    expect(opened.zones).toEqual(form.zones);
  });

  it('opens with the display last chosen while looking at the analysis over the one it ran with', () => {
    const run = analysed();
    const display = { cmap: 'turbo', transparency: 0.25, min: 1, max: 9, interpolation: 'bilinear' as const, overlay: false, empty_cells: 'tinted' as const };
    const opened = settingsOfOpened(defaultSettings(), { params: run.heat_map_settings.params, output: run.output_settings, display });
    expect(opened.output_settings).toEqual({ ...run.output_settings, ...display, output_dir: defaultSettings().output_settings.output_dir });
  });
});
