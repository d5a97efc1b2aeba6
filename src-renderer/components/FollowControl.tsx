/**
 * Follow in the Console panel: a toggle that follows the chosen device live and the seconds
 * between polls; and the header's line saying how the follow stands.
 */
import { useId, useState } from 'react';
import type { FollowStatus } from '../../src-shared/api.js';
import type { Settings } from '../../src-shared/settings/index.js';
import type { Follow } from './useFollow.js';

const MIN_INTERVAL_S = 1;
const MAX_INTERVAL_S = 3600;
const DEFAULT_INTERVAL_S = 10;

/** The Follow toggle and its interval, for the device the settings name (metadata only). */
export function FollowControl({ follow, settings }: { follow: Follow; settings: Settings }) {
  const id = useId();
  const [interval, setInterval] = useState(String(DEFAULT_INTERVAL_S));
  const seconds = Number(interval);
  const intervalProblem =
    interval.trim() === '' || !Number.isFinite(seconds) || seconds < MIN_INTERVAL_S || seconds > MAX_INTERVAL_S
      ? `Seconds between polls: ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S}.`
      : null;
  const withImages = settings.data_source_settings.console_data_settings.sub_directory_name !== '';
  const blocker = withImages ? 'Follow reads inference results only: choose "metadata only (no images)".' : intervalProblem;
  return (
    <div className="follow" data-testid="follow-control">
      <label className={`setting${intervalProblem !== null ? ' invalid' : ''}`}>
        follow every (seconds)
        <input
          type="number"
          min={MIN_INTERVAL_S}
          max={MAX_INTERVAL_S}
          value={interval}
          disabled={follow.active}
          onChange={(event) => setInterval(event.target.value)}
          aria-invalid={intervalProblem !== null}
          aria-describedby={`${id}-follow-hint`}
        />
      </label>
      <p className={intervalProblem !== null || withImages ? 'issue' : 'hint'} id={`${id}-follow-hint`}>
        {blocker ?? 'New inference results are added to the followed analysis as they arrive; stopping keeps them.'}
      </p>
      <div className="row">
        <button
          type="button"
          aria-pressed={follow.active}
          disabled={follow.busy || (!follow.active && blocker !== null)}
          onClick={() => void (follow.active ? follow.stop() : follow.start(settings, seconds))}
          data-testid="follow-toggle"
        >
          {follow.active ? 'Stop following' : 'Follow'}
        </button>
      </div>
    </div>
  );
}

/** The header's line: the device, its frames, the last update in local time, any retry. */
export function FollowStatusLine({ status }: { status: FollowStatus | null }) {
  if (status === null) return null;
  const updated = status.lastUpdateMs === null ? 'no update yet' : `last update ${new Date(status.lastUpdateMs).toLocaleTimeString()}`;
  const state =
    status.state === 'retrying'
      ? `retrying: ${status.message ?? ''}`
      : status.state === 'failed'
        ? `stopped: ${status.message ?? ''}`
        : status.state === 'stopped'
          ? 'stopped'
          : status.state === 'starting'
            ? 'starting'
            : `every ${status.intervalS} s`;
  return (
    <div className={`follow-status${status.state === 'retrying' || status.state === 'failed' ? ' warning' : ''}`} role="status" aria-live="polite" data-testid="follow-status">
      <span data-testid="follow-device">Following {status.deviceId}</span> · <span data-testid="follow-frames">{status.frames} frames</span> ·{' '}
      <span data-testid="follow-updated">{updated}</span> · <span data-testid="follow-state">{state}</span>
    </div>
  );
}
