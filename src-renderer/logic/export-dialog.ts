/**
 * The Export dialog's state as the back end's events move it. The dialog chooses its export's id
 * before it asks (see `ExportRequest.exportId`) and listens from the moment it opens, because a
 * small export's events can arrive before the answer to the request does.
 */
import { EXPORT_OUTPUTS, type ApiEvent, type ExportOutput, type VideoFacts } from '../../src-shared/api.js';
import { videoChoiceProblem, type VideoChoice } from '../../src-shared/render/video-format.js';
import { formatBytes } from '../../src-shared/bytes.js';
import { FIGURE_DIGITS, shown } from '../../src-shared/figures.js';

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

/** The video the dialog will write: the analysis's, or the size and rate the user typed. */
export interface VideoDraft {
  width: string;
  height: string;
  fps: string;
}

/** The draft that changes nothing: the analysis's own size and rate. */
export function videoDraftOf(video: VideoFacts): VideoDraft {
  return { width: String(video.width), height: String(video.height), fps: String(video.fps) };
}

/** The draft as numbers (NaN where a field is not a number). */
export function videoChoiceOf(draft: VideoDraft): VideoChoice {
  const number = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));
  return { width: number(draft.width), height: number(draft.height), fps: number(draft.fps) };
}

/** The other side for a typed one, keeping the analysis video's aspect, rounded to even. */
export function keepAspect(video: VideoFacts, side: 'width' | 'height', value: number): number {
  const other = side === 'width' ? (value * video.height) / video.width : (value * video.width) / video.height;
  return Math.max(2, 2 * Math.round(other / 2));
}

/**
 * What the export will write: size, rate, duration (the same frames at the chosen rate) and
 * the file size, estimated from the analysis's file by pixel count (x264 at one CRF spends
 * bits roughly in proportion to pixels per frame); with `problem` when the choice cannot be encoded.
 */
export function videoPlan(video: VideoFacts, draft: VideoDraft): { text: string; problem: string | null; changed: boolean; choice: VideoChoice } {
  const choice = videoChoiceOf(draft);
  const problem = videoChoiceProblem(choice);
  const changed = choice.width !== video.width || choice.height !== video.height || choice.fps !== video.fps;
  if (problem !== null) return { text: '', problem, changed, choice };
  const seconds = video.frames / choice.fps;
  const bytes = (video.bytes * choice.width * choice.height) / (video.width * video.height);
  const text =
    `${choice.width} × ${choice.height}, ${formatFps(choice.fps)} fps, ${shown(video.frames, FIGURE_DIGITS.count)} frames, ${formatDuration(seconds)}, ` +
    `${changed ? 'about ' : ''}${formatBytes(bytes)}${changed ? ' (re-encoded)' : ''}`;
  return { text, problem: null, changed, choice };
}

function formatFps(fps: number): string {
  return shown(fps, FIGURE_DIGITS.fps);
}

/** `75.5 s` or `12 min 5 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}


/**
 * The outputs ticked when the dialog opens: `initial` where offered (the menu's Export as
 * Parquet…), else every offered output but Parquet (a week's detections are tens of MB, asked
 * for on purpose).
 */
export function initialOutputs(offered: readonly ExportOutput[], initial?: readonly ExportOutput[]): ExportOutput[] {
  return initial === undefined ? offered.filter((output) => output !== 'parquet') : offered.filter((output) => initial.includes(output));
}

/** The outputs `output_settings.per_frame_outputs` leaves out of a long run. */
const PER_FRAME_OUTPUTS: readonly ExportOutput[] = ['video', 'detect-json', 'npy'];

/**
 * What the dialog offers and what it says of the rest: the outputs the analysis holds
 * (`RunInfo.exportable`; every output when the host does not say), `zones-csv` only with zones,
 * and the names of the outputs it lacks (a long analysis's per-frame ones), for a note.
 */
export function offeredOutputs(
  exportable: readonly ExportOutput[] | undefined,
  zoneCount: number,
  labels: Readonly<Record<ExportOutput, string>>,
): { offered: ExportOutput[]; missingNote: string | null } {
  const wanted = EXPORT_OUTPUTS.filter((output) => output !== 'zones-csv' || zoneCount > 0);
  const offered = wanted.filter((output) => exportable === undefined || exportable.includes(output));
  const lacking = wanted.filter((output) => !offered.includes(output));
  const perFrame = lacking.filter((output) => PER_FRAME_OUTPUTS.includes(output)).map((output) => labels[output]);
  // Anything else missing was made by an older crowdheat (the period maps before they existed).
  const older = lacking.filter((output) => !PER_FRAME_OUTPUTS.includes(output)).map((output) => labels[output]);
  const notes = [
    ...(perFrame.length === 0
      ? []
      : [`This analysis has no ${perFrame.join(', ')}: the run did not write them (output_settings.per_frame_outputs; by default a run of over 100,000 frames leaves the per-frame outputs out).`]),
    ...(older.length === 0 ? [] : [`It has no ${older.join(', ')}: an older crowdheat made it; analyse again to have them.`]),
  ];
  return { offered, missingNote: notes.length === 0 ? null : notes.join(' ') };
}
