/**
 * Where `crowdheat serve` keeps its library of analyses between starts: `CROWDHEAT_DATA_DIR`
 * when set, else the platform's folder for an application's data —
 * `%APPDATA%\crowdheat` (Windows), `~/Library/Application Support/crowdheat` (macOS),
 * `$XDG_DATA_HOME/crowdheat` or `~/.local/share/crowdheat` (elsewhere). The desktop app keeps its
 * own in Electron's userData folder (`<userData>/work`).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The environment variable that names the web host's data folder. */
export const DATA_DIR_ENV = 'CROWDHEAT_DATA_DIR';

/**
 * The default data folder for this platform and environment.
 *
 * ```ts
 * defaultDataDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/ana') // '/data/crowdheat'
 * ```
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const chosen = env[DATA_DIR_ENV];
  if (chosen !== undefined && chosen !== '') return chosen;
  if (platform === 'win32') return join(env.APPDATA !== undefined && env.APPDATA !== '' ? env.APPDATA : join(home, 'AppData', 'Roaming'), 'crowdheat');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'crowdheat');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), 'crowdheat');
}
