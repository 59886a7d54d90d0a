import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { SuggestResult } from '../engine/index.ts';
import type { OptimizerJob } from './optimizer-worker.ts';

// A small pool of worker threads for GP fits and acquisition searches, so
// that the request loop never waits on the optimizer's arithmetic. Jobs wait
// here, not in the pool's own queue, so that a job somebody waits for (a
// single worker's next point) goes before the background refreshes of
// parallel experiments, which serve quick points meanwhile.

export interface OptimizerThreadsOptions {
  /** Threads in the pool; by default one fewer than the cores, at least one. */
  threads?: number;
}

export interface RunOptions {
  /** A request waits for this job: it runs before every job that is not urgent. */
  urgent?: boolean;
}

interface Waiting {
  job: OptimizerJob;
  urgent: boolean;
  resolve: (result: SuggestResult) => void;
  reject: (error: unknown) => void;
}

export class OptimizerThreads {
  private readonly pool: Piscina;
  private readonly threads: number;
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private closed = false;

  constructor(options: OptimizerThreadsOptions = {}) {
    this.threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    this.pool = new Piscina({
      filename: new URL('./optimizer-worker.ts', import.meta.url).href,
      // The worker is TypeScript: load it through the same loader as the server.
      execArgv: ['--import', 'tsx'],
      minThreads: 1,
      maxThreads: this.threads,
      idleTimeout: 60_000,
    });
  }

  /** Jobs waiting for a thread (not those running). */
  get queued(): number {
    return this.waiting.length;
  }

  run(job: OptimizerJob, options: RunOptions = {}): Promise<SuggestResult> {
    if (this.closed) return Promise.reject(new Error('the optimizer threads are closed'));
    return new Promise((resolve, reject) => {
      const entry: Waiting = { job, urgent: options.urgent ?? false, resolve, reject };
      // Urgent jobs in the order they came, ahead of the others.
      const at = entry.urgent ? this.waiting.findIndex((other) => !other.urgent) : -1;
      if (at === -1) this.waiting.push(entry);
      else this.waiting.splice(at, 0, entry);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.running < this.threads && !this.closed) {
      const next = this.waiting.shift();
      if (!next) return;
      this.running++;
      (this.pool.run(next.job) as Promise<SuggestResult>)
        .then(next.resolve, next.reject)
        .finally(() => {
          this.running--;
          this.dispatch();
        });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.waiting.splice(0)) {
      entry.reject(new Error('the optimizer threads are closed'));
    }
    await this.pool.destroy();
  }
}
