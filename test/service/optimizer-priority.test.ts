import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import runOptimizer, { type OptimizerJob } from '../../src/service/optimizer-worker.ts';
import { backends } from '../helpers/database.ts';
import { createExperiment, openTestApp, type Suggestion, type TestApp } from '../helpers/app.ts';

// A single worker waits for the computation that uses its latest observation,
// so its jobs are marked urgent and run before the background refreshes of
// parallel experiments; parallel workers take quick points meanwhile, and
// their jobs wait their turn.

for (const kind of backends) {
  describe(`which optimizer jobs are urgent (${kind})`, () => {
    let api: TestApp;
    /** Each job's urgency, by the name of its experiment's parameter. */
    const urgency = new Map<string, boolean[]>();

    beforeAll(async () => {
      api = await openTestApp(kind, {
        optimizer: (job: OptimizerJob, options) => {
          const name = job.parameters[0]?.name ?? '';
          urgency.set(name, [...(urgency.get(name) ?? []), options?.urgent ?? false]);
          return Promise.resolve(runOptimizer(job));
        },
      });
    });
    afterAll(async () => {
      await api?.app.close();
      await api?.db.close();
    });

    /** Runs `rounds` worker loops; resolves once the optimizer had `jobs` jobs. */
    async function loops(parameter: string, bandwidth: number, rounds: number, jobs: number) {
      const experiment = await createExperiment(api, {
        parameters: [{ name: parameter, type: 'double', bounds: { min: 0, max: 1 } }],
        parallel_bandwidth: bandwidth,
      });
      const base = `/v1/experiments/${experiment.id}`;
      for (let round = 0; round < rounds; round++) {
        const suggestion = await api.post<Suggestion>(`${base}/suggestions`);
        expect(suggestion.status).toBe(200);
        const x = Number(suggestion.body.assignments[parameter]);
        const observed = await api.post(`${base}/observations`, {
          suggestion: suggestion.body.id,
          values: [{ value: -((x - 0.3) ** 2) }],
        });
        expect(observed.status).toBe(200);
      }
      await expect.poll(() => urgency.get(parameter)?.length ?? 0).toBeGreaterThanOrEqual(jobs);
      return urgency.get(parameter) ?? [];
    }

    it("marks a single worker's computations urgent", async () => {
      // The initial design, then a computation after each report.
      const jobs = await loops('single', 1, 4, 5);
      expect(jobs.every((urgent) => urgent)).toBe(true);
    });

    it("leaves the computations of parallel workers' experiments to the background", async () => {
      // The initial design, then refreshes (reports that arrive together share one).
      const jobs = await loops('parallel', 8, 4, 2);
      expect(jobs.some((urgent) => urgent)).toBe(false);
    });
  });
}
