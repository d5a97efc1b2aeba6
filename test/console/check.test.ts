import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dump } from 'js-yaml';
import { consoleCheck, consoleRange } from '../../src-main/console/check.js';
import { ConsoleCredentialsError, ConsoleError } from '../../src-shared/console/errors.js';
import { FakeConsole } from '../fake-console.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/crowdheat');
const BUILT = join(import.meta.dirname, '../../dist/src-main/console/command.js');

let dir: string;
let fake: FakeConsole;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-check-'));
  fake = await FakeConsole.start({
    devices: [
      {
        device_id: 'cam-1',
        device_name: 'Entrance',
        records: [{ id: 'r', inferences: [{ T: '20240501120000000' }, { T: '20240501120000500' }] }],
        directories: { '20240501115900': [], '20240501120000': ['20240501120000000.jpg', '20240501120000500.jpg'] },
      },
      { device_id: 'cam-2' },
    ],
  });
  await writeFile(join(dir, 'access.yaml'), dump({ console_access_settings: fake.credentials }));
});
afterEach(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

async function appSettings(deviceId: string, folder = ''): Promise<string> {
  const path = join(dir, 'heat_map_app.yaml');
  await writeFile(
    path,
    dump({
      data_source_settings: {
        mode: 'console',
        console_data_settings: { setting_path: 'access.yaml', device_id: deviceId, sub_directory_name: folder },
      },
    }),
  );
  return path;
}

const FAST = { attempts: 2, baseMs: 1, capMs: 1 };

describe('consoleCheck', () => {
  it('walks token, devices, directories and the oldest and newest results', async () => {
    await appSettings('cam-1');
    const lines: string[] = [];
    await consoleCheck('heat_map_app.yaml', dir, (line) => lines.push(line), { env: {}, delays: FAST });
    expect(lines).toEqual([
      `token: ok (client_id ${fake.credentials.client_id}, ${fake.credentials.portal_authorization_endpoint})`,
      'devices: 2: cam-1 (Entrance), cam-2',
      'device cam-1: image directories: 2 (20240501115900 … 20240501120000)',
      'device cam-1: inference results from 20240501120000000 (2024-05-01T12:00:00.000Z) to 20240501120000500 (2024-05-01T12:00:00.500Z)',
    ]);
  });

  it('with an image folder set, adds its image count and its first and last image', async () => {
    await appSettings('cam-1', '20240501120000');
    const lines: string[] = [];
    await consoleCheck('heat_map_app.yaml', dir, (line) => lines.push(line), { env: {}, delays: FAST });
    expect(lines.slice(3)).toEqual([
      'device cam-1: inference results from 20240501120000000 (2024-05-01T12:00:00.000Z) to 20240501120000500 (2024-05-01T12:00:00.500Z)',
      'device cam-1: image folder 20240501120000: 2 images, from 20240501120000000 (2024-05-01T12:00:00.000Z) to 20240501120000500 (2024-05-01T12:00:00.500Z)',
    ]);
  });

  it('names an image folder the device does not have', async () => {
    await appSettings('cam-1', 'gone');
    await expect(consoleCheck('heat_map_app.yaml', dir, () => {}, { env: {}, delays: FAST })).rejects.toThrow(
      new ConsoleError('data_source_settings.console_data_settings.sub_directory_name: gone is not among the 2 image directories of device cam-1'),
    );
  });

  it('checks an access settings file alone', async () => {
    const lines: string[] = [];
    await consoleCheck(join(dir, 'access.yaml'), '/', (line) => lines.push(line), { env: {}, delays: FAST });
    expect(lines.slice(1)).toEqual([
      'devices: 2: cam-1 (Entrance), cam-2',
      'device: none configured (data_source_settings.console_data_settings.device_id)',
    ]);
  });

  it('names a device the Console does not have', async () => {
    await appSettings('cam-9');
    await expect(consoleCheck('heat_map_app.yaml', dir, () => {}, { env: {}, delays: FAST })).rejects.toThrow(
      new ConsoleError('data_source_settings.console_data_settings.device_id: cam-9 is not among the 2 devices of this Console'),
    );
  });

  it('reports wrong credentials without the secret', async () => {
    await writeFile(
      join(dir, 'access.yaml'),
      dump({ console_access_settings: { ...fake.credentials, client_secret: 'not-the-secret-123' } }),
    );
    await appSettings('cam-1');
    const lines: string[] = [];
    const error = await consoleCheck('heat_map_app.yaml', dir, (line) => lines.push(line), { env: {}, delays: FAST }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConsoleCredentialsError);
    expect((error as Error).message).not.toContain('not-the-secret-123');
    expect(lines).toEqual([]);
  });
});

describe('consoleRange', () => {
  it('reports the device and folder of the settings file, or those given instead', async () => {
    await appSettings('cam-1', '20240501115900');
    const lines: string[] = [];
    await consoleRange('heat_map_app.yaml', dir, (line) => lines.push(line), { env: {}, delays: FAST });
    await consoleRange('access.yaml', dir, (line) => lines.push(line), { env: {}, delays: FAST, deviceId: 'cam-2' });
    expect(lines).toEqual([
      'device cam-1: inference results from 20240501120000000 (2024-05-01T12:00:00.000Z) to 20240501120000500 (2024-05-01T12:00:00.500Z)',
      'device cam-1: image folder 20240501115900: 0 images',
      'device cam-2: inference results: none',
    ]);
  });

  it('asks for a device when the file names none', async () => {
    await expect(consoleRange('access.yaml', dir, () => {}, { env: {}, delays: FAST })).rejects.toThrow(
      'access.yaml: names no device; give --device_id ID',
    );
  });
});

describe.skipIf(!existsSync(BUILT))('crowdheat console check (built CLI)', () => {
  it('console range prints the ranges of the device given', async () => {
    const { stdout } = await run(
      process.execPath,
      [CLI, 'console', 'range', '--config_path', 'access.yaml', '--device_id', 'cam-1', '--sub_directory_name', '20240501120000'],
      { cwd: dir, env: { PATH: process.env.PATH ?? '' } },
    );
    expect(stdout).toBe(
      'device cam-1: inference results from 20240501120000000 (2024-05-01T12:00:00.000Z) to 20240501120000500 (2024-05-01T12:00:00.500Z)' +
        '\ndevice cam-1: image folder 20240501120000: 2 images, from 20240501120000000 (2024-05-01T12:00:00.000Z) to 20240501120000500 (2024-05-01T12:00:00.500Z)\n',
    );
  });

  it('prints the steps and exits 0', async () => {
    await appSettings('cam-1');
    const { stdout, stderr } = await run(process.execPath, [CLI, 'console', 'check', '--config_path', 'heat_map_app.yaml'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toEqual([
      `token: ok (client_id ${fake.credentials.client_id}, ${fake.credentials.portal_authorization_endpoint})`,
      'devices: 2: cam-1 (Entrance), cam-2',
      'device cam-1: image directories: 2 (20240501115900 … 20240501120000)',
      'device cam-1: inference results from 20240501120000000 (2024-05-01T12:00:00.000Z) to 20240501120000500 (2024-05-01T12:00:00.500Z)',
      '',
    ]);
    expect(stdout).not.toContain(fake.credentials.client_secret);
  });

  it('fails in one line, without the secret, on wrong credentials', async () => {
    await writeFile(
      join(dir, 'access.yaml'),
      dump({ console_access_settings: { ...fake.credentials, client_secret: 'not-the-secret-456' } }),
    );
    const failure = await run(process.execPath, [CLI, 'console', 'check', '--config', 'access.yaml'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
    }).catch((error: unknown) => error as { code: number; stdout: string; stderr: string });
    expect('code' in failure ? failure.code : 0).toBe(1);
    expect(failure.stderr).toBe(
      `crowdheat: Console rejected the credentials (client_id ${fake.credentials.client_id}): ` +
        'The client credentials are invalid (HTTP 401, POST /oauth2/default/v1/token); check client_id and client_secret\n',
    );
    expect(failure.stdout + failure.stderr).not.toContain('not-the-secret-456');
  });
});
