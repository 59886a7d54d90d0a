import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backends } from '../helpers/database.ts';
import {
  createExperiment,
  type Experiment,
  expectError,
  observe,
  openTestApp,
  type Page,
  type QueuedSuggestion,
  type Suggestion,
  type TestApp,
} from '../helpers/app.ts';

// Suggestions: the optimizer's, the user's, the queued ones first; listing,
// metadata updates, deleting one, the open ones or all.

type Assignments = Suggestion['assignments'];

const space = [
  { name: 'lr', type: 'double', bounds: { min: 1e-4, max: 1 }, transformation: 'log' },
  { name: 'x', type: 'double', bounds: { min: -5, max: 5 } },
  { name: 'n', type: 'int', bounds: { min: 1, max: 20 } },
  { name: 'c', type: 'categorical', categorical_values: ['a', 'b', 'c'] },
  { name: 'g', type: 'double', grid: [0.1, 0.2, 0.4] },
];

/** Whether the assignments belong to `space`. */
function inSpace(assignments: Assignments): boolean {
  const { lr, x, n, c, g } = assignments;
  return (
    Object.keys(assignments).length === 5 &&
    typeof lr === 'number' &&
    lr >= 1e-4 &&
    lr <= 1 &&
    typeof x === 'number' &&
    x >= -5 &&
    x <= 5 &&
    Number.isInteger(n) &&
    typeof n === 'number' &&
    n >= 1 &&
    n <= 20 &&
    typeof c === 'string' &&
    ['a', 'b', 'c'].includes(c) &&
    typeof g === 'number' &&
    [0.1, 0.2, 0.4].includes(g)
  );
}

const chosen = { lr: 0.01, x: 1.5, n: 3, c: 'b', g: 0.2 };
const key = (assignments: Assignments) => JSON.stringify(Object.entries(assignments).sort());

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;

    beforeAll(async () => {
      api = await openTestApp(kind);
    });
    afterAll(async () => api.close());

    const suggest = async (experiment: Experiment, body?: unknown) => {
      const reply = await api.post<Suggestion>(
        `/v1/experiments/${experiment.id}/suggestions`,
        body,
      );
      expect(reply.status).toBe(200);
      return reply.body;
    };

    describe('from the optimizer', () => {
      let experiment: Experiment;
      beforeAll(async () => {
        experiment = await createExperiment(api, { parameters: space });
      });

      it('suggests a point of the space, open, as a suggestion object', async () => {
        const suggestion = await suggest(experiment);
        expect(suggestion).toMatchObject({
          object: 'suggestion',
          experiment: experiment.id,
          state: 'open',
          metadata: null,
          deleted: false,
        });
        expect(suggestion.id).toMatch(/^\d+$/);
        expect(inSpace(suggestion.assignments)).toBe(true);
      });

      it('keeps suggesting points of the space as observations arrive', async () => {
        for (let i = 0; i < 6; i += 1) {
          const suggestion = await suggest(experiment);
          expect(inSpace(suggestion.assignments)).toBe(true);
          await observe(api, experiment.id, {
            suggestion: suggestion.id,
            values: [{ name: 'y', value: Math.sin(i) }],
          });
        }
        const failed = await suggest(experiment);
        await observe(api, experiment.id, { suggestion: failed.id, failed: true });
        expect(inSpace((await suggest(experiment)).assignments)).toBe(true);
      });

      it('stores metadata given with an optimizer suggestion', async () => {
        const suggestion = await suggest(experiment, { metadata: { worker: 'gpu-3' } });
        expect(suggestion.metadata).toEqual({ worker: 'gpu-3' });
      });

      it('gives parallel workers distinct open suggestions', async () => {
        const fresh = await createExperiment(api, { parameters: space, parallel_bandwidth: 6 });
        const replies = await Promise.all(
          Array.from({ length: 6 }, () =>
            api.post<Suggestion>(`/v1/experiments/${fresh.id}/suggestions`),
          ),
        );
        expect(replies.map((reply) => reply.status)).toEqual(Array(6).fill(200) as unknown);
        const points = replies.map((reply) => key(reply.body.assignments));
        expect(new Set(points).size).toBe(6);
        expect(new Set(replies.map((reply) => reply.body.id)).size).toBe(6);
      });

      it('suggests points of the new space once the parameters change, never from the old pool', async () => {
        const changing = await createExperiment(api, { parameters: space, parallel_bandwidth: 4 });
        const before = await suggest(changing);
        expect(inSpace(before.assignments)).toBe(true);
        const narrowed = [{ name: 'x', type: 'double', bounds: { min: 100, max: 101 } }];
        const put = await api.put(`/v1/experiments/${changing.id}`, { parameters: narrowed });
        expect(put.status).toBe(200);
        for (let i = 0; i < 6; i += 1) {
          const { assignments } = await suggest(changing);
          expect(Object.keys(assignments)).toEqual(['x']);
          expect(assignments.x).toBeGreaterThanOrEqual(100);
          expect(assignments.x).toBeLessThanOrEqual(101);
        }
      });

      it('never repeats an open suggestion while a small space has other points', async () => {
        const small = await createExperiment(api, {
          parameters: [
            { name: 'n', type: 'int', bounds: { min: 1, max: 3 } },
            { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
          ],
        });
        const points = [];
        for (let i = 0; i < 6; i += 1) points.push(key((await suggest(small)).assignments));
        expect(new Set(points).size).toBe(6);
      });
    });

    describe('chosen by the user', () => {
      let experiment: Experiment;
      beforeAll(async () => {
        experiment = await createExperiment(api, { parameters: space });
      });

      it('creates a suggestion with the given assignments and metadata', async () => {
        const suggestion = await suggest(experiment, {
          assignments: chosen,
          metadata: { by: 'hand' },
        });
        expect(suggestion).toMatchObject({
          assignments: chosen,
          metadata: { by: 'hand' },
          state: 'open',
        });
      });

      it.each([
        ['a value below the bounds', { ...chosen, x: -6 }, /assignments\.x.*bounds/],
        ['a value above the bounds', { ...chosen, n: 21 }, /assignments\.n.*bounds/],
        ['a value off the grid', { ...chosen, g: 0.3 }, /assignments\.g.*grid/],
        ['a fractional int', { ...chosen, n: 2.5 }, /assignments\.n.*integer/],
        ['an unknown category', { ...chosen, c: 'z' }, /assignments\.c/],
        ['a number for a category', { ...chosen, c: 1 }, /assignments\.c/],
        ['a string for a double', { ...chosen, x: '1.5' }, /assignments\.x/],
        ['a missing parameter', { lr: 0.01, x: 1, n: 3, c: 'a' }, /assignments\.g.*missing/],
        ['an unknown parameter', { ...chosen, extra: 1 }, /assignments.*"extra"/],
        ['a non-positive log value', { ...chosen, lr: 0 }, /assignments\.lr/],
      ])('answers 400 for %s and stores nothing', async (_what, assignments, pattern) => {
        const before = await api.counts();
        expectError(
          await api.post(`/v1/experiments/${experiment.id}/suggestions`, { assignments }),
          400,
          pattern,
        );
        expect(await api.counts()).toEqual(before);
      });

      it('answers 400 for unknown keys in the body', async () => {
        expectError(
          await api.post(`/v1/experiments/${experiment.id}/suggestions`, { count: 2 }),
          400,
          /`count`/,
        );
      });
    });

    describe('queued', () => {
      let experiment: Experiment;
      let path: string;
      beforeAll(async () => {
        experiment = await createExperiment(api, { parameters: space });
        path = `/v1/experiments/${experiment.id}/queued_suggestions`;
      });

      it('serves queued suggestions first, oldest first, then the optimizer', async () => {
        const first = { ...chosen, x: 1 };
        const second = { ...chosen, x: 2 };
        const queued = await api.post<QueuedSuggestion>(path, {
          assignments: first,
          metadata: { order: 1 },
        });
        expect(queued.status).toBe(200);
        expect(queued.body).toMatchObject({
          object: 'queued_suggestion',
          experiment: experiment.id,
          assignments: first,
        });
        await api.post(path, { assignments: second });
        expect((await api.get<Page<QueuedSuggestion>>(path)).body.count).toBe(2);

        const a = await suggest(experiment);
        expect(a.assignments).toEqual(first);
        expect(a.metadata).toEqual({ order: 1 });
        expect((await suggest(experiment)).assignments).toEqual(second);
        expect((await api.get<Page<QueuedSuggestion>>(path)).body.count).toBe(0);
        const c = await suggest(experiment);
        expect(inSpace(c.assignments)).toBe(true);
      });

      it('fetches and deletes a queued suggestion, which then is not served', async () => {
        const queued = (
          await api.post<QueuedSuggestion>(path, { assignments: { ...chosen, x: 4 } })
        ).body;
        const one = await api.get<QueuedSuggestion>(`${path}/${queued.id}`);
        expect(one.body.id).toBe(queued.id);
        expect((await api.delete(`${path}/${queued.id}`)).body).toEqual({});
        expectError(await api.get(`${path}/${queued.id}`), 404, /queued suggestion/);
        expectError(await api.delete(`${path}/${queued.id}`), 404, /queued suggestion/);
        expect((await suggest(experiment)).assignments).not.toEqual({ ...chosen, x: 4 });
      });

      it('answers 400 for a queued point outside the space and stores nothing', async () => {
        const before = await api.counts();
        expectError(
          await api.post(path, { assignments: { ...chosen, x: 99 } }),
          400,
          /assignments\.x/,
        );
        expectError(await api.post(path, {}), 400, /assignments/);
        expect(await api.counts()).toEqual(before);
      });
    });

    describe('listing, updating and deleting', () => {
      let experiment: Experiment;
      let path: string;
      let ids: string[];

      beforeAll(async () => {
        experiment = await createExperiment(api, { parameters: space });
        path = `/v1/experiments/${experiment.id}/suggestions`;
        ids = [];
        for (let i = 0; i < 4; i += 1) ids.push((await suggest(experiment)).id);
        await observe(api, experiment.id, {
          suggestion: ids[0],
          values: [{ name: 'y', value: 1 }],
        });
      });

      const listed = async (query: Record<string, string> = {}) => {
        const reply = await api.get<Page<Suggestion>>(path, { query });
        expect(reply.status).toBe(200);
        return reply.body;
      };

      it('lists every suggestion newest first, and only open ones with state=open', async () => {
        expect((await listed()).data.map((s) => s.id)).toEqual([...ids].reverse());
        const open = await listed({ state: 'open' });
        expect(open.count).toBe(3);
        expect(open.data.every((s) => s.state === 'open')).toBe(true);
        expect((await listed({ state: 'closed' })).data.map((s) => s.id)).toEqual([ids[0]]);
      });

      it('lists the suggestions named by id', async () => {
        const body = await listed({ id: `${ids[1]},${ids[3]}` });
        expect(body.data.map((s) => s.id)).toEqual([ids[3], ids[1]]);
      });

      it('closes the suggestion an observation cites', async () => {
        const one = await api.get<Suggestion>(`${path}/${ids[0]}`);
        expect(one.body.state).toBe('closed');
      });

      it('changes only the metadata with a PUT', async () => {
        const reply = await api.put<Suggestion>(`${path}/${ids[1]}`, {
          metadata: { note: 'slow' },
        });
        expect(reply.status).toBe(200);
        expect(reply.body.metadata).toEqual({ note: 'slow' });
        const before = await api.get<Suggestion>(`${path}/${ids[1]}`);
        expectError(
          await api.put(`${path}/${ids[1]}`, { assignments: chosen }),
          400,
          /`assignments`/,
        );
        expectError(await api.put(`${path}/${ids[1]}`, { state: 'closed' }), 400, /`state`/);
        expect((await api.get<Suggestion>(`${path}/${ids[1]}`)).body).toEqual(before.body);
      });

      it('deletes one suggestion', async () => {
        expect((await api.delete(`${path}/${ids[2]}`)).body).toEqual({});
        expectError(await api.get(`${path}/${ids[2]}`), 404, /suggestion/);
        expect((await listed()).data.map((s) => s.id)).not.toContain(ids[2]);
      });

      it('deletes only the open suggestions with state=open', async () => {
        expect((await api.delete(path, { query: { state: 'open' } })).body).toEqual({});
        const left = await listed();
        expect(left.data.map((s) => s.id)).toEqual([ids[0]]);
        expect((await listed({ state: 'open' })).count).toBe(0);
      });

      it('deletes every suggestion without a state', async () => {
        await suggest(experiment);
        await api.delete(path);
        expect((await listed()).count).toBe(0);
      });

      it('answers 404 for a suggestion of another experiment', async () => {
        const other = await createExperiment(api, { parameters: space });
        const theirs = await suggest(other);
        expectError(await api.get(`${path}/${theirs.id}`), 404, /suggestion/);
      });
    });

    describe('by experiment type and token', () => {
      it('enumerates every point of a grid experiment exactly once', async () => {
        const grid = await createExperiment(api, {
          type: 'grid',
          parameters: [
            { name: 'g', type: 'double', grid: [0.5, 1, 2] },
            { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
          ],
        });
        expect(grid.observation_budget).toBe(6);
        const points = [];
        for (let i = 0; i < 6; i += 1) {
          const suggestion = await suggest(grid);
          points.push(key(suggestion.assignments));
          await observe(api, grid.id, {
            suggestion: suggestion.id,
            values: [{ name: 'y', value: i }],
          });
        }
        const expected = [0.5, 1, 2].flatMap((g) => ['a', 'b'].map((c) => key({ g, c })));
        expect([...points].sort()).toEqual([...expected].sort());
      });

      it('suggests points of the space for a random experiment', async () => {
        const random = await createExperiment(api, { type: 'random', parameters: space });
        for (let i = 0; i < 5; i += 1) {
          const suggestion = await suggest(random);
          expect(inSpace(suggestion.assignments)).toBe(true);
          await observe(api, random.id, {
            suggestion: suggestion.id,
            values: [{ name: 'y', value: i }],
          });
        }
      });

      it('gives random suggestions to experiments of a development token', async () => {
        const developer = await api.caller('default', { development: true });
        const experiment = await createExperiment(api, { parameters: space }, developer);
        expect(experiment.development).toBe(true);
        const reply = await api.post<Suggestion>(
          `/v1/experiments/${experiment.id}/suggestions`,
          {},
          { as: developer },
        );
        expect(inSpace(reply.body.assignments)).toBe(true);
        const row = await api.db.prisma.suggestion.findUniqueOrThrow({
          where: { id: BigInt(reply.body.id) },
        });
        expect(row.source).toBe('random');
      });
    });
  });
}
