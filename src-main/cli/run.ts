/**
 * `crowdheat run`: a settings file (the sample's heat_map_app.yaml, or crowdheat's export),
 * flags over single settings, then the pipeline with a progress line and a closing summary.
 */
import { resolve } from 'node:path';
import { parseOverrideValue, validateSettings, type SettingOverride } from '../../src-shared/settings/index.js';
import { readSettingsFile } from '../settings-file.js';
import { defaultCacheDir } from '../console/cache-dir.js';
import { parseFlags, UsageError, type CliCommand, type CliContext } from './command.js';
import { formatSummary, ProgressReporter } from './progress.js';

/** Flags that set one setting each, with the setting's dotted key. */
const SETTING_FLAGS = {
  mode: 'data_source_settings.mode',
  meta_file: 'data_source_settings.local_data_settings.meta_file',
  video_file: 'data_source_settings.local_data_settings.video_file',
  meta_format: 'data_source_settings.local_data_settings.meta_format',
  output_dir: 'output_settings.output_dir',
  counting: 'heat_map_settings.counting',
  cmap: 'output_settings.cmap',
  last_valid_frame: 'heat_map_settings.last_valid_frame',
  number_of_add_grid: 'heat_map_settings.number_of_add_grid',
} as const;

const OPTIONS = {
  config_path: { type: 'string' },
  config: { type: 'string' },
  ...(Object.fromEntries(Object.keys(SETTING_FLAGS).map((flag) => [flag, { type: 'string' }])) as Record<
    keyof typeof SETTING_FLAGS,
    { type: 'string' }
  >),
  bbox2pix: { type: 'boolean' },
  'no-bbox2pix': { type: 'boolean' },
  set: { type: 'string', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

type RunFlags = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

const HELP = `Usage: crowdheat run [--config_path FILE] [flags]

Reads the settings file (the AITRIOS heat map sample's heat_map_app.yaml works unchanged),
applies the flags over it, and writes the outputs under output_settings.output_dir.
Without --config_path the defaults are used, so flags alone can describe a run:
  crowdheat run --meta_file input/sample.csv --video_file input/sample.mp4

Flags:
  --config_path FILE, --config FILE   settings file (YAML); relative paths in it resolve
                                      against the directory you run crowdheat in
  --mode console|local                data_source_settings.mode
  --meta_file FILE                    local_data_settings.meta_file
  --video_file FILE                   local_data_settings.video_file ("" for none)
  --meta_format auto|seed_csv|mot|inference_json
                                      local_data_settings.meta_format
  --output_dir DIR                    output_settings.output_dir
  --counting exact|legacy             heat_map_settings.counting
  --cmap NAME                         output_settings.cmap (a Matplotlib colormap)
  --last_valid_frame N                heat_map_settings.last_valid_frame (0: all frames so far)
  --number_of_add_grid N              heat_map_settings.number_of_add_grid
  --bbox2pix, --no-bbox2pix           heat_map_settings.bbox2pix: count points, or whole boxes
  --set SECTION.KEY=VALUE             any setting, VALUE read as YAML; repeatable, e.g.
                                      --set output_settings.transparency=0.6
                                      --set heat_map_settings.class_ids=[0]
  -q, --quiet                         print nothing but errors
  -h, --help                          this help

Flags are checked like values in the file. Ctrl-C cancels the run (exit code 130).
In mode console, what is fetched is kept in the Console cache (the folder CROWDHEAT_CACHE_DIR,
else the user's cache folder) and not fetched again; see crowdheat console cache.`;

function overridesOf(flags: RunFlags): SettingOverride[] {
  const overrides: SettingOverride[] = [];
  for (const [flag, key] of Object.entries(SETTING_FLAGS)) {
    const text = flags[flag as keyof typeof SETTING_FLAGS];
    if (text !== undefined) overrides.push({ key, value: parseOverrideValue(key, text), label: `--${flag}` });
  }
  if (flags.bbox2pix === true && flags['no-bbox2pix'] === true) {
    throw new UsageError('--bbox2pix and --no-bbox2pix contradict each other', 'run');
  }
  if (flags.bbox2pix === true || flags['no-bbox2pix'] === true) {
    const label = flags.bbox2pix === true ? '--bbox2pix' : '--no-bbox2pix';
    overrides.push({ key: 'heat_map_settings.bbox2pix', value: flags.bbox2pix === true, label });
  }
  for (const assignment of flags.set ?? []) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw new UsageError(`--set ${assignment}: expected SECTION.KEY=VALUE`, 'run');
    const key = assignment.slice(0, equals).trim();
    overrides.push({ key, value: parseOverrideValue(key, assignment.slice(equals + 1)), label: `--set ${key}` });
  }
  return overrides;
}

function configPathOf(flags: RunFlags): string | null {
  const { config_path: configPath, config } = flags;
  if (configPath !== undefined && config !== undefined && configPath !== config) {
    throw new UsageError('--config_path and --config name different files; give one', 'run');
  }
  return configPath ?? config ?? null;
}

export const runCommand: CliCommand = {
  summary: 'analyse detections with a settings file and flags',
  help: HELP,
  async run(args: string[], context: CliContext): Promise<number> {
    const { values: flags } = parseFlags('run', args, OPTIONS);
    if (flags.help === true) {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (args.every((arg) => arg === '--quiet' || arg === '-q')) {
      throw new UsageError('nothing to analyse: give --config_path FILE, or --meta_file FILE', 'run');
    }
    const reporter = new ProgressReporter(context.stderr, { quiet: flags.quiet === true });
    const read = await readSettingsFile(configPathOf(flags), context.cwd, overridesOf(flags));
    validateSettings(read.settings, read.origins);
    for (const warning of read.warnings) reporter.warn(warning);

    // Loaded only now, so that a settings error is reported without loading the pipeline. The
    // run happens in the worker process, like the app's: Ctrl-C cancels it there, and a stuck
    // ffmpeg is ended with the worker's process group.
    const { runInWorker } = await import('../pipeline/worker-client.js');
    try {
      const summary = await runInWorker(read.settings, {
        signal: context.signal,
        cwd: context.cwd,
        // Console data is kept in the user's cache folder, shared by runs whatever their output_dir.
        ...(read.settings.data_source_settings.mode === 'console' ? { consoleCacheDir: defaultCacheDir(context.env) } : {}),
        onProgress: (progress) => reporter.update(progress),
        onWarning: (warning) => reporter.warn(warning.message),
      });
      reporter.finish();
      reporter.say(formatSummary(summary, resolve(context.cwd, read.settings.output_settings.output_dir)));
      return 0;
    } finally {
      reporter.finish();
    }
  },
};
