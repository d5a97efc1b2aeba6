/**
 * Commands over a stored analysis (`crowdheat.duckdb`), without its source:
 *
 * - `crowdheat export parquet OUTPUT_DIR_OR_STORE [--out DIR]`: frames.parquet, detections.parquet;
 * - `crowdheat recount OUTPUT_DIR_OR_STORE [--period P] [--timezone TZ] [--from ISO] [--to ISO]
 *   [--set SECTION.KEY=VALUE ...] [--out DIR]`: the period outputs again, for a time range and
 *   other grid, counting or output settings.
 */
import { dirname, join, resolve } from 'node:path';
import { showValue } from '../../src-shared/messages.js';
import { parseIsoWithOffset, timeClockOf } from '../../src-shared/periods/time-base.js';
import { frameSpanMs, timeRangeProblem } from '../../src-shared/periods/range.js';
import { parseOverrideValue, type SettingOverride } from '../../src-shared/settings/index.js';
import { recountSettings } from '../store/settings.js';
import { makeFolder, writeFileAtomic } from '../sinks/atomic.js';
import { writePeriodOutputs } from '../sinks/period-outputs.js';
import { addBusiest, periodOf, rangeLabel, timeZoneOf } from '../sinks/store.js';
import { StoreReader } from '../store/store.js';
import { periodView } from '../store/views.js';
import { LocalClock } from '../../src-shared/periods/buckets.js';
import type { RunSummary } from '../pipeline/types.js';
import { parseFlagsAndPositionals, UsageError, type CliCommand, type CliContext } from './command.js';

const EXPORT_HELP = `Usage: crowdheat export parquet OUTPUT_DIR_OR_STORE [--out DIR]

Writes the stored analysis's frames and detections as frames.parquet and detections.parquet
(pandas.read_parquet, polars.read_parquet and duckdb read them), from crowdheat.duckdb in
OUTPUT_DIR (or the store file named), without reading the source again.

Flags:
  --out DIR    where to write them (default: OUTPUT_DIR, beside the store)
  -h, --help   this help`;

export const exportCommand: CliCommand = {
  summary: 'export a stored analysis (export parquet OUTPUT_DIR) as Parquet files',
  help: EXPORT_HELP,
  async run(args: string[], context: CliContext): Promise<number> {
    const { values, positionals } = parseFlagsAndPositionals('export', args, {
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      context.stdout.write(`${EXPORT_HELP}\n`);
      return 0;
    }
    const [format, target, ...rest] = positionals;
    if (format !== 'parquet') {
      throw new UsageError(format === undefined ? 'say what to export: export parquet OUTPUT_DIR' : `cannot export as ${JSON.stringify(showValue(format))}: only parquet`, 'export');
    }
    if (target === undefined) throw new UsageError('name the output folder or store to export', 'export');
    if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(showValue(rest[0]))}`, 'export');
    const store = await StoreReader.open(resolve(context.cwd, target));
    try {
      const out = values.out === undefined ? dirname(store.path) : resolve(context.cwd, values.out);
      // The run's own folder maker: a folder that cannot be made is one line and exit 2, and /proc never hangs it.
      await makeFolder(out, context.signal, '--out');
      const files = await store.exportParquet(out);
      for (const file of files) context.stdout.write(`${file}\n`);
    } finally {
      store.close();
    }
    return 0;
  },
};

const RECOUNT_HELP = `Usage: crowdheat recount OUTPUT_DIR_OR_STORE [flags]

Computes the period outputs again from a stored analysis (crowdheat.duckdb), without its source:
for a time range, by other buckets, or with other grid, counting or colour settings. Writes
heatmap_period.png/.npy, and with a period periods/*.png, heatmap_buckets.npy and buckets.csv,
plus recount.json (settings used, busiest moment and place), into --out.

Flags:
  --period none|hour|day|<N>min   output_settings.period (default: the run's)
  --timezone NAME                 output_settings.timezone, an IANA name (default: the run's)
  --from ISO, --to ISO            only frames at or after --from and before --to
                                  (ISO 8601 with offset, e.g. 2026-11-23T09:00:00+09:00)
  --set SECTION.KEY=VALUE         any grid, counting or output setting, as for crowdheat run,
                                  e.g. --set heat_map_settings.grid_num_h=96; repeatable
  --out DIR                       where to write (default: OUTPUT_DIR/recount)
  -h, --help                      this help`;

function timeFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseIsoWithOffset(text);
  if (Number.isNaN(ms)) {
    throw new UsageError(`--${flag} ${JSON.stringify(showValue(text))}: expected ISO 8601 with an offset, e.g. 2026-11-23T09:00:00+09:00`, 'recount');
  }
  return ms;
}

export const recountCommand: CliCommand = {
  summary: 'period outputs again from a stored analysis, for a time range or other grid settings',
  help: RECOUNT_HELP,
  async run(args: string[], context: CliContext): Promise<number> {
    const { values, positionals } = parseFlagsAndPositionals('recount', args, {
      period: { type: 'string' },
      timezone: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      context.stdout.write(`${RECOUNT_HELP}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('name one output folder or store to re-count', 'recount');
    const overrides: SettingOverride[] = [];
    if (values.period !== undefined) overrides.push({ key: 'output_settings.period', value: values.period, label: '--period' });
    if (values.timezone !== undefined) overrides.push({ key: 'output_settings.timezone', value: values.timezone, label: '--timezone' });
    for (const assignment of values.set ?? []) {
      const equals = assignment.indexOf('=');
      if (equals <= 0) throw new UsageError(`--set ${showValue(assignment)}: expected SECTION.KEY=VALUE`, 'recount');
      const key = assignment.slice(0, equals).trim();
      overrides.push({ key, value: parseOverrideValue(key, assignment.slice(equals + 1)), label: `--set ${key}` });
    }
    const fromMs = timeFlag('from', values.from);
    const toMs = timeFlag('to', values.to);
    const rangeProblem = timeRangeProblem(fromMs, toMs, { from: '--from', to: '--to' }, (ms) => (ms === fromMs ? values.from ?? '' : values.to ?? ''));
    if (rangeProblem !== null) throw new UsageError(rangeProblem, 'recount');

    const store = await StoreReader.open(resolve(context.cwd, positionals[0]));
    try {
      const settings = recountSettings(store.meta.settings, overrides);
      const frames = await store.frames();
      if ((fromMs !== undefined || toMs !== undefined) && frames.timeMs === null) {
        throw new UsageError('--from and --to need times, and this analysis has no time base (no T, metadata_fps or video)', 'recount');
      }
      if (periodOf(settings).kind !== 'none' && frames.timeMs === null) {
        // As a run warns (period-without-time-base): the buckets are left out, not silently.
        context.stderr.write(
          `crowdheat: warning: output_settings.period is ${settings.output_settings.period} but this analysis has no time base ` +
            '(no T, no local_data_settings.metadata_fps, no video): only the whole period is written, in person-frames\n',
        );
      }
      // The folder before the counting: one that cannot be made is said before any work.
      const out = values.out === undefined ? join(dirname(store.path), 'recount') : resolve(context.cwd, values.out);
      await makeFolder(out, context.signal, '--out');
      const timeZone = timeZoneOf(settings);
      const started = performance.now();
      const view = await periodView(store, frames, {
        params: settings.heat_map_settings.params,
        period: periodOf(settings),
        timeZone,
        ...(fromMs === undefined ? {} : { fromMs }),
        ...(toMs === undefined ? {} : { toMs }),
      });
      const clock = new LocalClock(timeZone);
      const span = frameSpanMs(frames.timeMs, frames.durationMs);
      if ((fromMs !== undefined || toMs !== undefined) && view.frames === 0 && span !== null) {
        // A range beside the data (a wrong day or offset) would otherwise give all-zero outputs without a word.
        context.stderr.write(
          `crowdheat: warning: --from ${values.from ?? '(start)'} --to ${values.to ?? '(end)'} holds none of the analysis's frames ` +
            `(they span ${clock.iso(span.fromMs)} to ${clock.iso(span.toMs)}); the outputs are empty\n`,
        );
      }
      const timeClock = timeClockOf(store.meta.time_base, settings.data_source_settings.local_data_settings.start_time);
      const label = fromMs !== undefined || toMs !== undefined
        ? `${values.from ?? 'start'} to ${values.to ?? 'end'}`
        : rangeLabel(frames, (ms) => clock.iso(ms), timeClock);
      const outputs = await writePeriodOutputs(out, view, {
        output: settings.output_settings,
        imageSize: { width: settings.heat_map_settings.params.image_size_h, height: settings.heat_map_settings.params.image_size_v },
        timeZone,
        label,
        elapsed: timeClock === 'elapsed',
        zones: settings.zones,
      });
      const report: Pick<RunSummary, 'busiest_moment' | 'busiest_place'> & Record<string, unknown> = {
        store: store.path,
        parameters: settings.heat_map_settings.params,
        period: settings.output_settings.period,
        timezone: timeZone,
        from: values.from ?? null,
        to: values.to ?? null,
        unit: view.unit,
        frames: view.frames,
        detections: view.detections,
        buckets: view.buckets?.starts.length ?? 0,
        wall_time_s: Math.round(performance.now() - started) / 1000,
        outputs: [...outputs, 'recount.json'],
      };
      addBusiest(report, view);
      await writeFileAtomic(join(out, 'recount.json'), JSON.stringify(report, null, 2) + '\n');
      context.stdout.write(`re-counted ${view.frames} frames (${view.detections} detections) into ${out}\n`);
    } finally {
      store.close();
    }
    return 0;
  },
};
