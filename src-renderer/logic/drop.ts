/**
 * Files dropped on the window, once the back end has said what each is: which setting each one
 * fills, and the line that tells the user what happened.
 */
import type { InspectedFile } from '../../src-shared/api.js';
import type { Settings } from '../../src-shared/settings/index.js';
import { settingField as field, withSetting } from './settings-form.js';

/** A dropped file the back end recognised, under the name the user knows it by. */
export interface RecognisedFile {
  name: string;
  file: InspectedFile;
}

type Recognised<K extends InspectedFile['kind']> = { name: string; file: Extract<InspectedFile, { kind: K }> };

/** At most one file per role. */
export interface DropPlan {
  video?: Recognised<'video'>;
  metadata?: Recognised<'metadata'>;
  settings?: Recognised<'settings'>;
}

const MODE = field('data_source_settings.mode');
const VIDEO = field('data_source_settings.local_data_settings.video_file');
const META = field('data_source_settings.local_data_settings.meta_file');
const FORMAT = field('data_source_settings.local_data_settings.meta_format');

const ROLE_NAMES: Record<InspectedFile['kind'], string> = { video: 'video', metadata: 'metadata file', settings: 'settings file' };
const FORMAT_NAMES: Record<Extract<InspectedFile, { kind: 'metadata' }>['format'], string> = {
  seed_csv: 'seed CSV',
  mot: 'MOTChallenge',
  inference_json: 'inference JSON',
};

/**
 * Sorts the files by role.
 * @throws Error when two files claim one role: which of them the user meant cannot be guessed.
 */
export function planDrop(files: readonly RecognisedFile[]): DropPlan {
  return { video: onlyOne(files, 'video'), metadata: onlyOne(files, 'metadata'), settings: onlyOne(files, 'settings') };
}

function onlyOne<K extends InspectedFile['kind']>(files: readonly RecognisedFile[], kind: K): Recognised<K> | undefined {
  const ofKind = files.filter((entry): entry is Recognised<K> => entry.file.kind === kind);
  if (ofKind.length > 1) throw new Error(`${ofKind.map((entry) => entry.name).join(', ')}: drop one ${ROLE_NAMES[kind]} at a time`);
  return ofKind[0];
}

/**
 * `base` (the dropped settings once imported, else the current ones) with the dropped video and
 * metadata filled in; a dropped source means Local files. The format is left to `auto`, which
 * reads the file the way the back end just did.
 */
export function withDroppedSources(base: Settings, plan: DropPlan): Settings {
  let next = base;
  if (plan.metadata !== undefined) next = withSetting(withSetting(next, META, plan.metadata.file.path), FORMAT, 'auto');
  if (plan.video !== undefined) next = withSetting(next, VIDEO, plan.video.file.path);
  if (plan.metadata !== undefined || plan.video !== undefined) next = withSetting(next, MODE, 'local');
  return next;
}

/** What the drop did, for the message line; it names a kept video, which now pairs with new metadata. */
export function describeDrop(plan: DropPlan, after: Settings): string {
  const parts: string[] = [];
  if (plan.settings !== undefined) parts.push(`settings from ${plan.settings.name}`);
  if (plan.metadata !== undefined) parts.push(`metadata ${plan.metadata.name} (${FORMAT_NAMES[plan.metadata.file.format]})`);
  if (plan.video !== undefined) {
    const { width, height, frameCount } = plan.video.file;
    parts.push(`video ${plan.video.name} (${width}×${height}, ${frameCount} frames)`);
  }
  let text = `Loaded ${parts.join(', ')}.`;
  const keptVideo = after.data_source_settings.local_data_settings.video_file;
  if (plan.metadata !== undefined && plan.video === undefined && keptVideo !== '') {
    text += ` The video stays ${keptVideo}; empty its field for metadata only.`;
  }
  return text;
}
