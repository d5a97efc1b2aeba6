/**
 * What every command of the command line is: a name in the dispatcher's table, a line of
 * help, and a function from its arguments to an exit code. Argument errors are `UsageError`s,
 * printed with a pointer to the command's help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CrowdheatError } from '../../src-shared/errors.js';
import type { TextStream } from './progress.js';

export interface CliContext {
  /** Directory relative paths resolve against (the one the command runs in). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: TextStream;
  stderr: TextStream;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

export interface CliCommand {
  /** One line for the command list. */
  summary: string;
  /** The full help: usage line and flags. */
  help: string;
  /** Returns the exit code; throws CrowdheatError for problems the user can act on. */
  run(args: string[], context: CliContext): Promise<number>;
}

/** The command line was malformed (unknown flag, missing value). Exit code 2. */
export class UsageError extends CrowdheatError {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose help to point at, or '' for the general help. */
    readonly command: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with its errors turned into short UsageErrors. */
export function parseFlags<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

/**
 * node:util parseArgs for a command that also takes positional arguments (`recount OUTPUT_DIR`):
 * `{ values, positionals }`; its errors are the same short UsageErrors as parseFlags's
 * (`unknown option --bogus`), never node's own wording.
 */
export function parseFlagsAndPositionals<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted.split(' ')[0];
      if (message.includes('does not take an argument')) return `option ${option} takes no value`;
      // Followed by something that looks like an option, e.g. a negative number.
      if (message.includes('ambiguous')) return `option ${option} needs a value (write ${option}=VALUE for a value starting with -)`;
      return `option ${option} needs a value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)}`;
    default:
      return message.split('\n')[0];
  }
}
