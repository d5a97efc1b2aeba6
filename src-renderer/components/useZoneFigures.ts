/**
 * Zone figures of the analysis shown, recomputed from its store (`zoneView`) a moment after the
 * zones stop changing (while a corner is dragged only the last position is asked for). Zones that
 * break the rules are not sent: the editor shows their problems instead.
 */
import { useEffect, useState } from 'react';
import type { ApiClient, ZoneViewData } from '../../src-shared/api.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { zoneProblems } from '../../src-shared/zones/settings.js';
import { messageOf } from '../api/client.js';

/** How long the zones must stay unchanged before they are counted (ms). */
export const ZONE_FIGURES_DELAY_MS = 250;
/** Columns of each zone's occupancy chart. */
export const ZONE_CHART_COLUMNS = 600;

export interface ZoneFiguresState {
  /** The figures of the zones last counted, or null before any (or without zones). */
  data: ZoneViewData | null;
  /** Whether the zones on screen are being counted. */
  pending: boolean;
  error: string | null;
}

/** A time range of the analysis (ms since the epoch, from inclusive, to exclusive); the whole analysis when omitted. */
export interface ZoneRange {
  fromMs?: number;
  toMs?: number;
}

/**
 * The figures of `zones` in the analysis `runId` (none while `runId` is null), over `range`
 * (e.g. the period bar's choice), counted again when the zones or the range change.
 */
export function useZoneFigures(api: ApiClient, runId: string | null, zones: ZoneDefinition[], range: ZoneRange = {}): ZoneFiguresState {
  // What was last counted, and for which run and zones (their JSON): pending until it matches.
  const [counted, setCounted] = useState<{ key: string; data: ZoneViewData | null; error: string | null } | null>(null);
  const key = JSON.stringify([runId, zones, range.fromMs ?? null, range.toMs ?? null]);
  const countable = runId !== null && zones.length > 0 && zoneProblems(zones).length === 0;
  useEffect(() => {
    if (!countable || runId === null) return;
    let current = true;
    const timer = setTimeout(() => {
      const bounds = { ...(range.fromMs === undefined ? {} : { fromMs: range.fromMs }), ...(range.toMs === undefined ? {} : { toMs: range.toMs }) };
      api.call('zoneView', { runId, zones, columns: ZONE_CHART_COLUMNS, ...bounds }).then(
        (data) => {
          if (current) setCounted({ key, data, error: null });
        },
        (error: unknown) => {
          if (current) setCounted({ key, data: null, error: messageOf(error) });
        },
      );
    }, ZONE_FIGURES_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // The zones' content and the range (in `key`), not their identity, decide when to count again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, countable]);
  if (!countable || counted === null) return { data: null, pending: countable, error: null };
  return { data: counted.data, pending: counted.key !== key, error: counted.key === key ? counted.error : null };
}
