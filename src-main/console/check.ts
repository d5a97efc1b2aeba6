/**
 * `crowdheat console check`: proves, step by step, that the Console settings work — the token,
 * the device list, the configured device's image directories, the oldest and newest of its
 * inference results and the configured image folder's images — so a user fixes credentials,
 * device ids and ranges before starting a run. `crowdheat console range` prints the ranges alone.
 */
import { resolve } from 'node:path';
import { ConsoleClient, type RetryDelays } from '../../src-shared/console/client.js';
import { findImageFolderRange, findInferenceRange } from '../../src-shared/console/discover.js';
import { ConsoleError } from '../../src-shared/console/errors.js';
import { timestampToIso } from '../../src-shared/console/timestamps.js';
import { InputError } from '../../src-shared/errors.js';
import { parseYaml } from '../../src-shared/settings/yaml.js';
import { readSettingsFileText, readSettingsWithParamFile } from '../settings-file.js';
import { FileCredentialStore, requireCredentials } from './credentials.js';
import { useProxyFromEnvironment } from './proxy.js';

export interface ConsoleCheckOptions {
  fetchImpl?: typeof fetch;
  delays?: Partial<RetryDelays>;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Which device and image folder `console range` reports, over what the settings file names. */
export interface ConsoleRangeOptions extends ConsoleCheckOptions {
  deviceId?: string;
  /** An image folder of the device; `''` for none. */
  folder?: string;
}

/**
 * Checks the Console settings `configPath` names: a run's settings file (its
 * `console_data_settings` give the access settings file and the device) or a
 * `console_access_settings.yaml` itself (no device to check). Reports through `out`, one line a
 * step; throws the first failure.
 */
export async function consoleCheck(
  configPath: string,
  cwd: string,
  out: (line: string) => void,
  options: ConsoleCheckOptions = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const { accessSettingsPath, deviceId, folder } = await consoleTarget(configPath, cwd);
  const credentials = await requireCredentials(new FileCredentialStore(accessSettingsPath, env));
  if (useProxyFromEnvironment(env)) out('proxy: from HTTPS_PROXY/HTTP_PROXY');
  const client = new ConsoleClient(credentials, {
    ...(options.fetchImpl === undefined ? {} : { fetchImpl: options.fetchImpl }),
    ...(options.delays === undefined ? {} : { delays: options.delays }),
  });
  const { signal } = options;

  await client.authenticate(signal);
  out(`token: ok (client_id ${credentials.client_id}, ${credentials.portal_authorization_endpoint})`);

  const devices = await client.listDevices(signal);
  const names = devices.map((device) => {
    const name = device.property?.device_name;
    return typeof name === 'string' && name !== '' && name !== device.device_id ? `${device.device_id} (${name})` : device.device_id;
  });
  out(`devices: ${devices.length}${names.length > 0 ? `: ${names.join(', ')}` : ''}`);

  if (deviceId === null) {
    out('device: none configured (data_source_settings.console_data_settings.device_id)');
    return;
  }
  if (!devices.some((device) => device.device_id === deviceId)) {
    throw new ConsoleError(
      `data_source_settings.console_data_settings.device_id: ${deviceId} is not among the ${devices.length} devices of this Console`,
    );
  }
  const groups = await client.listImageDirectories(deviceId, signal);
  const directories = groups.flatMap((group) =>
    group.devices.filter((device) => device.device_id === deviceId).flatMap((device) => device.Image),
  );
  out(
    `device ${deviceId}: image directories: ${directories.length}` +
      (directories.length > 0 ? ` (${directories[0]} … ${directories[directories.length - 1]})` : ''),
  );

  if (folder !== '' && !directories.includes(folder)) {
    throw new ConsoleError(
      `data_source_settings.console_data_settings.sub_directory_name: ${folder} is not among the ` +
        `${directories.length} image directories of device ${deviceId}`,
    );
  }
  await reportRanges(client, deviceId, folder, out, signal);
}

/**
 * `crowdheat console range`: the oldest and newest inference result of a device and, when a
 * folder is named, its image count and first and last image. The device and folder come from
 * `options` or else from the settings file `configPath`; throws when neither names a device.
 */
export async function consoleRange(
  configPath: string,
  cwd: string,
  out: (line: string) => void,
  options: ConsoleRangeOptions = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const target = await consoleTarget(configPath, cwd);
  const deviceId = options.deviceId ?? target.deviceId;
  if (deviceId === null || deviceId === '') {
    throw new InputError(`${configPath}: names no device; give --device_id ID`);
  }
  const credentials = await requireCredentials(new FileCredentialStore(target.accessSettingsPath, env));
  useProxyFromEnvironment(env);
  const client = new ConsoleClient(credentials, {
    ...(options.fetchImpl === undefined ? {} : { fetchImpl: options.fetchImpl }),
    ...(options.delays === undefined ? {} : { delays: options.delays }),
  });
  await reportRanges(client, deviceId, options.folder ?? (options.deviceId === undefined ? target.folder : ''), out, options.signal);
}

/** One line for the device's inference results, one for the folder's images when a folder is named. */
async function reportRanges(
  client: ConsoleClient,
  deviceId: string,
  folder: string,
  out: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { oldest, newest } = await findInferenceRange(client, deviceId, signal);
  out(
    oldest === null || newest === null
      ? `device ${deviceId}: inference results: none`
      : `device ${deviceId}: inference results from ${moment(oldest)} to ${moment(newest)}`,
  );
  if (folder === '') return;
  const images = await findImageFolderRange(client, deviceId, folder, signal);
  const plural = images.count === 1 ? 'image' : 'images';
  out(
    `device ${deviceId}: image folder ${folder}: ${images.count} ${plural}` +
      (images.first === null || images.last === null ? '' : `, from ${moment(images.first)} to ${moment(images.last)}`),
  );
}

/** A T string with its ISO 8601 form beside it. */
function moment(timestamp: string): string {
  return `${timestamp} (${timestampToIso(timestamp)})`;
}

/** Where the access settings are and which device to check. */
async function consoleTarget(
  configPath: string,
  cwd: string,
): Promise<{ accessSettingsPath: string; deviceId: string | null; folder: string }> {
  const absolute = resolve(cwd, configPath);
  const text = await readSettingsFileText(configPath, cwd);
  const document = parseYaml(text, configPath);
  const isAccessSettings =
    typeof document === 'object' &&
    document !== null &&
    ('console_access_settings' in document || 'client_id' in document || 'console_endpoint' in document);
  if (isAccessSettings) return { accessSettingsPath: absolute, deviceId: null, folder: '' };
  const data = (await readSettingsWithParamFile({ text, path: configPath }, cwd)).settings.data_source_settings.console_data_settings;
  const deviceId = data.device_id.trim();
  return {
    accessSettingsPath: resolve(cwd, data.setting_path),
    deviceId: deviceId === '' || /^__\w+__$/.test(deviceId) ? null : deviceId,
    folder: data.sub_directory_name,
  };
}
