/**
 * `crowdheat demo`: writes a synthetic crowd as the sample's own input files and runs it, so a
 * new user sees every output without a camera; the settings file it leaves can be edited and
 * run again with `crowdheat run`.
 */
import { join, resolve } from 'node:path';
import { SettingsError } from '../../src-shared/errors.js';
import { runDemo } from '../demo/index.js';
import { parseFlags, type CliCommand, type CliContext } from './command.js';
import { formatSummary, ProgressReporter } from './progress.js';

const DEFAULT_DEMO_DIR = join('output', 'demo');

const OPTIONS = {
  output_dir: { type: 'string' },
  frames: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: crowdheat demo [--output_dir DIR] [--frames N]

Writes a synthetic scene (people walking through a hall, as detections in the sample's CSV
format, with its heat_map_app.yaml and param file) under DIR/input/, then analyses it into DIR.

Flags:
  --output_dir DIR   where inputs and outputs go (default: ${DEFAULT_DEMO_DIR})
  --frames N         frames of the scene (default: 600, one minute at 10 fps)
  -q, --quiet        print nothing but errors
  -h, --help         this help`;

function framesOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const frames = Number(text);
  if (!/^\d+$/.test(text.trim()) || frames < 1) {
    throw new SettingsError(`--frames must be an integer ≥ 1, got ${JSON.stringify(text)}`);
  }
  return frames;
}

export const demoCommand: CliCommand = {
  summary: 'run a synthetic crowd scene end to end (no camera needed)',
  help: HELP,
  async run(args: string[], context: CliContext): Promise<number> {
    const { values: flags } = parseFlags('demo', args, OPTIONS);
    if (flags.help === true) {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    const frames = framesOf(flags.frames);
    const outputDir = resolve(context.cwd, flags.output_dir ?? DEFAULT_DEMO_DIR);
    const reporter = new ProgressReporter(context.stderr, { quiet: flags.quiet === true });
    try {
      const { summary, configPath } = await runDemo({
        outputDir,
        ...(frames === undefined ? {} : { frames }),
        signal: context.signal,
        onProgress: (progress) => reporter.update(progress),
        onWarning: (warning) => reporter.warn(warning.message),
      });
      reporter.finish();
      reporter.say(formatSummary(summary, outputDir));
      reporter.say(`crowdheat: the demo's settings are in ${configPath}; edit them and run: crowdheat run --config_path ${configPath}`);
      return 0;
    } finally {
      reporter.finish();
    }
  },
};
