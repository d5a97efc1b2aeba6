/**
 * The app's Follow as state: starting and stopping a live follow of the Console device, and
 * its status as the back end pushes it (`follow` events) after every poll or fault.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, FollowStatus } from '../../src-shared/api.js';
import type { Settings } from '../../src-shared/settings/index.js';
import { messageOf } from '../api/client.js';

export interface Follow {
  /** The running or last follow's status; null before any. */
  status: FollowStatus | null;
  /** A start or stop request is under way. */
  busy: boolean;
  active: boolean;
  start: (settings: Settings, intervalS: number) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * `next` as the status to show: the newest image comes only in the status after it changed, so a
 * status of the same follow without one keeps the image `current` holds.
 */
function keepImage(current: FollowStatus | null, next: FollowStatus): FollowStatus {
  if (next.newestImage !== undefined || current?.followId !== next.followId || current.newestImage === undefined) return next;
  return { ...next, newestImage: current.newestImage };
}

export function useFollow(api: ApiClient, onError: (message: string) => void): Follow {
  const [status, setStatus] = useState<FollowStatus | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(
    () =>
      api.subscribe((event) => {
        if (event.type !== 'follow') return;
        // Events of an older follow (ended by a newer one) do not replace the current one.
        setStatus((current) =>
          current === null || current.followId === event.status.followId || event.status.state === 'starting' ? keepImage(current, event.status) : current,
        );
      }),
    [api],
  );

  const start = useCallback(
    async (settings: Settings, intervalS: number) => {
      setBusy(true);
      try {
        const started = await api.call('startFollow', { settings, intervalS });
        // Polls may have been pushed before the answer: keep whichever says more.
        setStatus((current) =>
          current !== null && current.followId === started.followId && current.polls + current.faults >= started.polls + started.faults
            ? keepImage(started, current)
            : keepImage(current, started),
        );
      } catch (error) {
        onError(`Follow failed: ${messageOf(error)}`);
      } finally {
        setBusy(false);
      }
    },
    [api, onError],
  );

  const stop = useCallback(async () => {
    if (status === null) return;
    setBusy(true);
    try {
      const stopped = await api.call('stopFollow', { followId: status.followId });
      setStatus((current) => keepImage(current, stopped));
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setBusy(false);
    }
  }, [api, onError, status]);

  const active = status !== null && (status.state === 'starting' || status.state === 'following' || status.state === 'retrying');
  return { status, busy, active, start, stop };
}
