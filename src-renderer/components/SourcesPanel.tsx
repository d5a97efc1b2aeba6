import type { ApiClient, HostInfo, PickPurpose } from '../../src-shared/api.js';
import type { SettingField as Field, Settings, SettingsIssue } from '../../src-shared/settings/index.js';
import { messageOf } from '../api/client.js';
import type { PathCheck } from '../logic/path-check.js';
import type { RecentFile } from '../logic/remembered.js';
import { settingField } from '../logic/settings-form.js';
import { SettingField } from './SettingField.js';
import type { PathChecks } from './usePathChecks.js';

interface Props {
  api: ApiClient;
  host: HostInfo | null;
  settings: Settings;
  issues: readonly SettingsIssue[];
  onChange: (field: Field, value: unknown) => void;
  onOpenDemo: () => void;
  preparingDemo: boolean;
  onError: (message: string) => void;
  pathChecks: PathChecks;
  recent: readonly RecentFile[];
  /** A recent file clicked: put it back in its field (or import it, for settings). */
  onRecent: (file: RecentFile) => void;
}

/** What a path field shows under it about what the path holds. */
function noteOf(check: PathCheck | undefined): { text: string; problem: boolean } | undefined {
  if (check === undefined) return undefined;
  if (check.state === 'checking') return { text: 'checking…', problem: false };
  if (check.state === 'ok') return { text: check.summary, problem: false };
  return { text: check.message, problem: true };
}

/** The last part of a path, for a short button label. */
function fileName(path: string): string {
  return path.split(/[\\/]/).filter((part) => part !== '').pop() ?? path;
}

const VIDEO = settingField('data_source_settings.local_data_settings.video_file');
const META = settingField('data_source_settings.local_data_settings.meta_file');
const FORMAT = settingField('data_source_settings.local_data_settings.meta_format');
const MODE = settingField('data_source_settings.mode');
/** The time base of metadata without timestamps: what periods and person-seconds need. */
const TIME_BASE = [settingField('data_source_settings.local_data_settings.metadata_fps'), settingField('data_source_settings.local_data_settings.start_time')];

/** Local files (video + metadata, or metadata only) and the switch to the Console. */
export function SourcesPanel({ api, host, settings, issues, onChange, onOpenDemo, preparingDemo, onError, pathChecks, recent, onRecent }: Props) {
  const pick = async (target: Field, purpose: PickPurpose) => {
    try {
      const { path } = await api.call('pickPath', { purpose });
      if (path !== null) onChange(target, path);
    } catch (error) {
      onError(messageOf(error));
    }
  };
  const local = settings.data_source_settings.mode === 'local';
  return (
    <section className="panel" aria-label="Sources">
      <h2>Source</h2>
      <div className="mode-switch" role="radiogroup" aria-label="Source">
        {(['local', 'console'] as const).map((mode) => (
          <button
            key={mode}
            type="button"
            role="radio"
            aria-checked={settings.data_source_settings.mode === mode}
            className={settings.data_source_settings.mode === mode ? 'selected' : ''}
            onClick={() => onChange(MODE, mode)}
          >
            {mode === 'local' ? 'Local files' : 'AITRIOS Console'}
          </button>
        ))}
      </div>
      {local && (
        <>
          <div className="path-row">
            <SettingField field={META} settings={settings} issues={issues} onChange={onChange} label="Metadata file" placeholder="path to CSV, det.txt or inference JSON" note={noteOf(pathChecks.metadata)} />
            {host?.nativeDialogs === true && (
              <button type="button" onClick={() => void pick(META, 'metadata')}>
                Browse…
              </button>
            )}
          </div>
          <div className="path-row">
            <SettingField field={VIDEO} settings={settings} issues={issues} onChange={onChange} label="Video (optional)" placeholder="empty: metadata only" note={noteOf(pathChecks.video)} />
            {host?.nativeDialogs === true && (
              <button type="button" onClick={() => void pick(VIDEO, 'video')}>
                Browse…
              </button>
            )}
          </div>
          <SettingField field={FORMAT} settings={settings} issues={issues} onChange={onChange} label="Metadata format" />
          {TIME_BASE.map((field) => (
            <SettingField key={field.key} field={field} settings={settings} issues={issues} onChange={onChange} />
          ))}
          <p className="hint">Or drop a video, a metadata file or settings YAML anywhere on the window.</p>
          {host?.nativeDialogs === false && (
            <p className="hint">Paths are read by crowdheat on this computer{host.cwd !== '' ? `; relative ones from ${host.cwd}` : ''}.</p>
          )}
        </>
      )}
      {recent.length > 0 && (
        <div className="recent">
          <h3 id="recent-title">Recent files</h3>
          <ul aria-labelledby="recent-title">
            {recent.map((file) => (
              <li key={`${file.role}:${file.path}`}>
                <button type="button" className="link recent-file" title={file.path} onClick={() => onRecent(file)}>
                  {fileName(file.path)} <small>{file.role}</small>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <button type="button" className="secondary" onClick={onOpenDemo} disabled={preparingDemo} data-testid="open-demo">
        {preparingDemo ? 'Writing the demo scene…' : 'Open demo'}
      </button>
    </section>
  );
}
