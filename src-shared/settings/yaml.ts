/**
 * The sample-format YAML in and out. Reading is tolerant of the layouts the sample's files have
 * been seen in (keys directly under `data_source_settings` or in either sub-section,
 * `heat_count_settings` for `heat_map_settings`); unknown keys are warnings, not errors, since
 * old files carry keys crowdheat does not use. Values are type-checked here with the origin of
 * each one; ranges and the rules between settings are checked in validate.ts.
 */
import { dump, loadAll, YAMLException } from 'js-yaml';
import { InputError, SettingsError } from '../errors.js';
import { fieldByKey, fieldsOf, formatValue, SETTING_FIELDS, type SettingField } from './fields.js';
import { originLabel, type SettingOrigin, type SettingOrigins } from './origins.js';
import { defaultSettings, type Settings } from './types.js';
import { closeNames } from '../close-names.js';
import { isPlainObject } from '../objects.js';
import { showValue } from '../messages.js';
import { readZones, zoneWarnings } from '../zones/settings.js';

/** Reads a file the settings name (the param file), given its path as written. */
export type ReadText = (path: string) => string;

/** One setting set from outside the files (a command-line flag), applied over them. */
export interface SettingOverride {
  /** Dotted key as the user wrote it, e.g. `output_settings.cmap` or `data_source_settings.meta_file`. */
  key: string;
  value: unknown;
  /** How messages name it, e.g. `--cmap` or `--set output_settings.cmap`. */
  label: string;
}

export interface SettingsRead {
  settings: Settings;
  warnings: string[];
  origins: SettingOrigins;
}

/** The largest settings text crowdheat reads (1 MB); the sample's files are under 2 kB. */
export const MAX_SETTINGS_BYTES = 1_048_576;

/**
 * The most values a YAML document may hold once its aliases are expanded. A settings file holds
 * about fifty; a long class_ids list a thousand. An alias is a reference in the parsed data, so
 * an 813-byte "billion laughs" file parses at once, but anything that walks it (validation, a
 * message showing the value) would walk a billion values: it is refused here, before any walk.
 */
export const MAX_YAML_VALUES = 100_000;

/**
 * Loads YAML text as a list of documents, each within `MAX_YAML_VALUES` values once aliases are
 * expanded. Throws a one-line SettingsError naming `path` (and line and column) for a syntax
 * error (js-yaml's own bounds included: nesting deeper than 100 levels), text over
 * `MAX_SETTINGS_BYTES`, or too many values.
 */
function loadBoundedYaml(text: string, path: string): unknown[] {
  if (text.length > MAX_SETTINGS_BYTES) {
    throw new SettingsError(`${path}: settings text is larger than ${MAX_SETTINGS_BYTES} bytes (1 MB); is it the right file?`);
  }
  let documents: unknown[];
  try {
    documents = loadAll(text);
  } catch (error) {
    if (error instanceof YAMLException) {
      const where = error.mark === undefined ? path : `${path}:${error.mark.line + 1}:${error.mark.column + 1}`;
      // The reason can quote the text (a tag's name); shown cut and escaped, like any value.
      throw new SettingsError(`${where}: YAML syntax error: ${showValue(error.reason)}`);
    }
    throw error;
  }
  if (expandedValueCount(documents, MAX_YAML_VALUES) > MAX_YAML_VALUES) {
    throw new SettingsError(
      `${path}: YAML holds more than ${MAX_YAML_VALUES} values once its aliases (*name) are expanded; ` +
        'settings need far fewer',
    );
  }
  return documents;
}

/**
 * How many values `root` holds, counting a value reached through several aliases once per
 * path (as a reader walking it would); stops counting past `limit`, so the cost is bounded
 * whatever the aliases expand to, and cycles end too. Walks with a stack, not recursion.
 */
function expandedValueCount(root: unknown, limit: number): number {
  const stack: unknown[] = [root];
  let count = 0;
  while (stack.length > 0 && count <= limit) {
    const value = stack.pop();
    count += 1;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) stack.push(item);
    } else if (isPlainObject(value)) {
      for (const item of Object.values(value)) stack.push(item);
    }
    // A mapping or list with more entries than the limit is over it at once.
    if (stack.length > limit) return limit + 1;
  }
  return count;
}

/**
 * Parses one YAML document. A syntax error becomes one line (file, line, column, reason)
 * instead of js-yaml's multi-line snippet. An empty document is `undefined`. The text and
 * its expanded aliases are bounded (`loadBoundedYaml`).
 */
export function parseYaml(text: string, path: string): unknown {
  const documents = loadBoundedYaml(text, path);
  if (documents.length > 1) {
    throw new SettingsError(`${path}: holds ${documents.length} YAML documents (separated by ---), expected one`);
  }
  return documents[0];
}

/**
 * What kind of YAML value a document is, for a message that must not echo a file's content
 * (a text file read as settings is one long string).
 */
function describeDocument(document: unknown): string {
  if (document === undefined || document === null) return 'an empty file';
  if (Array.isArray(document)) return 'a list';
  if (typeof document === 'string') return 'text';
  return `a ${typeof document}`;
}

/** Ranks of the places a value can be written; a higher rank wins. */
const Rank = {
  paramFile: 0,
  otherSubSection: 1,
  directlyUnderDataSource: 2,
  ownSection: 3,
  override: 4,
} as const;

/** The sample's README calls the video `video_path` in one list and `video_file` in its files. */
const NAME_ALIASES: Readonly<Record<string, string>> = { video_path: 'video_file' };

const SECTION_ALIASES: Readonly<Record<string, string>> = { heat_count_settings: 'heat_map_settings' };

/** The sub-sections of `data_source_settings`, also accepted alone at the head of a dotted key. */
const DATA_SOURCE_SUB_SECTIONS: readonly string[] = ['console_data_settings', 'local_data_settings'];

function dataSourceField(name: string): SettingField | undefined {
  const canonical = NAME_ALIASES[name] ?? name;
  return fieldsOf('console').find((f) => f.name === canonical) ?? fieldsOf('local').find((f) => f.name === canonical);
}

function heatMapField(name: string): SettingField | undefined {
  return [...fieldsOf('heat_map'), ...fieldsOf('params')].find((f) => f.name === name);
}

/**
 * The setting a dotted key names, in any layout the files accept:
 * `data_source_settings.meta_file`, `data_source_settings.local_data_settings.meta_file`,
 * `heat_count_settings.grid_num_h`, ...
 */
export function resolveSettingKey(dotted: string): SettingField | undefined {
  const parts = dotted.split('.');
  // The README's tables head these keys with their sub-section alone (`local_data_settings`),
  // so `local_data_settings.metadata_fps` names the setting as well as the full path does.
  if (parts.length === 2 && DATA_SOURCE_SUB_SECTIONS.includes(parts[0])) return dataSourceField(parts[1]);
  const section = SECTION_ALIASES[parts[0]] ?? parts[0];
  if (section === 'data_source_settings') {
    if (parts.length === 2) return parts[1] === 'mode' ? fieldByKey('data_source_settings.mode') : dataSourceField(parts[1]);
    if (parts.length === 3 && (parts[1] === 'console_data_settings' || parts[1] === 'local_data_settings')) {
      return dataSourceField(parts[2]);
    }
    return undefined;
  }
  if (parts.length !== 2) return undefined;
  if (section === 'heat_map_settings') return heatMapField(parts[1]);
  if (section === 'output_settings') return fieldsOf('output').find((f) => f.name === parts[1]);
  return undefined;
}

/**
 * A command-line value for a setting: text settings take it as written (a file named `123`
 * stays a string), unless it is one quoted YAML string (`'2026-11-23T09:00:00+09:00'`, `"a b"`,
 * `""`), which gives the text inside the quotes, as the same value in a settings file would; the
 * others read it as a YAML value (`0.6`, `true`, `[0, 2]`).
 */
export function parseOverrideValue(dotted: string, text: string): unknown {
  const field = resolveSettingKey(dotted);
  if (field === undefined) return text;
  if (field.rule.textual) return unquotedYamlString(text, field.key) ?? text;
  try {
    const documents = loadBoundedYaml(text, field.key);
    return documents.length === 1 ? documents[0] : text;
  } catch (error) {
    if (!(error instanceof SettingsError) || error.message.includes('YAML syntax error')) return text;
    throw error;
  }
}

/** The string a quoted YAML scalar (`'…'` or `"…"`) stands for, or null when `text` is not one. */
function unquotedYamlString(text: string, key: string): string | null {
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) return null;
  try {
    const documents = loadBoundedYaml(text, key);
    return documents.length === 1 && typeof documents[0] === 'string' ? documents[0] : null;
  } catch {
    return null;
  }
}

interface Entry {
  value: unknown;
  origin: SettingOrigin;
  rank: number;
}

/** The values found so far, each with where it was written. */
class Entries {
  readonly byKey = new Map<string, Entry>();
  readonly warnings: string[] = [];
  /** The `zones:` section as written, and the file it was in. */
  zones: { value: unknown; where: string } | null = null;

  put(field: SettingField, value: unknown, origin: SettingOrigin, rank: number): void {
    const incoming: Entry = { value, origin, rank };
    const existing = this.byKey.get(field.key);
    if (existing === undefined) {
      this.byKey.set(field.key, incoming);
      return;
    }
    const [winner, loser] = existing.rank > rank ? [existing, incoming] : [incoming, existing];
    this.byKey.set(field.key, winner);
    this.warnIfDisagree(winner, loser);
  }

  unknownKey(where: string, key: string): void {
    this.warnings.push(`${where}: unknown key ${showValue(key)} (ignored)`);
  }

  /** One file giving a setting two different values is worth a word; a flag over a file is not. */
  private warnIfDisagree(winner: Entry, loser: Entry): void {
    const inMainFile = (entry: Entry): boolean => entry.rank > Rank.paramFile && entry.rank < Rank.override;
    if (!inMainFile(winner) || !inMainFile(loser)) return;
    if (JSON.stringify(winner.value) === JSON.stringify(loser.value)) return;
    this.warnings.push(
      `${winner.origin.where}: ${loser.origin.key} (${formatValue(loser.value)}) and ${winner.origin.key} ` +
        `(${formatValue(winner.value)}) disagree; using ${winner.origin.key}`,
    );
  }
}

function sectionMapping(value: unknown, label: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) throw new SettingsError(`${label} must be a mapping of settings, got ${formatValue(value)}`);
  return value;
}

function readDataSource(value: unknown, path: string, entries: Entries): void {
  const section = sectionMapping(value, `${path}: data_source_settings`);
  for (const [name, inner] of Object.entries(section)) {
    const key = `data_source_settings.${name}`;
    if (name === 'mode') {
      entries.put(fieldByKey(key) as SettingField, inner, { where: path, key }, Rank.ownSection);
    } else if (name === 'console_data_settings' || name === 'local_data_settings') {
      const ownGroup = name === 'console_data_settings' ? 'console' : 'local';
      for (const [innerName, innerValue] of Object.entries(sectionMapping(inner, `${path}: ${key}`))) {
        const field = dataSourceField(innerName);
        const innerKey = `${key}.${innerName}`;
        if (field === undefined) entries.unknownKey(path, innerKey);
        else {
          const rank = field.group === ownGroup ? Rank.ownSection : Rank.otherSubSection;
          entries.put(field, innerValue, { where: path, key: innerKey }, rank);
        }
      }
    } else {
      const field = dataSourceField(name);
      if (field === undefined) entries.unknownKey(path, key);
      else entries.put(field, inner, { where: path, key }, Rank.directlyUnderDataSource);
    }
  }
}

function readFlatSection(
  value: unknown,
  sectionName: string,
  path: string,
  lookup: (name: string) => SettingField | undefined,
  entries: Entries,
): void {
  for (const [name, inner] of Object.entries(sectionMapping(value, `${path}: ${sectionName}`))) {
    const key = `${sectionName}.${name}`;
    const field = lookup(name);
    if (field === undefined) entries.unknownKey(path, key);
    else entries.put(field, inner, { where: path, key }, Rank.ownSection);
  }
}

/** The top-level sections of a main settings file (`heat_count_settings` is the sample's other name). */
const MAIN_SECTIONS: readonly string[] = ['data_source_settings', 'heat_map_settings', 'heat_count_settings', 'output_settings'];

function readMainDocument(document: unknown, path: string, entries: Entries): void {
  if (!isPlainObject(document)) {
    throw new SettingsError(
      `${path}: expected a mapping with data_source_settings, heat_map_settings and output_settings, ` +
        `got ${describeDocument(document)}`,
    );
  }
  const names = Object.keys(document);
  if (names.length > 0 && !names.some((name) => MAIN_SECTIONS.includes(name))) {
    // Not a settings file: say so without listing its keys, which are the file's content.
    throw new SettingsError(
      `${path}: holds none of data_source_settings, heat_map_settings, output_settings ` +
        `(${names.length} other key(s)); is it a settings file?`,
    );
  }
  if ('heat_map_settings' in document && 'heat_count_settings' in document) {
    throw new SettingsError(`${path}: both heat_map_settings and heat_count_settings are given; keep one`);
  }
  for (const [name, value] of Object.entries(document)) {
    if (name === 'data_source_settings') readDataSource(value, path, entries);
    else if (name === 'heat_map_settings' || name === 'heat_count_settings') {
      readFlatSection(value, name, path, heatMapField, entries);
    } else if (name === 'output_settings') {
      readFlatSection(value, name, path, (key) => fieldsOf('output').find((f) => f.name === key), entries);
    } else if (name === 'zones') entries.zones = { value, where: path };
    else entries.unknownKey(path, name);
  }
}

function readParamFile(paramFile: string, readText: ReadText, entries: Entries): void {
  const where = `heat_map_settings.param_file (${paramFile})`;
  let text: string;
  try {
    text = readText(paramFile);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`heat_map_settings.param_file: ${reason}`);
  }
  const document = parseYaml(text, paramFile);
  if (!isPlainObject(document)) {
    throw new SettingsError(
      `${where}: expected a mapping of grid parameters (grid_num_h: 192, ...), got ${describeDocument(document)}`,
    );
  }
  const params = fieldsOf('params');
  for (const [name, value] of Object.entries(document)) {
    const field = params.find((f) => f.name === name);
    if (field === undefined) entries.unknownKey(where, name);
    else entries.put(field, value, { where, key: name }, Rank.paramFile);
  }
}

function applyOverride(override: SettingOverride, entries: Entries): void {
  const field = resolveSettingKey(override.key);
  if (field === undefined) {
    const head = override.key.split('.')[0];
    const section = DATA_SOURCE_SUB_SECTIONS.includes(head) ? 'data_source_settings' : (SECTION_ALIASES[head] ?? head);
    const known = SETTING_FIELDS.filter((f) => f.key.startsWith(`${section}.`)).map((f) => f.name);
    // The close names when there are some: a whole section's list no longer fits one line.
    const close = closeNames(override.key.split('.').pop() ?? '', known);
    const hint =
      known.length === 0
        ? 'sections: data_source_settings, heat_map_settings, output_settings'
        : close.length > 0
          ? `close matches in ${section}: ${close.join(', ')}`
          : `settings of ${section}: ${known.join(', ')}`;
    throw new SettingsError(`${override.label}: no such setting (${hint})`);
  }
  entries.put(field, override.value, { where: '', key: override.label }, Rank.override);
}

/**
 * Reads settings without checking ranges or the rules between settings, so that command-line
 * overrides can still fix what the file leaves out; call `validateSettings(settings, origins)`
 * next. `main` is null when there is no settings file (defaults plus overrides).
 *
 * A value of the wrong type throws a SettingsError, unless `typeProblems` is given: then each
 * one's message is added to it and the setting keeps its default, so a caller can report every
 * problem of a file at once (the app's import).
 */
export function readSettings(
  main: { text: string; path: string } | null,
  readText: ReadText,
  overrides: readonly SettingOverride[] = [],
  typeProblems?: string[],
): SettingsRead {
  const entries = new Entries();
  if (main !== null) readMainDocument(parseYaml(main.text, main.path), main.path, entries);
  for (const override of overrides) applyOverride(override, entries);

  const paramFile = entries.byKey.get('heat_map_settings.param_file')?.value;
  if (typeof paramFile === 'string' && paramFile !== '') readParamFile(paramFile, readText, entries);

  const settings = defaultSettings();
  const origins = new Map<string, SettingOrigin>();
  for (const field of SETTING_FIELDS) {
    const entry = entries.byKey.get(field.key);
    if (entry === undefined) continue;
    if (!field.rule.hasType(entry.value)) {
      const problem = `${originLabel(entry.origin)} must be ${field.rule.allowed}, got ${formatValue(entry.value)}`;
      if (typeProblems === undefined) throw new SettingsError(problem);
      typeProblems.push(problem);
      continue;
    }
    field.set(settings, Array.isArray(entry.value) ? [...entry.value] : entry.value);
    origins.set(field.key, entry.origin);
  }
  if (entries.zones !== null) {
    const read = readZones(entries.zones.value, entries.zones.where);
    settings.zones = read.zones;
    entries.warnings.push(...read.warnings);
    const { image_size_h: width, image_size_v: height } = settings.heat_map_settings.params;
    entries.warnings.push(...zoneWarnings(read.zones, width, height).map((warning) => `${entries.zones?.where}: ${warning}`));
  }
  return { settings, warnings: entries.warnings, origins };
}

/**
 * One self-contained YAML in the sample's layout: the grid parameters inline under
 * heat_map_settings and `param_file: ""`, so the file needs no other file.
 */
export function settingsToYaml(settings: Settings): string {
  const data = settings.data_source_settings;
  const document = {
    data_source_settings: {
      mode: data.mode,
      console_data_settings: { ...data.console_data_settings },
      local_data_settings: { ...data.local_data_settings },
    },
    heat_map_settings: { param_file: '', ...settings.heat_map_settings.params },
    output_settings: { ...settings.output_settings },
    ...(settings.zones.length > 0 ? { zones: settings.zones.map((zone) => ({ name: zone.name, points: zone.points })) } : {}),
  };
  const header = '# crowdheat settings (the AITRIOS heat map sample\'s heat_map_app.yaml layout)\n';
  // flowLevel 3 writes each zone's points on one line, `points: [[0, 700], [400, 700], ...]`.
  return header + dump(document, { lineWidth: -1, quoteStyle: 'double', noRefs: true, flowLevel: 3 });
}
