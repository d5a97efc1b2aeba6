/**
 * The command line: `crowdheat <command> [flags]`. Argument handling and error reporting
 * only; the commands call the same back-end functions as the desktop app.
 *
 * Errors a user can act on (CrowdheatError) print as one line, `crowdheat: <message>`, with
 * exit code 2 for settings, input and usage errors and 1 for the others; anything else is a
 * bug and says so (its stack only with CROWDHEAT_DEBUG=1). Ctrl-C cancels: exit code 130.
 */
import { readFileSync } from 'node:fs';
import { CancelledError, CrowdheatError, InputError, SettingsError } from '../src-shared/errors.js';
import { UsageError, type CliCommand, type CliContext } from './cli/command.js';
import { printedLine } from './cli/progress.js';

/**
 * The dispatcher's table: a new command is one line here. Commands load when used, so that
 * `--version` and a mistyped command answer without loading the whole back end.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  run: async () => (await import('./cli/run.js')).runCommand,
  demo: async () => (await import('./cli/demo.js')).demoCommand,
  console: async () => (await import('./console/command.js')).consoleCommand,
  serve: async () => (await import('./host/serve.js')).serveCliCommand,
  export: async () => (await import('./cli/store-commands.js')).exportCommand,
  recount: async () => (await import('./cli/store-commands.js')).recountCommand,
  report: async () => (await import('./cli/report.js')).reportCommand,
  follow: async () => (await import('./cli/follow.js')).followCommand,
};

function commandNamed(name: string): (() => Promise<CliCommand>) | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const EXIT_CANCELLED = 130;

async function generalHelp(): Promise<string> {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length), 'help'.length);
  const lines: string[] = [];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(width)}  ${(await load()).summary}`);
  lines.push(`  ${'help'.padEnd(width)}  show this help, or a command's flags (crowdheat help run)`);
  return `crowdheat ${version()}: crowd heatmaps from people-detection metadata

Usage: crowdheat <command> [flags]
       crowdheat run --config_path config/heat_map_app.yaml
       crowdheat --help | --version

Commands:
${lines.join('\n')}

Exit codes: 0 done, 1 failed, 2 bad settings, input or arguments, 130 cancelled (Ctrl-C).`;
}

/** The package's version, read from the package.json above this module (in src-main/ or dist/src-main/). */
function version(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'crowdheat' && manifest.version !== undefined) return manifest.version;
    } catch {
      // Not at this depth; try the next.
    }
  }
  return 'unknown';
}

async function helpCommand(topic: string | undefined, context: CliContext): Promise<number> {
  if (topic === undefined) {
    context.stdout.write(`${await generalHelp()}\n`);
    return EXIT_OK;
  }
  const load = commandNamed(topic);
  if (load === undefined) throw new UsageError(`no command named ${JSON.stringify(topic)}`, '');
  context.stdout.write(`${(await load()).help}\n`);
  return EXIT_OK;
}

function exitCodeOf(error: CrowdheatError): number {
  if (error instanceof CancelledError) return EXIT_CANCELLED;
  if (error instanceof SettingsError || error instanceof InputError || error instanceof UsageError) return EXIT_USAGE;
  return EXIT_FAILURE;
}

function report(error: unknown, context: CliContext): number {
  if (error instanceof UsageError) {
    const help = error.command === '' ? 'crowdheat --help' : `crowdheat help ${error.command}`;
    context.stderr.write(`${printedLine('crowdheat: ', error.message, ` (see ${help})`)}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof CrowdheatError) {
    context.stderr.write(`${printedLine('crowdheat: ', error.message)}\n`);
    return exitCodeOf(error);
  }
  const message = error instanceof Error ? error.message : String(error);
  context.stderr.write(`${printedLine('crowdheat: internal error: ', message)}\n`);
  if (context.env.CROWDHEAT_DEBUG === '1' && error instanceof Error && error.stack !== undefined) {
    context.stderr.write(`${error.stack}\n`);
  }
  return EXIT_FAILURE;
}

async function dispatch(argv: string[], context: CliContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    context.stderr.write(`${await generalHelp()}\n`);
    return EXIT_USAGE;
  }
  if (first === 'help' || first === '--help' || first === '-h') return helpCommand(rest[0], context);
  if (first === '--version' || first === '-V') {
    context.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const load = commandNamed(first);
  if (load === undefined) {
    const known = [...Object.keys(COMMANDS), 'help'].join(', ');
    throw new UsageError(`unknown command ${JSON.stringify(first)}; commands: ${known}`, '');
  }
  return (await load()).run(rest, context);
}

/** Runs the command line; returns the exit code. Ctrl-C aborts the command's signal, a second one exits at once. */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_CANCELLED);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  const context: CliContext = {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  };
  try {
    return await dispatch(argv, context);
  } catch (error) {
    // A run stopped by Ctrl-C may fail in several ways on its way out; what the user sees is that it stopped.
    return report(controller.signal.aborted ? new CancelledError() : error, context);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
