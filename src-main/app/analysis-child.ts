/**
 * Entry of the process that runs one analysis: a Node child (`child_process.fork`, web host)
 * or an Electron utilityProcess (desktop app). Both hand it the same commands; only the
 * channel differs (`process.send` / `process.parentPort`).
 */
import { serveAnalysisCommands, type AnalysisCommand, type AnalysisMessage } from './analysis.js';

interface ParentPort {
  on(event: 'message', listener: (event: { data: AnalysisCommand }) => void): void;
  postMessage(message: AnalysisMessage): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (parentPort !== undefined) {
  const dispatch = serveAnalysisCommands((message) => parentPort.postMessage(message));
  parentPort.on('message', (event) => dispatch(event.data));
} else if (process.send !== undefined) {
  const dispatch = serveAnalysisCommands((message) => {
    const final = message.type === 'done' || message.type === 'error';
    // Let the last message reach the parent before closing the channel that keeps this process alive.
    process.send?.(message, undefined, {}, () => {
      if (final) process.disconnect?.();
    });
  });
  process.on('message', (command: AnalysisCommand) => dispatch(command));
} else {
  console.error('analysis-child: start me with child_process.fork or utilityProcess.fork');
  process.exitCode = 2;
}
