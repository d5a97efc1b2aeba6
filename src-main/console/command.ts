/**
 * `crowdheat console <subcommand>`: Console tools for the command line. `check` is the one
 * subcommand today.
 */
import { parseFlags, UsageError, type CliCommand } from '../cli/command.js';
import { consoleCheck } from './check.js';

const HELP = `Usage: crowdheat console check --config_path FILE

Checks the AITRIOS Console settings: gets a token, lists the devices, the configured device's
image directories and its newest inference result. FILE is a run's settings file
(heat_map_app.yaml: its console_data_settings name the access settings and the device) or a
console_access_settings.yaml. CONSOLE_ENDPOINT, PORTAL_AUTHORIZATION_ENDPOINT, CLIENT_ID and
CLIENT_SECRET fill what the access settings leave out; HTTPS_PROXY/HTTP_PROXY/NO_PROXY apply.

Flags:
  --config_path FILE, --config FILE   settings file (YAML)
  -h, --help                          this help`;

const OPTIONS = {
  config_path: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const consoleCommand: CliCommand = {
  summary: 'check the AITRIOS Console settings (console check --config_path FILE)',
  help: HELP,
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === '--help' || subcommand === '-h') {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (subcommand !== 'check') {
      throw new UsageError(
        subcommand === undefined ? 'console needs a subcommand: check' : `unknown console subcommand ${JSON.stringify(subcommand)}`,
        'console',
      );
    }
    const { values } = parseFlags('console', rest, OPTIONS);
    if (values.help === true) {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    const configPath = values.config_path ?? values.config;
    if (configPath === undefined) throw new UsageError('console check needs --config_path FILE', 'console');
    await consoleCheck(configPath, context.cwd, (line) => context.stdout.write(`${line}\n`), {
      env: context.env,
      signal: context.signal,
    });
    return 0;
  },
};
