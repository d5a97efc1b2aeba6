import { describe, expect, it } from 'vitest';
import { analysisFailure } from '../../src-main/app/analysis.js';
import { CancelledError, InputError } from '../../src-shared/errors.js';

describe('how a failed analysis reads in the window', () => {
  it('says cancelled for a cancel, and a typed error\'s own message', () => {
    expect(analysisFailure(new CancelledError())).toEqual({ message: 'cancelled', cancelled: true });
    expect(analysisFailure(new InputError('meta_file not found: /data/x.csv'))).toEqual({ message: 'meta_file not found: /data/x.csv', cancelled: false });
  });

  it('shows a bug as one line, without the stack the worker sends', () => {
    const fromWorker = new Error('TypeError: grid is undefined\n    at countFrames (run.js:120:7)\n    at async runPipeline (run.js:60:5)');
    expect(analysisFailure(fromWorker)).toEqual({ message: 'unexpected error while analysing: TypeError: grid is undefined', cancelled: false });
  });
});
