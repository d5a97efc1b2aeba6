/**
 * Presets: a few named ways of looking at a scene, each setting several settings at once. Grid
 * sizes follow the picture size already set, so a preset suits a 640×480 MOT sequence and a
 * 1920×1080 camera alike; sources, paths and the picture size itself are never touched.
 */
import { DEFAULT_GRID_PARAMS, defaultSettings, type Settings } from '../../src-shared/settings/index.js';

export interface Preset {
  id: string;
  name: string;
  /** One line: what the preset is for. */
  description: string;
  /** A copy of `settings` with the preset's values. */
  apply(settings: Settings): Settings;
}

/** Cells across and down for square cells of about `cellPixels`, at least one each way. */
export function gridForCellSize(width: number, height: number, cellPixels: number): { columns: number; rows: number } {
  return {
    columns: Math.max(1, Math.round(width / cellPixels)),
    rows: Math.max(1, Math.round(height / cellPixels)),
  };
}

function withGrid(settings: Settings, cellFraction: number): Settings {
  const copy = structuredClone(settings);
  const params = copy.heat_map_settings.params;
  const cell = Math.max(1, Math.max(params.image_size_h, params.image_size_v) * cellFraction);
  const { columns, rows } = gridForCellSize(params.image_size_h, params.image_size_v, cell);
  params.grid_num_h = columns;
  params.grid_num_v = rows;
  return copy;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'store-overview',
    name: 'Store overview',
    description: 'Where people went over the whole run: coarse cells, every frame summed, smooth colours.',
    apply: (settings) => {
      const copy = withGrid(settings, 1 / 48);
      Object.assign(copy.heat_map_settings.params, { bbox2pix: true, point_ratio: 1, number_of_add_grid: 1, last_valid_frame: 0 });
      Object.assign(copy.output_settings, { cmap: 'inferno', transparency: 0.55, interpolation: 'bilinear', min: 0, max: 0 });
      return copy;
    },
  },
  {
    id: 'queue-detail',
    name: 'Queue detail',
    description: 'Who stands where right now: fine cells at the feet, the last 30 frames, sharp cells.',
    apply: (settings) => {
      const copy = withGrid(settings, 1 / 96);
      Object.assign(copy.heat_map_settings.params, { bbox2pix: true, point_ratio: 1, number_of_add_grid: 0, last_valid_frame: 30 });
      Object.assign(copy.output_settings, { cmap: 'turbo', transparency: 0.5, interpolation: 'nearest', min: 0, max: 0 });
      return copy;
    },
  },
  {
    id: 'sample-look',
    name: 'Sample application',
    description: 'The AITRIOS sample’s own look: boxes on a 10-pixel grid, 15 frames, Reds from 0 to 15.',
    apply: (settings) => {
      const copy = withGrid(settings, 1 / 192);
      const defaults = defaultSettings().output_settings;
      Object.assign(copy.heat_map_settings.params, {
        bbox2pix: DEFAULT_GRID_PARAMS.bbox2pix,
        number_of_add_grid: DEFAULT_GRID_PARAMS.number_of_add_grid,
        last_valid_frame: DEFAULT_GRID_PARAMS.last_valid_frame,
      });
      Object.assign(copy.output_settings, {
        cmap: defaults.cmap,
        transparency: defaults.transparency,
        interpolation: defaults.interpolation,
        min: defaults.min,
        max: defaults.max,
      });
      return copy;
    },
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}
