/**
 * The display settings chosen while looking at an analysis are kept with it (its run.json in the
 * app's work folder, not its store) and come back when it is opened, also after a restart; a
 * display that breaks the settings' rules is refused with the setting named.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisDisplay, ApiEvent } from '../../src-shared/api.js';
import { defaultSettings } from '../../src-shared/settings/index.js';
import type { Backend } from '../../src-main/app/backend.js';
import { finishedIn, inProcessBackend } from './backend-fixture.js';
import { RUN_RECORD_FILE } from '../../src-main/app/library.js';

let dir: string;
const events: ApiEvent[] = [];

function backend(): Backend {
  return inProcessBackend(dir, join(dir, 'work'), events);
}

function finished(runId: string): Promise<ApiEvent> {
  return finishedIn(events, runId);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-analysis-display-'));
  const rows = Array.from({ length: 8 }, (_, i) => `${i + 1},-1,100,300,40,100,1,-1,-1,-1`);
  await writeFile(join(dir, 'det.txt'), `${rows.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an analysis keeps the display it was last looked at with', () => {
  it('saves it in run.json, gives it back on open after a restart, and refuses one that breaks the rules', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = join(dir, 'det.txt');
    settings.data_source_settings.local_data_settings.video_file = '';
    Object.assign(settings.heat_map_settings.params, { image_size_h: 800, image_size_v: 480, grid_num_h: 8, grid_num_v: 6 });
    const chosen: AnalysisDisplay = { cmap: 'turbo', transparency: 0.25, min: 1, max: 9, interpolation: 'bilinear', overlay: false, empty_cells: 'tinted' };
    const first = backend();
    const { runId } = await first.handlers.analyse({ settings });
    try {
      expect(await finished(runId)).toMatchObject({ type: 'done', runId });
      // Nothing kept until the app saves one: the analysis opens with the display it ran with.
      expect((await first.handlers.getRunInfo({ runId })).display).toBeUndefined();
      await first.handlers.saveAnalysisDisplay({ runId, display: chosen });
      expect((await first.handlers.getRunInfo({ runId })).display).toEqual(chosen);
      await expect(first.handlers.saveAnalysisDisplay({ runId, display: { ...chosen, transparency: 2 } })).rejects.toThrow(
        /^saveAnalysisDisplay: .*transparency.* must be /,
      );
      await expect(first.handlers.saveAnalysisDisplay({ runId, display: { ...chosen, min: 9, max: 1 } })).rejects.toThrow(/^saveAnalysisDisplay: /);
      const stray = { ...chosen, output_dir: '/tmp' } as unknown as AnalysisDisplay;
      await expect(first.handlers.saveAnalysisDisplay({ runId, display: stray })).rejects.toThrow('saveAnalysisDisplay: display has no setting "output_dir"');
      // A refused display changes nothing.
      expect((await first.handlers.getRunInfo({ runId })).display).toEqual(chosen);
    } finally {
      await first.dispose();
    }
    // Kept in the work folder's run.json, beside the analysis, not in its store.
    const record = JSON.parse(await readFile(join(dir, 'work', 'runs', runId, RUN_RECORD_FILE), 'utf8')) as { display?: AnalysisDisplay };
    expect(record.display).toEqual(chosen);
    const restarted = backend();
    try {
      expect((await restarted.handlers.openAnalysis({ runId })).display).toEqual(chosen);
    } finally {
      await restarted.dispose();
    }
  }, 60_000);
});
