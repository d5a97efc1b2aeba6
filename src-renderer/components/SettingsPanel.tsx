import { useRef, type ChangeEvent } from 'react';
import type { ApiClient, HostInfo } from '../../src-shared/api.js';
import type { SettingField as Field, Settings, SettingsIssue } from '../../src-shared/settings/index.js';
import { messageOf } from '../api/client.js';
import { fieldsIn, GRID_KEYS, OUTPUT_KEYS } from '../logic/settings-form.js';
import { ColormapList, SettingField } from './SettingField.js';

interface Props {
  api: ApiClient;
  host: HostInfo | null;
  settings: Settings;
  issues: readonly SettingsIssue[];
  onChange: (field: Field, value: unknown) => void;
  onImported: (settings: Settings, warnings: string[]) => void;
  onError: (message: string) => void;
  onInfo: (message: string) => void;
}

const GRID_FIELDS = fieldsIn(GRID_KEYS);
const OUTPUT_FIELDS = fieldsIn(OUTPUT_KEYS);

/** Every grid and output setting of SPEC §3–4, validated as typed; YAML import and export. */
export function SettingsPanel({ api, host, settings, issues, onChange, onImported, onError, onInfo }: Props) {
  const fileInput = useRef<HTMLInputElement>(null);

  const importFromText = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file === undefined) return;
    try {
      const { settings: imported, warnings } = await api.call('importYaml', { text: await file.text() });
      onImported(imported, warnings);
      onInfo(`Imported ${file.name}`);
    } catch (error) {
      onError(`${file.name}: ${messageOf(error)}`);
    }
  };

  const importSettings = async () => {
    if (host?.nativeDialogs !== true) {
      fileInput.current?.click();
      return;
    }
    try {
      const { path } = await api.call('pickPath', { purpose: 'settings-open' });
      if (path === null) return;
      const { settings: imported, warnings } = await api.call('importYaml', { path });
      onImported(imported, warnings);
      onInfo(`Imported ${path}`);
    } catch (error) {
      onError(messageOf(error));
    }
  };

  const exportSettings = async () => {
    try {
      if (host?.nativeDialogs === true) {
        const { path } = await api.call('pickPath', { purpose: 'settings-save' });
        if (path === null) return;
        await api.call('exportYaml', { settings, path });
        onInfo(`Settings saved to ${path}`);
        return;
      }
      const { text } = await api.call('exportYaml', { settings });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
      link.download = 'heat_map_app.yaml';
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      onError(messageOf(error));
    }
  };

  return (
    <section className="panel" aria-label="Settings">
      <h2>Settings</h2>
      <ColormapList />
      <div className="row">
        <button type="button" className="secondary" onClick={() => void importSettings()}>
          Import YAML…
        </button>
        <button type="button" className="secondary" onClick={() => void exportSettings()}>
          Export YAML…
        </button>
        <input ref={fileInput} type="file" accept=".yaml,.yml" hidden onChange={(event) => void importFromText(event)} />
      </div>
      <h3>Grid</h3>
      <div className="settings-grid">
        {GRID_FIELDS.map((field) => (
          <SettingField key={field.key} field={field} settings={settings} issues={issues} onChange={onChange} />
        ))}
      </div>
      <h3>Picture</h3>
      <div className="settings-grid">
        {OUTPUT_FIELDS.map((field) => (
          <SettingField key={field.key} field={field} settings={settings} issues={issues} onChange={onChange} />
        ))}
      </div>
    </section>
  );
}
