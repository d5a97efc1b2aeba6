/**
 * What a file handed to the app is, for drag and drop: a dropped file comes without a role, so
 * the back end tells a video, a metadata file (or inference-JSON folder) and settings YAML
 * apart by their content, never by their names (users rename files freely).
 *
 * Binary files are asked of ffmpeg. Text files are settings when they parse as YAML with a
 * section of the sample's `heat_map_app.yaml`, else metadata in whatever format they sniff as.
 * Text never goes to ffmpeg: its `tty` demuxer would take any `.txt` (a MOT `det.txt`) for a video.
 */
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { load } from 'js-yaml';
import type { InspectedFile } from '../../src-shared/api.js';
import { InputError } from '../../src-shared/errors.js';
import { probeVideo } from '../ffmpeg/probe.js';
import { inferenceFiles } from '../sources/inference-json.js';
import { sniffMetaFormat } from '../sources/meta-format.js';
import { isPlainObject } from '../../src-shared/objects.js';

/** Enough to tell text from binary and to see the start of a metadata file. */
const HEAD_BYTES = 64 * 1024;
/** Settings files are a few hundred bytes; larger text is not parsed as YAML. */
const MAX_SETTINGS_BYTES = 1024 * 1024;
/** Top-level sections of `heat_map_app.yaml`, any of which marks a YAML file as settings. */
const SETTINGS_SECTIONS = ['data_source_settings', 'heat_map_settings', 'heat_count_settings', 'output_settings'];

/**
 * @param ffmpeg resolves the ffmpeg binary; called only for binary files.
 * @throws InputError naming the file: missing, unreadable, or none of the kinds above.
 */
export async function inspectFile(path: string, ffmpeg: () => Promise<string>): Promise<InspectedFile> {
  const unreadable = (reason: string): InputError =>
    new InputError(`${basename(path)}: not a video, metadata or settings file crowdheat can read (${reason})`);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw fileError(path, error);
  }
  if (info.isDirectory()) {
    try {
      await inferenceFiles(path);
    } catch {
      throw unreadable('a folder without .json, .jsonl or .ndjson files');
    }
    return { kind: 'metadata', path, format: 'inference_json' };
  }
  if (!info.isFile()) throw unreadable('not a regular file');
  if (info.size === 0) throw unreadable('the file is empty');

  const head = await readHead(path);
  const text = textOf(head, head.length < info.size);
  if (text === null) {
    const video = await probeVideo(await ffmpeg(), path).catch((error: unknown): never => {
      const message = error instanceof Error ? error.message : String(error);
      throw unreadable(message.startsWith(`video_file ${path}: `) ? message.slice(`video_file ${path}: `.length) : message);
    });
    if (video.frameCount === 0) throw unreadable('a video without frames');
    return { kind: 'video', path, width: video.width, height: video.height, frameCount: video.frameCount, fps: video.fps.num / video.fps.den };
  }

  if (info.size <= MAX_SETTINGS_BYTES && isSettingsYaml(head.length === info.size ? text : await readText(path))) {
    return { kind: 'settings', path };
  }
  const notMetadata = 'text, but not settings YAML, a seed CSV, a MOTChallenge det/gt file or inference JSON';
  const format = await sniffMetaFormat(path).catch((): never => {
    throw unreadable(notMetadata);
  });
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  // The sniffer calls a lone line a seed CSV so that the reader can say "no rows"; a drop wants more.
  if (format === 'seed_csv' && lines.length < 2) throw unreadable(notMetadata);
  if (format === 'inference_json' && !text.includes('"Inferences"')) {
    throw unreadable('JSON, but not inference results: no Inferences array');
  }
  return { kind: 'metadata', path, format };
}

function isSettingsYaml(text: string): boolean {
  let document: unknown;
  try {
    document = load(text);
  } catch {
    return false;
  }
  return isPlainObject(document) && SETTINGS_SECTIONS.some((key) => key in document);
}

/** The head as text, or null when it holds a NUL byte or is not UTF-8 (a video, an image, an archive). */
function textOf(head: Buffer, truncated: boolean): string | null {
  if (head.includes(0)) return null;
  try {
    // `stream` holds back a character cut by the head's end instead of calling it invalid.
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: truncated });
  } catch {
    return null;
  }
}

async function readHead(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw fileError(path, error);
  } finally {
    await handle?.close();
  }
}

async function readText(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
    return await handle.readFile('utf8');
  } catch (error) {
    throw fileError(path, error);
  } finally {
    await handle?.close();
  }
}

function fileError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new InputError(`${path}: not found`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${basename(path)}: cannot be read (permission denied)`);
  return new InputError(`${basename(path)}: cannot be read (${code ?? String(error)})`);
}
