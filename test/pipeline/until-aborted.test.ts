import { describe, expect, it } from 'vitest';
import { untilAborted } from '../../src-main/pipeline/until-aborted.js';
import { CancelledError } from '../../src-shared/errors.js';

describe('untilAborted', () => {
  it('passes a finished write through, and its failure too', async () => {
    const signal = new AbortController().signal;
    await expect(untilAborted(Promise.resolve(), signal)).resolves.toBeUndefined();
    await expect(untilAborted(undefined, signal)).resolves.toBeUndefined();
    const failure = new Error('disk full');
    await expect(untilAborted(Promise.reject(failure), signal)).rejects.toBe(failure);
  });

  it('rejects with CancelledError when the signal aborts while the write never settles', async () => {
    const controller = new AbortController();
    const waiting = untilAborted(new Promise<void>(() => undefined), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });

  it('does not start waiting once aborted, and drops the abandoned write\'s later failure', async () => {
    const controller = new AbortController();
    controller.abort();
    let fail: (error: Error) => void = () => undefined;
    const write = new Promise<void>((_resolve, reject) => {
      fail = reject;
    });
    await expect(untilAborted(write, controller.signal)).rejects.toBeInstanceOf(CancelledError);
    // Vitest fails the run on an unhandled rejection: this one must have a handler already.
    fail(new Error('ffmpeg killed'));
    await new Promise((resolveTick) => setImmediate(resolveTick));
  });
});
