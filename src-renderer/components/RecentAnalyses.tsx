import { useEffect, useRef, useState } from 'react';
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
 * button (Tab and Enter); an interrupted one can only be deleted. × asks first, in the row
 * ("Delete" or "Keep", focus on Keep, Escape keeps): a week's analysis is one click from gone
 * otherwise, and a deletion cannot be undone.
 */
export function RecentAnalyses({ analyses, openRunId, onOpen, onDelete }: RecentAnalysesProps) {
  /** The run whose deletion is being asked about, or null. */
  const [confirming, setConfirming] = useState<string | null>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming !== null) keepButton.current?.focus();
  }, [confirming]);
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
                  aria-expanded={confirming === entry.runId}
                  onClick={() => setConfirming(confirming === entry.runId ? null : entry.runId)}
                >
                  ×
                </button>
                <div id={describedBy} className={`analysis-facts ${entry.state}`}>
                  {description}
                </div>
                {confirming === entry.runId && (
                  <div
                    className="confirm-delete"
                    role="group"
                    aria-labelledby={`${describedBy}-ask`}
                    data-testid="confirm-delete"
                    onKeyDown={(event) => {
                      if (event.key !== 'Escape') return;
                      event.stopPropagation();
                      setConfirming(null);
                    }}
                  >
                    <span id={`${describedBy}-ask`}>Delete this analysis and its folder? This cannot be undone.</span>
                    <button
                      type="button"
                      className="small"
                      onClick={() => {
                        setConfirming(null);
                        onDelete(entry.runId);
                      }}
                    >
                      Delete
                    </button>
                    <button type="button" className="small" ref={keepButton} onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
