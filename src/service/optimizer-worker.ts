import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isWorkerThread } from 'piscina';
import { createRandom, suggest, type SuggestRequest, type SuggestResult } from '../engine/index.ts';

// Runs in a worker thread: one optimizer call, away from the request loop.
// Functions cannot cross threads, so the job carries a seed and the worker
// makes the random source and the clock.

export type OptimizerJob = Omit<SuggestRequest, 'random' | 'clock'> & { seed: number };

/** How much lower than the request loop an optimizer thread runs (Linux nice steps). */
export const OPTIMIZER_NICENESS = 10;

/**
 * Lowers this thread's scheduling priority, so that whenever the request
 * loop and an optimizer computation want the same core, the request wins.
 * Linux alone gives threads their own priority (the thread's id reads from
 * /proc/thread-self); elsewhere the thread keeps the process's priority.
 * Returns the thread's niceness afterwards, or null when it could not be set.
 */
export function yieldToRequests(niceness = OPTIMIZER_NICENESS): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return null;
    setPriority(tid, niceness);
    return niceness;
  } catch {
    return null;
  }
}

// Only the pool's own threads step back; a module that imports this one for its types does not.
if (isWorkerThread) yieldToRequests();

export default function runOptimizer(job: OptimizerJob): SuggestResult {
  const { seed, ...request } = job;
  return suggest({ ...request, random: createRandom(seed), clock: () => performance.now() });
}
