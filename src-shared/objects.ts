/** A parsed JSON or YAML value that is a mapping (not null, not a list), so its keys can be read. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
