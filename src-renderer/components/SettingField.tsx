import { useId } from 'react';
import type { SettingField as Field, Settings, SettingsIssue } from '../../src-shared/settings/index.js';
import { colormapNames } from '../../src-shared/colormaps/index.js';
import { CHOICES, kindOf, textOfValue, valueFromText } from '../logic/settings-form.js';

interface Props {
  field: Field;
  settings: Settings;
  issues: readonly SettingsIssue[];
  onChange: (field: Field, value: unknown) => void;
  label?: string;
  placeholder?: string;
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
export function SettingField({ field, settings, issues, onChange, label, placeholder }: Props) {
  const id = useId();
  const kind = kindOf(field);
  const value = field.get(settings);
  const issue = issues.find((entry) => entry.key === field.key);
  // An empty field the user has not filled yet is a to-do, not a mistake: said quietly.
  const pending = issue !== undefined && value === '';
  const message = issue === undefined ? '' : withoutKey(issue.message, field.key);
  let input;
  if (kind === 'boolean') {
    input = <input id={id} type="checkbox" checked={value === true} onChange={(event) => onChange(field, event.target.checked)} />;
  } else if (kind === 'choice') {
    input = (
      <select id={id} value={String(value)} onChange={(event) => onChange(field, event.target.value)}>
        {(CHOICES[field.key] ?? []).map((choice) => (
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
        aria-invalid={issue !== undefined && !pending}
        onChange={(event) => onChange(field, valueFromText(kind, event.target.value))}
      />
    );
  }
  return (
    <div className={`setting${issue !== undefined && !pending ? ' invalid' : ''}`} data-key={field.key}>
      <label htmlFor={id} title={`${field.key}: ${field.rule.allowed}`}>
        {label ?? field.name}
      </label>
      {input}
      {issue !== undefined && <div className={pending ? 'issue pending' : 'issue'}>{message}</div>}
    </div>
  );
}

/** The message without its leading key: the field's label already says which setting it is. */
function withoutKey(message: string, key: string): string {
  return message.startsWith(`${key} must `) ? message.slice(key.length + 1) : message;
}
