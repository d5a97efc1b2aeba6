/**
 * What a setting's field says under it about its problem, apart from React so it is tested in Node.
 */
import type { SettingField, SettingsIssue } from '../../src-shared/settings/index.js';

/**
 * The problem line of `field` holding `value`, and whether it is a to-do rather than a mistake.
 *
 * An empty field whose own rule needs a value (a path, an ID) is a to-do, said as what to do:
 * `{ text: 'Needed to analyse: a path.', pending: true }`, not the rule it breaks. Any other issue,
 * also one on an empty field whose rule allows empty (two Console timestamps both empty while
 * images are asked for), is said as the issue says it, without its leading key (the field's label
 * names the setting): `{ text: 'must be a whole number …', pending: false }`. No issue: `{ text: '', pending: false }`.
 */
export function settingMessage(field: Pick<SettingField, 'key' | 'rule'>, value: unknown, issue: SettingsIssue | undefined): { text: string; pending: boolean } {
  if (issue === undefined) return { text: '', pending: false };
  if (value === '' && !field.rule.accepts(value)) return { text: `Needed to analyse: ${field.rule.allowed.replace(/ \(not empty\)$/, '')}.`, pending: true };
  return { text: withoutKey(issue.message, field.key), pending: false };
}

/** The message without its leading key: the field's label already says which setting it is. */
function withoutKey(message: string, key: string): string {
  return message.startsWith(`${key} must `) ? message.slice(key.length + 1) : message;
}
