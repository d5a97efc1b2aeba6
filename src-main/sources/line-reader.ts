/**
 * Lines of a text file, streamed: memory holds one chunk and one line, whatever the file's size.
 * Node's `readline` would do, but its async iterator has swallowed input-stream errors in past
 * Node releases; iterating the stream directly surfaces them.
 */
import { createReadStream } from 'node:fs';
import { InputError } from '../../src-shared/errors.js';
import { describeFileError } from './meta-format.js';
import type { ReadMeter } from './read-meter.js';

export interface TextLine {
  /** The line without its `\n` or `\r\n`. */
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
}

/** A line longer than this is not metadata (a binary file, or one without line breaks). */
const MAX_LINE_CHARS = 16 * 1024 * 1024;

/** The lines of `path`; `meter`, when given, is told the bytes read as each chunk arrives. */
export async function* readLines(path: string, meter?: ReadMeter): AsyncGenerator<TextLine> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let pending = '';
  let line = 0;
  let atStart = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      meter?.observe(stream.bytesRead);
      let text = pending + chunk;
      if (atStart && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      atStart = false;
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        line += 1;
        const stop = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
        yield { text: text.slice(start, stop), line };
        start = end + 1;
      }
      pending = text.slice(start);
      if (pending.length > MAX_LINE_CHARS) {
        throw new InputError(`${path}:${line + 1}: line longer than ${MAX_LINE_CHARS} characters; not a text metadata file`);
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw describeFileError(path, error);
  } finally {
    stream.destroy();
  }
  if (pending.length > 0) {
    yield { text: pending.endsWith('\r') ? pending.slice(0, -1) : pending, line: line + 1 };
  }
}
