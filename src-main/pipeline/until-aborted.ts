import { CancelledError } from '../../src-shared/errors.js';

/**
 * `work`, or a CancelledError as soon as `signal` aborts: a sink stuck in a write (an ffmpeg
 * that stopped reading) cannot hold a cancelled run. The abandoned work's own failure, which
 * follows when the sink is aborted, is the cancel's consequence and is dropped.
 */
export async function untilAborted(work: Promise<void> | void, signal: AbortSignal): Promise<void> {
  if (!(work instanceof Promise)) return;
  if (signal.aborted) {
    work.catch(() => undefined);
    throw new CancelledError();
  }
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([work, aborted]);
  } catch (error) {
    work.catch(() => undefined);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
