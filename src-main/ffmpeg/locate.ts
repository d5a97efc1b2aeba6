/**
 * Which ffmpeg binary a run uses: the setting `output_settings.ffmpeg_path`, else the
 * environment variable `CROWDHEAT_FFMPEG`, else the binary bundled by `@ffmpeg-installer/ffmpeg`.
 */
import { access, chmod, constants, stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { InputError } from '../../src-shared/errors.js';

export const FFMPEG_ENV = 'CROWDHEAT_FFMPEG';

/** Binaries already seen to run, so a run checks its ffmpeg once, not once per process spawned. */
const verified = new Set<string>();

/**
 * The real place of a file of the packaged desktop app: electron-builder unpacks ffmpeg beside
 * `app.asar` (asarUnpack), while the package reports its path inside the archive, from which no
 * binary can be started.
 */
export function outsideAsar(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

export async function bundledFfmpegPath(): Promise<string> {
  let path: string;
  try {
    path = outsideAsar((await import('@ffmpeg-installer/ffmpeg')).default.path);
  } catch (error) {
    // The package throws a bare string when the platform's binary package is missing.
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `the bundled ffmpeg is missing (${reason}); set output_settings.ffmpeg_path or ${FFMPEG_ENV}`,
    );
  }
  await ensureExecutable(path);
  return path;
}

/**
 * npm can skip the package's postinstall chmod (e.g. `--ignore-scripts`), leaving the binary
 * without its execute bit; restore it rather than fail with a bare EACCES later.
 */
async function ensureExecutable(path: string): Promise<void> {
  try {
    await access(path, constants.X_OK);
    return;
  } catch {
    // fall through: try to repair the mode
  }
  try {
    const { mode } = await stat(path);
    await chmod(path, mode | 0o111);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `the bundled ffmpeg (${path}) is not executable and its mode cannot be fixed (${reason}); run chmod +x on it or set output_settings.ffmpeg_path`,
    );
  }
}

/** The ffmpeg to use for these settings, checked to run. */
export async function resolveFfmpeg(
  settingPath: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const configured = settingPath !== '' ? settingPath : (env[FFMPEG_ENV] ?? '');
  const path = configured !== '' ? configured : await bundledFfmpegPath();
  await verifyRuns(path);
  return path;
}

/** How long `ffmpeg -version` may take before the binary is judged not to be a working ffmpeg (ms). */
export const VERSION_DEADLINE_MS = 10_000;

/**
 * Runs `ffmpeg -version`; a binary that does not start, does not answer like ffmpeg or does not
 * answer within `deadlineMs` (it is then killed) is an InputError naming `ffmpeg_path`.
 */
export async function verifyRuns(path: string, deadlineMs: number = VERSION_DEADLINE_MS): Promise<void> {
  if (verified.has(path)) return;
  const reason = await new Promise<string | null>((resolvePromise) => {
    let output = '';
    const child = spawn(path, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      // Its own end, not its pipes': a child of a wrapper script may hold them open.
      child.stdout.destroy();
      child.stderr.destroy();
      resolvePromise(`no answer to -version within ${deadlineMs / 1000} s`);
    }, deadlineMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (output.length < 4096) output += chunk.toString('utf8');
    });
    child.stderr.resume();
    child.on('error', (error) => {
      clearTimeout(deadline);
      resolvePromise(error.message);
    });
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      if (code === 0 && output.startsWith('ffmpeg version')) resolvePromise(null);
      else if (code === 0) resolvePromise('it does not answer -version like ffmpeg');
      else resolvePromise(signal !== null ? `killed by ${signal}` : `exit code ${code}`);
    });
  });
  if (reason !== null) throw new InputError(`ffmpeg_path (${path}) does not run: ${reason}`);
  verified.add(path);
}
