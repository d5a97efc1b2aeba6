/**
 * One period view of a finished analysis as state: asked of the back end (`periodView`, computed
 * from the analysis's store) a moment after the request last changed, so typing a grid size
 * re-counts once, not at every key; an answer to an older request is dropped. A finished
 * analysis's store never changes, so recent answers are kept (`answers`): a view seen before is
 * shown again at once, without the wait or the request; an answer by buckets also gives the same
 * range's answer without them.
 */
import { useEffect, useState } from 'react';
import type { ApiClient, PeriodViewData, PeriodViewRequest } from '../../src-shared/api.js';
import { messageOf } from '../api/client.js';
import { AnswerCache } from '../logic/answer-cache.js';
import { periodViewCells } from '../logic/period.js';

/** How long the request must stay the same before it is sent, ms. */
const SETTLE_MS = 250;
/** Grid cells of the answers kept, in all: about two weeks by hour at 192 × 108 (each 169 grids), or many whole periods. */
const KEPT_CELLS = 8_000_000;

/** Recent answers by request (JSON), shared by every period view of the window. */
const answers = new AnswerCache<PeriodViewData>(KEPT_CELLS, periodViewCells);

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
    if (key === null || answers.get(key) !== undefined) return;
    const asked = JSON.parse(key) as PeriodViewRequest;
    let current = true;
    const timer = setTimeout(() => {
      api.call('periodView', asked).then(
        (data) => {
          answers.set(key, data);
          // The same range without buckets is this answer's whole part: going from the hours back
          // to the whole period needs no second count (periodView sums the range alike either way).
          if (asked.period !== undefined && asked.period !== 'none') answers.set(JSON.stringify({ ...asked, period: 'none' }), { ...data, buckets: [] });
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
  const kept = key === null ? undefined : answers.get(key);
  if (kept !== undefined) return { data: kept, loading: false, error: null };
  const settled = answer !== null && answer.key === key;
  return { data: answer?.data ?? null, loading: key !== null && !settled, error: settled ? answer.error : null };
}
