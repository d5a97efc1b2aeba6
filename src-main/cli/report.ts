/** `crowdheat report OUTPUT_DIR`: one self-contained report.html from a run's output folder. */
import { resolve } from 'node:path';
import { parseFlags, UsageError, type CliCommand, type CliContext } from './command.js';

const HELP = `Usage: crowdheat report OUTPUT_DIR

Writes OUTPUT_DIR/report.html from the files a run wrote there (summary.json, heatmap.png,
zones.csv, people.csv; heatmap_period.png, periods/*.png and buckets.csv when present): one
self-contained page (pictures, chart and style inline; nothing from the network) with the
heatmap and the zones, the busiest moment and place, people over time, the zone table, the
time range and gaps, and the settings used. It prints on A4 and Letter.

Flags:
  -h, --help   this help`;

const OPTIONS = { help: { type: 'boolean', short: 'h' } } as const;

export const reportCommand: CliCommand = {
  summary: 'write OUTPUT_DIR/report.html, a one-page report of a run',
  help: HELP,
  async run(args: string[], context: CliContext): Promise<number> {
    const flagArgs = args.filter((arg) => arg.startsWith('-'));
    const positionals = args.filter((arg) => !arg.startsWith('-'));
    const { values } = parseFlags('report', flagArgs, OPTIONS);
    if (values.help === true) {
      context.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('give one OUTPUT_DIR (the output_dir of a run)', 'report');
    const { writeReport } = await import('../report/build.js');
    const result = await writeReport(resolve(context.cwd, positionals[0]));
    context.stdout.write(`${result.path} (${(result.bytes / 1e6).toFixed(2)} MB)\n`);
    return 0;
  },
};
