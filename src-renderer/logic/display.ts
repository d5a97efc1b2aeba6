/**
 * What a finished analysis can show with today's settings. Display settings (colours, scale,
 * cell edges, empty cells, the picture) repaint from the grids the analysis already has; counting settings
 * change the grids themselves, so the view says it is out of date until the next analysis.
 */
import type { GridParams, OutputSettings, Settings } from '../../src-shared/settings/types.js';

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
 * The counting settings that differ between the analysis on screen and the settings now, by
 * name (`grid_num_h`, ...), in the settings' order; empty when the view is up to date.
 */
export function changedCounting(analysed: GridParams, current: GridParams): string[] {
  return (Object.keys(analysed) as Array<keyof GridParams>).filter(
    (key) => JSON.stringify(analysed[key]) !== JSON.stringify(current[key]),
  );
}

/** The line the timeline shows when the counting settings changed after the analysis, or null. */
export function outOfDateNotice(analysed: GridParams, current: Settings): string | null {
  const changed = changedCounting(analysed, current.heat_map_settings.params);
  if (changed.length === 0) return null;
  const names = changed.length <= 3 ? changed.join(', ') : `${changed.slice(0, 3).join(', ')} and ${changed.length - 3} more`;
  return `Out of date — Analyse to re-count (changed: ${names})`;
}
