/**
 * `crowdheat serve` started as a user starts it: the built command line in its own process, the
 * URL read from its first line, everything it prints kept for the tests to read. Needs the build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVE_BUILT = existsSync(join(ROOT, 'dist/src-main/cli.js')) && existsSync(join(ROOT, 'dist/renderer/index.html'));

export interface ServeProcess {
  /** The URL printed, token included. */
  readonly url: URL;
  readonly token: string;
  /** Everything printed on stdout and stderr so far. */
  output(): string;
  /** The back end's answer to a request, made with the session token beside any page. */
  api<T>(name: string, body: unknown): Promise<T>;
  /** SIGTERM, as Ctrl-C's sibling; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `crowdheat serve` in `cwd`. Its library of analyses is `cwd/.crowdheat-data` unless `env`
 * names one (CROWDHEAT_DATA_DIR), so tests never touch the user's app data folder and a second
 * start in the same `cwd` finds the first one's analyses.
 */
export async function startServe(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<ServeProcess> {
  const server: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/crowdheat'), 'serve', '--port', '0'], {
    cwd,
    env: { CROWDHEAT_DATA_DIR: join(cwd, '.crowdheat-data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed: string[] = [];
  server.stdout!.setEncoding('utf8');
  server.stderr!.setEncoding('utf8');
  server.stderr!.on('data', (text: string) => printed.push(text));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: server.stdout! });
    lines.once('line', (line) => {
      printed.push(`${line}\n`);
      // Later lines are kept too; the reader keeps consuming so the pipe never fills.
      lines.on('line', (next) => printed.push(`${next}\n`));
      resolve(line);
    });
    server.once('exit', (code) => reject(new Error(`crowdheat serve exited with ${code}: ${printed.join('')}`)));
  });
  const url = new URL(firstLine);
  return {
    url,
    token: url.searchParams.get('token') ?? '',
    output: () => printed.join(''),
    api: async <T>(name: string, body: unknown): Promise<T> => {
      const response = await fetch(`${url.origin}/api/${name}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${url.searchParams.get('token')}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    },
    stop: async () => {
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    },
  };
}
