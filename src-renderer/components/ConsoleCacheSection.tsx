import { useEffect, useState } from 'react';
import type { ApiClient, ConsoleCacheInfo } from '../../src-shared/api.js';
import { messageOf } from '../api/client.js';
import { formatBytes } from '../../src-shared/bytes.js';
import { localLabel } from '../logic/console-time.js';

interface Props {
  api: ApiClient;
  onError: (message: string) => void;
}

/**
 * What the Console cache keeps, per device, with buttons that clear one device's part or all of
 * it. Read again after every finished analysis (it may have added to the cache).
 */
export function ConsoleCacheSection({ api, onError }: Props) {
  const [info, setInfo] = useState<ConsoleCacheInfo | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    const load = (): void => {
      api.call('consoleCacheInfo', {}).then(
        (found) => {
          if (current) setInfo(found);
        },
        (error: unknown) => onError(messageOf(error)),
      );
    };
    load();
    const unsubscribe = api.subscribe((event) => {
      if (event.type === 'done') load();
    });
    return () => {
      current = false;
      unsubscribe();
    };
  }, [api, onError]);

  const clear = async (device?: { device_id: string; endpoint: string }) => {
    setBusy(true);
    try {
      setInfo(await api.call('clearConsoleCache', device === undefined ? {} : { device_id: device.device_id, endpoint: device.endpoint }));
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    // A plain block under its heading, not a landmark: the panel's region stays the one named "Console".
    <div className="console-cache" data-testid="console-cache">
      <h3>Kept from the Console</h3>
      <p className="hint">Fetched results and images are kept here, so a later analysis fetches only what is missing.</p>
      {info === null ? (
        <p className="hint">Reading…</p>
      ) : info.devices.length === 0 ? (
        <p className="hint" data-testid="console-cache-empty">
          Nothing kept yet.
        </p>
      ) : (
        <ul className="console-cache-devices">
          {info.devices.map((device) => (
            <li key={`${device.endpoint} ${device.device_id}`} data-testid="console-cache-device">
              <span>
                <strong>{device.device_id}</strong> <span className="hint">of {device.endpoint}</span>: {device.inferences} {device.inferences === 1 ? 'inference' : 'inferences'}, {device.images}{' '}
                {device.images === 1 ? 'image' : 'images'}, {formatBytes(device.bytes)}
                {device.first_t !== null && device.last_t !== null && (
                  <>
                    {' '}
                    (from {localLabel(device.first_t)} to {localLabel(device.last_t)})
                  </>
                )}
              </span>{' '}
              <button
                type="button"
                className="link"
                disabled={busy}
                aria-label={`Clear what is kept of ${device.device_id} of ${device.endpoint}`}
                onClick={() => void clear(device)}
              >
                Clear
              </button>
            </li>
          ))}
        </ul>
      )}
      {info !== null && info.devices.length > 0 && (
        <div className="row">
          <span className="hint">{formatBytes(info.file_bytes)} on disk</span>
          <button type="button" disabled={busy} onClick={() => void clear()}>
            Clear all
          </button>
        </div>
      )}
    </div>
  );
}
