import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import { OptimizerThreads } from '../../src/service/optimizer-threads.ts';
import { OPTIMIZER_NICENESS, type OptimizerJob } from '../../src/service/optimizer-worker.ts';

// The optimizer's threads compute real suggestions, at a lower scheduling
// priority than the request loop where the system gives threads their own.

/** A thread's niceness: field 19 of its stat file under /proc. */
function niceness(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const job = (seed: number, timeBudgetMs = 500): OptimizerJob => ({
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
  seed,
  timeBudgetMs,
});

describe('optimizer threads', () => {
  const threads = new OptimizerThreads({ threads: 1 });
  afterAll(() => threads.close());

  it('computes a batch of points of the space off the calling thread', async () => {
    const result = await threads.run(job(11));
    expect(result.points).toHaveLength(3);
    for (const point of result.points) {
      expect(point.x).toBeGreaterThanOrEqual(0);
      expect(point.x).toBeLessThanOrEqual(1);
    }
  });

  it('runs a job a request waits for before the background jobs queued earlier', async () => {
    const finished: string[] = [];
    const submit = (name: string, urgent: boolean) =>
      threads.run(job(name.length, 100), { urgent }).then(() => finished.push(name));
    // One thread: the first starts at once, the others wait for it.
    const all = [
      submit('running', false),
      submit('background one', false),
      submit('background two', false),
      submit('waited for', true),
      submit('waited for too', true),
    ];
    expect(threads.queued).toBe(4);
    await Promise.all(all);
    expect(finished).toEqual([
      'running',
      'waited for',
      'waited for too',
      'background one',
      'background two',
    ]);
  });

  it('refuses the jobs still waiting when it closes', async () => {
    const own = new OptimizerThreads({ threads: 1 });
    const first = own.run(job(1, 100));
    const second = own.run(job(2, 100));
    const closing = own.close();
    await expect(second).rejects.toThrow(/closed/);
    await first.catch(() => undefined);
    await closing;
    await expect(own.run(job(3))).rejects.toThrow(/closed/);
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
