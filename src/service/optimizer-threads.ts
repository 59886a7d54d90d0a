import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { SuggestResult } from '../engine/index.ts';
import type { OptimizerJob } from './optimizer-worker.ts';

// A small pool of worker threads for GP fits and acquisition searches, so
// that the request loop never waits on the optimizer's arithmetic.

export interface OptimizerThreadsOptions {
  /** Threads in the pool; by default one fewer than the cores, at least one. */
  threads?: number;
}

export class OptimizerThreads {
  private readonly pool: Piscina;

  constructor(options: OptimizerThreadsOptions = {}) {
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    this.pool = new Piscina({
      filename: new URL('./optimizer-worker.ts', import.meta.url).href,
      // The worker is TypeScript: load it through the same loader as the server.
      execArgv: ['--import', 'tsx'],
      minThreads: 1,
      maxThreads: threads,
      idleTimeout: 60_000,
    });
  }

  run(job: OptimizerJob): Promise<SuggestResult> {
    return this.pool.run(job) as Promise<SuggestResult>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
