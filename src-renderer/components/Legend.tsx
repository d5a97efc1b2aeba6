import type { ColorScale } from '../../src-shared/render/index.js';
import { fittedMax, legendText } from '../logic/legend.js';

interface LegendProps {
  /** CSS gradient of the colormap (`legendGradient`). */
  gradient: string;
  scale: ColorScale;
  /** Highest count on screen (this frame's grid). */
  frameMax: number;
  /** Highest count of the whole run. */
  runPeak: number;
  windowFrames: number;
  /** What a value is, when not people in the window (e.g. `person-seconds` of a period view). */
  unit?: string;
  /** Sets the scale's max (the display, and the settings for the next export). */
  onFit: (max: number) => void;
}

/** The colour legend: min … max (`15+` when counts on screen pass it), the unit, and "fit to data". */
export function Legend({ gradient, scale, frameMax, runPeak, windowFrames, unit, onFit }: LegendProps) {
  const text = legendText(scale, frameMax, windowFrames);
  const fit = fittedMax(scale, runPeak);
  return (
    <span className="legend" data-testid="legend">
      <span data-testid="legend-low">{text.low}</span>
      <span className="legend-bar" style={{ background: gradient }} aria-hidden="true" />
      <span data-testid="legend-high" title={text.saturated ? `some cells here count more than ${scale.max}: the top colour means ${text.high}` : undefined}>
        {text.high}
      </span>
      <span className="legend-unit" data-testid="legend-unit">
        {unit ?? text.unit}
      </span>
      {fit !== null && (
        <button type="button" className="secondary small" data-testid="fit-to-data" onClick={() => onFit(fit)} title={`set max to the run's peak, ${fit}`}>
          Fit to data
        </button>
      )}
    </span>
  );
}
