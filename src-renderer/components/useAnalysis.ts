/**
 * One analysis at a time as state: starting it, its progress, cancelling it, and the last
 * finished one, which stays on screen while a newer one runs and after one fails.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, ApiEvent, RunInfo } from '../../src-shared/api.js';
import type { Settings } from '../../src-shared/settings/index.js';
import { messageOf } from '../api/client.js';
import type { MessageKind } from '../logic/messages.js';
import { formatFigure } from '../logic/figure.js';

export interface Running {
  runId: string;
  frames: number;
  expectedFrames?: number;
  rate: number;
  /** Before the first frame: the share (0–1) of the input the source's first pass has read. */
  preparing?: number;
}

/** How often a running analysis is asked for its state, in case an event was lost (a dropped connection). */
const RUN_CHECK_INTERVAL_MS = 5_000;

/** The topic of the messages about the outcome of an analysis: a newer outcome replaces them. */
export const ANALYSIS_TOPIC = 'analysis';

/**
 * The topic of a run's warning that the boxes and image_size disagree (the back end's kinds
 * `image-size-mismatch` and `picture-shape-mismatch`): using the fitting size on screen settles
 * it, so the message is cleared with this topic; other warnings have none.
 */
export const COORDINATE_TOPIC = 'coordinate-space';
const COORDINATE_KINDS: ReadonlySet<string> = new Set(['image-size-mismatch', 'picture-shape-mismatch']);

export interface Analysis {
  running: Running | null;
  starting: boolean;
  done: RunInfo | null;
  analyse: (settings: Settings) => Promise<void>;
  cancel: () => void;
  /** Puts a finished analysis (one opened from the library) on screen; null clears the screen. */
  show: (info: RunInfo | null) => void;
}

export function useAnalysis(
  api: ApiClient,
  say: (kind: MessageKind, text: string, topic?: string, runId?: string) => void,
  onStarted: () => void,
): Analysis {
  const [running, setRunning] = useState<Running | null>(null);
  const [starting, setStarting] = useState(false);
  const [done, setDone] = useState<RunInfo | null>(null);

  const runId = running?.runId ?? null;
  useEffect(() => {
    if (runId === null) return;
    let ended = false;
    /** The run's end, from its RunInfo: the one place the outcome is applied, whichever way it was learnt. */
    const settle = (info: RunInfo): void => {
      if (ended || info.state === 'running') return;
      ended = true;
      setRunning(null);
      if (info.state === 'done') {
        setDone(info);
        say('info', `Analysed ${formatFigure(info.frameCount)} frames.`, ANALYSIS_TOPIC, runId);
      } else if (info.state === 'cancelled') {
        say('info', 'Analysis cancelled.', ANALYSIS_TOPIC, runId);
      } else {
        say('error', `Analysis failed: ${info.error ?? 'no reason given'}`, ANALYSIS_TOPIC, runId);
      }
    };
    const check = (): void => {
      api.call('getRunInfo', { runId }).then(settle, (error: unknown) => {
        if (ended) return;
        ended = true;
        setRunning(null);
        say('error', messageOf(error), ANALYSIS_TOPIC, runId);
      });
    };
    const unsubscribe = api.subscribe((event: ApiEvent) => {
      if (ended || !('runId' in event) || event.runId !== runId) return;
      if (event.type === 'progress') {
        setRunning({ runId, frames: event.frames, expectedFrames: event.expectedFrames, rate: event.rate, preparing: event.preparing });
      } else if (event.type === 'warning') {
        say('warning', event.message, COORDINATE_KINDS.has(event.kind) ? `${COORDINATE_TOPIC}:${event.kind}` : undefined, runId);
      } else if (event.type === 'done' || event.type === 'error') {
        check();
      }
    });
    // Events sent before this subscription existed, or lost with a dropped connection, are caught up by asking.
    check();
    const timer = setInterval(check, RUN_CHECK_INTERVAL_MS);
    return () => {
      ended = true;
      unsubscribe();
      clearInterval(timer);
    };
  }, [api, runId, say]);

  const analyse = useCallback(
    async (settings: Settings) => {
      if (starting || running !== null) return;
      setStarting(true);
      try {
        const { runId: started } = await api.call('analyse', { settings });
        onStarted();
        setRunning({ runId: started, frames: 0, rate: 0 });
      } catch (error) {
        say('error', messageOf(error), ANALYSIS_TOPIC);
      } finally {
        setStarting(false);
      }
    },
    [api, starting, running, say, onStarted],
  );

  const cancel = useCallback(() => {
    if (runId !== null) void api.call('cancel', { runId });
  }, [api, runId]);

  const show = useCallback((info: RunInfo | null) => setDone(info), []);

  return { running, starting, done, analyse, cancel, show };
}
