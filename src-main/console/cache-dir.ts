/**
 * Where the Console cache (cache.ts) lives. Kept apart from cache.ts so that the command line can
 * name the folder without loading DuckDB.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The cache's file name inside its folder. */
export const CACHE_FILE = 'console-cache.duckdb';

/** The environment variable that names the cache's folder (the command line's; the app keeps its own). */
export const CACHE_DIR_ENV = 'CROWDHEAT_CACHE_DIR';

/**
 * The command line's cache folder: `$CROWDHEAT_CACHE_DIR` when set, else the platform's cache
 * folder + `crowdheat`: `$XDG_CACHE_HOME/crowdheat` or `~/.cache/crowdheat` (Linux and other
 * Unixes), `~/Library/Caches/crowdheat` (macOS), `%LOCALAPPDATA%\crowdheat\Cache` (Windows).
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const chosen = env[CACHE_DIR_ENV]?.trim();
  if (chosen !== undefined && chosen !== '') return chosen;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'crowdheat');
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA?.trim();
    return join(local !== undefined && local !== '' ? local : join(home, 'AppData', 'Local'), 'crowdheat', 'Cache');
  }
  const xdg = env.XDG_CACHE_HOME?.trim();
  // XDG: a relative XDG_CACHE_HOME is invalid and ignored.
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.cache'), 'crowdheat');
}

/** The cache file in folder `dir`. */
export function cacheFileIn(dir: string): string {
  return join(dir, CACHE_FILE);
}
