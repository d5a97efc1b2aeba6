/**
 * The Export dialog's state as the back end's events move it. The dialog chooses its export's id
 * before it asks (see `ExportRequest.exportId`) and listens from the moment it opens, because a
 * small export's events can arrive before the answer to the request does.
 */
import type { ApiEvent } from '../../src-shared/api.js';

export type ExportPhase =
  | { kind: 'choosing' }
  | { kind: 'exporting'; exportId: string; done: number; total: number }
  | { kind: 'failed'; message: string }
  /** Done: the dialog shows `message` in the window and closes. */
  | { kind: 'finished'; message: string };

/** The phase once `exportId` is asked for. */
export function exportStarted(exportId: string): ExportPhase {
  return { kind: 'exporting', exportId, done: 0, total: 0 };
}

/** The phase after a back-end event; events of another export (e.g. from another window) change nothing. */
export function exportPhaseAfter(phase: ExportPhase, event: ApiEvent): ExportPhase {
  if (phase.kind !== 'exporting' || !('exportId' in event) || event.exportId !== phase.exportId) return phase;
  switch (event.type) {
    case 'export-progress':
      return { ...phase, done: event.done, total: event.total };
    case 'export-done':
      return { kind: 'finished', message: `Exported ${event.files.length} file(s) to ${event.folder}` };
    case 'export-error':
      return event.cancelled ? { kind: 'choosing' } : { kind: 'failed', message: event.message };
  }
}

/** The phase after the back end refused to start `exportId` (its events never come). */
export function exportRefused(phase: ExportPhase, exportId: string, message: string): ExportPhase {
  return phase.kind === 'exporting' && phase.exportId === exportId ? { kind: 'failed', message } : phase;
}
