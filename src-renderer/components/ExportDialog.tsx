import { useEffect, useState } from 'react';
import { EXPORT_OUTPUTS, type ApiClient, type ExportOutput, type HostInfo } from '../../src-shared/api.js';
import { messageOf } from '../api/client.js';

interface Props {
  api: ApiClient;
  host: HostInfo | null;
  runId: string;
  defaultFolder: string;
  onClose: () => void;
  onInfo: (message: string) => void;
}

const OUTPUT_LABELS: Record<ExportOutput, string> = {
  video: 'MP4 video',
  'detect-json': 'per-frame JSON (detect/)',
  png: 'heatmap.png',
  npy: 'griddata.npy',
  summary: 'summary.json',
};

type Phase =
  | { kind: 'choosing' }
  | { kind: 'exporting'; exportId: string; done: number; total: number }
  | { kind: 'failed'; message: string };

/** Choose outputs and a folder; shows progress and can cancel. */
export function ExportDialog({ api, host, runId, defaultFolder, onClose, onInfo }: Props) {
  const [outputs, setOutputs] = useState<Set<ExportOutput>>(new Set(EXPORT_OUTPUTS));
  const [folder, setFolder] = useState(defaultFolder);
  const [phase, setPhase] = useState<Phase>({ kind: 'choosing' });

  useEffect(
    () =>
      api.subscribe((event) => {
        if (phase.kind !== 'exporting') return;
        if (event.type === 'export-progress' && event.exportId === phase.exportId) {
          setPhase({ ...phase, done: event.done, total: event.total });
        } else if (event.type === 'export-done' && event.exportId === phase.exportId) {
          onInfo(`Exported ${event.files.length} file(s) to ${event.folder}`);
          onClose();
        } else if (event.type === 'export-error' && event.exportId === phase.exportId) {
          setPhase(event.cancelled ? { kind: 'choosing' } : { kind: 'failed', message: event.message });
        }
      }),
    [api, phase, onClose, onInfo],
  );

  const start = async () => {
    try {
      const { exportId } = await api.call('export', { runId, outputs: [...outputs], folder });
      setPhase({ kind: 'exporting', exportId, done: 0, total: 0 });
    } catch (error) {
      setPhase({ kind: 'failed', message: messageOf(error) });
    }
  };

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
          {EXPORT_OUTPUTS.map((output) => (
            <label key={output} className="check">
              <input type="checkbox" checked={outputs.has(output)} onChange={(event) => toggle(output, event.target.checked)} />
              {OUTPUT_LABELS[output]}
            </label>
          ))}
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
            <button type="button" onClick={() => void api.call('cancelExport', { exportId: phase.exportId })}>
              Cancel export
            </button>
          ) : (
            <>
              <button type="button" className="secondary" onClick={onClose}>
                Close
              </button>
              <button type="button" onClick={() => void start()} disabled={outputs.size === 0 || folder.trim() === ''} data-testid="start-export">
                Export
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
