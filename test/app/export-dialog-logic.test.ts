import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-shared/api.js';
import { exportPhaseAfter, exportRefused, exportStarted, initialOutputs, offeredOutputs, type ExportPhase } from '../../src-renderer/logic/export-dialog.js';

const started = exportStarted('export-mine');
const after = (phase: ExportPhase, ...events: ApiEvent[]): ExportPhase => events.reduce(exportPhaseAfter, phase);

describe('the Export dialog phase', () => {
  it('follows its export from progress to done', () => {
    expect(started).toEqual({ kind: 'exporting', exportId: 'export-mine', done: 0, total: 0 });
    const progress: ApiEvent = { type: 'export-progress', exportId: 'export-mine', done: 1, total: 3, current: 'detect/00000001.json' };
    expect(after(started, progress)).toEqual({ kind: 'exporting', exportId: 'export-mine', done: 1, total: 3 });
    expect(after(started, progress, { type: 'export-done', exportId: 'export-mine', folder: '/out', files: ['a', 'b', 'c'] })).toEqual({
      kind: 'finished',
      message: 'Exported 3 file(s) to /out',
    });
  });

  it('shows the back end\'s message on an error, and goes back to choosing when cancelled', () => {
    expect(after(started, { type: 'export-error', exportId: 'export-mine', message: 'export: the disk is full', cancelled: false })).toEqual({
      kind: 'failed',
      message: 'export: the disk is full',
    });
    expect(after(started, { type: 'export-error', exportId: 'export-mine', message: 'cancelled', cancelled: true })).toEqual({ kind: 'choosing' });
  });

  it('ignores events of other exports and other kinds, and events after its export ended', () => {
    const others: ApiEvent[] = [
      { type: 'export-done', exportId: 'export-other', folder: '/elsewhere', files: [] },
      { type: 'export-error', exportId: 'export-other', message: 'not mine', cancelled: false },
      { type: 'done', runId: 'run-1', frames: 4 },
      { type: 'menu', action: 'export' },
    ];
    expect(after(started, ...others)).toBe(started);
    const failed: ExportPhase = { kind: 'failed', message: 'export: the disk is full' };
    expect(after(failed, { type: 'export-done', exportId: 'export-mine', folder: '/out', files: [] })).toBe(failed);
    expect(after({ kind: 'choosing' }, { type: 'export-progress', exportId: 'export-mine', done: 1, total: 2, current: '' })).toEqual({ kind: 'choosing' });
  });

  it('fails with the answer\'s message when the request is refused, unless the export already ended', () => {
    expect(exportRefused(started, 'export-mine', 'export: choose a folder')).toEqual({ kind: 'failed', message: 'export: choose a folder' });
    expect(exportRefused(started, 'export-other', 'not mine')).toBe(started);
    const finished: ExportPhase = { kind: 'finished', message: 'Exported 1 file(s) to /out' };
    expect(exportRefused(finished, 'export-mine', 'late')).toBe(finished);
  });
});

describe('the outputs the Export dialog offers', () => {
  const labels = {
    video: 'MP4 video',
    'detect-json': 'per-frame JSON (detect/)',
    png: 'heatmap.png',
    npy: 'griddata.npy',
    periods: 'period maps',
    summary: 'summary.json',
    'zones-csv': 'zones.csv',
    parquet: 'Parquet',
  } as const;

  it('offers only what a long analysis without per-frame outputs holds, and names the rest in a note', () => {
    const { offered, missingNote } = offeredOutputs(['png', 'periods', 'summary', 'zones-csv', 'parquet'], 0, labels);
    expect(offered).toEqual(['png', 'periods', 'summary', 'parquet']);
    expect(missingNote).toBe(
      'This analysis has no MP4 video, per-frame JSON (detect/), griddata.npy: the run did not write them ' +
        '(output_settings.per_frame_outputs; by default a run of over 100,000 frames leaves the per-frame outputs out).',
    );
    // An analysis an older crowdheat made, before the period maps: said apart, with what to do.
    expect(offeredOutputs(['video', 'detect-json', 'png', 'npy', 'summary', 'parquet'], 0, labels).missingNote).toBe(
      'It has no period maps: an older crowdheat made it; analyse again to have them.',
    );
  });

  it('offers every output the analysis holds, zones.csv only with zones, without a note', () => {
    const all = ['video', 'detect-json', 'png', 'npy', 'periods', 'summary', 'zones-csv', 'parquet'] as const;
    expect(offeredOutputs(all, 2, labels)).toEqual({ offered: [...all], missingNote: null });
    expect(offeredOutputs(all, 0, labels)).toEqual({ offered: ['video', 'detect-json', 'png', 'npy', 'periods', 'summary', 'parquet'], missingNote: null });
    expect(offeredOutputs(undefined, 0, labels).offered).toEqual(['video', 'detect-json', 'png', 'npy', 'periods', 'summary', 'parquet']);
  });

  it('opens with every offered output ticked but Parquet, or with only what the menu asked for', () => {
    expect(initialOutputs(['png', 'summary', 'parquet'])).toEqual(['png', 'summary']);
    expect(initialOutputs(['png', 'summary', 'parquet'], ['parquet'])).toEqual(['parquet']);
    expect(initialOutputs(['png', 'summary'], ['parquet'])).toEqual([]);
  });
});
