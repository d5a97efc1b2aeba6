/**
 * The window's message list: identical messages do not pile up (a repeat counts instead), a
 * message about a topic replaces the older one about it, and hints go stale and clear.
 */

export type MessageKind = 'error' | 'warning' | 'info';

export interface Message {
  id: number;
  kind: MessageKind;
  text: string;
  /** What the message is about (e.g. `analysis`): a newer message on it replaces this one, and it can be cleared by topic. */
  topic?: string;
  /**
   * The analysis the message belongs to (its run id: its warnings, its outcome): it goes when that
   * analysis leaves the screen (`withoutRunsBut`) or is deleted (`withoutRun`).
   */
  runId?: string;
  /** How many times it was said (1 the first time). */
  repeats: number;
  /** When it was last said, in ms (the clock of `Date.now()`). */
  at: number;
}

/** Messages kept on screen at most; the oldest go first. */
export const MAX_MESSAGES = 6;
/** How long an information message stays (errors and warnings stay until dismissed or replaced). */
export const INFO_LIFETIME_MS = 12_000;

/**
 * `messages` with `next` said: an identical message (same kind and text) moves to the end with
 * its count raised, a message with the same topic is replaced, and at most `MAX_MESSAGES` stay.
 */
export function withMessage(messages: readonly Message[], next: Omit<Message, 'repeats'>): Message[] {
  const same = messages.find((message) => message.kind === next.kind && message.text === next.text);
  const kept = messages.filter(
    (message) => message !== same && (next.topic === undefined || message.topic !== next.topic),
  );
  return [...kept, { ...next, repeats: (same?.repeats ?? 0) + 1 }].slice(-MAX_MESSAGES);
}

/** `messages` without those about `topic`. */
export function withoutTopic(messages: readonly Message[], topic: string): Message[] {
  return messages.filter((message) => message.topic !== topic);
}

/** `messages` without information older than `INFO_LIFETIME_MS` at `now`; the same array when nothing expired. */
export function withoutStale<T extends readonly Message[]>(messages: T, now: number): T | Message[] {
  const fresh = messages.filter((message) => message.kind !== 'info' || now - message.at < INFO_LIFETIME_MS);
  return fresh.length === messages.length ? messages : fresh;
}

/** `messages` without those that belong to analysis `runId`; the same array when none did. */
export function withoutRun<T extends readonly Message[]>(messages: T, runId: string): T | Message[] {
  const kept = messages.filter((message) => message.runId !== runId);
  return kept.length === messages.length ? messages : kept;
}

/**
 * `messages` without those that belong to an analysis other than `runIds` (the one on screen and
 * the one running; null for none); messages of no analysis stay. The same array when none went.
 *
 * ```ts
 * withoutRunsBut([{ runId: 'a', ... }, { runId: 'b', ... }, { ... }], ['b', null]) // the 'b' one and the one of no analysis
 * ```
 */
export function withoutRunsBut<T extends readonly Message[]>(messages: T, runIds: ReadonlyArray<string | null>): T | Message[] {
  const kept = messages.filter((message) => message.runId === undefined || runIds.includes(message.runId));
  return kept.length === messages.length ? messages : kept;
}
