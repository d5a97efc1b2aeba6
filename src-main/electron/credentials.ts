/**
 * The desktop app's Console credentials, encrypted by the OS keychain through Electron's
 * `safeStorage` and kept as one file under the app's userData directory.
 *
 * Only types come from 'electron' here: the main process passes `safeStorage` in, so this logic
 * runs (and is tested) in plain Node. Where there is no keychain — `safeStorage` unavailable, or
 * Linux falling back to its `basic_text` backend, which only obfuscates — the store refuses to
 * save rather than leave the client secret in something close to plain text.
 *
 * ```ts
 * // in main.ts, after app 'ready':
 * const store = new SafeStorageCredentialStore(safeStorage, credentialsFileIn(app.getPath('userData')));
 * ```
 */
import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { CrowdheatError } from '../../src-shared/errors.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import type { CredentialStore } from '../console/credentials.js';
import { writeFileAtomic } from '../sinks/atomic.js';

/** The part of `safeStorage` the store uses. */
export type Keychain = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

export function credentialsFileIn(userDataDir: string): string {
  return join(userDataDir, 'console-credentials.bin');
}

export class SafeStorageCredentialStore implements CredentialStore {
  constructor(
    private readonly keychain: Keychain,
    readonly path: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  async load(): Promise<ConsoleCredentials | null> {
    let encrypted: Buffer;
    try {
      encrypted = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    this.requireKeychain('read');
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.keychain.decryptString(encrypted));
    } catch {
      throw new CrowdheatError(
        `the saved Console credentials (${this.path}) cannot be decrypted with this user's keychain; enter them again`,
      );
    }
    if (!isCredentials(parsed)) {
      throw new CrowdheatError(`the saved Console credentials (${this.path}) are incomplete; enter them again`);
    }
    return parsed;
  }

  async save(credentials: ConsoleCredentials): Promise<void> {
    this.requireKeychain('save');
    const { console_endpoint, portal_authorization_endpoint, client_id, client_secret } = credentials;
    const plain = JSON.stringify({ console_endpoint, portal_authorization_endpoint, client_id, client_secret });
    await writeFileAtomic(this.path, this.keychain.encryptString(plain));
    await chmod(this.path, 0o600);
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }

  private requireKeychain(action: 'read' | 'save'): void {
    const available = this.keychain.isEncryptionAvailable();
    if (available && !(this.platform === 'linux' && this.keychain.getSelectedStorageBackend() === 'basic_text')) {
      return;
    }
    throw new CrowdheatError(
      `cannot ${action} the Console credentials: no OS keychain is available ` +
        (this.platform === 'linux' ? '(install and unlock GNOME Keyring or KWallet) ' : '') +
        'and crowdheat does not store the client secret in plain text; ' +
        'use console_access_settings.yaml or the CLIENT_ID/CLIENT_SECRET environment variables instead',
    );
  }
}

function isCredentials(value: unknown): value is ConsoleCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['console_endpoint', 'portal_authorization_endpoint', 'client_id', 'client_secret'].every(
    (key) => typeof record[key] === 'string' && record[key] !== '',
  );
}
