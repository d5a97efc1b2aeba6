import { useEffect, useEffectEvent, useState } from 'react';
import { newExportId, type ApiClient, type ExportOutput, type HostInfo, type VideoFacts } from '../../src-shared/api.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { messageOf } from '../api/client.js';
import {
  exportPhaseAfter,
  exportRefused,
  exportStarted,
  keepAspect,
  initialOutputs,
  offeredOutputs,
  videoDraftOf,
  videoPlan,
  type ExportPhase,
  type VideoDraft,
} from '../logic/export-dialog.js';

interface Props {
  api: ApiClient;
  host: HostInfo | null;
  runId: string;
  /** The analysis's heat video (size, rate, length, bytes), when it has one. */
  video?: VideoFacts;
  defaultFolder: string;
  /** The zones as the app shows them: zones.csv is offered when there are any, and counts these. */
  zones?: ZoneDefinition[];
  /** The outputs the analysis holds (`RunInfo.exportable`); only these are offered. Every output when not given. */
  exportable?: readonly ExportOutput[];
  /** The outputs ticked when the dialog opens (the menu's Export as Parquet…); every offered one but Parquet by default. */
  initial?: readonly ExportOutput[];
  onClose: () => void;
  onInfo: (message: string) => void;
}

const OUTPUT_LABELS: Record<ExportOutput, string> = {
  video: 'MP4 video',
  'detect-json': 'per-frame JSON (detect/)',
  png: 'heatmap.png',
  npy: 'griddata.npy',
  periods: 'period maps: heatmap_period.png and .npy, the buckets’ maps, buckets.csv, people.csv',
  summary: 'summary.json',
  'zones-csv': 'zones.csv',
  parquet: 'Parquet: frames.parquet, detections.parquet (pandas, polars, DuckDB)',
};

/** Choose outputs and a folder; shows progress and can cancel. */
export function ExportDialog({ api, host, runId, video, defaultFolder, zones = [], exportable, initial, onClose, onInfo }: Props) {
  const { offered, missingNote } = offeredOutputs(exportable, zones.length, OUTPUT_LABELS);
  const [outputs, setOutputs] = useState<Set<ExportOutput>>(new Set(initialOutputs(offered, initial)));
  const [draft, setDraft] = useState<VideoDraft | null>(video === undefined ? null : videoDraftOf(video));
  const plan = video === undefined || draft === null ? null : videoPlan(video, draft);
  const videoBlocked = plan !== null && outputs.has('video') && plan.problem !== null;
  const [folder, setFolder] = useState(defaultFolder);
  const [phase, setPhase] = useState<ExportPhase>({ kind: 'choosing' });

  // Listening from the start, not from when the answer arrives: the events may come first.
  useEffect(() => api.subscribe((event) => setPhase((current) => exportPhaseAfter(current, event))), [api]);

  const finished = useEffectEvent((message: string) => {
    onInfo(message);
    onClose();
  });
  useEffect(() => {
    if (phase.kind === 'finished') finished(phase.message);
  }, [phase]);

  const start = async () => {
    const exportId = newExportId();
    setPhase(exportStarted(exportId));
    try {
      const changedVideo = plan !== null && plan.changed && outputs.has('video') ? { video: plan.choice } : {};
      const withZones = outputs.has('zones-csv') ? { zones } : {};
      await api.call('export', { exportId, runId, outputs: [...outputs], folder, ...changedVideo, ...withZones });
    } catch (error) {
      setPhase((current) => exportRefused(current, exportId, messageOf(error)));
    }
  };

  const cancel = (exportId: string) => void api.call('cancelExport', { exportId });

  // Escape closes the dialog, or cancels the export while one runs.
  const escape = useEffectEvent((event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    if (phase.kind === 'exporting') cancel(phase.exportId);
    else onClose();
  });
  useEffect(() => {
    window.addEventListener('keydown', escape);
    return () => window.removeEventListener('keydown', escape);
  }, []);

  const browse = async () => {
    const { path } = await api.call('pickPath', { purpose: 'folder' });
    if (path !== null) setFolder(path);
  };

  const toggle = (output: ExportOutput, on: boolean) => {
    const next = new Set(outputs);
    if (on) next.add(output);
    else next.delete(output);
    setOutputs(next);
  };

  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-label="Export">
        <h2>Export</h2>
        <fieldset disabled={phase.kind === 'exporting'}>
          {offered.map((output) => (
            <label key={output} className="check">
              <input type="checkbox" checked={outputs.has(output)} onChange={(event) => toggle(output, event.target.checked)} />
              {OUTPUT_LABELS[output]}
            </label>
          ))}
          {missingNote !== null && (
            <p className="hint" data-testid="export-missing">
              {missingNote}
            </p>
          )}
          {video !== undefined && draft !== null && plan !== null && outputs.has('video') && (
            <div className="export-video" data-testid="export-video">
              <div className="row">
                <label className="setting">
                  width (px)
                  <input
                    type="number"
                    min={2}
                    step={2}
                    value={draft.width}
                    data-testid="export-width"
                    onChange={(event) => {
                      const width = event.target.value;
                      const typed = Number(width);
                      setDraft({ ...draft, width, height: Number.isFinite(typed) && typed > 0 ? String(keepAspect(video, 'width', typed)) : draft.height });
                    }}
                  />
                </label>
                <label className="setting">
                  height (px)
                  <input type="number" min={2} step={2} value={draft.height} data-testid="export-height" onChange={(event) => setDraft({ ...draft, height: event.target.value })} />
                </label>
                <label className="setting">
                  frame rate (fps)
                  <input type="number" min={0.1} max={240} step="any" value={draft.fps} data-testid="export-fps" onChange={(event) => setDraft({ ...draft, fps: event.target.value })} />
                </label>
              </div>
              {plan.problem === null ? (
                <p className="hint" data-testid="export-video-plan">
                  {plan.text}
                </p>
              ) : (
                <p className="error-text" role="alert" data-testid="export-video-problem">
                  {plan.problem}
                </p>
              )}
            </div>
          )}
          <label className="setting">
            folder
            <div className="path-row">
              <input type="text" value={folder} onChange={(event) => setFolder(event.target.value)} data-testid="export-folder" />
              {host?.nativeDialogs === true && (
                <button type="button" onClick={() => void browse()}>
                  Browse…
                </button>
              )}
            </div>
          </label>
        </fieldset>
        {phase.kind === 'exporting' && (
          <div className="progress">
            <progress max={Math.max(1, phase.total)} value={phase.done} />
            <span>
              {phase.done} / {phase.total} files
            </span>
          </div>
        )}
        {phase.kind === 'failed' && <p className="error-text">{phase.message}</p>}
        <div className="row end">
          {phase.kind === 'exporting' ? (
            <button type="button" onClick={() => cancel(phase.exportId)}>
              Cancel export
            </button>
          ) : (
            <>
              <button type="button" className="secondary" onClick={onClose}>
                Close
              </button>
              <button type="button" onClick={() => void start()} disabled={outputs.size === 0 || folder.trim() === '' || videoBlocked} data-testid="start-export">
                Export
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
