/**
 * The library of analyses as state: the list (asked again whenever an analysis ends), opening
 * one (its RunInfo goes to the timeline) and deleting one.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AnalysisEntry, ApiClient, RunInfo } from '../../src-shared/api.js';
import { messageOf } from '../api/client.js';

export interface Library {
  analyses: AnalysisEntry[] | null;
  open: (runId: string) => Promise<void>;
  remove: (runId: string) => Promise<void>;
  refresh: () => void;
}

/**
 * @param changed anything that changes when the library may have (the finished run's id): the list is asked again.
 * @param onOpened the opened analysis, for the timeline.
 */
export function useLibrary(api: ApiClient, changed: unknown, onOpened: (info: RunInfo) => void, onError: (message: string) => void): Library {
  const [analyses, setAnalyses] = useState<AnalysisEntry[] | null>(null);
  const [asked, setAsked] = useState(0);
  const refresh = useCallback(() => setAsked((count) => count + 1), []);

  useEffect(() => {
    let current = true;
    api.call('listAnalyses', {}).then(
      (answer) => {
        if (current) setAnalyses(answer.analyses);
      },
      (error: unknown) => onError(messageOf(error)),
    );
    return () => {
      current = false;
    };
  }, [api, changed, asked, onError]);

  const open = useCallback(
    async (runId: string) => {
      try {
        onOpened(await api.call('openAnalysis', { runId }));
      } catch (error) {
        onError(messageOf(error));
      }
    },
    [api, onOpened, onError],
  );

  const remove = useCallback(
    async (runId: string) => {
      try {
        await api.call('deleteAnalysis', { runId });
      } catch (error) {
        onError(messageOf(error));
      }
      refresh();
    },
    [api, onError, refresh],
  );

  return { analyses, open, remove, refresh };
}
