/**
 * Sizes for people, one way everywhere (the command line, the app): powers of 1000, as file
 * managers show them.
 */

/**
 * `bytes` (a count ≥ 0) as text: under 1000 `512 B`; then whole kilobytes `830 kB`; megabytes
 * with one decimal `12.3 MB`; gigabytes with two `2.34 GB`. A value that would round up to the
 * next unit is shown in it (999 999 → `1.0 MB`, not `1000 kB`).
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 999_500) return `${Math.round(bytes / 1e3)} kB`;
  if (bytes < 999_950_000) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}
