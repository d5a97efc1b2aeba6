/**
 * One period view of a finished analysis as state: asked of the back end (`periodView`, computed
 * from the analysis's store) a moment after the request last changed, so typing a grid size
 * re-counts once, not at every key; an answer to an older request is dropped.
 */
import { useEffect, useState } from 'react';
import type { ApiClient, PeriodViewData, PeriodViewRequest } from '../../src-shared/api.js';
import { messageOf } from '../api/client.js';

/** How long the request must stay the same before it is sent, ms. */
const SETTLE_MS = 250;

export interface PeriodViewState {
  /** The last answer, kept on screen while a newer one is computed. */
  data: PeriodViewData | null;
  /** An answer for the request asked now is on its way. */
  loading: boolean;
  /** Why the request asked now failed, or null. */
  error: string | null;
}

interface Answer {
  key: string;
  data: PeriodViewData | null;
  error: string | null;
}

/** The answer to `request` (null: nothing to ask). */
export function usePeriodView(api: ApiClient, request: PeriodViewRequest | null): PeriodViewState {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const key = request === null ? null : JSON.stringify(request);
  useEffect(() => {
    if (key === null) return;
    const asked = JSON.parse(key) as PeriodViewRequest;
    let current = true;
    const timer = setTimeout(() => {
      api.call('periodView', asked).then(
        (data) => {
          if (current) setAnswer({ key, data, error: null });
        },
        (error: unknown) => {
          if (current) setAnswer((previous) => ({ key, data: previous?.data ?? null, error: messageOf(error) }));
        },
      );
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, key]);
  const settled = answer !== null && answer.key === key;
  return { data: answer?.data ?? null, loading: key !== null && !settled, error: settled ? answer.error : null };
}
