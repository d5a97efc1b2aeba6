import { progressFacts } from '../logic/progress.js';
import type { Running } from './useAnalysis.js';

/** An analysis in progress: a bar with percent, frames, rate, time left and Cancel. */
export function ProgressBar({ running, onCancel }: { running: Running; onCancel: () => void }) {
  const facts = progressFacts(running.frames, running.expectedFrames, running.rate, running.preparing);
  const label = [facts.percent === null ? null : `${facts.percent} %`, facts.frames, facts.rate, facts.eta]
    .filter((part) => part !== null && part !== '')
    .join(' · ');
  return (
    <div className="analysis-progress" data-testid="analysis-progress">
      <progress
        aria-label="Analysis progress"
        aria-valuetext={label}
        max={facts.percent === null ? undefined : 100}
        value={facts.percent ?? undefined}
      />
      <span className="progress-text" data-testid="analysis-progress-text">
        analysing… {label}
      </span>
      <button type="button" onClick={onCancel} data-testid="cancel-analysis">
        Cancel
      </button>
    </div>
  );
}
