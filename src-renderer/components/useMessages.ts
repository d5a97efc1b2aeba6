/** The window's messages as state: said, replaced by topic, counted when repeated, and cleared when stale. */
import { useCallback, useEffect, useState } from 'react';
import { INFO_LIFETIME_MS, withMessage, withoutRun, withoutRunsBut, withoutStale, withoutTopic, type Message, type MessageKind } from '../logic/messages.js';

let nextMessageId = 1;

export interface Messages {
  messages: Message[];
  /** Says `text`; `runId` names the analysis it belongs to (its warnings, its outcome), so it goes with it. */
  say: (kind: MessageKind, text: string, topic?: string, runId?: string) => void;
  clearTopic: (topic: string) => void;
  /** Clears the messages of analysis `runId` (deleted). */
  clearRun: (runId: string) => void;
  /** Clears the messages of every analysis but `runIds` (those on screen or running; null for none). */
  keepRuns: (runIds: ReadonlyArray<string | null>) => void;
  clearKind: (kind: MessageKind) => void;
  dismiss: (id: number) => void;
}

export function useMessages(): Messages {
  const [messages, setMessages] = useState<Message[]>([]);
  const say = useCallback((kind: MessageKind, text: string, topic?: string, runId?: string) => {
    setMessages((current) =>
      withMessage(current, {
        id: nextMessageId++,
        kind,
        text,
        at: Date.now(),
        ...(topic === undefined ? {} : { topic }),
        ...(runId === undefined ? {} : { runId }),
      }),
    );
  }, []);
  const clearRun = useCallback((runId: string) => setMessages((current) => withoutRun(current, runId)), []);
  const keepRuns = useCallback((runIds: ReadonlyArray<string | null>) => setMessages((current) => withoutRunsBut(current, runIds)), []);
  const clearTopic = useCallback((topic: string) => setMessages((current) => withoutTopic(current, topic)), []);
  const clearKind = useCallback((kind: MessageKind) => setMessages((current) => current.filter((message) => message.kind !== kind)), []);
  const dismiss = useCallback((id: number) => setMessages((current) => current.filter((message) => message.id !== id)), []);
  const hasInfo = messages.some((message) => message.kind === 'info');
  useEffect(() => {
    if (!hasInfo) return;
    const timer = setInterval(() => setMessages((current) => withoutStale(current, Date.now())), INFO_LIFETIME_MS / 4);
    return () => clearInterval(timer);
  }, [hasInfo]);
  return { messages, say, clearTopic, clearRun, keepRuns, clearKind, dismiss };
}
