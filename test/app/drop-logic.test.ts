import { describe, expect, it } from 'vitest';
import type { InspectedFile } from '../../src-shared/api.js';
import { defaultSettings } from '../../src-shared/settings/index.js';
import { describeDrop, planDrop, withDroppedSources, type RecognisedFile } from '../../src-renderer/logic/drop.js';

const video: RecognisedFile = { name: 'hall.mp4', file: { kind: 'video', path: '/data/hall.mp4', width: 1920, height: 1080, frameCount: 300, fps: 10 } };
const metadata: RecognisedFile = { name: 'det.txt', file: { kind: 'metadata', path: '/data/det.txt', format: 'mot' } };
const settingsFile: RecognisedFile = { name: 'app.yaml', file: { kind: 'settings', path: '/data/app.yaml' } };

describe('planDrop', () => {
  it('gives each recognised file its role', () => {
    expect(planDrop([metadata, settingsFile, video])).toEqual({ video, metadata, settings: settingsFile });
    expect(planDrop([metadata])).toEqual({ metadata });
  });

  it('refuses two files for one role, naming both', () => {
    const other: RecognisedFile = { name: 'meta.csv', file: { kind: 'metadata', path: '/data/meta.csv', format: 'seed_csv' } };
    expect(() => planDrop([metadata, video, other])).toThrow('det.txt, meta.csv: drop one metadata file at a time');
    const second: RecognisedFile = { name: 'b.mp4', file: { ...(video.file as InspectedFile), path: '/data/b.mp4' } };
    expect(() => planDrop([video, second])).toThrow('hall.mp4, b.mp4: drop one video at a time');
  });
});

describe('withDroppedSources', () => {
  it('fills the video and metadata fields, sets the format to auto and switches to Local files', () => {
    const before = defaultSettings();
    before.data_source_settings.mode = 'console';
    before.data_source_settings.local_data_settings.meta_format = 'seed_csv';
    const after = withDroppedSources(before, planDrop([video, metadata]));
    expect(after.data_source_settings.mode).toBe('local');
    expect(after.data_source_settings.local_data_settings).toMatchObject({ video_file: '/data/hall.mp4', meta_file: '/data/det.txt', meta_format: 'auto' });
    // The settings it started from are left as they were.
    expect(before.data_source_settings.mode).toBe('console');
  });

  it('keeps the other source field and leaves the mode alone for settings alone', () => {
    const before = defaultSettings();
    before.data_source_settings.local_data_settings.meta_file = 'old.csv';
    expect(withDroppedSources(before, planDrop([video])).data_source_settings.local_data_settings.meta_file).toBe('old.csv');
    const imported = defaultSettings();
    imported.data_source_settings.mode = 'console';
    expect(withDroppedSources(imported, planDrop([settingsFile]))).toEqual(imported);
  });
});

describe('describeDrop', () => {
  it('says what each file became', () => {
    const plan = planDrop([video, metadata, settingsFile]);
    expect(describeDrop(plan, withDroppedSources(defaultSettings(), plan))).toBe(
      'Loaded settings from app.yaml, metadata det.txt (MOTChallenge), video hall.mp4 (1920×1080, 300 frames).',
    );
  });

  it('names the video that now pairs with new metadata', () => {
    const before = defaultSettings();
    before.data_source_settings.local_data_settings.video_file = '/demo/demo.mp4';
    const plan = planDrop([metadata]);
    expect(describeDrop(plan, withDroppedSources(before, plan))).toBe(
      'Loaded metadata det.txt (MOTChallenge). The video stays /demo/demo.mp4; empty its field for metadata only.',
    );
  });
});
