/**
 * "Open demo" in the app: the demo's input files written into the app's data folder, read
 * back as the settings the user then analyses (and may change first).
 */
import { prepareDemo } from '../demo/index.js';
import type { Settings } from '../../src-shared/settings/index.js';
import { readSettingsFile } from './settings-io.js';

/**
 * Where the demo's exports go by default, relative to the host's folder (Documents on the
 * desktop, the folder `crowdheat serve` started in): not the data folder the inputs live in,
 * which is temporary under `serve`.
 */
export const DEMO_EXPORT_FOLDER = 'crowdheat-demo';

export async function prepareDemoSettings(dir: string): Promise<Settings> {
  const demo = await prepareDemo(dir);
  const { settings } = await readSettingsFile(demo.configPath, dir);
  return { ...settings, output_settings: { ...settings.output_settings, output_dir: DEMO_EXPORT_FOLDER } };
}
