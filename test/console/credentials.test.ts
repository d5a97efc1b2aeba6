import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCredentialStore, requireCredentials } from '../../src-main/console/credentials.js';
import { SafeStorageCredentialStore, credentialsFileIn, type Keychain } from '../../src-main/electron/credentials.js';
import { SettingsError } from '../../src-shared/errors.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';

const CREDENTIALS: ConsoleCredentials = {
  console_endpoint: 'https://console.example.com/api/v1',
  portal_authorization_endpoint: 'https://auth.example.com/oauth2/token',
  client_id: 'client-123',
  client_secret: 'very-secret-value',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-credentials-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(text: string): Promise<string> {
  const path = join(dir, 'console_access_settings.yaml');
  await writeFile(path, text);
  return path;
}

describe('FileCredentialStore', () => {
  it('reads the sample layout', async () => {
    const path = await fileWith(
      'console_access_settings:\n' +
        '  console_endpoint: "https://console.example.com/api/v1"\n' +
        '  portal_authorization_endpoint: "https://auth.example.com/oauth2/token"\n' +
        '  client_secret: "very-secret-value"\n' +
        '  client_id: "client-123"\n',
    );
    expect(await new FileCredentialStore(path, {}).load()).toEqual(CREDENTIALS);
  });

  it('accepts the four keys at the top level', async () => {
    const path = await fileWith(
      'console_endpoint: https://console.example.com/api/v1\n' +
        'portal_authorization_endpoint: https://auth.example.com/oauth2/token\n' +
        'client_id: client-123\nclient_secret: very-secret-value\n',
    );
    expect(await new FileCredentialStore(path, {}).load()).toEqual(CREDENTIALS);
  });

  it('lets the environment fill what the file leaves out or leaves empty', async () => {
    const path = await fileWith(
      'console_access_settings:\n  console_endpoint: https://console.example.com/api/v1\n  client_secret: ""\n',
    );
    const env = {
      CONSOLE_ENDPOINT: 'https://ignored.example.com',
      PORTAL_AUTHORIZATION_ENDPOINT: CREDENTIALS.portal_authorization_endpoint,
      CLIENT_ID: CREDENTIALS.client_id,
      CLIENT_SECRET: CREDENTIALS.client_secret,
    };
    expect(await new FileCredentialStore(path, env).load()).toEqual(CREDENTIALS);
  });

  it('works from the environment alone', async () => {
    const env = {
      CONSOLE_ENDPOINT: CREDENTIALS.console_endpoint,
      PORTAL_AUTHORIZATION_ENDPOINT: CREDENTIALS.portal_authorization_endpoint,
      CLIENT_ID: CREDENTIALS.client_id,
      CLIENT_SECRET: CREDENTIALS.client_secret,
    };
    expect(await new FileCredentialStore(join(dir, 'absent.yaml'), env).load()).toEqual(CREDENTIALS);
  });

  it('names a missing key and both places it can come from', async () => {
    const path = await fileWith('console_access_settings:\n  console_endpoint: https://c.example.com\n');
    await expect(new FileCredentialStore(path, { PORTAL_AUTHORIZATION_ENDPOINT: 'https://a.example.com' }).load()).rejects.toThrow(
      new SettingsError(
        `console_access_settings.client_id: missing; set it in ${path} or the environment variable CLIENT_ID`,
      ),
    );
  });

  it('refuses the sample placeholders', async () => {
    const path = await fileWith(
      'console_access_settings:\n  console_endpoint: "__console_endpoint__"\n' +
        '  portal_authorization_endpoint: "__portal_authorization_endpoint__"\n' +
        '  client_secret: "__client_secret__"\n  client_id: "__client_id__"\n',
    );
    await expect(new FileCredentialStore(path, {}).load()).rejects.toThrow(
      `console_access_settings.console_endpoint: still the sample's placeholder "__console_endpoint__" (in ${path})`,
    );
  });

  it('rejects a non-string value without echoing it', async () => {
    const path = await fileWith('console_access_settings:\n  client_secret: 123456789\n');
    const error = await new FileCredentialStore(path, {}).load().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toBe(`${path}: console_access_settings.client_secret must be a string`);
  });

  it('a YAML syntax error in the credentials file names the line, never the text (it may be the secret)', async () => {
    const path = await fileWith('console_access_settings:\n  client_secret: !s3cr3t-t0ken value\n');
    const error = await new FileCredentialStore(path, {}).load().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${path.replaceAll('/', '\\/')}:\\d+:\\d+: not valid YAML \\(the reason is not shown, as the line may hold a credential\\)$`),
    );
    expect((error as Error).message).not.toContain('s3cr3t');
  });

  it('a device as the credentials file is refused unread', async () => {
    await expect(new FileCredentialStore('/dev/zero', {}).load()).rejects.toThrow('"/dev/zero": is a device, not a settings file');
  });

  it('says where credentials go when there are none', async () => {
    const path = join(dir, 'none.yaml');
    await expect(requireCredentials(new FileCredentialStore(path, {}))).rejects.toThrow(
      `data_source_settings.console_data_settings.setting_path: ${path} does not exist and the environment sets none of ` +
        'CONSOLE_ENDPOINT, PORTAL_AUTHORIZATION_ENDPOINT, CLIENT_ID, CLIENT_SECRET',
    );
  });

  it('saves a file only its owner can read, loads it back, clears it', async () => {
    const store = new FileCredentialStore(join(dir, 'saved.yaml'), {});
    await store.save(CREDENTIALS);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await store.load()).toEqual(CREDENTIALS);
    await store.clear();
    expect(await store.load()).toBeNull();
  });
});

/** A stand-in keychain (Electron cannot run here): a reversible byte scramble that is not plain text. */
class FakeKeychain implements Keychain {
  constructor(
    private readonly available = true,
    private readonly backend: ReturnType<Keychain['getSelectedStorageBackend']> = 'gnome_libsecret',
  ) {}
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): ReturnType<Keychain['getSelectedStorageBackend']> {
    return this.backend;
  }
  encryptString(plainText: string): Buffer {
    return Buffer.from(Buffer.from(plainText, 'utf8').map((byte) => byte ^ 0x5a));
  }
  decryptString(encrypted: Buffer): string {
    return Buffer.from(encrypted.map((byte) => byte ^ 0x5a)).toString('utf8');
  }
}

describe('SafeStorageCredentialStore', () => {
  it('stores the credentials encrypted and reads them back', async () => {
    const store = new SafeStorageCredentialStore(new FakeKeychain(), credentialsFileIn(dir), 'linux');
    expect(await store.load()).toBeNull();
    await store.save(CREDENTIALS);
    const bytes = await readFile(store.path);
    expect(bytes.includes(Buffer.from(CREDENTIALS.client_secret))).toBe(false);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await store.load()).toEqual(CREDENTIALS);
    await store.clear();
    expect(await store.load()).toBeNull();
  });

  it('refuses to store on Linux without a keychain (basic_text)', async () => {
    const store = new SafeStorageCredentialStore(new FakeKeychain(true, 'basic_text'), credentialsFileIn(dir), 'linux');
    await expect(store.save(CREDENTIALS)).rejects.toThrow(
      'cannot save the Console credentials: no OS keychain is available (install and unlock GNOME Keyring or KWallet) ' +
        'and crowdheat does not store the client secret in plain text; ' +
        'use console_access_settings.yaml or the CLIENT_ID/CLIENT_SECRET environment variables instead',
    );
    await expect(stat(store.path)).rejects.toThrow();
  });

  it('refuses when encryption is unavailable', async () => {
    const store = new SafeStorageCredentialStore(new FakeKeychain(false), credentialsFileIn(dir), 'darwin');
    await expect(store.save(CREDENTIALS)).rejects.toThrow(/^cannot save the Console credentials: no OS keychain/);
  });

  it('asks for the credentials again when the blob does not decrypt', async () => {
    const path = credentialsFileIn(dir);
    await writeFile(path, Buffer.from([1, 2, 3]));
    const store = new SafeStorageCredentialStore(new FakeKeychain(), path, 'win32');
    await expect(store.load()).rejects.toThrow(
      `the saved Console credentials (${path}) cannot be decrypted with this user's keychain; enter them again`,
    );
  });
});
