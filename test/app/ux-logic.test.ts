/** The renderer's new pure logic (issue 13 items 3, 5, 6, 7, 8), apart from React. */
import { describe, expect, it } from 'vitest';
import type { InspectedFile } from '../../src-shared/api.js';
import { defaultSettings, findSettingsIssues, SETTING_FIELDS } from '../../src-shared/settings/index.js';
import { changedSource, liveDisplay, outOfDateNotice } from '../../src-renderer/logic/display.js';
import { importReport } from '../../src-renderer/logic/import-report.js';
import { INFO_LIFETIME_MS, MAX_MESSAGES, withMessage, withoutRun, withoutRunsBut, withoutStale, withoutTopic, type Message } from '../../src-renderer/logic/messages.js';
import { checkedPath } from '../../src-renderer/logic/path-check.js';
import { gridForCellSize, presetById, PRESETS } from '../../src-renderer/logic/presets.js';
import { durationText, FINISHING, progressFacts } from '../../src-renderer/logic/progress.js';
import {
  MAX_RECENT,
  REMEMBERED_KEY,
  rememberedFrom,
  rememberedText,
  withRecent,
  type Remembered,
} from '../../src-renderer/logic/remembered.js';
import { groupBySection, sectionOf, settingText } from '../../src-renderer/logic/setting-labels.js';
import { settingField, valueFromText, kindOf } from '../../src-renderer/logic/settings-form.js';
import { sliderValueText } from '../../src-renderer/logic/timeline.js';

describe('display settings repaint, counting settings date the view', () => {
  it('paints with the settings of now, and with the analysed value where a display setting is invalid', () => {
    const analysed = defaultSettings().output_settings;
    const now = {
      ...analysed,
      cmap: 'viridis',
      transparency: 0.9,
      min: 2,
      max: 40,
      interpolation: 'bilinear' as const,
      overlay: false,
      empty_cells: 'tinted' as const,
    };
    expect(liveDisplay(analysed, now, new Set())).toEqual({
      cmap: 'viridis',
      transparency: 0.9,
      min: 2,
      max: 40,
      interpolation: 'bilinear',
      overlay: false,
      empty_cells: 'tinted',
    });
    const typing = { ...now, cmap: 'virid', min: 50 };
    const invalid = new Set(
      findSettingsIssues({ ...defaultSettings(), output_settings: typing })
        .map((issue) => issue.key)
        .filter((key) => key.startsWith('output_settings.')),
    );
    expect(invalid).toEqual(new Set(['output_settings.cmap', 'output_settings.min']));
    // min and max go together: min 50 ≥ max 40 keeps both analysed values.
    expect(liveDisplay(analysed, typing, invalid)).toEqual({
      cmap: 'Reds',
      transparency: 0.9,
      min: 0,
      max: 15,
      interpolation: 'bilinear',
      overlay: false,
      empty_cells: 'tinted',
    });
  });

  it('names the source settings that changed since the analysis; display and grid settings re-count without one', () => {
    const settings = defaultSettings();
    const analysed = structuredClone(settings.data_source_settings);
    expect(outOfDateNotice(analysed, settings)).toBeNull();
    settings.output_settings.cmap = 'turbo';
    settings.heat_map_settings.params.grid_num_h = 96;
    expect(outOfDateNotice(analysed, settings)).toBeNull();
    settings.data_source_settings.local_data_settings.metadata_fps = 10;
    settings.data_source_settings.local_data_settings.meta_format = 'mot';
    expect(changedSource(analysed, settings.data_source_settings)).toEqual(['meta_format', 'metadata_fps']);
    expect(outOfDateNotice(analysed, settings)).toBe('Out of date — Analyse to read the source again (changed: meta_format, metadata_fps)');
    Object.assign(settings.data_source_settings.local_data_settings, { meta_file: 'b.csv', video_file: 'b.mp4', start_time: '2026-11-23T09:00:00Z' });
    expect(outOfDateNotice(analysed, settings)).toBe(
      'Out of date — Analyse to read the source again (changed: video_file, meta_file, meta_format and 2 more)',
    );
    settings.data_source_settings.mode = 'console';
    expect(changedSource(analysed, settings.data_source_settings)).toEqual(['mode']);
    expect(outOfDateNotice(undefined, settings)).toBeNull();
  });
});

describe('settings speak plainly', () => {
  it('gives every grid and output setting a label and one line of help, and sorts them into sections', () => {
    for (const field of SETTING_FIELDS.filter((entry) => entry.group === 'params' || entry.group === 'output')) {
      if (field.key === 'output_settings.output_dir') continue;
      const text = settingText(field);
      expect(text.label).not.toBe(field.name);
      expect(text.help).not.toContain('\n');
      expect(text.help.length).toBeLessThanOrEqual(110);
    }
    expect(settingText(settingField('heat_map_settings.number_of_add_grid'))).toEqual({
      label: 'Spread (cells)',
      help: 'Extra cells counted around each person; 0 counts only the cells they touch.',
    });
    expect(sectionOf(settingField('heat_map_settings.counting'))).toBe('advanced');
    expect(sectionOf(settingField('output_settings.ffmpeg_path'))).toBe('advanced');
    expect(sectionOf(settingField('output_settings.transparency'))).toBe('colours');
  });

  it('labels a setting it does not know by its YAML name and puts it under Advanced', () => {
    const unknown = { ...settingField('output_settings.cmap'), key: 'output_settings.future_setting', name: 'future_setting' };
    expect(settingText(unknown)).toEqual({ label: 'future_setting', help: 'Allowed: a Matplotlib colormap name (not empty).' });
    expect(groupBySection([unknown]).advanced).toEqual([unknown]);
  });

  it('reads class_ids as the README writes them: [0], [0, 2], 0 2, all, null', () => {
    const classIds = settingField('heat_map_settings.class_ids');
    expect(kindOf(classIds)).toBe('class-ids');
    expect(valueFromText('class-ids', '[0]')).toEqual([0]);
    expect(valueFromText('class-ids', ' [0, 2] ')).toEqual([0, 2]);
    expect(valueFromText('class-ids', '0 2')).toEqual([0, 2]);
    expect(valueFromText('class-ids', 'all')).toBeNull();
    expect(valueFromText('class-ids', 'null')).toBeNull();
    expect(valueFromText('class-ids', '[person]')).toBe('[person]');
  });
});

describe('presets', () => {
  it('sizes the grid from the image size already set', () => {
    expect(gridForCellSize(1920, 1080, 40)).toEqual({ columns: 48, rows: 27 });
    expect(gridForCellSize(640, 480, 6.666666666666667)).toEqual({ columns: 96, rows: 72 });
    expect(gridForCellSize(10, 10, 400)).toEqual({ columns: 1, rows: 1 });
  });

  it('sets several settings at once, keeps sources and image size, and leaves valid settings', () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'det.txt';
    Object.assign(settings.heat_map_settings.params, { image_size_h: 640, image_size_v: 480 });
    const overview = presetById('store-overview')!.apply(settings);
    expect(overview.heat_map_settings.params).toMatchObject({
      image_size_h: 640,
      image_size_v: 480,
      grid_num_h: 48,
      grid_num_v: 36,
      bbox2pix: true,
      last_valid_frame: 0,
    });
    expect(overview.output_settings).toMatchObject({ cmap: 'inferno', interpolation: 'bilinear', max: 0 });
    expect(overview.data_source_settings.local_data_settings.meta_file).toBe('det.txt');
    // The original is untouched.
    expect(settings.heat_map_settings.params.grid_num_h).toBe(192);
    const queue = presetById('queue-detail')!.apply(settings);
    expect(queue.heat_map_settings.params).toMatchObject({ grid_num_h: 96, grid_num_v: 72, number_of_add_grid: 0, last_valid_frame: 30 });
    for (const preset of PRESETS) expect(findSettingsIssues(preset.apply(settings))).toEqual([]);
  });

  it('gives back the sample application’s look on a 1920×1080 image', () => {
    const settings = presetById('store-overview')!.apply(defaultSettings());
    const sample = presetById('sample-look')!.apply(settings);
    expect(sample.heat_map_settings.params).toEqual(defaultSettings().heat_map_settings.params);
    expect(sample.output_settings).toEqual(defaultSettings().output_settings);
  });
});

describe('typed paths are inspected like dropped files', () => {
  const mot: InspectedFile = { kind: 'metadata', path: '/d/det.txt', format: 'mot' };
  const video: InspectedFile = { kind: 'video', path: '/d/a.mp4', width: 1920, height: 1080, frameCount: 600, fps: 10 };
  const yaml: InspectedFile = { kind: 'settings', path: '/d/app.yaml' };

  it('refuses a text file typed as the video, and a video typed as metadata', () => {
    expect(checkedPath('video', mot)).toEqual({
      state: 'refused',
      path: '/d/det.txt',
      message: 'is MOTChallenge detections, not a video; put it in the metadata field',
    });
    expect(checkedPath('metadata', video)).toEqual({
      state: 'refused',
      path: '/d/a.mp4',
      message: 'is a video (1920×1080), not metadata; put it in the video field',
    });
    expect(checkedPath('video', yaml).state).toBe('refused');
    expect(checkedPath('metadata', yaml).state).toBe('refused');
  });

  it('summarises a path that fits its field', () => {
    expect(checkedPath('video', { ...video, fps: 30000 / 1001 })).toEqual({
      state: 'ok',
      path: '/d/a.mp4',
      summary: 'video 1920×1080, 600 frames at 29.97 fps',
    });
    expect(checkedPath('metadata', mot)).toEqual({ state: 'ok', path: '/d/det.txt', summary: 'MOTChallenge detections' });
  });
});

describe('progress', () => {
  it('gives percent, frames, rate and time left', () => {
    expect(progressFacts(150, 600, 50)).toEqual({ percent: 25, frames: '150 / 600 frames', rate: '50.0 frames/s', eta: 'about 9 s left' });
    expect(progressFacts(0, 600, 0)).toEqual({ percent: 0, frames: '0 / 600 frames', rate: '', eta: '' });
    expect(progressFacts(40, undefined, 12.34)).toEqual({ percent: null, frames: '40 frames', rate: '12.3 frames/s', eta: '' });
    expect(progressFacts(700, 600, 10).percent).toBe(100);
  });

  it('groups long counts, gives a rate of 100 frames/s or more whole, and says the run is finishing once every frame is read', () => {
    expect(progressFacts(274368, 604800, 5104.04)).toEqual({ percent: 45, frames: '274,368 / 604,800 frames', rate: '5,104 frames/s', eta: 'about 1 min left' });
    expect(progressFacts(604800, 604800, 4924.3)).toEqual({ percent: 100, frames: '604,800 / 604,800 frames', rate: '4,924 frames/s', eta: FINISHING });
    expect(progressFacts(1234, undefined, 99.94)).toEqual({ percent: null, frames: '1,234 frames', rate: '99.9 frames/s', eta: '' });
    expect(FINISHING).toBe('finishing the store and the period maps');
  });

  it('says durations as a person does', () => {
    expect(durationText(0.2)).toBe('1 s');
    expect(durationText(59)).toBe('59 s');
    expect(durationText(61)).toBe('1 min');
    expect(durationText(3 * 3600 + 5 * 60)).toBe('3 h 5 min');
  });
});

describe('messages do not pile up', () => {
  const base = (id: number, text: string, extra: Partial<Message> = {}): Omit<Message, 'repeats'> => ({ id, kind: 'error', text, at: 1000, ...extra });

  it('counts an identical message instead of adding it again', () => {
    let list = withMessage([], base(1, 'cannot read a.csv'));
    list = withMessage(list, base(2, 'other'));
    list = withMessage(list, base(3, 'cannot read a.csv'));
    expect(list.map((message) => [message.text, message.repeats])).toEqual([
      ['other', 1],
      ['cannot read a.csv', 2],
    ]);
  });

  it('replaces a message on the same topic, clears a topic, and keeps at most MAX_MESSAGES', () => {
    let list = withMessage([], base(1, 'Analysis failed: no frames', { topic: 'analysis' }));
    list = withMessage(list, base(2, 'Analysed 600 frames.', { kind: 'info', topic: 'analysis' }));
    expect(list.map((message) => message.text)).toEqual(['Analysed 600 frames.']);
    expect(withoutTopic(list, 'analysis')).toEqual([]);
    for (let id = 10; id < 20; id++) list = withMessage(list, base(id, `m${id}`));
    expect(list).toHaveLength(MAX_MESSAGES);
    expect(list.at(-1)!.text).toBe('m19');
  });

  it('lets information go stale; errors and warnings stay', () => {
    const list = [
      { ...base(1, 'hint', { kind: 'info' }), repeats: 1 },
      { ...base(2, 'bad'), repeats: 1 },
    ];
    expect(withoutStale(list, 1000 + INFO_LIFETIME_MS - 1)).toBe(list);
    expect(withoutStale(list, 1000 + INFO_LIFETIME_MS).map((message) => message.text)).toEqual(['bad']);
  });

  it("clears an analysis's messages when it leaves the screen or is deleted; others and those of no analysis stay", () => {
    const list = [
      { ...base(1, 'row 7 skipped', { kind: 'warning', runId: 'run-a' }), repeats: 1 },
      { ...base(2, 'Analysed 600 frames.', { kind: 'info', topic: 'analysis', runId: 'run-a' }), repeats: 1 },
      { ...base(3, 'row 9 skipped', { kind: 'warning', runId: 'run-b' }), repeats: 1 },
      { ...base(4, 'cannot read x.yaml'), repeats: 1 },
    ];
    // run-b on screen, nothing running: run-a's warning and outcome go.
    expect(withoutRunsBut(list, ['run-b', null]).map((message) => message.id)).toEqual([3, 4]);
    // Nothing on screen, run-a running: run-b's go.
    expect(withoutRunsBut(list, [null, 'run-a']).map((message) => message.id)).toEqual([1, 2, 4]);
    expect(withoutRunsBut(list, [null, null]).map((message) => message.id)).toEqual([4]);
    expect(withoutRunsBut(list, ['run-a', 'run-b'])).toBe(list);
    expect(withoutRun(list, 'run-a').map((message) => message.id)).toEqual([3, 4]);
    expect(withoutRun(list, 'run-c')).toBe(list);
  });
});

describe('what the app remembers', () => {
  it('gives back the settings, recent files and layout it stored', () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = '/data/det.txt';
    settings.output_settings.cmap = 'turbo';
    settings.heat_map_settings.params.class_ids = [0];
    const remembered: Remembered = {
      settings,
      recent: [{ path: '/data/det.txt', role: 'metadata' }],
      layout: { advancedOpen: true, sidebarWidth: 420 },
    };
    expect(REMEMBERED_KEY).toBe('crowdheat.remembered.v1');
    expect(rememberedFrom(rememberedText(remembered))).toEqual(remembered);
  });

  it('falls back to defaults for anything unreadable, value by value', () => {
    expect(rememberedFrom(null)).toEqual(rememberedFrom('{'));
    const stored = JSON.parse(rememberedText(rememberedFrom(null))) as { settings: { output_settings: Record<string, unknown> } } & Record<string, unknown>;
    stored.settings.output_settings.transparency = 'lots';
    stored.settings.output_settings.cmap = 'magma';
    stored.recent = [{ path: '', role: 'metadata' }, { path: '/v.mp4', role: 'video' }, { path: '/x', role: 'secret' }, 7];
    stored.layout = { advancedOpen: 'yes', sidebarWidth: 5000 };
    const back = rememberedFrom(JSON.stringify(stored));
    expect(back.settings.output_settings.transparency).toBe(0.4);
    expect(back.settings.output_settings.cmap).toBe('magma');
    expect(back.recent).toEqual([{ path: '/v.mp4', role: 'video' }]);
    expect(back.layout).toEqual({ advancedOpen: false, sidebarWidth: 640 });
    expect(rememberedFrom(JSON.stringify({ settings: { output_settings: 3 } })).settings).toEqual(defaultSettings());
  });

  it('keeps recent files newest first, once each, at most MAX_RECENT', () => {
    let recent = withRecent([], { path: '/a.csv', role: 'metadata' });
    recent = withRecent(recent, { path: '/b.mp4', role: 'video' });
    recent = withRecent(recent, { path: '/a.csv', role: 'metadata' });
    expect(recent).toEqual([
      { path: '/a.csv', role: 'metadata' },
      { path: '/b.mp4', role: 'video' },
    ]);
    for (let file = 0; file < 20; file++) recent = withRecent(recent, { path: `/f${file}`, role: 'metadata' });
    expect(recent).toHaveLength(MAX_RECENT);
    expect(recent[0].path).toBe('/f19');
  });
});

describe('accessibility texts', () => {
  it('has the slider say the frame as shown, with its moment', () => {
    expect(sliderValueText(100, 600, '20230412140023098')).toBe('frame 101 of 600, 2023-04-12 14:00:23.098 UTC');
    expect(sliderValueText(0, 600, '')).toBe('frame 1 of 600');
    // A frame without T but with a time base (metadata_fps / start_time) says its time the same way.
    expect(sliderValueText(409, 604_800, '', Date.UTC(2026, 10, 22, 15, 6, 49))).toBe('frame 410 of 604,800, 2026-11-22 15:06:49.000 UTC');
    expect(sliderValueText(0, 600, '20230412140023098', Date.UTC(2026, 0, 1))).toBe('frame 1 of 600, 2023-04-12 14:00:23.098 UTC');
  });

  it('reports every problem of an imported file in one message', () => {
    expect(importReport('app.yaml', [])).toEqual({ kind: 'info', text: 'Imported app.yaml' });
    expect(importReport('app.yaml', ['a must be x', 'b must be y'])).toEqual({
      kind: 'error',
      text: 'Imported app.yaml with 2 problems to fix (marked at the fields): a must be x; b must be y',
    });
  });
});
