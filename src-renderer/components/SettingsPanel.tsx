import { useRef, type ChangeEvent } from 'react';
import type { ApiClient, HostInfo, ResponseOf } from '../../src-shared/api.js';
import type { SettingField as Field, Settings, SettingsIssue } from '../../src-shared/settings/index.js';
import { messageOf } from '../api/client.js';
import { PRESETS } from '../logic/presets.js';
import { groupBySection, SECTION_TITLES } from '../logic/setting-labels.js';
import { fieldsIn, GRID_KEYS, OUTPUT_KEYS } from '../logic/settings-form.js';
import { ColormapList, SettingField } from './SettingField.js';

interface Props {
  api: ApiClient;
  host: HostInfo | null;
  settings: Settings;
  issues: readonly SettingsIssue[];
  onChange: (field: Field, value: unknown) => void;
  /** A settings file was read (`name` as the user knows it); its problems are for the caller to report. */
  onImported: (name: string, imported: ResponseOf<'importYaml'>, path?: string) => void;
  onError: (message: string) => void;
  onInfo: (message: string) => void;
  /** Several settings changed at once (a preset). */
  onReplace: (settings: Settings) => void;
  advancedOpen: boolean;
  onAdvancedToggle: (open: boolean) => void;
}

const SECTIONS = groupBySection([...fieldsIn(GRID_KEYS), ...fieldsIn(OUTPUT_KEYS)]);

/** Every grid and output setting of SPEC §3–4, validated as typed; YAML import and export. */
export function SettingsPanel({ api, host, settings, issues, onChange, onImported, onError, onInfo, onReplace, advancedOpen, onAdvancedToggle }: Props) {
  const fileInput = useRef<HTMLInputElement>(null);
  // A problem in a closed section would be invisible: the section opens while it has one.
  const advancedHasProblem = SECTIONS.advanced.some((field) => issues.some((issue) => issue.key === field.key && field.get(settings) !== ''));

  const importFromText = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file === undefined) return;
    try {
      onImported(file.name, await api.call('importYaml', { text: await file.text() }));
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
      onImported(path, await api.call('importYaml', { path }), path);
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
      <div className="presets" role="group" aria-label="Presets">
        <span className="presets-title">Presets</span>
        {PRESETS.map((preset) => (
          <button
            key={preset.id}
            type="button"
            className="secondary small"
            title={preset.description}
            data-testid={`preset-${preset.id}`}
            onClick={() => {
              onReplace(preset.apply(settings));
              onInfo(`${preset.name}: ${preset.description}`);
            }}
          >
            {preset.name}
          </button>
        ))}
      </div>
      {(['grid', 'colours', 'video'] as const).map((section) => (
        <div key={section}>
          <h3>{SECTION_TITLES[section]}</h3>
          <div className="settings-grid">
            {SECTIONS[section].map((field) => (
              <SettingField key={field.key} field={field} settings={settings} issues={issues} onChange={onChange} />
            ))}
          </div>
        </div>
      ))}
      <details open={advancedOpen || advancedHasProblem} onToggle={(event) => onAdvancedToggle(event.currentTarget.open)}>
        <summary>{SECTION_TITLES.advanced}</summary>
        <div className="settings-grid">
          {SECTIONS.advanced.map((field) => (
            <SettingField key={field.key} field={field} settings={settings} issues={issues} onChange={onChange} />
          ))}
        </div>
      </details>
    </section>
  );
}
