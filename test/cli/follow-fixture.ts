import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { defaultSettings } from '../../src-shared/settings/types.js';
import { settingsToYaml } from '../../src-shared/settings/index.js';
import type { FakeConsole } from '../fake-console.js';

/**
 * Writes into `dir` the credentials of `fake` (console_access_settings.yaml) and a
 * heat_map_app.yaml reading device cam-1 from it: 320×320 images on a 16×16 grid, outputs in
 * `out` with a 64×48 video, as the follow tests run them.
 */
export async function writeFollowSettings(dir: string, fake: FakeConsole): Promise<void> {
  await writeFile(join(dir, 'console_access_settings.yaml'), dump({ console_access_settings: fake.credentials }));
  const settings = defaultSettings();
  settings.data_source_settings.mode = 'console';
  Object.assign(settings.data_source_settings.console_data_settings, { setting_path: 'console_access_settings.yaml', device_id: 'cam-1', number_of_inference_results: 1000 });
  Object.assign(settings.heat_map_settings.params, { image_size_h: 320, image_size_v: 320, grid_num_h: 16, grid_num_v: 16 });
  Object.assign(settings.output_settings, { output_dir: 'out', output_video_width: 64, output_video_height: 48 });
  await writeFile(join(dir, 'heat_map_app.yaml'), settingsToYaml(settings));
}
