/**
 * `crowdheat console check`: proves, step by step, that the Console settings work — the token,
 * the device list, the configured device's image directories and its newest inference result —
 * so a user fixes credentials and device ids before starting a run.
 */
import { resolve } from 'node:path';
import { ConsoleClient, type RetryDelays } from '../../src-shared/console/client.js';
import { ConsoleError } from '../../src-shared/console/errors.js';
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
  const { accessSettingsPath, deviceId } = await consoleTarget(configPath, cwd);
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

  const [newest] = await client.getInferenceResults({ deviceId, count: 1, raw: 1, ...(signal ? { signal } : {}) });
  const newestT = newestTimestampOf(newest);
  out(`device ${deviceId}: newest inference result: ${newestT ?? 'none'}`);
}

/** Where the access settings are and which device to check. */
async function consoleTarget(
  configPath: string,
  cwd: string,
): Promise<{ accessSettingsPath: string; deviceId: string | null }> {
  const absolute = resolve(cwd, configPath);
  const text = await readSettingsFileText(configPath, cwd);
  const document = parseYaml(text, configPath);
  const isAccessSettings =
    typeof document === 'object' &&
    document !== null &&
    ('console_access_settings' in document || 'client_id' in document || 'console_endpoint' in document);
  if (isAccessSettings) return { accessSettingsPath: absolute, deviceId: null };
  const data = (await readSettingsWithParamFile({ text, path: configPath }, cwd)).settings.data_source_settings.console_data_settings;
  const deviceId = data.device_id.trim();
  return {
    accessSettingsPath: resolve(cwd, data.setting_path),
    deviceId: deviceId === '' || /^__\w+__$/.test(deviceId) ? null : deviceId,
  };
}

/** The newest `T` of a record, or null when it has none. */
function newestTimestampOf(record: unknown): string | null {
  const body = typeof record === 'object' && record !== null ? (record as Record<string, unknown>).inference_result : undefined;
  const inferences = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).Inferences : undefined;
  if (!Array.isArray(inferences)) return null;
  let newest: string | null = null;
  for (const inference of inferences as unknown[]) {
    const t = typeof inference === 'object' && inference !== null ? (inference as Record<string, unknown>).T : undefined;
    if (typeof t === 'string' && (newest === null || t > newest)) newest = t;
  }
  return newest;
}
