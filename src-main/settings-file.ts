/**
 * Settings files on disk. Relative paths (the main file, its param_file) resolve against the
 * directory the command runs in, as in the sample; the paths inside Settings stay as written
 * and the pipeline resolves them against the same directory.
 *
 * Every settings file (the main YAML, its param_file, the Console's access settings, a file the
 * app imports) is read through `readSettingsFileText`: only a regular file, at most
 * `MAX_SETTINGS_BYTES` (1 MB), asynchronously and without blocking on a FIFO, so that
 * `/dev/zero`, `/dev/urandom`, a named pipe or a folder is one clear line, not a hang.
 */
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../src-shared/errors.js';
import { showValue } from '../src-shared/messages.js';
import {
  readSettings,
  validateSettings,
  type SettingOverride,
  type Settings,
  type SettingsRead,
} from '../src-shared/settings/index.js';
import { MAX_SETTINGS_BYTES } from '../src-shared/settings/yaml.js';

export { MAX_SETTINGS_BYTES };

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'ENOTDIR') return 'part of the path is a file, not a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many symbolic links (a loop?)';
  if (code === 'ENAMETOOLONG') return 'the path is too long';
  return code === undefined ? 'cannot be read' : `cannot be read (${code})`;
}

/** What a non-regular file is, in words, for the message refusing it. */
function kindOf(found: Stats): string {
  if (found.isDirectory()) return 'a folder';
  if (found.isFIFO()) return 'a named pipe (FIFO)';
  if (found.isCharacterDevice() || found.isBlockDevice()) return 'a device';
  if (found.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A path in a message is cut after this many characters (a message stays within 300). */
const MAX_SHOWN_PATH = 120;

// O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; Windows has neither.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a settings file named as written in `path` (relative to `cwd`), as UTF-8 text.
 *
 * Throws InputError (one line naming the path, and where it looked if relative) when the file
 * is missing or unreadable, is not a regular file (folder, device such as /dev/zero, FIFO,
 * socket), or is larger than `MAX_SETTINGS_BYTES`. Reads at most that many bytes whatever the
 * file claims, so a file growing while read cannot make it read more.
 */
export async function readSettingsFileText(path: string, cwd: string): Promise<string> {
  const absolute = resolve(cwd, path);
  const shown = `"${showValue(path, MAX_SHOWN_PATH)}"`;
  const lookedIn = isAbsolute(path) ? '' : ` (looked for "${showValue(absolute, MAX_SHOWN_PATH)}")`;
  const refuse = (why: string) => new InputError(`${shown}: ${why}${lookedIn}`);
  let handle: FileHandle | undefined;
  try {
    // stat first: it opens nothing, so a FIFO is refused before anything could wait on it.
    const checked = await stat(absolute).catch((error: unknown) => {
      throw refuse(reasonOf(error));
    });
    if (!checked.isFile()) throw refuse(`is ${kindOf(checked)}, not a settings file`);
    handle = await open(absolute, OPEN_FLAGS).catch((error: unknown) => {
      throw refuse(reasonOf(error));
    });
    const opened = await handle.stat();
    if (!opened.isFile()) throw refuse(`is ${kindOf(opened)}, not a settings file`);
    const tooLarge = refuse(`is larger than ${MAX_SETTINGS_BYTES} bytes (1 MB), too large for a settings file`);
    if (opened.size > MAX_SETTINGS_BYTES) throw tooLarge;
    const buffer = Buffer.alloc(MAX_SETTINGS_BYTES + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled).catch((error: unknown) => {
        throw refuse(reasonOf(error));
      });
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > MAX_SETTINGS_BYTES) throw tooLarge;
    return buffer.toString('utf8', 0, filled);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Reads settings from `main` (its text and the path messages name it by) and the param file it
 * names, which is read with `readSettingsFileText` relative to `cwd`. `readSettings` asks for the
 * param file synchronously, so the file is read first: a first pass finds its name, the file is
 * read, and a second pass uses it (each pass parses at most 1 MB).
 *
 * `typeProblems`, when given, collects the values of the wrong type instead of throwing at the
 * first (as `readSettings` does; the app's import), from the pass that succeeds only.
 */
export async function readSettingsWithParamFile(
  main: { text: string; path: string } | null,
  cwd: string,
  overrides: readonly SettingOverride[] = [],
  typeProblems?: string[],
): Promise<SettingsRead> {
  const files = new Map<string, string>();
  for (;;) {
    let wanted: string | undefined;
    const found: string[] | undefined = typeProblems === undefined ? undefined : [];
    try {
      const read = readSettings(
        main,
        (paramFile) => {
          const text = files.get(paramFile);
          if (text !== undefined) return text;
          wanted = paramFile;
          throw new ParamFileNotReadYet();
        },
        overrides,
        found,
      );
      if (found !== undefined) typeProblems?.push(...found);
      return read;
    } catch (error) {
      // readSettings wraps the reader's error; `wanted` says whether it was this pass's request.
      if (wanted === undefined || files.has(wanted)) throw error;
    }
    try {
      files.set(wanted, await readSettingsFileText(wanted, cwd));
    } catch (error) {
      throw error instanceof InputError ? new InputError(`heat_map_settings.param_file: ${error.message}`) : error;
    }
  }
}

/** Thrown inside a first pass of `readSettingsWithParamFile`; never escapes it. */
class ParamFileNotReadYet extends Error {}

/**
 * Reads settings without validating them, so the caller can apply overrides first and then
 * call `validateSettings(read.settings, read.origins)`. `path` null means defaults plus overrides.
 */
export async function readSettingsFile(
  path: string | null,
  cwd: string,
  overrides: readonly SettingOverride[] = [],
): Promise<SettingsRead> {
  const main = path === null ? null : { text: await readSettingsFileText(path, cwd), path };
  return readSettingsWithParamFile(main, cwd, overrides);
}

/** Reads and validates a settings file (the sample's heat_map_app.yaml or crowdheat's export). */
export async function loadSettingsFile(path: string, cwd: string): Promise<{ settings: Settings; warnings: string[] }> {
  const { settings, warnings, origins } = await readSettingsFile(path, cwd);
  validateSettings(settings, origins);
  return { settings, warnings };
}
