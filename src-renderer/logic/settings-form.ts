/**
 * How the settings form shows and reads each setting: text typed into a field becomes the
 * value the setting table checks, so a half-typed number shows its problem at once instead
 * of being dropped.
 */
import { fieldByKey, SETTING_FIELDS, type SettingField, type Settings } from '../../src-shared/settings/index.js';

/** The choices of a setting that takes one of a few words (its rule's), else none. */
export function choicesOf(field: SettingField): readonly string[] | undefined {
  return field.rule.choices;
}

export type FieldKind = 'boolean' | 'choice' | 'number' | 'text' | 'class-ids';

export function kindOf(field: SettingField): FieldKind {
  if (choicesOf(field) !== undefined) return 'choice';
  if (field.key === 'heat_map_settings.class_ids') return 'class-ids';
  if (field.rule.allowed === 'true or false') return 'boolean';
  return field.rule.textual ? 'text' : 'number';
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The value of what was typed: a number when it reads as one, else the text (which validation then names). */
export function valueFromText(kind: FieldKind, text: string): unknown {
  if (kind === 'number') {
    const trimmed = text.trim();
    // Plain decimal notation only: Number() would also read `0x10` or `0b1` and show a value nobody typed.
    return DECIMAL.test(trimmed) ? Number(trimmed) : text;
  }
  if (kind === 'class-ids') {
    // The README writes the list as YAML does (`[0]`, `[0, 2]`); brackets are allowed, not needed.
    const trimmed = text.trim().replace(/^\[(.*)\]$/s, '$1').trim();
    if (trimmed === '' || trimmed === 'all' || trimmed === 'null') return null;
    const parts = trimmed.split(/[\s,]+/).filter((part) => part !== '');
    return parts.every((part) => /^\d+$/.test(part)) ? parts.map(Number) : text;
  }
  return text;
}

export function textOfValue(value: unknown): string {
  if (value === null) return 'all';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** A copy of `settings` with one setting changed. */
export function withSetting(settings: Settings, field: SettingField, value: unknown): Settings {
  const copy = structuredClone(settings);
  field.set(copy, value);
  return copy;
}

/** The field of a setting the UI names by its dotted key; a key that is not a setting is a bug. */
export function settingField(key: string): SettingField {
  const field = fieldByKey(key);
  if (field === undefined) throw new Error(`no setting ${key}`);
  return field;
}

export function fieldsIn(keys: readonly string[]): SettingField[] {
  return keys.map(settingField);
}

/** The grid and output settings the Settings panel shows (sources have their own panel). */
export const GRID_KEYS: readonly string[] = SETTING_FIELDS.filter((field) => field.group === 'params').map((field) => field.key);
export const OUTPUT_KEYS: readonly string[] = SETTING_FIELDS.filter(
  (field) => field.group === 'output' && field.key !== 'output_settings.output_dir',
).map((field) => field.key);
