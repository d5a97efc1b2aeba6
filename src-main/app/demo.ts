/**
 * "Open demo" in the app: the demo's input files written into the app's data folder, read
 * back as the settings the user then analyses (and may change first).
 */
import { prepareDemo } from '../demo/index.js';
import type { Settings } from '../../src-shared/settings/index.js';
import { readSettingsFile } from './settings-io.js';

export async function prepareDemoSettings(dir: string): Promise<Settings> {
  const demo = await prepareDemo(dir);
  return readSettingsFile(demo.configPath, dir).settings;
}
