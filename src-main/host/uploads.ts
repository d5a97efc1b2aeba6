/**
 * Files dropped on the window in a browser: a web page sees no paths, so it sends the file's
 * bytes and the web host keeps a copy the back end can read like any other file.
 *
 * Each upload gets a folder of its own (equal names never meet) under the host's work folder,
 * which the host deletes when it closes. The bytes are streamed to disk (videos are large)
 * under a temporary name and renamed when complete, so a failed or aborted upload leaves nothing.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { temporaryPathFor } from '../sinks/atomic.js';

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

/** Streams `body` into `root/<random>/<safe name>`; resolves with that path once it is complete. */
export async function receiveUpload(root: string, name: string, body: Readable): Promise<string> {
  const folder = join(root, randomBytes(8).toString('hex'));
  const path = join(folder, safeUploadName(name));
  const temporary = temporaryPathFor(path);
  try {
    await mkdir(folder, { recursive: true });
    await pipeline(body, createWriteStream(temporary, { flags: 'wx' }));
    await rename(temporary, path);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return path;
}
