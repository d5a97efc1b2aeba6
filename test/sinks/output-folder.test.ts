/**
 * Output folders and disks: every way a folder can be unusable is one line in words naming the
 * folder and what is in the way, in bounded time; a full disk names the file. Real folders,
 * devices, /proc and (as root) real tiny or read-only tmpfs mounts.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AtomicFile, makeFolder, OutputFolderError, prepareOutputFolder, writeFileAtomic, writeFileAtomicSync } from '../../src-main/sinks/atomic.js';
import { CrowdheatError, InputError } from '../../src-shared/errors.js';

const LABEL = 'output_settings.output_dir';
const never = new AbortController().signal;

/** Mounts a tmpfs at `path` with `options`; false where this process may not mount. */
function mountTmpfs(path: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function refusal(work: Promise<unknown>): Promise<Error> {
  const error = await work.then(
    () => new Error('expected a refusal'),
    (caught: Error) => caught,
  );
  expect(error.message).not.toContain('\n');
  return error;
}

describe('an output folder that cannot be used is one line in words', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'crowdheat-outdir-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('a file where the folder should be', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'mine');
    const error = await refusal(prepareOutputFolder(file, never, LABEL));
    expect(error).toBeInstanceOf(OutputFolderError);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${LABEL}: cannot create the folder ${file}: a file is in the way (EEXIST)`);
  });

  test('a folder below a file', async () => {
    const file = join(root, 'b-file');
    await writeFile(file, 'mine');
    const error = await refusal(prepareOutputFolder(join(file, 'out'), never, LABEL));
    expect(error.message).toBe(`${LABEL}: cannot create the folder ${join(file, 'out')}: part of the path is a file, not a folder (ENOTDIR)`);
  });

  test('/dev/null as the output folder', async () => {
    const error = await refusal(prepareOutputFolder('/dev/null', never, LABEL));
    expect(error.message).toBe(`${LABEL}: cannot create the folder /dev/null: a device is in the way (EEXIST)`);
  });

  test('a folder below a dangling symbolic link names the link and its missing target', async () => {
    const link = join(root, 'dangling');
    await symlink(join(root, 'gone'), link);
    const error = await refusal(prepareOutputFolder(join(link, 'out'), never, LABEL));
    expect(error.message).toBe(
      `${LABEL}: cannot create the folder ${join(link, 'out')}: ${link} is a symbolic link to ${join(root, 'gone')}, which does not exist`,
    );
  });

  test('/proc/1 exists but takes no files: refused at once, no spinning', async () => {
    const error = await refusal(prepareOutputFolder('/proc/1', never, LABEL));
    expect(error.message).toBe(`${LABEL}: cannot write into the folder /proc/1: this file system takes no new files here (ENOENT)`);
  });

  test('a folder under /proc/1 cannot be made: refused at once, no spinning', async () => {
    const error = await refusal(prepareOutputFolder('/proc/1/out/deeper', never, LABEL));
    expect(error.message).toBe(`${LABEL}: cannot create the folder /proc/1/out/deeper: /proc/1 does not allow folders in it (ENOENT)`);
  });

  test('missing parents are made one level at a time', async () => {
    const deep = join(root, 'x', 'y', 'z');
    await prepareOutputFolder(deep, never, LABEL);
    expect(await readdir(deep)).toEqual([]);
  });

  test('the app export and the run share the same words (one implementation)', async () => {
    const file = join(root, 'c-file');
    await writeFile(file, 'mine');
    const error = await refusal(makeFolder(file, never, 'export'));
    expect(error.message).toBe(`export: cannot create the folder ${file}: a file is in the way (EEXIST)`);
  });
});

describe('full and read-only disks (tmpfs mounts, as root)', () => {
  let root = '';
  let tiny = '';
  let readOnly = '';
  let mounted = false;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'crowdheat-disks-'));
    tiny = join(root, 'tiny');
    readOnly = join(root, 'ro');
    await mkdir(tiny);
    await mkdir(readOnly);
    mounted = mountTmpfs(tiny, 'size=64k') && mountTmpfs(readOnly, 'ro,size=64k');
  });
  afterAll(async () => {
    for (const path of [tiny, readOnly]) {
      try {
        execFileSync('umount', [path], { stdio: 'ignore' });
      } catch {
        // Not mounted.
      }
    }
    await rm(root, { recursive: true, force: true });
  });

  test('a read-only disk is refused before any work, in words', async (context) => {
    if (!mounted) context.skip();
    const error = await refusal(prepareOutputFolder(readOnly, never, LABEL));
    expect(error.message).toBe(`${LABEL}: cannot write into the folder ${readOnly}: the disk is read-only (EROFS)`);
    const below = await refusal(prepareOutputFolder(join(readOnly, 'out'), never, LABEL));
    expect(below.message).toBe(`${LABEL}: cannot create the folder ${join(readOnly, 'out')}: the disk is read-only (EROFS)`);
  });

  test('a full disk names the file, and leaves no partial file', async (context) => {
    if (!mounted) context.skip();
    const path = join(tiny, 'griddata.npy');
    const error = await refusal(writeFileAtomic(path, new Uint8Array(256 * 1024)));
    expect(error).toBeInstanceOf(CrowdheatError);
    expect(error.message).toBe(`cannot write ${path}: the disk is full (ENOSPC)`);
    expect(await readdir(tiny)).toEqual([]);
  });

  test('a full disk names the file in a synchronous atomic write too, and leaves no partial file', (context) => {
    if (!mounted) context.skip();
    const path = join(tiny, 'detect.json');
    let error: unknown = null;
    try {
      writeFileAtomicSync(path, new Uint8Array(256 * 1024));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(CrowdheatError);
    expect((error as Error).message).toBe(`cannot write ${path}: the disk is full (ENOSPC)`);
    expect(readdirSync(tiny)).toEqual([]);
  });

  test('a full disk during a file written in pieces synchronously names the file', async (context) => {
    if (!mounted) context.skip();
    const path = join(tiny, 'griddata.npy');
    const file = await AtomicFile.create(path);
    let error: unknown = null;
    try {
      for (let piece = 0; piece < 8; piece++) file.writeNow(new Uint8Array(32 * 1024));
    } catch (thrown) {
      error = thrown;
    }
    await file.discard();
    expect(error).toBeInstanceOf(CrowdheatError);
    expect((error as Error).message).toBe(`cannot write ${path}: the disk is full (ENOSPC)`);
    expect(await readdir(tiny)).toEqual([]);
  });

  test('a full disk during a file written in pieces names the file', async (context) => {
    if (!mounted) context.skip();
    const path = join(tiny, 'video.bin');
    const file = await AtomicFile.create(path);
    const error = await refusal(
      (async () => {
        for (let piece = 0; piece < 8; piece++) await file.write(new Uint8Array(32 * 1024));
      })(),
    );
    await file.discard();
    expect(error.message).toBe(`cannot write ${path}: the disk is full (ENOSPC)`);
    expect(await readdir(tiny)).toEqual([]);
  });
});
