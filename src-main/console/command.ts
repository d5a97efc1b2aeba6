/**
 * `crowdheat console <subcommand>`: Console tools for the command line: `check` (are the
 * settings right?), `range` (what does a device hold?) and `cache` (what is kept of it here?).
 */
import { parseFlags, UsageError, type CliCommand } from '../cli/command.js';
import { consoleCheck, consoleRange } from './check.js';
import { CACHE_DIR_ENV, cacheFileIn, defaultCacheDir } from './cache-dir.js';

const HELP = `Usage: crowdheat console check --config_path FILE
       crowdheat console range --config_path FILE [--device_id ID] [--sub_directory_name NAME]
       crowdheat console cache [--clear [--device ID [--endpoint URL]]]

check: gets a token, lists the devices, the configured device's image directories, the oldest
and newest of its inference results and, when sub_directory_name is set, that folder's image
count and its first and last image.
range: the oldest and newest inference result of a device, and the image count, first and last
image of a folder; the device and folder come from the flags or else from FILE.

cache: what the Console cache keeps, per Console endpoint and device (inferences, images, size,
the time span known complete); --clear empties it (all of it, or one device's with --device: of
every Console, or of the one at --endpoint URL). Runs in mode console
read from the cache and fetch only what it lacks. It lives in ${CACHE_DIR_ENV} when set, else the
user's cache folder (~/.cache/crowdheat on Linux, ~/Library/Caches/crowdheat on macOS,
%LOCALAPPDATA%\\crowdheat\\Cache on Windows).

Times are printed as T strings (yyyyMMddHHmmssfff, UTC) with ISO 8601 beside them; either form
can go into first_timestamp and last_timestamp.

FILE is a run's settings file (heat_map_app.yaml: its console_data_settings name the access
settings and the device) or a console_access_settings.yaml. CONSOLE_ENDPOINT,
PORTAL_AUTHORIZATION_ENDPOINT, CLIENT_ID and CLIENT_SECRET fill what the access settings leave
out; HTTPS_PROXY/HTTP_PROXY/NO_PROXY apply.

Flags:
  --config_path FILE, --config FILE   settings file (YAML)
  --device_id ID                      range: the device (instead of the file's)
  --sub_directory_name NAME           range: an image folder of the device
  --clear                             cache: empty the cache
  --device ID                         cache --clear: only this device's part
  --endpoint URL                      cache --clear --device: only that device of this Console
  -h, --help                          this help`;

const OPTIONS = {
  config_path: { type: 'string' },
  config: { type: 'string' },
  device_id: { type: 'string' },
  sub_directory_name: { type: 'string' },
  clear: { type: 'boolean' },
  device: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SUBCOMMANDS = ['check', 'range', 'cache'] as const;

export const consoleCommand: CliCommand = {
  summary: 'check the AITRIOS Console settings, show what a device holds, or what the cache keeps (console check|range|cache)',
  help: HELP,
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === '--help' || subcommand === '-h') {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (subcommand !== 'check' && subcommand !== 'range' && subcommand !== 'cache') {
      throw new UsageError(
        subcommand === undefined
          ? `console needs a subcommand: ${SUBCOMMANDS.join(', ')}`
          : `unknown console subcommand ${JSON.stringify(subcommand)}; expected ${SUBCOMMANDS.join(', ')}`,
        'console',
      );
    }
    const { values } = parseFlags('console', rest, OPTIONS);
    if (values.help === true) {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (subcommand === 'cache') {
      if (values.config_path !== undefined || values.config !== undefined || values.device_id !== undefined || values.sub_directory_name !== undefined) {
        throw new UsageError('console cache takes only --clear, --device ID and --endpoint URL', 'console');
      }
      if (values.endpoint !== undefined && values.device === undefined) throw new UsageError('--endpoint goes with --clear --device ID', 'console');
      if (values.endpoint !== undefined && !/^https?:\/\/[^\s/]/i.test(values.endpoint.trim())) {
        throw new UsageError(`--endpoint: give the Console endpoint URL (http:// or https://…), got ${JSON.stringify(values.endpoint)}`, 'console');
      }
      if (values.device !== undefined && values.clear !== true) throw new UsageError('--device goes with --clear', 'console');
      if (values.device !== undefined && values.device.trim() === '') throw new UsageError('--device: give a device ID', 'console');
      const { consoleCacheCommand } = await import('./cache-command.js');
      await consoleCacheCommand(cacheFileIn(defaultCacheDir(context.env)), (line) => context.stdout.write(`${line}\n`), {
        clear: values.clear === true,
        ...(values.device === undefined ? {} : { deviceId: values.device.trim() }),
        ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint.trim() }),
      });
      return 0;
    }
    if (values.clear !== undefined || values.device !== undefined || values.endpoint !== undefined) {
      throw new UsageError('--clear, --device and --endpoint are for console cache', 'console');
    }
    const configPath = values.config_path ?? values.config;
    if (configPath === undefined) throw new UsageError(`console ${subcommand} needs --config_path FILE`, 'console');
    const out = (line: string): void => {
      context.stdout.write(`${line}\n`);
    };
    if (subcommand === 'check') {
      if (values.device_id !== undefined || values.sub_directory_name !== undefined) {
        throw new UsageError('console check takes the device and folder from FILE; --device_id and --sub_directory_name are for console range', 'console');
      }
      await consoleCheck(configPath, context.cwd, out, { env: context.env, signal: context.signal });
      return 0;
    }
    if (values.device_id !== undefined && values.device_id.trim() === '') {
      throw new UsageError('--device_id: give a device ID', 'console');
    }
    await consoleRange(configPath, context.cwd, out, {
      env: context.env,
      signal: context.signal,
      ...(values.device_id === undefined ? {} : { deviceId: values.device_id.trim() }),
      ...(values.sub_directory_name === undefined ? {} : { folder: values.sub_directory_name }),
    });
    return 0;
  },
};
