/**
 * `crowdheat follow`: the Console device of a settings file followed live into output_dir
 * (src-main/console/follow.ts) until Ctrl-C or SIGTERM, one line per poll on stdout and one per
 * fault on stderr. Stopping finishes the store and the outputs and exits 0.
 */
import { resolve } from 'node:path';
import { LocalClock } from '../../src-shared/periods/buckets.js';
import { parseOverrideValue, validateSettings, type SettingOverride } from '../../src-shared/settings/index.js';
import { timestampToIso } from '../../src-shared/console/timestamps.js';
import { timeZoneOf } from '../sinks/store.js';
import { readSettingsFile } from '../settings-file.js';
import { parseFlags, UsageError, type CliCommand, type CliContext } from './command.js';
import { printedLine } from './progress.js';
import { FOLLOW_INTERVAL_S, LATE_WINDOW_S, checkFollowSeconds } from '../console/follow.js';

const OPTIONS = {
  config_path: { type: 'string' },
  config: { type: 'string' },
  output_dir: { type: 'string' },
  device_id: { type: 'string' },
  interval: { type: 'string' },
  late_window: { type: 'string' },
  set: { type: 'string', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: crowdheat follow --config_path FILE [flags]

Follows the Console device of the settings file (mode console) live: polls its inference
results every --interval seconds, appends the new ones to output_dir/crowdheat.duckdb and, with
sub_directory_name set (Case 1), the folder's new images too (their T's, each paired with its
inference within match_tolerance_ms; the newest image is the pictures' background), and rewrites heatmap_period.png/.npy (with a period, the bucket
pictures and buckets.csv), zones.csv when zones are set, and summary.json, each atomically.
Each poll asks again for the --late_window seconds before the newest stored inference, so
inferences a device uploads late are kept. A poll that fails after the client's retries is
shown as one line and tried again after a backoff (from --interval, doubling, at most 300 s);
the gap is fetched then. Ctrl-C or SIGTERM stops: the store is finished and marked complete
(exit 0). A follow into an output_dir that already holds the device's store continues it.

Flags:
  --config_path FILE, --config FILE   settings file (YAML)
  --output_dir DIR                    output_settings.output_dir
  --device_id ID                      console_data_settings.device_id
  --interval SECONDS                  between polls, ${FOLLOW_INTERVAL_S.min}–${FOLLOW_INTERVAL_S.max} (default ${FOLLOW_INTERVAL_S.default})
  --late_window SECONDS               asked again before the newest stored inference,
                                      ${LATE_WINDOW_S.min}–${LATE_WINDOW_S.max} (default ${LATE_WINDOW_S.default})
  --set SECTION.KEY=VALUE             any setting, as for crowdheat run; repeatable
  -q, --quiet                         print nothing but errors and faults
  -h, --help                          this help`;

type FollowFlags = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

function overridesOf(flags: FollowFlags): SettingOverride[] {
  const overrides: SettingOverride[] = [];
  if (flags.output_dir !== undefined) overrides.push({ key: 'output_settings.output_dir', value: flags.output_dir, label: '--output_dir' });
  if (flags.device_id !== undefined) {
    overrides.push({ key: 'data_source_settings.console_data_settings.device_id', value: flags.device_id, label: '--device_id' });
  }
  for (const assignment of flags.set ?? []) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw new UsageError(`--set ${assignment}: expected SECTION.KEY=VALUE`, 'follow');
    const key = assignment.slice(0, equals).trim();
    overrides.push({ key, value: parseOverrideValue(key, assignment.slice(equals + 1)), label: `--set ${key}` });
  }
  return overrides;
}

/** A seconds flag as a number in its range, or the default. */
function secondsFlag(flag: string, text: string | undefined, bounds: { default: number; min: number; max: number }): number {
  if (text === undefined) return bounds.default;
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(value)) {
    throw new UsageError(`--${flag} ${JSON.stringify(text.slice(0, 40))}: expected a number of seconds, ${bounds.min}–${bounds.max}`, 'follow');
  }
  return checkFollowSeconds(`--${flag}`, value, bounds);
}

export const followCommand: CliCommand = {
  summary: 'follow a Console device live into output_dir until Ctrl-C',
  help: HELP,
  async run(args: string[], context: CliContext): Promise<number> {
    const { values: flags } = parseFlags('follow', args, OPTIONS);
    if (flags.help === true) {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { config_path: configPath, config } = flags;
    if (configPath !== undefined && config !== undefined && configPath !== config) {
      throw new UsageError('--config_path and --config name different files; give one', 'follow');
    }
    const path = configPath ?? config;
    if (path === undefined) throw new UsageError('give the settings file: --config_path FILE', 'follow');
    const intervalS = secondsFlag('interval', flags.interval, FOLLOW_INTERVAL_S);
    const lateWindowS = secondsFlag('late_window', flags.late_window, LATE_WINDOW_S);
    const read = await readSettingsFile(path, context.cwd, overridesOf(flags));
    validateSettings(read.settings, read.origins);
    const quiet = flags.quiet === true;
    const say = (line: string): void => {
      if (!quiet) context.stdout.write(`${line}\n`);
    };
    for (const warning of read.warnings) context.stderr.write(`${printedLine('crowdheat: warning: ', warning)}\n`);

    // SIGTERM stops as Ctrl-C does (the dispatcher listens for SIGINT).
    const stop = new AbortController();
    const onTerminate = (): void => stop.abort();
    process.on('SIGTERM', onTerminate);
    const signal = AbortSignal.any([context.signal, stop.signal]);
    const clock = new LocalClock(timeZoneOf(read.settings));
    const local = (ms: number): string => clock.iso(ms).slice(0, 19).replace('T', ' ');
    try {
      const { followConsole } = await import('../console/follow.js');
      const outputDir = resolve(context.cwd, read.settings.output_settings.output_dir);
      const withImages = read.settings.data_source_settings.console_data_settings.sub_directory_name !== '';
      say(`following device ${read.settings.data_source_settings.console_data_settings.device_id} every ${intervalS} s into ${outputDir} (Ctrl-C stops)`);
      const result = await followConsole(read.settings, {
        signal,
        cwd: context.cwd,
        env: context.env,
        intervalMs: intervalS * 1000,
        lateWindowMs: lateWindowS * 1000,
        onPoll: (poll) =>
          say(
            `${local(poll.atMs)}  poll ${poll.poll}: ${poll.newFrames} new inference${poll.newFrames === 1 ? '' : 's'}, ` +
              `${poll.frames} in all, last T ${poll.lastT ?? 'none'}${poll.lastT === null ? '' : ` (${timestampToIso(poll.lastT)})`}` +
              (withImages ? `; ${poll.newImages} new image${poll.newImages === 1 ? '' : 's'}, ${poll.images} in all` : ''),
          ),
        onFault: (fault) =>
          context.stderr.write(
            `${printedLine(`crowdheat: ${local(fault.atMs)} poll ${fault.poll} failed, next try in ${Math.round(fault.retryInMs / 100) / 10} s: `, fault.message)}\n`,
          ),
        onWarning: (warning) => context.stderr.write(`${printedLine('crowdheat: warning: ', warning.message)}\n`),
      });
      if (!result.started) {
        say('stopped before the first poll: nothing was written');
        return 0;
      }
      say(
        `stopped after ${result.polls} poll${result.polls === 1 ? '' : 's'} (${result.faults} failed): ` +
          `${result.frames} frames, ${result.detections} detections in ${outputDir}`,
      );
      return 0;
    } finally {
      process.off('SIGTERM', onTerminate);
    }
  },
};
