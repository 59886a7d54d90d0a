import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backends } from '../helpers/database.ts';
import {
  createExperiment,
  type Experiment,
  expectError,
  type Observation,
  observe,
  openTestApp,
  type Page,
  type Suggestion,
  type TestApp,
} from '../helpers/app.ts';

// Observations: the rules for reporting a result, batches that are all or
// nothing, updates of the given fields, deletes, and `updated` moving.

const point = { x: 0.5, n: 3, c: 'a' };
const metrics = [
  'acc',
  { name: 'mem', strategy: 'constraint', threshold: 10, objective: 'minimize' },
  { name: 'time', strategy: 'store' },
];
const allValues = [
  { name: 'acc', value: 0.9, value_stddev: 0.01 },
  { name: 'mem', value: 5 },
  { name: 'time', value: 12.5 },
];

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;
    let single: Experiment;
    let multi: Experiment;

    beforeAll(async () => {
      api = await openTestApp(kind);
      single = await createExperiment(api, { name: 'single metric' });
      multi = await createExperiment(api, {
        name: 'three metrics',
        parameters: [
          { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
          { name: 'n', type: 'int', bounds: { min: 1, max: 10 } },
          { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
          { name: 'lr', type: 'double', bounds: { min: 0.001, max: 1 }, transformation: 'log' },
        ],
        metrics,
        observation_budget: 50,
      });
    });
    afterAll(async () => api.close());

    const post = (experiment: Experiment, body: unknown) =>
      api.post<Observation>(`/v1/experiments/${experiment.id}/observations`, body);
    const suggest = async (experiment: Experiment) =>
      (await api.post<Suggestion>(`/v1/experiments/${experiment.id}/suggestions`)).body;

    describe('creating', () => {
      it('records an observation of a suggestion and closes the suggestion', async () => {
        const suggestion = await suggest(single);
        const reply = await post(single, {
          suggestion: suggestion.id,
          values: [{ name: 'y', value: 0.7, value_stddev: 0.1 }],
          metadata: { epoch: 3 },
        });
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({
          object: 'observation',
          experiment: single.id,
          suggestion: suggestion.id,
          assignments: suggestion.assignments,
          values: [{ object: 'metric_evaluation', name: 'y', value: 0.7, value_stddev: 0.1 }],
          failed: false,
          metadata: { epoch: 3 },
          value: 0.7,
          value_stddev: 0.1,
        });
        const closed = await api.get<Suggestion>(
          `/v1/experiments/${single.id}/suggestions/${suggestion.id}`,
        );
        expect(closed.body.state).toBe('closed');
      });

      it('records an observation of assignments, with a null suggestion', async () => {
        const reply = await post(single, { assignments: point, values: [{ name: 'y', value: 1 }] });
        expect(reply.body).toMatchObject({
          suggestion: null,
          assignments: point,
          value_stddev: null,
        });
      });

      it('accepts the legacy top-level value and value_stddev for one metric', async () => {
        const reply = await post(single, { assignments: point, value: 2, value_stddev: 0.5 });
        expect(reply.status).toBe(200);
        expect(reply.body.values).toEqual([
          { object: 'metric_evaluation', name: 'y', value: 2, value_stddev: 0.5 },
        ]);
      });

      it('accepts an unnamed value for the one metric', async () => {
        const reply = await post(single, { assignments: point, values: [{ value: 3 }] });
        expect(reply.body.values[0]).toMatchObject({ name: 'y', value: 3 });
      });

      it('records a failed observation without values', async () => {
        const reply = await post(single, { assignments: point, failed: true });
        expect(reply.body).toMatchObject({ failed: true, values: [], value: null });
      });

      it('records every metric of a multi-metric experiment, store and constraint included', async () => {
        const reply = await post(multi, { assignments: { ...point, lr: 0.01 }, values: allValues });
        expect(reply.status).toBe(200);
        expect(reply.body.values.map((value) => value.name)).toEqual(['acc', 'mem', 'time']);
        expect(reply.body).not.toHaveProperty('value');
      });

      it('accepts assignments outside the bounds: they are real results', async () => {
        const reply = await post(multi, {
          assignments: { x: 7, n: -3, c: 'b', lr: 50 },
          values: allValues,
        });
        expect(reply.status).toBe(200);
        expect(reply.body.assignments).toEqual({ x: 7, n: -3, c: 'b', lr: 50 });
      });

      it('accepts no_optimize', async () => {
        expect(
          (await post(single, { assignments: point, value: 1, no_optimize: true })).status,
        ).toBe(200);
      });

      const multiPoint = { ...point, lr: 0.01 };
      it.each([
        [
          'both suggestion and assignments',
          'single',
          { suggestion: '1', assignments: point, value: 1 },
          /exactly one of suggestion or assignments/,
        ],
        [
          'neither suggestion nor assignments',
          'single',
          { value: 1 },
          /exactly one of suggestion or assignments/,
        ],
        [
          'a suggestion that does not exist',
          'single',
          { suggestion: '987654', value: 1 },
          /suggestion/,
        ],
        [
          'values on a failed observation',
          'single',
          { assignments: point, failed: true, value: 1 },
          /failed/,
        ],
        [
          'a values list on a failed observation',
          'single',
          { assignments: point, failed: true, values: [{ name: 'y', value: 1 }] },
          /failed/,
        ],
        ['no values', 'single', { assignments: point }, /values/],
        ['an empty values list', 'single', { assignments: point, values: [] }, /values/],
        [
          'a missing store metric',
          'multi',
          { assignments: multiPoint, values: allValues.slice(0, 2) },
          /values.*"time"/,
        ],
        [
          'a missing constraint metric',
          'multi',
          { assignments: multiPoint, values: [allValues[0], allValues[2]] },
          /values.*"mem"/,
        ],
        [
          'a metric reported twice',
          'multi',
          { assignments: multiPoint, values: [...allValues, allValues[0]] },
          /values\[3\]\.name.*twice/,
        ],
        [
          'a value for an unknown metric',
          'multi',
          { assignments: multiPoint, values: [...allValues, { name: 'loss', value: 1 }] },
          /values\[3\]\.name.*"loss"/,
        ],
        [
          'an unnamed value with several metrics',
          'multi',
          { assignments: multiPoint, values: [{ value: 1 }, allValues[1], allValues[2]] },
          /values\[0\]\.name/,
        ],
        [
          'the legacy value with several metrics',
          'multi',
          { assignments: multiPoint, value: 1 },
          /values/,
        ],
        [
          'both values and the legacy value',
          'single',
          { assignments: point, value: 1, values: [{ name: 'y', value: 1 }] },
          /value/,
        ],
        [
          'value_stddev without a value',
          'single',
          { assignments: point, values: [{ name: 'y', value: 1 }], value_stddev: 1 },
          /value_stddev/,
        ],
        [
          'a negative value_stddev',
          'single',
          { assignments: point, values: [{ name: 'y', value: 1, value_stddev: -0.1 }] },
          /values\[0\]\.value_stddev/,
        ],
        [
          'a negative legacy value_stddev',
          'single',
          { assignments: point, value: 1, value_stddev: -1 },
          /`value_stddev`/,
        ],
        [
          'a value that is not a number',
          'single',
          { assignments: point, values: [{ name: 'y', value: '1' }] },
          /values\[0\]\.value/,
        ],
        [
          'a missing value',
          'single',
          { assignments: point, values: [{ name: 'y' }] },
          /values\[0\]\.value/,
        ],
        [
          'an unknown key in a value',
          'single',
          { assignments: point, values: [{ name: 'y', value: 1, weight: 2 }] },
          /values\[0\]\.weight/,
        ],
        [
          'a missing parameter',
          'single',
          { assignments: { x: 0.5, n: 3 }, value: 1 },
          /assignments\.c.*missing/,
        ],
        [
          'an unknown parameter',
          'single',
          { assignments: { ...point, z: 1 }, value: 1 },
          /assignments.*"z"/,
        ],
        [
          'a fractional int',
          'single',
          { assignments: { ...point, n: 2.5 }, value: 1 },
          /assignments\.n.*integer/,
        ],
        [
          'an unknown category',
          'single',
          { assignments: { ...point, c: 'q' }, value: 1 },
          /assignments\.c/,
        ],
        [
          'a string for a double',
          'single',
          { assignments: { ...point, x: 'half' }, value: 1 },
          /assignments\.x/,
        ],
        [
          'a non-positive log value',
          'multi',
          { assignments: { ...multiPoint, lr: -1 }, values: allValues },
          /assignments\.lr.*> 0/,
        ],
        [
          'an unknown top-level key',
          'single',
          { assignments: point, value: 1, score: 1 },
          /`score`/,
        ],
        [
          'failed that is not a boolean',
          'single',
          { assignments: point, failed: 'yes' },
          /`failed`/,
        ],
      ] as const)('answers 400 for %s and stores nothing', async (_what, which, body, pattern) => {
        const before = await api.counts();
        expectError(await post(which === 'single' ? single : multi, body), 400, pattern);
        expect(await api.counts()).toEqual(before);
      });

      it('answers 400 or 404 for a suggestion of another experiment and stores nothing', async () => {
        const theirs = await suggest(multi);
        const before = await api.counts();
        const reply = await post(single, { suggestion: theirs.id, value: 1 });
        expect([400, 404]).toContain(reply.status);
        expectError(reply, reply.status, /suggestion/);
        expect(await api.counts()).toEqual(before);
        const still = await api.get<Suggestion>(
          `/v1/experiments/${multi.id}/suggestions/${theirs.id}`,
        );
        expect(still.body.state).toBe('open');
      });

      it('answers 400 for an observation of a deleted experiment', async () => {
        const gone = await createExperiment(api);
        await api.delete(`/v1/experiments/${gone.id}`);
        expectError(await post(gone, { assignments: point, value: 1 }), 400, /deleted/);
      });
    });

    describe('in batches', () => {
      let experiment: Experiment;
      let path: string;
      beforeAll(async () => {
        // Random: thousands of observations would make every write refit the optimizer.
        experiment = await createExperiment(api, { name: 'batches', type: 'random' });
        path = `/v1/experiments/${experiment.id}/observations/batch`;
      });
      const entry = (i: number) => ({
        assignments: { x: (i % 10) / 10, n: 1 + (i % 10), c: 'b' },
        values: [{ name: 'y', value: i }],
      });

      it('creates up to 2500 observations in one request, answered as one page', async () => {
        const observations = Array.from({ length: 2500 }, (_, i) => entry(i));
        const reply = await api.post<Page<Observation>>(path, { observations, no_optimize: true });
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({
          object: 'pagination',
          count: 2500,
          paging: { before: null, after: null },
        });
        expect(reply.body.data).toHaveLength(2500);
        expect(reply.body.data[2499]?.value).toBe(2499);
        const listed = await api.get<Page<Observation>>(
          `/v1/experiments/${experiment.id}/observations`,
          { query: { limit: 1 } },
        );
        expect(listed.body.count).toBe(2500);
      });

      it('closes the suggestions a batch cites', async () => {
        const other = await createExperiment(api, { name: 'batch of suggestions' });
        const a = await suggest(other);
        const b = await suggest(other);
        const reply = await api.post(`/v1/experiments/${other.id}/observations/batch`, {
          observations: [
            { suggestion: a.id, values: [{ name: 'y', value: 1 }] },
            { suggestion: Number(b.id), failed: true },
          ],
        });
        expect(reply.status).toBe(200);
        const open = await api.get<Page<Suggestion>>(`/v1/experiments/${other.id}/suggestions`, {
          query: { state: 'open' },
        });
        expect(open.body.data.map((s) => s.id)).not.toContain(a.id);
        expect(open.body.data.map((s) => s.id)).not.toContain(b.id);
      });

      it.each([
        [
          'a bad value',
          3,
          { ...entry(3), values: [{ name: 'y', value: 'high' }] },
          /observations\[3\]\.values\[0\]\.value/,
        ],
        [
          'an unknown metric',
          2,
          { ...entry(2), values: [{ name: 'loss', value: 1 }] },
          /observations\[2\]\.values\[0\]\.name/,
        ],
        [
          'a missing parameter',
          4,
          { values: [{ name: 'y', value: 1 }], assignments: { x: 0.1, n: 2 } },
          /observations\[4\]\.assignments\.c/,
        ],
        ['both sources', 1, { ...entry(1), suggestion: '1' }, /observations\[1\]/],
        ['an unknown key', 0, { ...entry(0), extra: true }, /observations\[0\]\.extra/],
      ])(
        'answers 400 naming the entry for %s and stores nothing',
        async (_what, index, bad, pattern) => {
          const observations = Array.from({ length: 5 }, (_, i) => (i === index ? bad : entry(i)));
          const before = await api.counts();
          expectError(await api.post(path, { observations }), 400, pattern);
          expect(await api.counts()).toEqual(before);
        },
      );

      it('answers 400 for 2501 observations and stores nothing', async () => {
        const before = await api.counts();
        const observations = Array.from({ length: 2501 }, (_, i) => entry(i));
        expectError(await api.post(path, { observations }), 400, /observations/);
        expect(await api.counts()).toEqual(before);
      });

      it('answers 400 for an empty or missing list', async () => {
        expectError(await api.post(path, { observations: [] }), 400, /observations/);
        expectError(await api.post(path, {}), 400, /observations/);
      });
    });

    describe('updating and deleting', () => {
      let experiment: Experiment;
      let base: string;
      beforeAll(async () => {
        experiment = await createExperiment(api, { name: 'updates' });
        base = `/v1/experiments/${experiment.id}/observations`;
      });

      it('changes only the given fields', async () => {
        const created = await observe(api, experiment.id, {
          assignments: point,
          values: [{ name: 'y', value: 1 }],
          metadata: { a: 1 },
        });
        const path = `${base}/${created.id}`;
        const metadata = await api.put<Observation>(path, { metadata: { a: 2 } });
        expect(metadata.status).toBe(200);
        expect(metadata.body).toMatchObject({
          metadata: { a: 2 },
          value: 1,
          assignments: point,
          failed: false,
        });
        const values = await api.put<Observation>(path, {
          values: [{ name: 'y', value: 5, value_stddev: 0.2 }],
        });
        expect(values.body).toMatchObject({ metadata: { a: 2 }, value: 5, value_stddev: 0.2 });
        const moved = await api.put<Observation>(path, { assignments: { ...point, x: 0.9 } });
        expect(moved.body).toMatchObject({ assignments: { ...point, x: 0.9 }, value: 5 });
        const failed = await api.put<Observation>(path, { failed: true, no_optimize: true });
        expect(failed.body).toMatchObject({ failed: true, values: [], value: null });
        expect((await api.get<Observation>(path)).body).toEqual(failed.body);
      });

      it('answers 400 for a bad update and changes nothing', async () => {
        const created = await observe(api, experiment.id, { assignments: point, value: 1 });
        const path = `${base}/${created.id}`;
        expectError(
          await api.put(path, { values: [{ name: 'nope', value: 1 }] }),
          400,
          /values\[0\]\.name/,
        );
        expectError(await api.put(path, { failed: true, value: 3 }), 400, /failed/);
        expectError(await api.put(path, { assignments: { x: 1 } }), 400, /assignments/);
        expectError(await api.put(path, { experiment: '1' }), 400, /`experiment`/);
        expect((await api.get<Observation>(path)).body).toEqual(created);
      });

      it('deletes one observation', async () => {
        const created = await observe(api, experiment.id, { assignments: point, value: 1 });
        const path = `${base}/${created.id}`;
        expect((await api.delete(path, { query: { no_optimize: 'True' } })).body).toEqual({});
        expectError(await api.get(path), 404, /observation/);
        expectError(await api.delete(path), 404, /observation/);
        expectError(await api.put(path, { metadata: null }), 404, /observation/);
      });

      it('deletes every observation of the experiment', async () => {
        await observe(api, experiment.id, { assignments: point, value: 1 });
        expect((await api.delete(base)).body).toEqual({});
        const listed = await api.get<Page<Observation>>(base);
        expect(listed.body.count).toBe(0);
        const fetched = await api.get<Experiment>(`/v1/experiments/${experiment.id}`);
        expect(fetched.body.progress.observation_count).toBe(0);
      });

      it('moves the experiment’s updated time on every observation write', async () => {
        // `updated` is in whole seconds: a pause of a second between writes lets each move it.
        const stamp = async () =>
          (await api.get<Experiment>(`/v1/experiments/${experiment.id}`)).body.updated;
        const pause = () => new Promise((resolve) => setTimeout(resolve, 1050));
        let last = await stamp();
        const moved = async () => {
          const now = await stamp();
          const changed = now > last;
          last = now;
          await pause();
          return changed;
        };
        await pause();
        const created = await observe(api, experiment.id, { assignments: point, value: 1 });
        expect(await moved()).toBe(true);
        await api.put(`${base}/${created.id}`, { metadata: { b: 1 } });
        expect(await moved()).toBe(true);
        await api.post(`${base}/batch`, { observations: [{ assignments: point, value: 2 }] });
        expect(await moved()).toBe(true);
        await api.delete(`${base}/${created.id}`);
        expect(await moved()).toBe(true);
        await api.delete(base);
        expect(await moved()).toBe(true);
      });
    });
  });
}
