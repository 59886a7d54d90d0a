import { performance } from 'node:perf_hooks';
import { createRandom, suggest, type SuggestRequest, type SuggestResult } from '../engine/index.ts';

// Runs in a worker thread: one optimizer call, away from the request loop.
// Functions cannot cross threads, so the job carries a seed and the worker
// makes the random source and the clock.

export type OptimizerJob = Omit<SuggestRequest, 'random' | 'clock'> & { seed: number };

export default function runOptimizer(job: OptimizerJob): SuggestResult {
  const { seed, ...request } = job;
  return suggest({ ...request, random: createRandom(seed), clock: () => performance.now() });
}
