import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import { OptimizerThreads } from '../../src/service/optimizer-threads.ts';
import { OPTIMIZER_NICENESS } from '../../src/service/optimizer-worker.ts';

// The optimizer's threads compute real suggestions, at a lower scheduling
// priority than the request loop where the system gives threads their own.

/** A thread's niceness: field 19 of its stat file under /proc. */
function niceness(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('optimizer threads', () => {
  const threads = new OptimizerThreads({ threads: 1 });
  afterAll(() => threads.close());

  it('computes a batch of points of the space off the calling thread', async () => {
    const result = await threads.run({
      type: 'offline',
      parameters: [{ name: 'x', type: 'double', min: 0, max: 1, log: false, grid: null }],
      observations: [0.1, 0.5, 0.9].map((x) => ({
        assignments: { x },
        value: -((x - 0.4) ** 2),
        noise: null,
        failed: false,
      })),
      pending: [],
      count: 3,
      seed: 11,
      timeBudgetMs: 500,
    });
    expect(result.points).toHaveLength(3);
    for (const point of result.points) {
      expect(point.x).toBeGreaterThanOrEqual(0);
      expect(point.x).toBeLessThanOrEqual(1);
    }
  });

  it.skipIf(!existsSync('/proc/thread-self'))(
    'runs below the priority of the request loop on Linux',
    () => {
      const all = readdirSync('/proc/self/task').map((tid) =>
        niceness(`/proc/self/task/${tid}/stat`),
      );
      // The optimizer's thread has given its priority up; this thread keeps its own.
      expect(all).toContain(OPTIMIZER_NICENESS);
      expect(niceness('/proc/thread-self/stat')).toBeLessThan(OPTIMIZER_NICENESS);
    },
  );
});
