import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backends } from '../helpers/database.ts';
import {
  type BestAssignments,
  createExperiment,
  type Experiment,
  observe,
  openTestApp,
  type Page,
  type TestApp,
} from '../helpers/app.ts';

// best_assignments: the best feasible observation for one optimized metric,
// the Pareto front for two, and the progress fields of the experiment.

const at = (x: number) => ({ x, n: 1, c: 'a' });

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;

    beforeAll(async () => {
      api = await openTestApp(kind);
    });
    afterAll(async () => api.close());

    const best = async (experiment: Experiment) => {
      const reply = await api.get<Page<BestAssignments>>(
        `/v1/experiments/${experiment.id}/best_assignments`,
      );
      expect(reply.status).toBe(200);
      expect(reply.body.object).toBe('pagination');
      return reply.body;
    };
    const report = (experiment: Experiment, x: number, values: Record<string, number> | null) =>
      observe(api, experiment.id, {
        assignments: at(x),
        ...(values === null
          ? { failed: true }
          : { values: Object.entries(values).map(([name, value]) => ({ name, value })) }),
      });

    it('answers an empty page before any observation', async () => {
      const experiment = await createExperiment(api);
      const body = await best(experiment);
      expect(body).toEqual({
        object: 'pagination',
        count: 0,
        data: [],
        paging: { before: null, after: null },
      });
    });

    it('picks the largest value of a maximized metric and shows it as best_assignments', async () => {
      const experiment = await createExperiment(api);
      await report(experiment, 0.1, { y: 1 });
      const top = await observe(api, experiment.id, {
        assignments: at(0.2),
        values: [{ name: 'y', value: 5, value_stddev: 0.5 }],
        metadata: { run: 'top' },
      });
      await report(experiment, 0.3, { y: 3 });
      await report(experiment, 0.4, null);
      const body = await best(experiment);
      expect(body.count).toBe(1);
      expect(body.data).toEqual([
        {
          object: 'best_assignments',
          id: top.id,
          assignments: at(0.2),
          values: [{ object: 'metric_evaluation', name: 'y', value: 5, value_stddev: 0.5 }],
          metadata: { run: 'top' },
          task: null,
        },
      ]);
    });

    it('picks the smallest value of a minimized metric', async () => {
      const experiment = await createExperiment(api, {
        metrics: [{ name: 'loss', objective: 'minimize' }],
      });
      await report(experiment, 0.1, { loss: 4 });
      const low = await report(experiment, 0.2, { loss: -2 });
      await report(experiment, 0.3, { loss: 0 });
      expect((await best(experiment)).data.map((b) => b.id)).toEqual([low.id]);
    });

    it('never picks a failed observation', async () => {
      const experiment = await createExperiment(api);
      await report(experiment, 0.1, null);
      await report(experiment, 0.2, null);
      expect((await best(experiment)).count).toBe(0);
      const only = await report(experiment, 0.3, { y: -100 });
      expect((await best(experiment)).data.map((b) => b.id)).toEqual([only.id]);
    });

    it('lets constraint thresholds decide feasibility', async () => {
      const experiment = await createExperiment(api, {
        metrics: [
          'y',
          { name: 'mem', strategy: 'constraint', objective: 'minimize', threshold: 10 },
          { name: 'acc', strategy: 'constraint', threshold: 0.5 },
          { name: 'note', strategy: 'store' },
        ],
        observation_budget: 20,
      });
      await report(experiment, 0.1, { y: 100, mem: 11, acc: 0.9, note: 1 }); // too much memory
      await report(experiment, 0.2, { y: 90, mem: 5, acc: 0.4, note: 1 }); // too inaccurate
      const feasible = await report(experiment, 0.3, { y: 10, mem: 10, acc: 0.5, note: -1e9 });
      await report(experiment, 0.4, { y: 5, mem: 1, acc: 1, note: 1e9 });
      expect((await best(experiment)).data.map((b) => b.id)).toEqual([feasible.id]);

      // A looser threshold makes the best observation feasible.
      await api.put(`/v1/experiments/${experiment.id}`, {
        metrics: [{ name: 'mem', threshold: 20 }],
      });
      const data = (await best(experiment)).data;
      expect(data).toHaveLength(1);
      expect(data[0]?.assignments).toEqual(at(0.1));
    });

    it('answers the Pareto front for two optimized metrics', async () => {
      const experiment = await createExperiment(api, {
        metrics: ['acc', { name: 'cost', objective: 'minimize' }],
        observation_budget: 20,
      });
      const a = await report(experiment, 0.1, { acc: 0.9, cost: 10 });
      const b = await report(experiment, 0.2, { acc: 0.8, cost: 2 });
      await report(experiment, 0.3, { acc: 0.7, cost: 5 }); // dominated by b
      const c = await report(experiment, 0.4, { acc: 0.5, cost: 1 });
      await report(experiment, 0.5, { acc: 0.85, cost: 12 }); // dominated by a
      await report(experiment, 0.6, null);
      const body = await best(experiment);
      expect(body.count).toBe(3);
      expect(body.data.map((entry) => entry.id).sort()).toEqual([a.id, b.id, c.id].sort());
      for (const entry of body.data)
        expect(entry.values.map((v) => v.name)).toEqual(['acc', 'cost']);

      const fetched = await api.get<Experiment>(`/v1/experiments/${experiment.id}`);
      expect(fetched.body.progress.best_observation).toBeNull();
    });

    it('fills in progress: count, first, last and best', async () => {
      const experiment = await createExperiment(api);
      const first = await report(experiment, 0.1, { y: 2 });
      const top = await report(experiment, 0.2, { y: 9 });
      const last = await report(experiment, 0.3, null);
      const { progress } = (await api.get<Experiment>(`/v1/experiments/${experiment.id}`)).body;
      expect(progress.observation_count).toBe(3);
      expect(progress.observation_budget_consumed).toBe(3);
      expect(progress.first_observation?.id).toBe(first.id);
      expect(progress.last_observation?.id).toBe(last.id);
      expect(progress.best_observation?.id).toBe(top.id);
      expect(progress.best_observation).toMatchObject({ object: 'observation', value: 9 });

      await api.delete(`/v1/experiments/${experiment.id}/observations/${top.id}`);
      const after = (await api.get<Experiment>(`/v1/experiments/${experiment.id}`)).body.progress;
      expect(after.observation_count).toBe(2);
      expect(after.best_observation?.id).toBe(first.id);
    });
  });
}
