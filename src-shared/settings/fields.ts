/**
 * One table of every setting: its dotted YAML key, what values it allows, and when the chosen
 * mode uses it. Parsing, validation, export and the command line's `--set` all read this table,
 * so a setting is described once.
 */
import { isTimestampText } from '../console/timestamps.js';
import { showValue } from '../messages.js';
import { isTimeZone, parsePeriod } from '../periods/buckets.js';
import { parseIsoWithOffset } from '../periods/time-base.js';
import { X264_PRESETS, type Settings } from './types.js';

export interface Rule {
  /** What is allowed, as an error message says it: `an integer ≥ 1`. */
  readonly allowed: string;
  /** The value has the setting's type; checked wherever the key is written, used or not. */
  hasType(value: unknown): boolean;
  /** The value has the type and is in range; checked when the chosen mode uses the setting. */
  accepts(value: unknown): boolean;
  /** The value is text: a command-line value is taken as written, not read as YAML. */
  readonly textual: boolean;
  /** The words the setting takes, when it takes one of a few (a form shows them as a choice). */
  readonly choices?: readonly string[];
}

type SettingsSection = Record<string, unknown>;

export interface SettingField {
  /** Dotted key in the sample-format YAML, e.g. `output_settings.transparency`. */
  readonly key: string;
  /** The key's last part, as written in a YAML mapping. */
  readonly name: string;
  readonly group: FieldGroup;
  readonly rule: Rule;
  /** When the chosen mode uses the setting; unused settings are only type-checked. */
  readonly usage: Usage;
  get(settings: Settings): unknown;
  /** Stores a value that passed `rule.hasType`. */
  set(settings: Settings, value: unknown): void;
}

/**
 * Where a field lives: `console` and `local` are the two sub-sections of
 * `data_source_settings`, `params` are the grid parameters of `heat_map_settings`.
 */
export type FieldGroup = 'data_source' | 'console' | 'local' | 'heat_map' | 'params' | 'output';

/** The widest and tallest video crowdheat writes. */
export const MAX_OUTPUT_SIDE = 8192;

/**
 * Upper bounds that keep one run inside a small machine (2 cores, a few GB), each checked by
 * validation before any work starts (README "Limits" lists them).
 */
export const LIMITS = {
  /** Grid cells, grid_num_h × grid_num_v: 2048 × 2048. A grid is an Int32Array of this many cells per view. */
  gridCells: 4_194_304,
  /** Width or height of the metadata space, in pixels (a 16K frame is 15360 wide). */
  imageSide: 100_000,
  /** W, frames summed by the window: about 11.5 days at 1 fps. The window holds only frames seen. */
  windowFrames: 1_000_000,
  /** Console results or images a run fetches. */
  consoleItems: 1_000_000,
  /** Console pairing tolerance, in milliseconds: one day. */
  matchToleranceMs: 86_400_000,
  /** Entries of class_ids, and the largest class id (FlatBuffers' class_id is a uint32). */
  classIds: 1_000,
  classId: 4_294_967_295,
  /** The colour scale's min and max: the largest count an int32 grid cell holds. */
  scale: 2_147_483_647,
  /** Characters of a text setting (paths, names, IDs). */
  textLength: 4_096,
} as const;

function integer(min: number, max?: number): Rule {
  const hasType = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value);
  return {
    allowed: max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`,
    hasType,
    accepts: (value) => hasType(value) && (value as number) >= min && (max === undefined || (value as number) <= max),
    textual: false,
  };
}

interface NumberRange {
  min?: number;
  /** The lower bound itself is not allowed (`fps > 0`). */
  aboveMin?: boolean;
  max?: number;
}

function finiteNumber(range: NumberRange = {}): Rule {
  const { min, aboveMin = false, max } = range;
  const hasType = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
  let allowed = 'a number';
  if (min !== undefined && max !== undefined) allowed = `a number from ${min} to ${max}`;
  else if (min !== undefined) allowed = `a number ${aboveMin ? '>' : '≥'} ${min}`;
  return {
    allowed,
    hasType,
    accepts: (value) => {
      if (!hasType(value)) return false;
      const number = value as number;
      if (min !== undefined && (aboveMin ? number <= min : number < min)) return false;
      return max === undefined || number <= max;
    },
    textual: false,
  };
}

const BOOLEAN: Rule = {
  allowed: 'true or false',
  hasType: (value) => typeof value === 'boolean',
  accepts: (value) => typeof value === 'boolean',
  textual: false,
};

function text(allowed: string, accepts: (value: string) => boolean = () => true): Rule {
  // The length bound (LIMITS.textLength) is checked for every text setting in validate.ts.
  return {
    allowed,
    hasType: (value) => typeof value === 'string',
    accepts: (value) => typeof value === 'string' && accepts(value),
    textual: true,
  };
}

const ANY_TEXT = text('a string');

function nonEmptyText(what: string): Rule {
  return text(`${what} (not empty)`, (value) => value.trim() !== '');
}

function oneOf(values: readonly string[]): Rule {
  const accepts = (value: unknown): boolean => typeof value === 'string' && values.includes(value);
  // An enum's type is its list of values: anything else could not be stored in Settings.
  return { allowed: `one of ${values.join(', ')}`, hasType: accepts, accepts, textual: true, choices: values };
}

/** A video size or rate setting: 0 takes the source's, anything else is `rule`'s. */
function zeroOrSource(rule: Rule): Rule {
  return {
    allowed: `0 (the source's) or ${rule.allowed}`,
    hasType: rule.hasType,
    accepts: (value) => value === 0 || rule.accepts(value),
    textual: false,
  };
}

/** The slowest and fastest video crowdheat writes (SPEC §10). */
export const MIN_OUTPUT_FPS = 0.1;
export const MAX_OUTPUT_FPS = 240;

const TIMESTAMP = text(
  '"" or a quoted T string yyyyMMddHHmmssfff (17 digits, UTC) or ISO 8601 with an offset (2024-05-01T21:00:00+09:00)',
  (value) => value === '' || isTimestampText(value),
);

const CLASS_IDS: Rule = (() => {
  const accepts = (value: unknown): boolean =>
    value === null ||
    (Array.isArray(value) &&
      value.length > 0 &&
      value.length <= LIMITS.classIds &&
      value.every((id) => Number.isInteger(id) && (id as number) >= 0 && (id as number) <= LIMITS.classId));
  return {
    allowed: `null (all classes) or a list of 1 to ${LIMITS.classIds} integers from 0 to ${LIMITS.classId}`,
    hasType: accepts,
    accepts,
    textual: false,
  };
})();

/** The highest `metadata_fps` accepted (far above any camera's inference rate). */
export const MAX_METADATA_FPS = 1000;

const START_TIME = text(
  '"" or an ISO 8601 date-time with offset, e.g. 2026-11-23T09:00:00+09:00',
  (value) => value === '' || !Number.isNaN(parseIsoWithOffset(value)),
);

const PERIOD = text('none, hour, day or <N>min with N from 1 to 1440', (value) => parsePeriod(value) !== null);

const TIME_ZONE = text('"" (the machine\'s) or an IANA time zone name, e.g. Asia/Tokyo', (value) => value === '' || isTimeZone(value));

export interface Usage {
  /** Whether the settings use the field. */
  test(settings: Settings): boolean;
  /** The condition as a message says it (`in mode local`); empty when always used. */
  readonly when: string;
}

const always: Usage = { test: () => true, when: '' };
const isConsole = (settings: Settings): boolean => settings.data_source_settings.mode === 'console';
const consoleMode: Usage = { test: isConsole, when: 'in mode console' };
const localMode: Usage = {
  test: (settings) => settings.data_source_settings.mode === 'local',
  when: 'in mode local',
};
/** The sample's Case 1: images from a Console folder, metadata paired to them. */
const consoleImages: Usage = {
  test: (settings) => isConsole(settings) && settings.data_source_settings.console_data_settings.sub_directory_name !== '',
  when: 'in mode console with a sub_directory_name',
};
/** The sample's Case 2: metadata alone. */
const consoleMetadataOnly: Usage = {
  test: (settings) => isConsole(settings) && settings.data_source_settings.console_data_settings.sub_directory_name === '',
  when: 'in mode console without a sub_directory_name',
};

interface Section {
  /** Dotted YAML key the section's fields are written under. */
  prefix: string;
  of(settings: Settings): SettingsSection;
}

/** The section `of` picks out, its fields read and written by name under `prefix`. */
function section(prefix: string, of: (settings: Settings) => object): Section {
  return { prefix, of: of as (settings: Settings) => SettingsSection };
}

const SECTION_OF: Record<FieldGroup, Section> = {
  data_source: section('data_source_settings', (settings) => settings.data_source_settings),
  console: section('data_source_settings.console_data_settings', (settings) => settings.data_source_settings.console_data_settings),
  local: section('data_source_settings.local_data_settings', (settings) => settings.data_source_settings.local_data_settings),
  heat_map: section('heat_map_settings', (settings) => settings.heat_map_settings),
  // Grid parameters are written inline under heat_map_settings (or in its param_file).
  params: section('heat_map_settings', (settings) => settings.heat_map_settings.params),
  output: section('output_settings', (settings) => settings.output_settings),
};

function field(group: FieldGroup, name: string, rule: Rule, usage: Usage = always): SettingField {
  const section = SECTION_OF[group];
  return {
    key: `${section.prefix}.${name}`,
    name,
    group,
    rule,
    usage,
    get: (settings) => section.of(settings)[name],
    set: (settings, value) => {
      section.of(settings)[name] = value;
    },
  };
}

/** Every setting, in the order of the sample's YAML (and of the exported file). */
export const SETTING_FIELDS: readonly SettingField[] = [
  field('data_source', 'mode', oneOf(['console', 'local'])),
  field('console', 'setting_path', nonEmptyText('a path'), consoleMode),
  field('console', 'device_id', nonEmptyText('a device ID'), consoleMode),
  field('console', 'sub_directory_name', ANY_TEXT, consoleMode),
  field('console', 'first_timestamp', TIMESTAMP, consoleMode),
  field('console', 'last_timestamp', TIMESTAMP, consoleMode),
  field('console', 'number_of_inference_results', integer(1, LIMITS.consoleItems), consoleMetadataOnly),
  field('console', 'number_of_images', integer(1, LIMITS.consoleItems), consoleImages),
  field('console', 'match_tolerance_ms', finiteNumber({ min: 0, max: LIMITS.matchToleranceMs }), consoleImages),
  field('local', 'video_file', ANY_TEXT, localMode),
  field('local', 'meta_file', nonEmptyText('a path'), localMode),
  field('local', 'meta_format', oneOf(['auto', 'seed_csv', 'mot', 'inference_json']), localMode),
  field('local', 'metadata_fps', finiteNumber({ min: 0, max: MAX_METADATA_FPS }), localMode),
  field('local', 'start_time', START_TIME, localMode),
  field('heat_map', 'param_file', ANY_TEXT),
  // At most the larger grid side (validate.ts): a wider margin or disk covers nothing more.
  field('params', 'number_of_add_grid', integer(0, LIMITS.gridCells)),
  field('params', 'last_valid_frame', integer(0, LIMITS.windowFrames)),
  field('params', 'image_size_h', integer(1, LIMITS.imageSide)),
  field('params', 'image_size_v', integer(1, LIMITS.imageSide)),
  // Also at most LIMITS.gridCells together (validate.ts).
  field('params', 'grid_num_h', integer(1, LIMITS.gridCells)),
  field('params', 'grid_num_v', integer(1, LIMITS.gridCells)),
  field('params', 'bbox2pix', BOOLEAN),
  field('params', 'point_ratio', finiteNumber({ min: 0, max: 1 })),
  field('params', 'class_ids', CLASS_IDS),
  field('params', 'min_score', finiteNumber()),
  field('params', 'counting', oneOf(['exact', 'legacy'])),
  field('output', 'output_dir', nonEmptyText('a path')),
  field('output', 'output_video_fps', zeroOrSource(finiteNumber({ min: MIN_OUTPUT_FPS, max: MAX_OUTPUT_FPS }))),
  // H.264's largest level (6.2) stops at 8192 pixels a side.
  field('output', 'output_video_width', zeroOrSource(integer(1, MAX_OUTPUT_SIDE))),
  field('output', 'output_video_height', zeroOrSource(integer(1, MAX_OUTPUT_SIDE))),
  field('output', 'cmap', nonEmptyText('a Matplotlib colormap name')),
  field('output', 'cbar', BOOLEAN),
  field('output', 'min', finiteNumber({ min: 0, max: LIMITS.scale })),
  field('output', 'max', finiteNumber({ min: 0, max: LIMITS.scale })),
  field('output', 'overlay', BOOLEAN),
  field('output', 'transparency', finiteNumber({ min: 0, max: 1 })),
  field('output', 'interpolation', oneOf(['nearest', 'bilinear'])),
  field('output', 'ffmpeg_path', ANY_TEXT),
  field('output', 'period', PERIOD),
  field('output', 'timezone', TIME_ZONE),
  field('output', 'per_frame_outputs', oneOf(['auto', 'always', 'never'])),
  field('output', 'zone_outlines', BOOLEAN),
  field('output', 'encoder_preset', oneOf(X264_PRESETS)),
  field('output', 'encoder_crf', integer(0, 51)),
  field('output', 'empty_cells', oneOf(['clear', 'tinted'])),
];

const FIELD_BY_KEY = new Map(SETTING_FIELDS.map((entry) => [entry.key, entry]));

export function fieldByKey(key: string): SettingField | undefined {
  return FIELD_BY_KEY.get(key);
}

export function fieldsOf(group: FieldGroup): SettingField[] {
  return SETTING_FIELDS.filter((entry) => entry.group === group);
}

/**
 * How a value is shown in a message: strings quoted, lists as JSON, mappings by name; cut with
 * `…` and control characters escaped (src-shared/messages.ts), so that a huge or hostile value
 * cannot flood a message. Lists are rendered item by item only up to the cut, so a list of a
 * million entries costs no more than a short one.
 */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${showValue(value)}"`;
  if (typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const items: string[] = [];
    let length = 0;
    for (const item of value as unknown[]) {
      const shown = Array.isArray(item) ? '[…]' : formatValue(item);
      items.push(shown);
      length += shown.length + 2;
      if (length > MAX_SHOWN_LIST) break;
    }
    return showValue(`[${items.join(', ')}${items.length < value.length ? ', …' : ''}]`);
  }
  return 'a mapping';
}

/** Characters of a list rendered before the rest is cut. */
const MAX_SHOWN_LIST = 60;
