/**
 * A back end as the web host builds it, running analyses in this process (runPipeline), with no
 * Console: for the tests of the library, the period ends and the displays kept per analysis.
 */
import type { ApiEvent } from '../../src-shared/api.js';
import { defaultSettings } from '../../src-shared/settings/index.js';
import { Backend } from '../../src-main/app/backend.js';
import { MemoryCredentialStore } from '../../src-main/host/serve.js';
import { runPipeline } from '../../src-main/pipeline/run.js';

/** A Backend reading relative paths against `cwd`, keeping analyses under `workRoot`, and pushing every event into `events`. */
export function inProcessBackend(cwd: string, workRoot: string, events: ApiEvent[]): Backend {
  return new Backend({
    host: 'web',
    version: 'test',
    cwd,
    workRoot,
    runAnalysis: runPipeline,
    credentials: new MemoryCredentialStore(),
    openConsole: () => {
      throw new Error('no Console in this test');
    },
    prepareDemo: async () => defaultSettings(),
    emit: (event) => events.push(event),
    imageUrl: async (runId, index) => `/runs/${runId}/preview/${index}.jpg`,
  });
}

/** The `done` or `error` event of analysis `runId` among `events`, once it has come. */
export async function finishedIn(events: readonly ApiEvent[], runId: string): Promise<ApiEvent> {
  for (;;) {
    const event = events.find((seen) => 'runId' in seen && seen.runId === runId && (seen.type === 'done' || seen.type === 'error'));
    if (event !== undefined) return event;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
