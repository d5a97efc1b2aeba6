import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-shared/api.js';
import { exportPhaseAfter, exportRefused, exportStarted, type ExportPhase } from '../../src-renderer/logic/export-dialog.js';

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
