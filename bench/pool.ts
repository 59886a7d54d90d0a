// Spreads JSON tasks over forked worker processes, one task at a time each.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface WorkerMessage<R> {
  ok: boolean;
  result?: R;
  error?: string;
}

/**
 * Runs every task on one of `jobs` children of `worker` (a module that answers
 * each message with a WorkerMessage), calling onResult as each one finishes.
 */
export async function runPool<T, R>(options: {
  worker: URL;
  tasks: T[];
  jobs: number;
  onResult: (result: R, task: T) => void;
}): Promise<R[]> {
  const queue = options.tasks.map((task, index) => ({ task, index }));
  const results: R[] = new Array<R>(queue.length);
  const workerPath = fileURLToPath(options.worker);
  const count = Math.max(1, Math.min(options.jobs, queue.length));

  const drive = (child: ChildProcess): Promise<void> =>
    new Promise((resolve, reject) => {
      const next = (): void => {
        const item = queue.shift();
        if (item === undefined) {
          child.disconnect();
          resolve();
          return;
        }
        child.once('message', (message: WorkerMessage<R>) => {
          if (!message.ok || message.result === undefined) {
            child.kill();
            reject(new Error(message.error ?? 'worker answered without a result'));
            return;
          }
          results[item.index] = message.result;
          options.onResult(message.result, item.task);
          next();
        });
        child.send(item.task as object);
      };
      child.once('error', reject);
      next();
    });

  // Children inherit tsx's loader through process.execArgv.
  const children = Array.from({ length: count }, () => fork(workerPath, [], { stdio: 'inherit' }));
  await Promise.all(children.map(drive));
  return results;
}

/** The child side: answers each task message with its result or its error. */
export function serveTasks<T, R>(execute: (task: T) => R): void {
  process.on('message', (task: T) => {
    let reply: WorkerMessage<R>;
    try {
      reply = { ok: true, result: execute(task) };
    } catch (error) {
      reply = {
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    process.send?.(reply);
  });
}
