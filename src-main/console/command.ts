/**
 * `crowdheat console <subcommand>`: Console tools for the command line: `check` (are the
 * settings right?) and `range` (what does a device hold?).
 */
import { parseFlags, UsageError, type CliCommand } from '../cli/command.js';
import { consoleCheck, consoleRange } from './check.js';

const HELP = `Usage: crowdheat console check --config_path FILE
       crowdheat console range --config_path FILE [--device_id ID] [--sub_directory_name NAME]

check: gets a token, lists the devices, the configured device's image directories, the oldest
and newest of its inference results and, when sub_directory_name is set, that folder's image
count and its first and last image.
range: the oldest and newest inference result of a device, and the image count, first and last
image of a folder; the device and folder come from the flags or else from FILE.

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
  -h, --help                          this help`;

const OPTIONS = {
  config_path: { type: 'string' },
  config: { type: 'string' },
  device_id: { type: 'string' },
  sub_directory_name: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SUBCOMMANDS = ['check', 'range'] as const;

export const consoleCommand: CliCommand = {
  summary: 'check the AITRIOS Console settings, or show what a device holds (console check|range --config_path FILE)',
  help: HELP,
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === '--help' || subcommand === '-h') {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (subcommand !== 'check' && subcommand !== 'range') {
      throw new UsageError(
        subcommand === undefined
          ? `console needs a subcommand: ${SUBCOMMANDS.join(' or ')}`
          : `unknown console subcommand ${JSON.stringify(subcommand)}; expected ${SUBCOMMANDS.join(' or ')}`,
        'console',
      );
    }
    const { values } = parseFlags('console', rest, OPTIONS);
    if (values.help === true) {
      context.stdout.write(`${HELP}\n`);
      return 0;
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
