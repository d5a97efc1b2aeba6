/**
 * The period bar: what the picture shows — this moment (one frame's window of counts), the whole
 * period, its buckets (by hour, or the run's period), or a custom range picked on the local
 * clock of the analysis's time zone (its UTC shown beside it) — and what its numbers count.
 */
import { useId } from 'react';
import { bucketLabel, ELAPSED, instantOfWallInput, utcText, type PeriodMode, type WallRange } from '../logic/period.js';

interface PeriodBarProps {
  mode: PeriodMode;
  onMode: (mode: PeriodMode) => void;
  /** Bucket length of the "By …" choice. */
  period: string;
  timeZone: string;
  range: WallRange;
  onRange: (range: WallRange) => void;
  /** Why the custom range cannot be asked for, or null. */
  rangeProblem: string | null;
  /** `person-seconds`, or `person-frames` without a time base. */
  unitName: string;
  /** Whether the analysis has a time base (buckets and ranges need one); null while not known. */
  timed: boolean | null;
  /** The line saying what the numbers on screen count. */
  explanation: string;
}

export function PeriodBar({ mode, onMode, period, timeZone, range, onRange, rangeProblem, unitName, timed, explanation }: PeriodBarProps) {
  const id = useId();
  const choices: Array<{ mode: PeriodMode; label: string; needsTime: boolean }> = [
    { mode: 'moment', label: 'This moment', needsTime: false },
    { mode: 'whole', label: 'Whole period', needsTime: false },
    { mode: 'buckets', label: bucketLabel(period), needsTime: true },
    { mode: 'custom', label: 'Custom range', needsTime: true },
  ];
  const measure = mode === 'moment' ? 'counts' : 'period';
  // Times since frame 0 (a rate without a start) have no UTC moment: typed as H:MM:SS.
  const elapsed = timeZone === ELAPSED;
  const utcOf = (text: string): string => {
    const instant = elapsed ? null : instantOfWallInput(text, timeZone);
    return instant === null ? '' : utcText(instant);
  };
  return (
    <div className="period-bar" data-testid="period-bar">
      <fieldset className="segmented">
        <legend>View</legend>
        {choices.map((choice) => {
          const unavailable = choice.needsTime && timed === false;
          return (
            <label key={choice.mode} className={mode === choice.mode ? 'checked' : undefined} title={unavailable ? 'needs a time base: set the metadata rate (and start time) and analyse again' : undefined}>
              <input
                type="radio"
                name={`${id}-view`}
                value={choice.mode}
                checked={mode === choice.mode}
                disabled={unavailable}
                onChange={() => onMode(choice.mode)}
              />
              {choice.label}
            </label>
          );
        })}
      </fieldset>
      <div className="segmented measure" role="group" aria-label="Show">
        <button type="button" className="secondary small" aria-pressed={measure === 'period'} onClick={() => measure !== 'period' && onMode('whole')}>
          {unitName}
        </button>
        <button type="button" className="secondary small" aria-pressed={measure === 'counts'} onClick={() => onMode('moment')}>
          counts
        </button>
      </div>
      {mode === 'custom' && (
        <div className="custom-range">
          {(['from', 'to'] as const).map((end) => (
            <label key={end}>
              {end === 'from' ? 'From' : 'To (excluded)'} <small>{elapsed ? 'time since frame 0, H:MM:SS' : `local time, ${timeZone}`}</small>
              <input
                type={elapsed ? 'text' : 'datetime-local'}
                step={elapsed ? undefined : 1}
                placeholder={elapsed ? '0:00:00' : undefined}
                value={range[end]}
                data-testid={`range-${end}`}
                aria-invalid={rangeProblem !== null}
                aria-describedby={`${id}-${end}-utc${rangeProblem === null ? '' : ` ${id}-range-problem`}`}
                onChange={(event) => onRange({ ...range, [end]: event.target.value })}
              />
              <small id={`${id}-${end}-utc`} className="utc">
                {utcOf(range[end])}
              </small>
            </label>
          ))}
          {rangeProblem !== null && (
            <p id={`${id}-range-problem`} className="error-text" role="alert">
              {rangeProblem}
            </p>
          )}
        </div>
      )}
      <p className="period-explanation" data-testid="period-explanation">
        {explanation}
      </p>
    </div>
  );
}
