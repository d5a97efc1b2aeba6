/**
 * How the settings form speaks: a plain label with its unit, one line of help, and the section
 * each setting sits in. The YAML key is shown beside the label for those who know the sample's
 * files; everything a person reads first is here, apart from the YAML names.
 *
 * A setting not listed here (one added later) still appears, under Advanced, labelled by its
 * YAML name: the form never hides a setting.
 */
import type { SettingField } from '../../src-shared/settings/index.js';

export interface SettingText {
  /** What the field is, in plain words; the unit in brackets when it has one. */
  label: string;
  /** One line that says what changes when the value changes. */
  help: string;
}

/** Where a setting is shown in the Settings panel, top to bottom. */
export type SettingSection = 'grid' | 'colours' | 'video' | 'advanced';

export const SECTION_TITLES: Readonly<Record<SettingSection, string>> = {
  grid: 'Counting grid',
  colours: 'Colours',
  video: 'Video',
  advanced: 'Advanced',
};

interface Described extends SettingText {
  section: SettingSection;
}

const TEXTS: Readonly<Record<string, Described>> = {
  // Sources (shown in the Sources and Console panels, which give their own short labels).
  'data_source_settings.local_data_settings.meta_file': {
    section: 'advanced',
    label: 'Metadata file',
    help: 'Seed CSV, MOTChallenge det.txt/gt.txt, or inference JSON (a file or a folder).',
  },
  'data_source_settings.local_data_settings.video_file': {
    section: 'advanced',
    label: 'Video (optional)',
    help: 'The camera video whose frames pair with the metadata rows; empty for heat alone.',
  },
  'data_source_settings.local_data_settings.meta_format': {
    section: 'advanced',
    label: 'Metadata format',
    help: 'auto recognises the file by its content; choose one to force it.',
  },
  'data_source_settings.local_data_settings.metadata_fps': {
    section: 'advanced',
    label: 'Metadata rate (frames/s)',
    help: 'Frame rate of metadata without timestamps (seed CSV, MOT); 0 when not known.',
  },
  'data_source_settings.local_data_settings.start_time': {
    section: 'advanced',
    label: 'Start time of frame 0',
    help: 'ISO 8601 with offset, e.g. 2026-11-23T09:00:00+09:00, when the metadata rate gives the times.',
  },
  'data_source_settings.console_data_settings.device_id': {
    section: 'advanced',
    label: 'Device ID',
    help: 'The camera in the Console, as its device list names it.',
  },
  'data_source_settings.console_data_settings.first_timestamp': {
    section: 'advanced',
    label: 'From (T, UTC)',
    help: 'Earliest moment, 17 digits yyyyMMddHHmmssfff; empty for no lower bound.',
  },
  'data_source_settings.console_data_settings.last_timestamp': {
    section: 'advanced',
    label: 'To (T, UTC)',
    help: 'Latest moment, 17 digits yyyyMMddHHmmssfff; empty for no upper bound.',
  },
  'data_source_settings.console_data_settings.number_of_inference_results': {
    section: 'advanced',
    label: 'Results (count)',
    help: 'How many of the newest inference results to fetch.',
  },
  'data_source_settings.console_data_settings.number_of_images': {
    section: 'advanced',
    label: 'Images (count)',
    help: 'How many images of the folder to fetch, earliest first.',
  },
  'data_source_settings.console_data_settings.setting_path': {
    section: 'advanced',
    label: 'Credentials file',
    help: 'The Console access settings YAML; the environment fills what it leaves out.',
  },
  'data_source_settings.console_data_settings.match_tolerance_ms': {
    section: 'advanced',
    label: 'Match tolerance (ms)',
    help: 'How far apart an image and its metadata may be and still pair.',
  },
  'heat_map_settings.image_size_h': {
    section: 'grid',
    label: 'Image width (px)',
    help: 'Width of the space the boxes are given in: the camera image or the model input.',
  },
  'heat_map_settings.image_size_v': {
    section: 'grid',
    label: 'Image height (px)',
    help: 'Height of the space the boxes are given in.',
  },
  'heat_map_settings.grid_num_h': {
    section: 'grid',
    label: 'Columns (cells)',
    help: 'Cells across the image; more cells show finer detail.',
  },
  'heat_map_settings.grid_num_v': {
    section: 'grid',
    label: 'Rows (cells)',
    help: 'Cells down the image.',
  },
  'heat_map_settings.number_of_add_grid': {
    section: 'grid',
    label: 'Spread (cells)',
    help: 'Extra cells counted around each person; 0 counts only the cells they touch.',
  },
  'heat_map_settings.last_valid_frame': {
    section: 'grid',
    label: 'Window (frames)',
    help: 'How many recent frames each picture sums; 0 sums every frame so far.',
  },
  'heat_map_settings.bbox2pix': {
    section: 'grid',
    label: 'Count a point, not the box',
    help: 'On: one point per person (see point height); off: every cell the box covers.',
  },
  'heat_map_settings.point_ratio': {
    section: 'grid',
    label: 'Point height (0 top … 1 feet)',
    help: 'Where on the box the counted point is; 1 is the bottom edge, the feet.',
  },
  'heat_map_settings.class_ids': {
    section: 'grid',
    label: 'Classes counted',
    help: 'Class numbers to count, e.g. 0 or [0, 2]; "all" counts every class.',
  },
  'heat_map_settings.min_score': {
    section: 'grid',
    label: 'Minimum score (0–1)',
    help: 'Detections with a lower confidence are ignored.',
  },
  'heat_map_settings.counting': {
    section: 'advanced',
    label: 'Counting arithmetic',
    help: 'exact (default) or legacy: the sample application’s own arithmetic, number for number.',
  },
  'heat_map_settings.param_file': {
    section: 'advanced',
    label: 'Grid parameter file',
    help: 'The sample’s separate YAML of grid parameters; empty when they are written inline.',
  },
  'output_settings.cmap': {
    section: 'colours',
    label: 'Colour map',
    help: 'Any Matplotlib colormap name, e.g. Reds, inferno, turbo; add _r to reverse it.',
  },
  'output_settings.transparency': {
    section: 'colours',
    label: 'Heat strength (0–1)',
    help: 'How strongly the heat covers the image: 0 image only, 1 heat only.',
  },
  'output_settings.min': {
    section: 'colours',
    label: 'Scale bottom (people)',
    help: 'Count shown in the lowest colour.',
  },
  'output_settings.max': {
    section: 'colours',
    label: 'Scale top (people)',
    help: 'Count shown in the highest colour; 0 scales to the window, or to the highest count so far.',
  },
  'output_settings.interpolation': {
    section: 'colours',
    label: 'Cell edges',
    help: 'nearest shows square cells; bilinear blends them smoothly.',
  },
  'output_settings.overlay': {
    section: 'colours',
    label: 'Camera image under the heat',
    help: 'Off: the heat colours alone.',
  },
  'output_settings.cbar': {
    section: 'colours',
    label: 'Colour bar in outputs',
    help: 'Draws a labelled scale at the right edge of the video and heatmap.png.',
  },
  'output_settings.empty_cells': {
    section: 'colours',
    label: 'Empty cells',
    help: 'clear leaves the picture untouched where nobody was counted; tinted paints the lowest colour.',
  },
  'output_settings.zone_outlines': {
    section: 'colours',
    label: 'Zone outlines on the maps',
    help: 'Draws the zones and their names on heatmap.png and the period pictures.',
  },
  'output_settings.output_video_fps': {
    section: 'video',
    label: 'Video frame rate (fps)',
    help: 'Frames a second of the exported video, and of playback here; 0 takes the source’s.',
  },
  'output_settings.output_video_width': {
    section: 'video',
    label: 'Video width (px)',
    help: 'Width of the exported video; 0 takes the source’s (or keeps its aspect to the height).',
  },
  'output_settings.output_video_height': {
    section: 'video',
    label: 'Video height (px)',
    help: 'Height of the exported video; 0 takes the source’s (or keeps its aspect to the width).',
  },
  'output_settings.encoder_preset': {
    section: 'video',
    label: 'Encoding speed',
    help: 'x264 preset: faster presets finish sooner and make bigger files at the same quality.',
  },
  'output_settings.encoder_crf': {
    section: 'video',
    label: 'Video quality (CRF 0–51)',
    help: 'Lower is better and bigger: 18 looks lossless to most eyes, +6 about halves the size.',
  },
  'output_settings.period': {
    section: 'advanced',
    label: 'Period buckets',
    help: 'none, hour, day or <N>min: one picture and one buckets.csv row per bucket; needs a time base.',
  },
  'output_settings.timezone': {
    section: 'advanced',
    label: 'Time zone of the buckets',
    help: 'IANA name, e.g. Asia/Tokyo, whose clock the buckets align to; empty for this computer’s.',
  },
  'output_settings.per_frame_outputs': {
    section: 'advanced',
    label: 'Per-frame outputs',
    help: 'auto writes detect/, griddata.npy and the video up to 100,000 frames; always or never.',
  },
  'output_settings.ffmpeg_path': {
    section: 'advanced',
    label: 'ffmpeg program',
    help: 'Path of an ffmpeg to use instead of the bundled one; empty for the bundled one.',
  },
};

/** The label and help of a setting; a setting this table does not know is labelled by its YAML name. */
export function settingText(field: SettingField): SettingText {
  const text = TEXTS[field.key];
  return text === undefined ? { label: field.name, help: `Allowed: ${field.rule.allowed}.` } : { label: text.label, help: text.help };
}

/** The section of the Settings panel a setting belongs to; settings this table does not know go to Advanced. */
export function sectionOf(field: SettingField): SettingSection {
  return TEXTS[field.key]?.section ?? 'advanced';
}

/**
 * The given fields grouped by section, each section in the given order.
 *
 * ```ts
 * groupBySection([imageWidth, cmap, ffmpegPath]) // { grid: [imageWidth], colours: [cmap], video: [], advanced: [ffmpegPath] }
 * ```
 */
export function groupBySection(fields: readonly SettingField[]): Record<SettingSection, SettingField[]> {
  const groups: Record<SettingSection, SettingField[]> = { grid: [], colours: [], video: [], advanced: [] };
  for (const field of fields) groups[sectionOf(field)].push(field);
  return groups;
}
