/**
 * Period views kept on disk beside an analysis: an answer the back end computed once (a week
 * by hour is 0.5–1 s of counting from the store) is read back in a few tens of milliseconds the
 * next time the same view is asked, also after a restart of the app or of `crowdheat serve`.
 * The analysis keeps its first views as it finishes (`Backend.analyse`), so that the whole
 * period and its buckets show at once when the analysis is opened.
 *
 * An answer is a pure function of the store's contents, the resolved counting settings, the
 * period, time zone and range, and of the code that counts (crowdheat's version and a
 * fingerprint of the code files it runs, `runningCodeFingerprint`). Its file is named by a SHA-256 of
 * all of these, the store taken as its file's size, modification and change times and inode
 * (and its WAL file's, if any), so a store changed in any way is a miss, never a stale answer:
 *
 * ```ts
 * const kept = new KeptViews(join(workDir, KEPT_VIEWS_DIR), '1.2.0');
 * const key = await kept.keyOf(storePath, { params, period, timeZone });
 * const answer = (await kept.get(key)) ?? compute();
 * await kept.put(key, answer);
 * ```
 *
 * Layout: `<analysis folder>/views/<64 hex>.json`, each one JSON `PeriodViewData` (src-shared/api.ts)
 * under `{ format, data }`. At most `KEPT_VIEWS_MAX` files and `KEPT_VIEWS_MAX_BYTES` together
 * per analysis: the least recently used go first (the one just kept always stays). A file that cannot be read or parsed, or
 * whose shape is wrong, is a miss and is removed; a temporary file a killed writer left
 * (`.<name>.<pid>-<tag>.partial`, its process gone: sinks/leftovers.ts) is removed as the next
 * view is kept.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeriodViewData } from '../../src-shared/api.js';
import { isPlainObject } from '../../src-shared/objects.js';
import type { Period } from '../../src-shared/periods/buckets.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { removeLeftoverPartials } from '../sinks/leftovers.js';

/** The folder of an analysis that holds its kept views. */
export const KEPT_VIEWS_DIR = 'views';
/** Raised whenever the counting of views changes what an answer holds: every kept view is then a miss. */
export const KEPT_VIEWS_FORMAT = 1;
/** The most kept views per analysis. */
export const KEPT_VIEWS_MAX = 16;
/** The most bytes of kept views per analysis (a week by hour at 192×108 is about 3 MB). */
export const KEPT_VIEWS_MAX_BYTES = 64 * 1024 * 1024;

const KEY_PATTERN = /^[0-9a-f]{64}\.json$/;
/** A first view's file (`put` with `first`): never removed as least recently used. */
const FIRST_PATTERN = /^[0-9a-f]{64}\.first\.json$/;
/**
 * The most first views kept per analysis: the whole period and its buckets of the store as it is
 * now (older ones, of an older store or crowdheat, go as newer ones are kept).
 */
export const KEPT_FIRST_VIEWS = 2;

/** What a period view is a function of, besides the store and the code. */
export interface KeptViewQuestion {
  params: GridParams;
  period: Period;
  timeZone: string;
  fromMs?: number;
  toMs?: number;
}

/** Files of the program's code: compiled (`.js`, `.mjs`, `.cjs`) or, in tests, its sources (`.ts`, `.cts`). */
const CODE_FILE = /\.[mc]?[jt]s$/;

/**
 * A SHA-256 (hex) of the code under `root`'s `src-main` and `src-shared` folders: every code file's
 * path (relative to `root`, `/`-separated) and bytes, in sorted order. Maps, images and other files
 * do not count.
 *
 * @throws when a folder or file cannot be read.
 */
export async function codeFingerprintOf(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of ['src-main', 'src-shared']) {
    const names = (await readdir(join(root, folder), { recursive: true })).filter((name) => CODE_FILE.test(name));
    const paths = names.map((name) => relative(root, join(root, folder, name)).split(sep).join('/')).sort();
    const contents = await Promise.all(paths.map((path) => readFile(join(root, path))));
    paths.forEach((path, at) => hash.update(`${path}\0${contents[at].length}\0`).update(contents[at]));
  }
  return hash.digest('hex');
}

let runningCode: Promise<string> | undefined;

/**
 * The fingerprint (`codeFingerprintOf`) of the code this process runs, from `dist/` when built
 * and from the sources in tests, computed once (about 1 MB read, as the module loads). A crowdheat built from other
 * code (a fix to the counting, the version number unchanged) so computes its views anew. An
 * empty string when the code cannot be read as files (then the version alone tells builds apart).
 */
export function runningCodeFingerprint(): Promise<string> {
  runningCode ??= codeFingerprintOf(join(dirname(fileURLToPath(import.meta.url)), '..', '..')).catch(() => '');
  return runningCode;
}
// Begun as the back end loads (about 0.1 s of reading and hashing), not when the first view is asked.
void runningCodeFingerprint();

/** The fields of `question` a view depends on, an absent end of the range as null. */
function questionFields(question: KeptViewQuestion): Record<string, unknown> {
  return { params: question.params, period: question.period, timeZone: question.timeZone, fromMs: question.fromMs ?? null, toMs: question.toMs ?? null };
}

/** True when `a` and `b` ask for the same view (the same settings, period, zone and range). */
export function sameQuestion(a: KeptViewQuestion, b: KeptViewQuestion): boolean {
  return sortedJson(questionFields(a)) === sortedJson(questionFields(b));
}

/** JSON text of `value` with every object's keys in sorted order, so equal values give equal text. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The file's size, modification and change times (ns) and inode, or `none` when it does not
 * exist. The change time (ctime) moves on with every write, rename or `touch` and cannot be set
 * back, so a store rewritten in place with its size and modification time put back (`cp` over
 * it, then `touch -r`), or copied from elsewhere, is another file here. (Not the device number:
 * it may change across reboots, which would make every kept view a miss.)
 */
async function fileIdentity(path: string): Promise<string> {
  try {
    const facts = await stat(path, { bigint: true });
    return `${facts.size}:${facts.mtimeNs}:${facts.ctimeNs}:${facts.ino}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
}

/**
 * The store at `storePath` as a file, with its WAL file: what a kept view's name holds of it
 * (`store:wal`, each `fileIdentity`). Taken as a store is opened, it tells whether the file is
 * still the one whose contents were read.
 *
 * @throws when a file cannot be looked at (other than missing).
 */
export async function storeIdentity(storePath: string): Promise<string> {
  const [store, wal] = await Promise.all([fileIdentity(storePath), fileIdentity(`${storePath}.wal`)]);
  return `${store}|${wal}`;
}

/**
 * True when `value` reads back from its JSON exactly: only finite numbers (not −0, which JSON
 * writes as 0), strings, booleans and null, in arrays and plain objects, no `undefined` anywhere.
 * Every field counts, not only the grids: a figure JSON cannot carry is not kept.
 */
function survivesJson(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    for (const item of value) if (!survivesJson(item)) return false;
    return true;
  }
  if (isPlainObject(value)) return Object.values(value).every(survivesJson);
  return value === null || typeof value === 'string' || typeof value === 'boolean';
}

/** True when `data` has the shape of a `PeriodViewData` whose grids fit its sizes. */
function isViewData(data: unknown): data is PeriodViewData {
  if (!isPlainObject(data)) return false;
  const { unit, columns, rows, whole, buckets, bucketColumns, bucketRows } = data;
  if ((unit !== 'person-seconds' && unit !== 'person-frames') || typeof columns !== 'number' || typeof rows !== 'number') return false;
  if (!Array.isArray(whole) || whole.length !== columns * rows || !Array.isArray(buckets)) return false;
  if (typeof bucketColumns !== 'number' || typeof bucketRows !== 'number') return false;
  return buckets.every((bucket) => isPlainObject(bucket) && Array.isArray(bucket.grid) && bucket.grid.length === bucketColumns * bucketRows);
}

export class KeptViews {
  /**
   * @param dir the analysis's `views` folder (made when the first view is kept; its parent must exist).
   * @param version the crowdheat version: a new version computes its views anew.
   * @param limits the most views and bytes kept (`KEPT_VIEWS_MAX`, `KEPT_VIEWS_MAX_BYTES` by default).
   */
  constructor(
    readonly dir: string,
    private readonly version: string,
    private readonly limits: { views: number; bytes: number } = { views: KEPT_VIEWS_MAX, bytes: KEPT_VIEWS_MAX_BYTES },
  ) {}

  /**
   * The name of the answer to `question` over the store at `storePath` as it is now.
   *
   * @throws when the store's file cannot be looked at (other than missing).
   */
  async keyOf(storePath: string, question: KeptViewQuestion): Promise<string> {
    const [store, code] = await Promise.all([storeIdentity(storePath), runningCodeFingerprint()]);
    const text = sortedJson({
      format: KEPT_VIEWS_FORMAT,
      version: this.version,
      code,
      // The time zone rules the buckets and the ISO times are computed with.
      tz: process.versions.tz ?? '',
      store,
      ...questionFields(question),
    });
    return createHash('sha256').update(text).digest('hex');
  }

  /** The answer kept under `key` (a view or a first view), or undefined (a file that is not a whole answer is removed). */
  async get(key: string): Promise<PeriodViewData | undefined> {
    return (await this.read(join(this.dir, `${key}.json`))) ?? (await this.read(join(this.dir, `${key}.first.json`)));
  }

  private async read(path: string): Promise<PeriodViewData | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const kept: unknown = JSON.parse(text);
      if (isPlainObject(kept) && kept.format === KEPT_VIEWS_FORMAT && isViewData(kept.data)) {
        const now = new Date();
        // Most recently used last to go.
        await utimes(path, now, now).catch(() => undefined);
        return kept.data;
      }
    } catch {
      // Not JSON: removed below, like a file of the wrong shape.
    }
    await rm(path, { force: true }).catch(() => undefined);
    return undefined;
  }

  /**
   * Keeps `data` under `key` (written whole or not at all), then removes the least recently
   * used views past `KEPT_VIEWS_MAX` or `KEPT_VIEWS_MAX_BYTES`. A `first` view (the views an
   * analysis is opened to) is kept apart from those, so that no number of other views pushes it
   * out: the newest `KEPT_FIRST_VIEWS` of them stay. An answer with a figure JSON cannot carry
   * (non-finite, −0, undefined) is not kept.
   *
   * @throws when the folder or the file cannot be written (the message names the file), or
   *   when the folder is not a folder of its own (a file, a symbolic link).
   */
  async put(key: string, data: PeriodViewData, first = false): Promise<void> {
    if (!survivesJson(data)) return;
    // Not recursive: an analysis deleted meanwhile is not brought back as an empty folder.
    await mkdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    // Only into a folder of the analysis's own: through a symbolic link, the views would outlive
    // the analysis (deleting it removes the link, not what it points to).
    if (!(await lstat(this.dir)).isDirectory()) throw new Error(`${this.dir} is not a folder`);
    await writeFileAtomic(join(this.dir, `${key}${first ? '.first' : ''}.json`), JSON.stringify({ format: KEPT_VIEWS_FORMAT, data }));
    await this.prune();
  }

  /** The files named by `pattern`, most recently used first. */
  private async newestFirst(names: string[], pattern: RegExp): Promise<Array<{ name: string; bytes: number }>> {
    const files = (
      await Promise.all(
        names
          .filter((name) => pattern.test(name))
          .map(async (name) => {
            const facts = await stat(join(this.dir, name)).catch(() => null);
            return facts === null ? null : { name, bytes: facts.size, usedMs: facts.mtimeMs };
          }),
      )
    ).filter((file) => file !== null);
    return files.sort((a, b) => b.usedMs - a.usedMs || a.name.localeCompare(b.name));
  }

  private async prune(): Promise<void> {
    // A write in flight belongs to a live process (this host's or another's): only a killed writer's file goes.
    await removeLeftoverPartials(this.dir, ['']);
    const all = await readdir(this.dir);
    let bytes = 0;
    for (const [at, file] of (await this.newestFirst(all, KEY_PATTERN)).entries()) {
      bytes += file.bytes;
      if (at >= this.limits.views || (at > 0 && bytes > this.limits.bytes)) await rm(join(this.dir, file.name), { force: true });
    }
    for (const file of (await this.newestFirst(all, FIRST_PATTERN)).slice(KEPT_FIRST_VIEWS)) await rm(join(this.dir, file.name), { force: true });
  }
}
