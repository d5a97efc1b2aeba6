import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { ApiClient, ConsoleRangeInfo, CredentialsStatus, DeviceSummary, ImageDirectory } from '../../src-shared/api.js';
import type { SettingField as Field, Settings, SettingsIssue } from '../../src-shared/settings/index.js';
import { settingField } from '../logic/settings-form.js';
import { LIMITS } from '../../src-shared/settings/fields.js';
import { formatFigure } from '../logic/figure.js';
import { localInputToTimestamp, rangeChoice, rangeLabel, settingTimestamp, timestampToLocalInput, utcLabel } from '../logic/console-time.js';
import { messageOf } from '../api/client.js';
import { SettingField } from './SettingField.js';
import { ConsoleCacheSection } from './ConsoleCacheSection.js';
import { FollowControl } from './FollowControl.js';
import type { Follow } from './useFollow.js';

interface Props {
  api: ApiClient;
  settings: Settings;
  issues: readonly SettingsIssue[];
  onChange: (field: Field, value: unknown) => void;
  onError: (message: string) => void;
  /** The app's Follow of the device (shown once signed in and a device is chosen). */
  follow?: Follow;
}

const field = (name: string): Field => settingField(`data_source_settings.console_data_settings.${name}`);

const EMPTY_FORM = { console_endpoint: '', portal_authorization_endpoint: '', client_id: '', client_secret: '' };

/**
 * Where the credentials stand. `checking`: saved ones are being tried (a token fetched);
 * only `verified` says "signed in".
 */
type Sign =
  | { state: 'loading' }
  | { state: 'none' | 'checking' | 'verified' | 'refused'; status: CredentialsStatus };

/** Console credentials, the device and image-folder pickers, the time range and counts. */
export function ConsolePanel({ api, settings, issues, onChange, onError, follow }: Props) {
  const [sign, setSign] = useState<Sign>({ state: 'loading' });
  const [saving, setSaving] = useState(false);
  const [devices, setDevices] = useState<DeviceSummary[] | null>(null);
  const [directories, setDirectories] = useState<{ deviceId: string; list: ImageDirectory[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [range, setRange] = useState<ConsoleRangeInfo | null>(null);
  const [rangeBusy, setRangeBusy] = useState(false);
  const consoleSettings = settings.data_source_settings.console_data_settings;
  const deviceId = consoleSettings.device_id;
  const folder = consoleSettings.sub_directory_name;
  const signedIn = sign.state === 'verified';

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

  // Saved credentials (the desktop app keeps them between sessions) are tried before the panel trusts them.
  useEffect(() => {
    let current = true;
    (async () => {
      const status = await api.call('credentialsStatus', {});
      if (!current) return;
      if (!status.configured) {
        setSign({ state: 'none', status });
        return;
      }
      setSign({ state: 'checking', status });
      try {
        const checked = await api.call('checkCredentials', {});
        if (current) setSign({ state: 'verified', status: checked });
      } catch (error) {
        if (!current) return;
        setSign({ state: 'refused', status });
        onError(messageOf(error));
      }
    })().catch((error: unknown) => onError(messageOf(error)));
    return () => {
      current = false;
    };
  }, [api, onError]);

  useEffect(() => {
    if (!signedIn || deviceId === '') return;
    let current = true;
    api.call('listImageDirectories', { device_id: deviceId }).then(
      ({ directories: found }) => {
        if (current) setDirectories({ deviceId, list: found });
      },
      (error: unknown) => onError(messageOf(error)),
    );
    return () => {
      current = false;
    };
  }, [api, signedIn, deviceId, onError]);

  /** The device changes: its folder choice cannot carry over (another device has other folders). */
  const chooseDevice = (value: unknown): void => {
    if (value === deviceId) return;
    onChange(field('device_id'), value);
    if (folder !== '') onChange(field('sub_directory_name'), '');
  };
  const onDeviceField = (changed: Field, value: unknown): void => {
    if (changed.key === field('device_id').key) chooseDevice(value);
    else onChange(changed, value);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const credentials = { ...EMPTY_FORM };
    for (const key of Object.keys(EMPTY_FORM) as (keyof typeof EMPTY_FORM)[]) credentials[key] = String(data.get(key) ?? '');
    setSaving(true);
    try {
      // The back end fetches a token before it keeps anything: a refusal lands in the catch.
      const status = await api.call('saveCredentials', credentials);
      setSign({ state: 'verified', status });
      // The secret is not kept here: the form is emptied as soon as the back end has it.
      form.reset();
      await loadDevices();
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setSaving(false);
    }
  };

  const clear = async () => {
    try {
      setSign({ state: 'none', status: await api.call('clearCredentials', {}) });
      setDevices(null);
      setDirectories(null);
      setRange(null);
    } catch (error) {
      onError(messageOf(error));
    }
  };

  const findRange = async () => {
    setRangeBusy(true);
    try {
      setRange(await api.call('consoleRange', { device_id: deviceId, ...(folder === '' ? {} : { sub_directory_name: folder }) }));
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setRangeBusy(false);
    }
  };

  /**
   * Puts a range into the pickers, and the count to fetch up to so the whole range is analysed
   * (rangeChoice): the folder's image count with `images`, else every result record in it.
   */
  const useRange = (first: string, last: string, images?: number): void => {
    for (const [key, value] of Object.entries(rangeChoice(first, last, images))) onChange(field(key), value);
  };

  const status = sign.state === 'loading' ? null : sign.status;
  const folderList = directories !== null && directories.deviceId === deviceId ? directories.list : null;
  // A folder the settings name but the device does not list (e.g. from an imported file) is shown as such, never hidden.
  // A range found for another device or folder says nothing about this one.
  const shownRange =
    range !== null && range.device_id === deviceId && (range.images?.folder ?? '') === folder ? range : null;
  const strayFolder = folder !== '' && folderList !== null && !folderList.some((directory) => directory.name === folder);

  return (
    <section className="panel" aria-label="Console">
      <h2>AITRIOS Console</h2>
      {sign.state === 'verified' || sign.state === 'checking' || sign.state === 'refused' ? (
        <div className="credentials-status" data-testid="credentials-status">
          <span>
            {sign.state === 'verified' && (
              <>
                Signed in as <strong>{sign.status.client_id}</strong> at {sign.status.console_endpoint} ({sign.status.storage})
              </>
            )}
            {sign.state === 'checking' && <>Checking the saved credentials for {sign.status.client_id}…</>}
            {sign.state === 'refused' && <>The saved credentials for {sign.status.client_id} do not work; forget them and enter them again.</>}
          </span>
          <button type="button" className="link" onClick={() => void clear()}>
            Forget
          </button>
        </div>
      ) : (
        <form
          // Remounted with the endpoints the back end offers (those of credentials just forgotten).
          key={`${status?.console_endpoint ?? ''}|${status?.portal_authorization_endpoint ?? ''}`}
          className="credentials"
          onSubmit={(event) => void submit(event)}
          autoComplete="off"
        >
          <input name="console_endpoint" placeholder="console endpoint (https://…)" aria-label="console endpoint" defaultValue={status?.console_endpoint ?? ''} />
          <input
            name="portal_authorization_endpoint"
            placeholder="portal authorization endpoint"
            aria-label="portal authorization endpoint"
            defaultValue={status?.portal_authorization_endpoint ?? ''}
          />
          <input name="client_id" placeholder="client id" aria-label="client id" />
          <input name="client_secret" type="password" placeholder="client secret" aria-label="client secret" />
          <button type="submit" disabled={saving}>
            {saving ? 'Checking…' : 'Save credentials'}
          </button>
          {status !== null && <p className="hint">Checked with the Console before they are kept in {status.storage}; the secret is never shown again.</p>}
        </form>
      )}
      <p className="hint" data-testid="run-credentials">
        {status?.configured === true
          ? 'Analyses use these saved credentials; the credentials file below is not read.'
          : 'Until credentials are saved here, analyses read the credentials file below (or the CONSOLE_ENDPOINT, PORTAL_AUTHORIZATION_ENDPOINT, CLIENT_ID and CLIENT_SECRET environment variables).'}
      </p>
      {signedIn && (
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
                    className={device.device_id === deviceId ? 'selected' : ''}
                    aria-pressed={device.device_id === deviceId}
                    onClick={() => chooseDevice(device.device_id)}
                  >
                    <span className={`dot ${device.connection_state === 'Connected' ? 'on' : 'off'}`} />
                    {device.device_name} <small>{device.connection_state}</small>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {deviceId !== '' && folderList !== null && (
            <label className="setting">
              image folder
              <select value={folder} onChange={(event) => onChange(field('sub_directory_name'), event.target.value)}>
                <option value="">metadata only (no images)</option>
                {strayFolder && <option value={folder}>{folder} (not on this device)</option>}
                {folderList.map((directory) => (
                  <option key={directory.name} value={directory.name}>
                    {directory.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {deviceId !== '' && (
            <div className="row">
              <button type="button" onClick={() => void findRange()} disabled={rangeBusy}>
                {rangeBusy ? 'Looking…' : 'Find the data range'}
              </button>
            </div>
          )}
          {shownRange !== null && <RangeSummary range={shownRange} onUse={useRange} />}
          {deviceId !== '' && follow !== undefined && <FollowControl follow={follow} settings={settings} />}
        </>
      )}
      <SettingField field={field('device_id')} settings={settings} issues={issues} onChange={onDeviceField} label="device id" />
      <TimestampField field={field('first_timestamp')} settings={settings} issues={issues} onChange={onChange} label="from" />
      <TimestampField field={field('last_timestamp')} settings={settings} issues={issues} onChange={onChange} label="to" />
      {folder === '' ? (
        <>
          <SettingField field={field('number_of_inference_results')} settings={settings} issues={issues} onChange={onChange} label="result records" />
          <p className="hint" data-testid="results-hint">
            The newest result records in the range. A record can hold several inferences and each inference is a frame, so 20
            records may give 40 frames. <em>Use this range</em> sets {formatFigure(LIMITS.consoleItems)}, the most: every record in the range.
          </p>
        </>
      ) : (
        <SettingField field={field('number_of_images')} settings={settings} issues={issues} onChange={onChange} label="images" />
      )}
      <SettingField field={field('setting_path')} settings={settings} issues={issues} onChange={onChange} label={status?.configured === true ? 'credentials file (not used: credentials are saved)' : 'credentials file (used while none are saved)'} />
      <ConsoleCacheSection api={api} onError={onError} />
    </section>
  );
}

/** What the device holds, with buttons that put a range into the settings. */
function RangeSummary({ range, onUse }: { range: ConsoleRangeInfo; onUse: (first: string, last: string, images?: number) => void }) {
  const { oldest, newest } = range.inferences;
  const images = range.images;
  return (
    <div className="console-range" data-testid="console-range">
      <p data-testid="range-inferences">
        {oldest === null || newest === null ? (
          'No inference results on this device.'
        ) : (
          <>
            Inference results from {rangeLabel(oldest, newest)}{' '}
            <button type="button" className="link" onClick={() => onUse(oldest, newest)}>
              Use this range
            </button>
          </>
        )}
      </p>
      {images !== undefined && (
        <p data-testid="range-images">
          {images.count} {images.count === 1 ? 'image' : 'images'} in {images.folder}
          {images.first !== null && images.last !== null && (
            <>
              , from {rangeLabel(images.first, images.last)}{' '}
              <button type="button" className="link" onClick={() => onUse(images.first ?? '', images.last ?? '', images.count)}>
                Use the images&apos; range
              </button>
            </>
          )}
        </p>
      )}
    </div>
  );
}

interface TimestampFieldProps {
  field: Field;
  settings: Settings;
  issues: readonly SettingsIssue[];
  onChange: (field: Field, value: unknown) => void;
  label: string;
}

/**
 * A moment of the range: a date-and-time picker in the browser's time zone, to the millisecond,
 * with the UTC moment it stands for beside it. The setting keeps a T string.
 */
function TimestampField({ field: timestampField, settings, issues, onChange, label }: TimestampFieldProps) {
  const id = useId();
  const value = String(timestampField.get(settings) ?? '');
  const timestamp = settingTimestamp(value);
  const issue = issues.find((entry) => entry.key === timestampField.key);
  const pending = issue !== undefined && value === '';
  return (
    <div className={`setting${issue !== undefined && !pending ? ' invalid' : ''}`} data-key={timestampField.key}>
      <label htmlFor={id} title={`${timestampField.key}: ${timestampField.rule.allowed}`}>
        {label} (local time)
      </label>
      <input
        id={id}
        type="datetime-local"
        step="0.001"
        value={timestamp === null ? '' : timestampToLocalInput(timestamp)}
        aria-invalid={issue !== undefined && !pending}
        aria-describedby={`${id}-utc`}
        onChange={(event) => onChange(timestampField, localInputToTimestamp(event.target.value))}
      />
      <span className="hint" id={`${id}-utc`} data-testid={`${label}-utc`}>
        {timestamp !== null ? utcLabel(timestamp) : value.trim() === '' ? 'not set' : `unreadable: ${value}`}
      </span>
      {issue !== undefined && <div className={pending ? 'issue pending' : 'issue'}>{issue.message}</div>}
    </div>
  );
}
