/**
 * Files dropped on the window in a browser: a web page sees no paths, so it sends the file's
 * bytes and the web host keeps a copy the back end can read like any other file.
 *
 * Each upload gets a folder of its own (equal names never meet) under the host's work folder,
 * which the host deletes when it closes. The bytes are streamed to disk (videos are large)
 * under a temporary name and renamed when complete, so a failed or aborted upload leaves nothing.
 * One upload may be at most MAX_UPLOAD_BYTES; the copies kept are bounded too (UploadStore).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CrowdheatError } from '../../src-shared/errors.js';
import { temporaryPathFor } from '../sinks/atomic.js';

/** Largest file one upload may carry (bytes): an hour of 1080p camera video fits. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/** Most bytes of uploads kept at once; older copies are deleted first to stay under it. */
export const MAX_KEPT_UPLOAD_BYTES = 4 * 1024 ** 3;

/** An upload longer than the cap; the host answers 413. */
export class UploadTooLargeError extends CrowdheatError {
  override readonly name = 'UploadTooLarge';
  constructor(
    fileName: string,
    readonly limitBytes: number,
  ) {
    super(`${fileName}: larger than the ${formatSize(limitBytes)} an upload may be; give its path instead`);
  }
}

function formatSize(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Passes bytes through, failing with UploadTooLargeError past `limit`. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly fileName: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) done(new UploadTooLargeError(this.fileName, this.limit));
    else done(null, chunk);
  }
}

/** Code points, so that names in any script stay under the 255-byte limit of common file systems. */
const MAX_NAME_LENGTH = 60;
const MAX_EXTENSION_LENGTH = 10;
/** Characters Windows forbids in names; the others are fine on every system crowdheat ships for. */
const FORBIDDEN = new Set(['<', '>', ':', '"', '|', '?', '*']);

/**
 * `name` made a plain file name: its last path segment only (no `..` or folders), without
 * control or forbidden characters, leading dots (hidden files) or trailing dots and spaces,
 * shortened with its extension kept. The video's name is kept because outputs are named after it.
 */
export function safeUploadName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  const cleaned = Array.from(last, (char) => (char.charCodeAt(0) < 0x20 || char === '\u007f' || FORBIDDEN.has(char) ? '_' : char))
    .join('')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  const chars = Array.from(cleaned);
  if (chars.length === 0) return 'upload';
  if (chars.length <= MAX_NAME_LENGTH) return cleaned;
  const extension = extname(cleaned);
  const kept = Array.from(extension).length <= MAX_EXTENSION_LENGTH ? extension : '';
  return chars.slice(0, MAX_NAME_LENGTH - Array.from(kept).length).join('') + kept;
}

/**
 * Streams `body` into `root/<random>/<safe name>`; resolves with that path once it is complete.
 * More than `maxBytes` is an UploadTooLargeError, and like any failure leaves nothing behind.
 */
export async function receiveUpload(root: string, name: string, body: Readable, maxBytes = MAX_UPLOAD_BYTES): Promise<string> {
  return (await receive(root, name, body, maxBytes)).path;
}

async function receive(root: string, name: string, body: Readable, maxBytes: number): Promise<{ path: string; bytes: number }> {
  const folder = join(root, randomBytes(8).toString('hex'));
  const path = join(folder, safeUploadName(name));
  const temporary = temporaryPathFor(path);
  const limit = new ByteLimit(maxBytes, safeUploadName(name));
  try {
    await mkdir(folder, { recursive: true });
    await pipeline(body, limit, createWriteStream(temporary, { flags: 'wx' }));
    await rename(temporary, path);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return { path, bytes: limit.bytes };
}

/**
 * The web host's uploads: each at most `maxBytes`; a new copy replaces an earlier one of the same
 * name (that one is deleted), and the oldest copies are deleted while all of them together are
 * over `maxKeptBytes` (the newest is always kept). `clear` deletes them all.
 */
export class UploadStore {
  private readonly kept: { path: string; bytes: number }[] = [];

  constructor(
    readonly root: string,
    readonly maxBytes: number = MAX_UPLOAD_BYTES,
    readonly maxKeptBytes: number = MAX_KEPT_UPLOAD_BYTES,
  ) {}

  /** Receives one upload (see receiveUpload) and drops the copies it replaces or crowds out. */
  async receive(name: string, body: Readable): Promise<string> {
    const received = await receive(this.root, name, body, this.maxBytes);
    const safe = safeUploadName(name);
    const stale = this.kept.filter((entry) => basename(entry.path) === safe);
    const remaining = this.kept.filter((entry) => !stale.includes(entry));
    remaining.push(received);
    let total = remaining.reduce((sum, entry) => sum + entry.bytes, 0);
    while (remaining.length > 1 && total > this.maxKeptBytes) {
      const oldest = remaining.shift() as { path: string; bytes: number };
      stale.push(oldest);
      total -= oldest.bytes;
    }
    this.kept.splice(0, this.kept.length, ...remaining);
    await Promise.all(stale.map((entry) => rm(dirname(entry.path), { recursive: true, force: true })));
    return received.path;
  }

  /** The copies kept now, oldest first. */
  get paths(): string[] {
    return this.kept.map((entry) => entry.path);
  }

  async clear(): Promise<void> {
    this.kept.splice(0);
    await rm(this.root, { recursive: true, force: true });
  }
}
