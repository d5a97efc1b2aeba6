/**
 * The source registry: settings in, one FrameSource out. Adding a source is one module and one
 * line here.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import type { MetaFormat, Settings } from '../../src-shared/settings/types.js';
import { SettingsError } from '../../src-shared/errors.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameSource } from '../pipeline/types.js';
import { openSeedCsv } from './seed-csv.js';
import { openMot } from './mot.js';
import { openInferenceJson } from './inference-json.js';
import { sniffMetaFormat } from './meta-format.js';
import { openVideo } from './video.js';
import { resolveFfmpeg } from '../ffmpeg/locate.js';

type ConcreteMetaFormat = Exclude<MetaFormat, 'auto'>;

const metadataReaders: Record<ConcreteMetaFormat, ((path: string, diagnostics: Diagnostics) => FrameSource) | undefined> = {
  seed_csv: openSeedCsv,
  mot: openMot,
  inference_json: openInferenceJson,
};

/** Opens the metadata file of a local run, recognising its format from its content unless forced. */
export async function openMetadata(
  path: string,
  format: MetaFormat,
  diagnostics: Diagnostics,
): Promise<FrameSource> {
  // Only inference JSON comes as a folder (one record per file, as saved from the Console).
  const concrete = format !== 'auto' ? format : (await isFolder(path)) ? 'inference_json' : await sniffMetaFormat(path);
  const reader = metadataReaders[concrete];
  if (reader === undefined) {
    throw new SettingsError(`local_data_settings.meta_format: ${concrete} is not supported by this build`);
  }
  return reader(path, diagnostics);
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

/**
 * The frame source the settings describe; relative paths resolve against `cwd`, as in the sample.
 * `consoleCredentials`, when given, are used in mode console instead of `setting_path` and the environment;
 * `consoleCacheDir`, when given, is the folder of the Console cache the run reads and adds to.
 */
export async function openSource(
  settings: Settings,
  diagnostics: Diagnostics,
  cwd: string,
  consoleCredentials?: ConsoleCredentials,
  consoleCacheDir?: string,
): Promise<FrameSource> {
  const { mode, local_data_settings: local } = settings.data_source_settings;
  if (mode === 'console') {
    // Loaded on demand: the Console client (and undici, its HTTP stack) costs a local run
    // about 0.2 CPU s of start-up for nothing.
    const { openConsoleSource } = await import('../console/source.js');
    return openConsoleSource(settings, diagnostics, cwd, {
      ...(consoleCredentials === undefined ? {} : { credentials: consoleCredentials }),
      ...(consoleCacheDir === undefined ? {} : { cacheDir: consoleCacheDir }),
    });
  }
  if (mode === 'local') {
    if (local.meta_file === '') {
      throw new SettingsError('data_source_settings.local_data_settings.meta_file: required in mode local');
    }
    const metadata = await openMetadata(resolve(cwd, local.meta_file), local.meta_format, diagnostics);
    if (local.video_file === '') return metadata;
    const ffmpeg = await resolveFfmpeg(settings.output_settings.ffmpeg_path);
    return openVideo(resolve(cwd, local.video_file), metadata, diagnostics, ffmpeg);
  }
  throw new SettingsError(`data_source_settings.mode: ${mode} is not supported by this build`);
}
