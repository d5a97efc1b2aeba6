/**
 * Errors a user can act on. The command line prints their message alone (no stack trace) and
 * exits non-zero; the desktop app shows the message. Anything else that escapes is a bug.
 */
import { oneLine } from './messages.js';

export class CrowdheatError extends Error {
  override readonly name: string = 'CrowdheatError';

  /**
   * `message` is made one line of at most 300 characters: line breaks between sentences become
   * spaces, other control characters are escaped (`oneLine`), so no error a user sees can flood
   * the screen or drive the terminal, whatever value it quotes.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(oneLine(message.replace(/\s*[\r\n]+\s*/g, ' ').trim()), options);
  }
}

/** A setting is missing, malformed or out of range. The message names the key and the value. */
export class SettingsError extends CrowdheatError {
  override readonly name = 'SettingsError';
}

/** An input file or stream cannot be used at all. The message names the file. */
export class InputError extends CrowdheatError {
  override readonly name = 'InputError';
}

/**
 * An external program (ffmpeg) crashed, was killed, stopped making progress or never answered.
 * Not the user's settings or input: the command line exits 1, not 2.
 */
export class ProcessError extends CrowdheatError {
  override readonly name = 'ProcessError';
}

/** The run was cancelled by the user. */
export class CancelledError extends CrowdheatError {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

export function isCrowdheatError(error: unknown): error is CrowdheatError {
  return error instanceof CrowdheatError;
}
