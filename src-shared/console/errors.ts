import { CrowdheatError } from '../errors.js';

/**
 * Failures talking to the Console. Messages are one line a user can act on, and never carry
 * the client secret or an access token: the client scrubs both from anything it quotes.
 */
export class ConsoleError extends CrowdheatError {
  override readonly name: string = 'ConsoleError';
}

/** The Console answered with an error (`{result: "ERROR", code, message}`) after any retries. */
export class ConsoleApiError extends ConsoleError {
  override readonly name = 'ConsoleApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`Console: ${code}: ${detail} (HTTP ${status}, ${method} ${path})`);
  }
}

/** The authorization server refused the client id and secret. */
export class ConsoleCredentialsError extends ConsoleError {
  override readonly name = 'ConsoleCredentialsError';
}

/** No answer at all: refused connection, unknown host, reset or timeout, after any retries. */
export class ConsoleUnreachableError extends ConsoleError {
  override readonly name = 'ConsoleUnreachableError';
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${endpoint}: ${reason}`);
  }
}
