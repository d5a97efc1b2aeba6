/**
 * One period view of a finished analysis as state: asked of the back end (`periodView`, computed
 * from the analysis's store) at once when a click changed the view, a moment after the request
 * last changed when typed values did (`periodSettleMs`), so typing a grid size re-counts once,
 * not at every key; an answer to an older request is dropped. A finished
 * analysis's store never changes, so recent answers are kept (`answers`): a view seen before is
 * shown again at once, without the wait or the request; an answer by buckets also gives the same
 * range's answer without them.
 */
import { useEffect, useRef, useState } from 'react';
import type { ApiClient, PeriodViewData, PeriodViewRequest } from '../../src-shared/api.js';
import { messageOf } from '../api/client.js';
import { AnswerCache } from '../logic/answer-cache.js';
import { periodSettleMs, periodViewCells } from '../logic/period.js';
/** Grid cells of the answers kept, in all: about two weeks by hour at 192 × 108 (each 169 grids), or many whole periods. */
const KEPT_CELLS = 8_000_000;

/** Recent answers by request (JSON), shared by every period view of the window. */
const answers = new AnswerCache<PeriodViewData>(KEPT_CELLS, periodViewCells);

export interface PeriodViewState {
  /** The last answer, kept on screen while a newer one is computed. */
  data: PeriodViewData | null;
  /** The request `data` answers (not the one asked now, while that one is computed): what a caption must describe. */
  answered: PeriodViewRequest | null;
  /** An answer for the request asked now is on its way. */
  loading: boolean;
  /** Why the request asked now failed, or null. */
  error: string | null;
}

interface Answer {
  /** The request asked last. */
  key: string;
  /** The last answer received, and the request it answers (an older one when the last request failed). */
  data: PeriodViewData | null;
  dataKey: string | null;
  error: string | null;
}

/** The answer to `request` (null: nothing to ask). */
export function usePeriodView(api: ApiClient, request: PeriodViewRequest | null): PeriodViewState {
  const [answer, setAnswer] = useState<Answer | null>(null);
  /** The request shown or asked last, to tell a click from typing. */
  const previous = useRef<PeriodViewRequest | null>(null);
  const key = request === null ? null : JSON.stringify(request);
  useEffect(() => {
    if (key === null) return;
    const asked = JSON.parse(key) as PeriodViewRequest;
    const settle = periodSettleMs(previous.current, asked);
    previous.current = asked;
    if (answers.get(key) !== undefined) return;
    let current = true;
    const timer = setTimeout(() => {
      api.call('periodView', asked).then(
        (data) => {
          answers.set(key, data);
          // The same range without buckets is this answer's whole part: going from the hours back
          // to the whole period needs no second count (periodView sums the range alike either way).
          if (asked.period !== undefined && asked.period !== 'none') answers.set(JSON.stringify({ ...asked, period: 'none' }), { ...data, buckets: [] });
          if (current) setAnswer({ key, data, dataKey: key, error: null });
        },
        (error: unknown) => {
          if (current) setAnswer((previous) => ({ key, data: previous?.data ?? null, dataKey: previous?.dataKey ?? null, error: messageOf(error) }));
        },
      );
    }, settle);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, key]);
  const kept = key === null ? undefined : answers.get(key);
  if (kept !== undefined) return { data: kept, answered: request, loading: false, error: null };
  const settled = answer !== null && answer.key === key;
  const answered = answer?.dataKey == null ? null : (JSON.parse(answer.dataKey) as PeriodViewRequest);
  return { data: answer?.data ?? null, answered, loading: key !== null && !settled, error: settled ? answer.error : null };
}
