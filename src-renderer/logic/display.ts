/**
 * What a finished analysis can show with today's settings. Display settings (colours, scale,
 * cell edges, empty cells, the picture) repaint from the grids the analysis already has; grid and
 * counting settings re-count from the analysis's store; source settings need a new analysis, so
 * the view says it is out of date until then.
 */
import type { DataSourceSettings, OutputSettings, Settings } from '../../src-shared/settings/types.js';

/** The output settings the timeline paints with. */
export type DisplaySettings = Pick<OutputSettings, 'cmap' | 'transparency' | 'min' | 'max' | 'interpolation' | 'overlay' | 'empty_cells'>;

/** The display settings of `settings`. */
export function displayOf(output: OutputSettings): DisplaySettings {
  return {
    cmap: output.cmap,
    transparency: output.transparency,
    min: output.min,
    max: output.max,
    interpolation: output.interpolation,
    overlay: output.overlay,
    empty_cells: output.empty_cells,
  };
}

/**
 * The display to paint a run with: today's settings where they are valid (`invalidKeys` holds
 * the dotted keys with problems), else what the run was analysed with, so a half-typed value
 * never blanks the picture.
 */
export function liveDisplay(runOutput: OutputSettings, current: OutputSettings, invalidKeys: ReadonlySet<string>): DisplaySettings {
  const live = displayOf(current);
  const analysed = displayOf(runOutput);
  const valid = (key: keyof DisplaySettings): boolean => !invalidKeys.has(`output_settings.${key}`);
  // min and max are checked together (min < max), so they are taken together.
  const scaleValid = valid('min') && valid('max');
  return {
    cmap: valid('cmap') ? live.cmap : analysed.cmap,
    transparency: valid('transparency') ? live.transparency : analysed.transparency,
    min: scaleValid ? live.min : analysed.min,
    max: scaleValid ? live.max : analysed.max,
    interpolation: valid('interpolation') ? live.interpolation : analysed.interpolation,
    overlay: valid('overlay') ? live.overlay : analysed.overlay,
    empty_cells: valid('empty_cells') ? live.empty_cells : analysed.empty_cells,
  };
}

/**
 * The source and time-base settings (`data_source_settings`: mode, files, format, metadata rate,
 * start time, the Console's device and range) that differ between the analysis on screen and the
 * settings now, by name, in the settings' order; only the current mode's section counts. These
 * are read once into the store, so they need a new analysis; grid and counting settings do not
 * (they re-count from the store, see logic/period.ts `recountParams`).
 */
export function changedSource(analysed: DataSourceSettings, current: DataSourceSettings): string[] {
  const changed = analysed.mode === current.mode ? [] : ['mode'];
  const section = current.mode === 'local' ? 'local_data_settings' : 'console_data_settings';
  const before: Record<string, unknown> = { ...analysed[section] };
  const now: Record<string, unknown> = { ...current[section] };
  for (const key of Object.keys(now)) if (JSON.stringify(before[key]) !== JSON.stringify(now[key])) changed.push(key);
  return changed;
}

/**
 * The line the view shows when source or time-base settings changed after the analysis (it
 * cannot re-count those from the store), or null; null too when the analysis's source is not
 * known.
 */
export function outOfDateNotice(analysed: DataSourceSettings | undefined, current: Settings): string | null {
  if (analysed === undefined) return null;
  const changed = changedSource(analysed, current.data_source_settings);
  if (changed.length === 0) return null;
  const names = changed.length <= 3 ? changed.join(', ') : `${changed.slice(0, 3).join(', ')} and ${changed.length - 3} more`;
  return `Out of date — Analyse to read the source again (changed: ${names})`;
}
