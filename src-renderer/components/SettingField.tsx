import { useId } from 'react';
import type { SettingField as Field, Settings, SettingsIssue } from '../../src-shared/settings/index.js';
import { colormapNames } from '../../src-shared/colormaps/index.js';
import { choicesOf, kindOf, textOfValue, valueFromText } from '../logic/settings-form.js';
import { settingText } from '../logic/setting-labels.js';
import { settingMessage } from '../logic/setting-message.js';

interface Props {
  field: Field;
  settings: Settings;
  issues: readonly SettingsIssue[];
  onChange: (field: Field, value: unknown) => void;
  label?: string;
  placeholder?: string;
  /** A finding about the value from outside the settings table (what a typed path holds): shown under the field like an issue. */
  note?: { text: string; problem: boolean };
}

const COLORMAP_LIST_ID = 'colormap-names';

/** The list of colormap names the cmap field suggests from; rendered once per page. */
export function ColormapList() {
  return (
    <datalist id={COLORMAP_LIST_ID}>
      {colormapNames().map((name) => (
        <option key={name} value={name} />
      ))}
    </datalist>
  );
}

/** One setting: its input, its allowed values as a hint, and its problem as the user types. */
export function SettingField({ field, settings, issues, onChange, label, placeholder, note }: Props) {
  const id = useId();
  const helpId = `${id}-help`;
  const issueId = `${id}-issue`;
  const noteId = `${id}-note`;
  const text = settingText(field);
  const kind = kindOf(field);
  const value = field.get(settings);
  const issue = issues.find((entry) => entry.key === field.key);
  // An empty field the user has not filled yet is a to-do, not a mistake: said quietly, as what to do.
  const { text: message, pending } = settingMessage(field, value, issue);
  const invalid = (issue !== undefined && !pending) || note?.problem === true;
  // The issue first: a screen reader reads what is wrong before how the field works.
  const describedBy = [issue !== undefined ? issueId : '', note !== undefined ? noteId : '', helpId].filter((part) => part !== '').join(' ');
  let input;
  if (kind === 'boolean') {
    input = <input id={id} type="checkbox" aria-describedby={describedBy} checked={value === true} onChange={(event) => onChange(field, event.target.checked)} />;
  } else if (kind === 'choice') {
    input = (
      <select id={id} aria-describedby={describedBy} value={String(value)} onChange={(event) => onChange(field, event.target.value)}>
        {(choicesOf(field) ?? []).map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  } else {
    input = (
      <input
        id={id}
        type="text"
        inputMode={kind === 'number' ? 'decimal' : undefined}
        value={textOfValue(value)}
        placeholder={placeholder}
        list={field.key === 'output_settings.cmap' ? COLORMAP_LIST_ID : undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(event) => onChange(field, valueFromText(kind, event.target.value))}
      />
    );
  }
  return (
    <div className={`setting${invalid ? ' invalid' : ''}`} data-key={field.key}>
      <label htmlFor={id} title={`${field.key}: ${field.rule.allowed}`}>
        {label ?? text.label}
      </label>
      {input}
      {issue !== undefined && (
        <div id={issueId} className={pending ? 'issue pending' : 'issue'}>
          {message}
        </div>
      )}
      {note !== undefined && (
        <div id={noteId} className={note.problem ? 'issue' : 'note'} data-testid={`note-${field.name}`}>
          {note.text}
        </div>
      )}
      <div id={helpId} className="help">
        {text.help} <code className="yaml-key" title={field.key}>{field.name}</code>
      </div>
    </div>
  );
}
