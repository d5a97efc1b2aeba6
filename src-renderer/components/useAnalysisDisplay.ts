/**
 * Keeps the display settings on screen with the analysis shown (colormap, transparency, min/max,
 * interpolation, picture, empty cells): when they change while a finished analysis is shown, they
 * are saved with it (`saveAnalysisDisplay`, into its run.json) once they have been still for
 * SAVE_DELAY_MS, so reopening it from the library shows it as it was last looked at.
 */
import { useEffect, useRef } from 'react';
import type { AnalysisDisplay, ApiClient, RunInfo } from '../../src-shared/api.js';
import { messageOf } from '../api/client.js';
import { displayOf, type DisplaySettings } from '../logic/display.js';
import { SAVE_DELAY_MS } from './useAnalysisZones.js';

/**
 * @param shown the finished analysis on screen, or null.
 * @param display what it is painted with now (`liveDisplay`: only valid values), or null.
 */
export function useAnalysisDisplay(api: ApiClient, shown: RunInfo | null, display: DisplaySettings | null, onError: (message: string) => void): void {
  // What the back end holds for the shown analysis: nothing is saved until the display differs from it.
  const saved = useRef<{ runId: string; display: string } | null>(null);
  const runId = shown?.runId ?? null;
  const held = shown === null ? null : JSON.stringify(shown.display ?? displayOf(shown.output));
  const wanted = display === null ? null : JSON.stringify(display);

  useEffect(() => {
    if (runId === null || held === null || wanted === null) {
      if (runId === null) saved.current = null;
      return undefined;
    }
    if (saved.current?.runId !== runId) saved.current = { runId, display: held };
    if (saved.current.display === wanted) return undefined;
    const timer = setTimeout(() => {
      api.call('saveAnalysisDisplay', { runId, display: JSON.parse(wanted) as AnalysisDisplay }).then(
        () => {
          if (saved.current?.runId === runId) saved.current = { runId, display: wanted };
        },
        (error: unknown) => onError(messageOf(error)),
      );
    }, SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [api, runId, held, wanted, onError]);
}
