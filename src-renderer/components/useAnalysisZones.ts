/**
 * Keeps the zones on screen with the analysis shown: when they change while a finished analysis
 * is shown, they are saved with it (`saveAnalysisZones`, into its run.json) once they have been
 * still for SAVE_DELAY_MS, so reopening it from the library after a restart shows them again.
 */
import { useEffect, useRef } from 'react';
import type { ApiClient, RunInfo } from '../../src-shared/api.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { messageOf } from '../api/client.js';

/** How long the zones must stay unchanged before they are saved, in ms. */
export const SAVE_DELAY_MS = 600;

/**
 * @param shown the finished analysis on screen, or null.
 * @param zones the zones on screen (the form's `zones`).
 */
export function useAnalysisZones(api: ApiClient, shown: RunInfo | null, zones: readonly ZoneDefinition[], onError: (message: string) => void): void {
  // What the back end holds for the shown analysis: nothing is saved until the zones differ from it.
  const saved = useRef<{ runId: string; zones: string } | null>(null);
  const runId = shown?.runId ?? null;
  const held = shown?.zones === undefined ? null : JSON.stringify(shown.zones);
  const wanted = JSON.stringify(zones);

  useEffect(() => {
    if (runId === null) {
      saved.current = null;
      return undefined;
    }
    if (saved.current?.runId !== runId) saved.current = { runId, zones: held ?? wanted };
    if (saved.current.zones === wanted) return undefined;
    const timer = setTimeout(() => {
      const parsed = JSON.parse(wanted) as ZoneDefinition[];
      api.call('saveAnalysisZones', { runId, zones: parsed }).then(
        () => {
          if (saved.current?.runId === runId) saved.current = { runId, zones: wanted };
        },
        (error: unknown) => onError(messageOf(error)),
      );
    }, SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [api, runId, held, wanted, onError]);
}
