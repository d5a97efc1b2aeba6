/**
 * The typed settings of a run. Keys keep the sample application's YAML names (snake_case) so
 * that a setting has one name everywhere: in the YAML, in the code, in the UI and in the docs.
 */

import type { ZoneDefinition } from '../zones/definition.js';

export type SourceMode = 'console' | 'local';
export type MetaFormat = 'auto' | 'seed_csv' | 'mot' | 'inference_json';
export type CountingMode = 'exact' | 'legacy';
export type Interpolation = 'nearest' | 'bilinear';
export type PerFrameOutputs = 'auto' | 'always' | 'never';
/** x264's presets, fastest first: each trades encoding time for file size at the same quality. */
export const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;
export type X264Preset = (typeof X264_PRESETS)[number];
/** What a cell with count 0 draws: `clear` leaves the picture untouched, `tinted` paints the colormap's lowest colour (the sample's look). */
export type EmptyCells = 'clear' | 'tinted';

/** `data_source_settings.console_data_settings` (the sample's Cases 1 and 2). */
export interface ConsoleDataSettings {
  /** Path of `console_access_settings.yaml`. */
  setting_path: string;
  device_id: string;
  /** Image folder on the Console; empty means metadata only (Case 2). */
  sub_directory_name: string;
  /** `yyyyMMddHHmmssfff` or empty. */
  first_timestamp: string;
  last_timestamp: string;
  number_of_inference_results: number;
  number_of_images: number;
  /** New: how far apart an image's T and a metadata T may be and still pair (ms). */
  match_tolerance_ms: number;
}

/** `data_source_settings.local_data_settings` (the sample's Cases 3 and 4). */
export interface LocalDataSettings {
  /** Video whose frame i pairs with metadata frame i; empty for metadata only. */
  video_file: string;
  /** Seed CSV, MOTChallenge det/gt, or inference-result JSON. */
  meta_file: string;
  /** New: the format of `meta_file`; `auto` recognises it from its content. */
  meta_format: MetaFormat;
  /** New: the frame rate of metadata without timestamps (seed CSV, MOT); 0 = not set. */
  metadata_fps: number;
  /** New: ISO 8601 date-time with offset of frame 0 when `metadata_fps` gives the times; '' = the Unix epoch. */
  start_time: string;
}

export interface DataSourceSettings {
  mode: SourceMode;
  console_data_settings: ConsoleDataSettings;
  local_data_settings: LocalDataSettings;
}

/** The grid-counting parameters (the sample's `param_file`, plus new keys). */
export interface GridParams {
  /** n: how many cells around a detection it also counts in (box: a margin, point: a disk radius). */
  number_of_add_grid: number;
  /** W: how many frames the window sums; 0 sums every frame so far. */
  last_valid_frame: number;
  /** Width and height of the metadata space in pixels. */
  image_size_h: number;
  image_size_v: number;
  /** Grid columns and rows. */
  grid_num_h: number;
  grid_num_v: number;
  /** true: each detection is a point (its feet by default); false: its whole box. */
  bbox2pix: boolean;
  /** New: where the point sits between the box's top (0.0) and bottom (1.0). */
  point_ratio: number;
  /** New: keep only these class ids; null keeps all. */
  class_ids: number[] | null;
  /** New: drop detections scoring below this. */
  min_score: number;
  /** New: `exact` (default) or `legacy`, which reproduces the sample's arithmetic. */
  counting: CountingMode;
}

export interface HeatMapSettings {
  /** Path of the YAML holding `GridParams`; empty when they are given inline. */
  param_file: string;
  params: GridParams;
}

/** `output_settings`. */
export interface OutputSettings {
  output_dir: string;
  /** Frames a second of the video; 0: the source's (see src-shared/render/video-format.ts). */
  output_video_fps: number;
  /** Video size in pixels; 0: the source's (both 0, or one 0 to keep the source's aspect). */
  output_video_width: number;
  output_video_height: number;
  /** Any Matplotlib colormap name, `_r` included. */
  cmap: string;
  cbar: boolean;
  /** Colour scale; `max: 0` means W when W > 0, else the running maximum. */
  min: number;
  max: number;
  overlay: boolean;
  transparency: number;
  /** New: how the grid is stretched to the picture. */
  interpolation: Interpolation;
  /** New: the ffmpeg binary; empty uses `CROWDHEAT_FFMPEG`, then the bundled one. */
  ffmpeg_path: string;
  /** New: time buckets of the period outputs: `none`, `hour`, `day` or `<N>min`. */
  period: string;
  /** New: IANA time zone whose local clock buckets align to; '' = the machine's. */
  timezone: string;
  /** New: per-frame detect JSON and griddata.npy: `auto` (up to 100,000 frames), `always`, `never`. */
  per_frame_outputs: PerFrameOutputs;
  /** New: draw the zones' outlines and names on heatmap.png (and the period pictures). */
  zone_outlines: boolean;
  /** New: x264 preset of the video (speed against file size). */
  encoder_preset: X264Preset;
  /** New: x264 constant rate factor, 0 (lossless) … 51 (worst); lower is better and bigger. */
  encoder_crf: number;
  /** New: what cells with count 0 draw over the picture. */
  empty_cells: EmptyCells;
}

export interface Settings {
  data_source_settings: DataSourceSettings;
  heat_map_settings: HeatMapSettings;
  output_settings: OutputSettings;
  /** New top-level `zones:` section: named polygons in metadata pixels (SPEC §9); empty when none. */
  zones: ZoneDefinition[];
}

export const DEFAULT_GRID_PARAMS: Readonly<GridParams> = Object.freeze({
  number_of_add_grid: 1,
  last_valid_frame: 15,
  image_size_h: 1920,
  image_size_v: 1080,
  grid_num_h: 192,
  grid_num_v: 108,
  bbox2pix: false,
  point_ratio: 1.0,
  class_ids: null,
  min_score: 0.0,
  counting: 'exact' as CountingMode,
});

export function defaultSettings(): Settings {
  return {
    data_source_settings: {
      mode: 'local',
      console_data_settings: {
        setting_path: './config/console_access_settings.yaml',
        device_id: '',
        sub_directory_name: '',
        first_timestamp: '',
        last_timestamp: '',
        number_of_inference_results: 20,
        number_of_images: 20,
        match_tolerance_ms: 0,
      },
      local_data_settings: {
        video_file: '',
        meta_file: '',
        meta_format: 'auto',
        metadata_fps: 0,
        start_time: '',
      },
    },
    heat_map_settings: {
      param_file: '',
      params: { ...DEFAULT_GRID_PARAMS, class_ids: null },
    },
    output_settings: {
      output_dir: 'output',
      output_video_fps: 0,
      output_video_width: 0,
      output_video_height: 0,
      cmap: 'Reds',
      cbar: false,
      min: 0,
      max: 15,
      overlay: true,
      transparency: 0.4,
      interpolation: 'nearest',
      ffmpeg_path: '',
      period: 'none',
      timezone: '',
      per_frame_outputs: 'auto',
      zone_outlines: true,
      encoder_preset: 'veryfast',
      encoder_crf: 23,
      empty_cells: 'clear',
    },
    zones: [],
  };
}
