/**
 * Where each setting's value came from, so that a message names the file and key the user
 * wrote (`config/app.yaml: data_source_settings.meta_file`), or the flag they typed.
 */

export interface SettingOrigin {
  /** The file (or `heat_map_settings.param_file (path)`); empty for a command-line flag. */
  readonly where: string;
  /** The key as written there, or the flag (`--set output_settings.cmap`). */
  readonly key: string;
}

/** Origins by dotted setting key; a key without an origin holds its default. */
export type SettingOrigins = ReadonlyMap<string, SettingOrigin>;

export function originLabel(origin: SettingOrigin): string {
  return origin.where === '' ? origin.key : `${origin.where}: ${origin.key}`;
}

/** The label of a setting: where it was written, else its dotted key. */
export function settingLabel(key: string, origins: SettingOrigins | undefined): string {
  const origin = origins?.get(key);
  return origin === undefined ? key : originLabel(origin);
}

/**
 * Labels of two settings for one message; the second drops the file when both come from the
 * same one, so the line stays short.
 */
export function settingLabels(first: string, second: string, origins: SettingOrigins | undefined): [string, string] {
  const a = origins?.get(first);
  const b = origins?.get(second);
  const firstLabel = settingLabel(first, origins);
  if (b === undefined) return [firstLabel, second];
  if (a !== undefined && a.where === b.where) return [firstLabel, b.key];
  return [firstLabel, originLabel(b)];
}
