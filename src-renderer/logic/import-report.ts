/**
 * What the window says after a settings file is imported: every problem of the file in one
 * message (each is also marked at its field), or that it went through.
 */
import type { MessageKind } from './messages.js';

/** The message of an import of `name` with `problems`. */
export function importReport(name: string, problems: readonly string[] | undefined): { kind: MessageKind; text: string } {
  const list = problems ?? [];
  if (list.length === 0) return { kind: 'info', text: `Imported ${name}` };
  const count = list.length === 1 ? '1 problem' : `${list.length} problems`;
  return { kind: 'error', text: `Imported ${name} with ${count} to fix (marked at the fields): ${list.join('; ')}` };
}
