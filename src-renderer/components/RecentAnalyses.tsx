import type { AnalysisEntry } from '../../src-shared/api.js';
import { analysisDescription, createdLabel } from '../logic/library.js';

interface RecentAnalysesProps {
  analyses: AnalysisEntry[] | null;
  /** The analysis on screen, marked in the list. */
  openRunId: string | null;
  onOpen: (runId: string) => void;
  onDelete: (runId: string) => void;
}

/**
 * The library: every analysis kept in the app's work folder, newest first. Each opens with its
 * button (Tab and Enter); an interrupted one can only be deleted.
 */
export function RecentAnalyses({ analyses, openRunId, onOpen, onDelete }: RecentAnalysesProps) {
  return (
    <section className="panel recent-analyses" aria-labelledby="recent-analyses-title" data-testid="recent-analyses">
      <h2 id="recent-analyses-title">Recent analyses</h2>
      {analyses === null ? (
        <p className="hint">Reading the library…</p>
      ) : analyses.length === 0 ? (
        <p className="hint">Analyses you run stay here, across restarts, until you delete them.</p>
      ) : (
        <ul>
          {analyses.map((entry) => {
            const description = analysisDescription(entry);
            const describedBy = `analysis-${entry.runId}-facts`;
            return (
              <li key={entry.runId} className={entry.runId === openRunId ? 'current' : undefined} data-run-id={entry.runId}>
                <button
                  type="button"
                  className="link recent-file"
                  disabled={entry.state !== 'done'}
                  aria-describedby={describedBy}
                  aria-current={entry.runId === openRunId ? 'true' : undefined}
                  onClick={() => onOpen(entry.runId)}
                >
                  {entry.sourceName} <small>{createdLabel(entry.createdMs)}</small>
                </button>
                <button
                  type="button"
                  className="link"
                  aria-label={`Delete the analysis of ${entry.sourceName} made ${createdLabel(entry.createdMs)}`}
                  disabled={entry.state === 'running'}
                  onClick={() => onDelete(entry.runId)}
                >
                  ×
                </button>
                <div id={describedBy} className={`analysis-facts ${entry.state}`}>
                  {description}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
