import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ApiClient, CredentialsStatus, DeviceSummary, ImageDirectory } from '../../src-shared/api.js';
import type { SettingField as Field, Settings, SettingsIssue } from '../../src-shared/settings/index.js';
import { settingField } from '../logic/settings-form.js';
import { messageOf } from '../api/client.js';
import { SettingField } from './SettingField.js';

interface Props {
  api: ApiClient;
  settings: Settings;
  issues: readonly SettingsIssue[];
  onChange: (field: Field, value: unknown) => void;
  onError: (message: string) => void;
}

const field = (name: string): Field => settingField(`data_source_settings.console_data_settings.${name}`);

const EMPTY_FORM = { console_endpoint: '', portal_authorization_endpoint: '', client_id: '', client_secret: '' };

/** Console credentials, the device and image-folder pickers, the time range and counts. */
export function ConsolePanel({ api, settings, issues, onChange, onError }: Props) {
  const [status, setStatus] = useState<CredentialsStatus | null>(null);
  const [devices, setDevices] = useState<DeviceSummary[] | null>(null);
  const [directories, setDirectories] = useState<ImageDirectory[] | null>(null);
  const [busy, setBusy] = useState(false);
  const consoleSettings = settings.data_source_settings.console_data_settings;

  useEffect(() => {
    api.call('credentialsStatus', {}).then(setStatus, (error: unknown) => onError(messageOf(error)));
  }, [api, onError]);

  const loadDevices = useCallback(async () => {
    setBusy(true);
    try {
      setDevices((await api.call('listDevices', {})).devices);
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setBusy(false);
    }
  }, [api, onError]);

  useEffect(() => {
    if (status?.configured !== true || consoleSettings.device_id === '') return;
    let current = true;
    api.call('listImageDirectories', { device_id: consoleSettings.device_id }).then(
      ({ directories: found }) => {
        if (current) setDirectories(found);
      },
      (error: unknown) => onError(messageOf(error)),
    );
    return () => {
      current = false;
    };
  }, [api, status, consoleSettings.device_id, onError]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const credentials = { ...EMPTY_FORM };
    for (const key of Object.keys(EMPTY_FORM) as (keyof typeof EMPTY_FORM)[]) credentials[key] = String(data.get(key) ?? '');
    try {
      setStatus(await api.call('saveCredentials', credentials));
      // The secret is not kept here: the form is emptied as soon as the back end has it.
      form.reset();
      await loadDevices();
    } catch (error) {
      onError(messageOf(error));
    }
  };

  const clear = async () => {
    try {
      setStatus(await api.call('clearCredentials', {}));
      setDevices(null);
      setDirectories(null);
    } catch (error) {
      onError(messageOf(error));
    }
  };

  return (
    <section className="panel" aria-label="Console">
      <h2>AITRIOS Console</h2>
      {status?.configured === true ? (
        <div className="credentials-status">
          <span>
            Signed in as <strong>{status.client_id}</strong> at {status.console_endpoint} ({status.storage})
          </span>
          <button type="button" className="link" onClick={() => void clear()}>
            Forget
          </button>
        </div>
      ) : (
        <form className="credentials" onSubmit={(event) => void submit(event)} autoComplete="off">
          <input name="console_endpoint" placeholder="console endpoint (https://…)" aria-label="console endpoint" />
          <input name="portal_authorization_endpoint" placeholder="portal authorization endpoint" aria-label="portal authorization endpoint" />
          <input name="client_id" placeholder="client id" aria-label="client id" />
          <input name="client_secret" type="password" placeholder="client secret" aria-label="client secret" />
          <button type="submit">Save credentials</button>
          {status !== null && <p className="hint">Kept in {status.storage}; never shown again.</p>}
        </form>
      )}
      <p className="hint" data-testid="run-credentials">
        {status?.configured === true
          ? 'Analyses use these saved credentials; the credentials file below is not read.'
          : 'Until credentials are saved here, analyses read the credentials file below (or the CONSOLE_ENDPOINT, PORTAL_AUTHORIZATION_ENDPOINT, CLIENT_ID and CLIENT_SECRET environment variables).'}
      </p>
      {status?.configured === true && (
        <>
          <div className="row">
            <button type="button" onClick={() => void loadDevices()} disabled={busy}>
              {busy ? 'Loading…' : devices === null ? 'List devices' : 'Refresh devices'}
            </button>
          </div>
          {devices !== null && (
            <ul className="devices">
              {devices.length === 0 && <li className="hint">No devices on this Console.</li>}
              {devices.map((device) => (
                <li key={device.device_id}>
                  <button
                    type="button"
                    className={device.device_id === consoleSettings.device_id ? 'selected' : ''}
                    onClick={() => onChange(field('device_id'), device.device_id)}
                  >
                    <span className={`dot ${device.connection_state === 'Connected' ? 'on' : 'off'}`} />
                    {device.device_name} <small>{device.connection_state}</small>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {consoleSettings.device_id !== '' && directories !== null && (
            <label className="setting">
              image folder
              <select
                value={consoleSettings.sub_directory_name}
                onChange={(event) => onChange(field('sub_directory_name'), event.target.value)}
              >
                <option value="">metadata only (no images)</option>
                {directories.map((directory) => (
                  <option key={directory.name} value={directory.name}>
                    {directory.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </>
      )}
      <SettingField field={field('device_id')} settings={settings} issues={issues} onChange={onChange} label="device id" />
      <SettingField field={field('first_timestamp')} settings={settings} issues={issues} onChange={onChange} label="from (T)" placeholder="yyyyMMddHHmmssfff" />
      <SettingField field={field('last_timestamp')} settings={settings} issues={issues} onChange={onChange} label="to (T)" placeholder="yyyyMMddHHmmssfff" />
      {consoleSettings.sub_directory_name === '' ? (
        <SettingField field={field('number_of_inference_results')} settings={settings} issues={issues} onChange={onChange} label="results" />
      ) : (
        <SettingField field={field('number_of_images')} settings={settings} issues={issues} onChange={onChange} label="images" />
      )}
      <SettingField field={field('setting_path')} settings={settings} issues={issues} onChange={onChange} label={status?.configured === true ? 'credentials file (not used: credentials are saved)' : 'credentials file (used while none are saved)'} />
    </section>
  );
}
