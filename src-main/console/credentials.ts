/**
 * Where the Console credentials come from. One interface, two homes: the command line reads
 * `console_access_settings.yaml` with the environment filling the gaps (the sample's way),
 * the desktop app keeps them encrypted by the OS keychain (`src-main/electron/credentials.ts`).
 */
import { chmod, lstat, rm } from 'node:fs/promises';
import { dump } from 'js-yaml';
import { SettingsError } from '../../src-shared/errors.js';
import { parseYaml } from '../../src-shared/settings/yaml.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { readSettingsFileText } from '../settings-file.js';
import { isPlainObject } from '../../src-shared/objects.js';

export interface CredentialStore {
  /** The stored credentials, or null when none are stored. */
  load(): Promise<ConsoleCredentials | null>;
  save(credentials: ConsoleCredentials): Promise<void>;
  clear(): Promise<void>;
}

const CREDENTIAL_KEYS = ['console_endpoint', 'portal_authorization_endpoint', 'client_id', 'client_secret'] as const;
type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

/** The environment variable that fills each key the file leaves out. */
export const CREDENTIAL_ENV: Readonly<Record<CredentialKey, string>> = {
  console_endpoint: 'CONSOLE_ENDPOINT',
  portal_authorization_endpoint: 'PORTAL_AUTHORIZATION_ENDPOINT',
  client_id: 'CLIENT_ID',
  client_secret: 'CLIENT_SECRET',
};

/** The sample ships `"__client_id__"`-style placeholders; they are as good as missing. */
const PLACEHOLDER = /^__\w+__$/;

/**
 * `console_access_settings.yaml` plus the environment. Keys may sit under
 * `console_access_settings:` (the sample's layout) or at the top level.
 */
export class FileCredentialStore implements CredentialStore {
  constructor(
    readonly path: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async load(): Promise<ConsoleCredentials | null> {
    const fromFile = await this.readFile();
    const values: Partial<Record<CredentialKey, string>> = {};
    for (const key of CREDENTIAL_KEYS) {
      const written = fromFile?.[key];
      const value = written === undefined || written === '' ? this.env[CREDENTIAL_ENV[key]] : written;
      if (value !== undefined && value !== '') values[key] = value;
    }
    if (fromFile === null && Object.keys(values).length === 0) return null;
    for (const key of CREDENTIAL_KEYS) {
      const value = values[key];
      if (value === undefined) {
        throw new SettingsError(
          `console_access_settings.${key}: missing; set it in ${this.path} or the environment variable ${CREDENTIAL_ENV[key]}`,
        );
      }
      if (PLACEHOLDER.test(value)) {
        throw new SettingsError(
          `console_access_settings.${key}: still the sample's placeholder "${value}" (in ${this.path}); ` +
            'set the value from the Console',
        );
      }
    }
    const credentials = values as ConsoleCredentials;
    for (const key of ['console_endpoint', 'portal_authorization_endpoint'] as const) {
      if (!/^https?:\/\/[^/]/.test(credentials[key])) {
        throw new SettingsError(`console_access_settings.${key}: "${credentials[key]}" is not an http(s) URL`);
      }
    }
    return credentials;
  }

  async save(credentials: ConsoleCredentials): Promise<void> {
    await writeFileAtomic(this.path, dump({ console_access_settings: { ...credentials } }));
    await chmod(this.path, 0o600);
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }

  /** The file's four keys as written (strings only), or null when there is no file. */
  private async readFile(): Promise<Partial<Record<CredentialKey, string>> | null> {
    try {
      await lstat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    }
    // A regular file of at most 1 MB, like every settings file; its errors name the path only.
    const text = await readSettingsFileText(this.path, process.cwd());
    let document: unknown;
    try {
      document = parseYaml(text, this.path) ?? {};
    } catch (error) {
      // A syntax error's reason can quote the text it stopped at, which may be the secret:
      // say where, not what.
      const where = error instanceof SettingsError ? /^(.*?:\d+:\d+): YAML syntax error/.exec(error.message)?.[1] : undefined;
      if (where === undefined) throw error;
      throw new SettingsError(`${where}: not valid YAML (the reason is not shown, as the line may hold a credential)`);
    }
    if (!isPlainObject(document)) throw new SettingsError(`${this.path}: expected a mapping of console_access_settings`);
    const section = isPlainObject(document.console_access_settings) ? document.console_access_settings : document;
    const result: Partial<Record<CredentialKey, string>> = {};
    for (const key of CREDENTIAL_KEYS) {
      const value = section[key];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string') {
        // Never echo the value: it may be the secret.
        throw new SettingsError(`${this.path}: console_access_settings.${key} must be a string`);
      }
      result[key] = value.trim();
    }
    return result;
  }
}

/** Loads credentials from `store`, turning "nothing stored" into an error that says where they go. */
export async function requireCredentials(store: FileCredentialStore): Promise<ConsoleCredentials> {
  const credentials = await store.load();
  if (credentials === null) {
    const variables = CREDENTIAL_KEYS.map((key) => CREDENTIAL_ENV[key]).join(', ');
    throw new SettingsError(
      `data_source_settings.console_data_settings.setting_path: ${store.path} does not exist ` +
        `and the environment sets none of ${variables}`,
    );
  }
  return credentials;
}
