import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backends } from '../helpers/database.ts';
import {
  createExperiment,
  type Experiment,
  experimentBody,
  expectError,
  type Observation,
  observe,
  openTestApp,
  type Page,
  type TestApp,
} from '../helpers/app.ts';

// Experiments: creation with every parameter and metric kind, the creation
// rules as 400s naming the field, list, fetch, partial update, soft delete.

const double = { name: 'x', type: 'double', bounds: { min: 0, max: 1 } };
const many = (count: number, make: (i: number) => unknown) =>
  Array.from({ length: count }, (_, i) => make(i));

/** [what, body changes, pattern the message must match] */
const creationRules: Array<[string, Record<string, unknown>, RegExp]> = [
  ['a missing name', { name: undefined }, /`name`/],
  ['an empty name', { name: '' }, /`name`/],
  ['a name over 100 characters', { name: 'n'.repeat(101) }, /`name`/],
  ['an unknown top-level key', { colour: 'red' }, /`colour`/],
  [
    'an unknown parameter key',
    { parameters: [{ ...double, colour: 'red' }] },
    /`parameters\[0\]\.colour`/,
  ],
  [
    'an unknown bounds key',
    { parameters: [{ ...double, bounds: { min: 0, max: 1, step: 1 } }] },
    /`parameters\[0\]\.bounds\.step`/,
  ],
  ['an unknown metric key', { metrics: [{ name: 'y', goal: 'up' }] }, /`metrics\[0\]\.goal`/],
  ['no parameters', { parameters: [] }, /`parameters`/],
  ['missing parameters', { parameters: undefined }, /`parameters`/],
  [
    'a parameter name over 100 characters',
    { parameters: [{ ...double, name: 'p'.repeat(101) }] },
    /parameters\[0\]\.name/,
  ],
  ['two parameters with one name', { parameters: [double, double] }, /parameters\[1\]\.name/],
  [
    'an unknown parameter type',
    { parameters: [{ ...double, type: 'float' }] },
    /parameters\[0\]\.type/,
  ],
  [
    'a double without bounds',
    { parameters: [{ name: 'x', type: 'double' }] },
    /parameters\[0\]\.bounds/,
  ],
  [
    'bounds with min equal to max',
    { parameters: [{ ...double, bounds: { min: 1, max: 1 } }] },
    /parameters\[0\]\.bounds/,
  ],
  [
    'bounds with min above max',
    { parameters: [{ ...double, bounds: { min: 2, max: 1 } }] },
    /parameters\[0\]\.bounds/,
  ],
  [
    'an int with fractional bounds',
    { parameters: [{ name: 'n', type: 'int', bounds: { min: 0.5, max: 3 } }] },
    /parameters\[0\].*integer/,
  ],
  [
    'an int with a fractional grid value',
    { parameters: [{ name: 'n', type: 'int', grid: [1, 2.5] }] },
    /parameters\[0\].*integer/,
  ],
  ['both bounds and grid', { parameters: [{ ...double, grid: [0.1, 0.2] }] }, /parameters\[0\]/],
  [
    'a grid of one value',
    { parameters: [{ name: 'x', type: 'double', grid: [0.1] }] },
    /parameters\[0\]\.grid/,
  ],
  [
    'a grid with a repeated value',
    { parameters: [{ name: 'x', type: 'double', grid: [0.1, 0.1] }] },
    /parameters\[0\]\.grid/,
  ],
  [
    'a categorical with one value',
    { parameters: [{ name: 'c', type: 'categorical', categorical_values: ['a'] }] },
    /parameters\[0\]\.categorical_values/,
  ],
  [
    'a categorical without values',
    { parameters: [{ name: 'c', type: 'categorical' }] },
    /parameters\[0\]\.categorical_values/,
  ],
  [
    'a categorical with a repeated name',
    { parameters: [{ name: 'c', type: 'categorical', categorical_values: ['a', { name: 'a' }] }] },
    /parameters\[0\]\.categorical_values/,
  ],
  [
    'a category name over 50 characters',
    { parameters: [{ name: 'c', type: 'categorical', categorical_values: ['a', 'b'.repeat(51)] }] },
    /parameters\[0\]\.categorical_values\[1\]/,
  ],
  [
    'a categorical with bounds',
    {
      parameters: [
        {
          name: 'c',
          type: 'categorical',
          categorical_values: ['a', 'b'],
          bounds: { min: 0, max: 1 },
        },
      ],
    },
    /parameters\[0\]/,
  ],
  [
    'categorical values on a double',
    { parameters: [{ ...double, categorical_values: ['a', 'b'] }] },
    /parameters\[0\]\.categorical_values/,
  ],
  [
    'a log int',
    { parameters: [{ name: 'n', type: 'int', bounds: { min: 1, max: 9 }, transformation: 'log' }] },
    /parameters\[0\]\.transformation/,
  ],
  [
    'a log double with a zero bound',
    { parameters: [{ ...double, transformation: 'log' }] },
    /parameters\[0\].*> 0/,
  ],
  [
    'a log double with a negative grid value',
    { parameters: [{ name: 'x', type: 'double', grid: [-1, 2], transformation: 'log' }] },
    /parameters\[0\].*> 0/,
  ],
  [
    'an unknown transformation',
    { parameters: [{ ...double, transformation: 'sqrt' }] },
    /parameters\[0\]\.transformation/,
  ],
  [
    'a default value outside the bounds',
    { parameters: [{ ...double, default_value: 2 }] },
    /parameters\[0\]\.default_value/,
  ],
  [
    'a default value that is not a category',
    {
      parameters: [
        { name: 'c', type: 'categorical', categorical_values: ['a', 'b'], default_value: 'z' },
      ],
    },
    /parameters\[0\]\.default_value/,
  ],
  [
    'a negative precision',
    { parameters: [{ ...double, precision: -1 }] },
    /parameters\[0\]\.precision/,
  ],
  ['two metrics with one name', { metrics: ['y', 'y'] }, /metrics\[1\]\.name/],
  ['an empty metric list', { metrics: [] }, /`metrics`/],
  [
    'three optimized metrics',
    { metrics: ['a', 'b', 'c'], observation_budget: 10 },
    /metrics.*optimize/,
  ],
  [
    'five constraint metrics',
    {
      metrics: ['y', ...many(5, (i) => ({ name: `k${i}`, strategy: 'constraint', threshold: 1 }))],
      observation_budget: 10,
    },
    /metrics.*constraint/,
  ],
  [
    '51 metrics',
    { metrics: ['y', ...many(50, (i) => ({ name: `s${i}`, strategy: 'store' }))] },
    /`metrics`/,
  ],
  [
    'only store metrics',
    { metrics: [{ name: 'y', strategy: 'store' }] },
    /metrics.*optimize.*constraint/,
  ],
  [
    'a constraint metric without a threshold',
    { metrics: ['y', { name: 'k', strategy: 'constraint' }], observation_budget: 10 },
    /metrics\[1\]\.threshold/,
  ],
  [
    'a store metric with a threshold',
    { metrics: ['y', { name: 's', strategy: 'store', threshold: 1 }] },
    /metrics\[1\]\.threshold/,
  ],
  [
    'a threshold on the only optimized metric',
    { metrics: [{ name: 'y', threshold: 1 }] },
    /metrics\[0\]\.threshold/,
  ],
  [
    'an unknown objective',
    { metrics: [{ name: 'y', objective: 'maximise' }] },
    /metrics\[0\]\.objective/,
  ],
  [
    'an unknown strategy',
    { metrics: [{ name: 'y', strategy: 'observe' }] },
    /metrics\[0\]\.strategy/,
  ],
  ['two optimized metrics without a budget', { metrics: ['a', 'b'] }, /observation_budget/],
  [
    'a constraint metric without a budget',
    { metrics: ['y', { name: 'k', strategy: 'constraint', threshold: 1 }] },
    /observation_budget/,
  ],
  ['a zero budget', { observation_budget: 0 }, /`observation_budget`/],
  ['a fractional budget', { observation_budget: 1.5 }, /`observation_budget`/],
  ['a budget given as a string', { observation_budget: '10' }, /`observation_budget`/],
  ['a zero parallel bandwidth', { parallel_bandwidth: 0 }, /`parallel_bandwidth`/],
  ['a zero num_solutions', { num_solutions: 0 }, /`num_solutions`/],
  ['an unknown type', { type: 'bayesian' }, /`type`/],
  [
    'a grid experiment with a continuous double',
    { type: 'grid', parameters: [double] },
    /parameters\[0\]/,
  ],
  ['metadata with a nested object', { metadata: { nested: { a: 1 } } }, /metadata/],
  [
    'metadata with a value over 500 characters',
    { metadata: { note: 'v'.repeat(501) } },
    /metadata/,
  ],
  ['metadata with a key over 100 characters', { metadata: { ['k'.repeat(101)]: 1 } }, /metadata/],
  [
    'metadata with 101 keys',
    { metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) },
    /metadata/,
  ],
];

const laterFeatures: Array<[string, Record<string, unknown>, RegExp]> = [
  ['conditionals', { conditionals: [{ name: 'arch', values: ['a', 'b'] }] }, /conditionals/],
  [
    'linear constraints',
    { linear_constraints: [{ type: 'less_than', threshold: 1, terms: [] }] },
    /linear_constraints/,
  ],
  ['tasks', { tasks: [{ name: 'cheap', cost: 0.1 }], observation_budget: 10 }, /tasks/],
  [
    'a prior',
    { parameters: [{ ...double, prior: { name: 'normal', mean: 0.5, scale: 0.1 } }] },
    /parameters\[0\]\.prior/,
  ],
  [
    'parameter conditions',
    { parameters: [{ ...double, conditions: { arch: ['a'] } }] },
    /parameters\[0\]\.conditions/,
  ],
  ['num_solutions above 1', { num_solutions: 3, observation_budget: 10 }, /num_solutions/],
];

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;

    beforeAll(async () => {
      api = await openTestApp(kind);
    });
    afterAll(async () => api.close());

    describe('creating', () => {
      it('creates an experiment with every parameter kind and echoes what it was given', async () => {
        const experiment = await createExperiment(api, {
          name: 'every kind',
          parameters: [
            {
              name: 'lr',
              type: 'double',
              bounds: { min: 1e-5, max: 1 },
              transformation: 'log',
              precision: 3,
            },
            {
              name: 'x',
              type: 'double',
              bounds: { min: -1, max: 1 },
              default_value: 0.25,
              transformation: 'none',
            },
            { name: 'n', type: 'int', bounds: { min: 1, max: 64 }, default_value: 8 },
            { name: 'c', type: 'categorical', categorical_values: ['adam', 'sgd', 'rmsprop'] },
            {
              name: 'o',
              type: 'categorical',
              categorical_values: [{ name: 'relu' }, { name: 'tanh' }],
              default_value: 'tanh',
            },
            { name: 'g', type: 'double', grid: [0.5, 0.1, 0.9] },
            { name: 'k', type: 'int', grid: [2, 4, 8] },
          ],
          metadata: { dataset: 'mnist', fold: 3, note: null },
          parallel_bandwidth: 4,
          observation_budget: 30,
        });
        expect(experiment).toMatchObject({
          object: 'experiment',
          name: 'every kind',
          type: 'offline',
          state: 'active',
          development: false,
          observation_budget: 30,
          parallel_bandwidth: 4,
          num_solutions: null,
          metadata: { dataset: 'mnist', fold: 3, note: null },
          conditionals: [],
          linear_constraints: [],
          project: null,
        });
        const [lr, x, n, c, o, g, k] = experiment.parameters;
        expect(lr).toMatchObject({
          object: 'parameter',
          type: 'double',
          bounds: { object: 'bounds', min: 1e-5, max: 1 },
          transformation: 'log',
          precision: 3,
          categorical_values: null,
          default_value: null,
          conditions: {},
        });
        expect(lr).not.toHaveProperty('grid');
        expect(x).toMatchObject({ transformation: null, default_value: 0.25, precision: null });
        expect(n).toMatchObject({ type: 'int', bounds: { min: 1, max: 64 }, default_value: 8 });
        expect(c?.categorical_values).toEqual([
          { object: 'categorical_value', name: 'adam', enum_index: 1 },
          { object: 'categorical_value', name: 'sgd', enum_index: 2 },
          { object: 'categorical_value', name: 'rmsprop', enum_index: 3 },
        ]);
        expect(c?.bounds).toBeNull();
        expect(o?.categorical_values?.map((value) => value.name)).toEqual(['relu', 'tanh']);
        expect(o?.default_value).toBe('tanh');
        expect(g).toMatchObject({ grid: [0.1, 0.5, 0.9], bounds: null });
        expect(k).toMatchObject({ type: 'int', grid: [2, 4, 8] });
      });

      it('creates the legacy single unnamed metric when metrics are omitted', async () => {
        const experiment = await createExperiment(api, { metrics: undefined });
        expect(experiment.metrics).toEqual([
          {
            object: 'metric',
            name: null,
            objective: 'maximize',
            strategy: 'optimize',
            threshold: null,
          },
        ]);
      });

      it('accepts metrics as names and as objects, and shows them sorted by name', async () => {
        const experiment = await createExperiment(api, {
          metrics: [
            'zeta',
            { name: 'alpha', objective: 'minimize' },
            { name: 'mid', strategy: 'constraint', threshold: 0.5 },
            { name: 'logged', strategy: 'store' },
          ],
          observation_budget: 20,
        });
        expect(experiment.metrics.map((metric) => metric.name)).toEqual([
          'alpha',
          'logged',
          'mid',
          'zeta',
        ]);
        expect(experiment.metrics).toEqual([
          {
            object: 'metric',
            name: 'alpha',
            objective: 'minimize',
            strategy: 'optimize',
            threshold: null,
          },
          {
            object: 'metric',
            name: 'logged',
            objective: 'maximize',
            strategy: 'store',
            threshold: null,
          },
          {
            object: 'metric',
            name: 'mid',
            objective: 'maximize',
            strategy: 'constraint',
            threshold: 0.5,
          },
          {
            object: 'metric',
            name: 'zeta',
            objective: 'maximize',
            strategy: 'optimize',
            threshold: null,
          },
        ]);
      });

      it('accepts two optimized metrics with a budget, and thresholds on them', async () => {
        const experiment = await createExperiment(api, {
          metrics: [
            { name: 'a', threshold: 0.1 },
            { name: 'b', objective: 'minimize' },
          ],
          observation_budget: 40,
        });
        expect(experiment.metrics.map((metric) => metric.threshold)).toEqual([0.1, null]);
      });

      it('accepts the largest metric list: 2 optimized, 4 constraints, 50 in all', async () => {
        const metrics = [
          'o1',
          'o2',
          ...many(4, (i) => ({ name: `k${i}`, strategy: 'constraint', threshold: i })),
          ...many(44, (i) => ({ name: `s${i}`, strategy: 'store' })),
        ];
        const experiment = await createExperiment(api, { metrics, observation_budget: 10 });
        expect(experiment.metrics).toHaveLength(50);
      });

      it('accepts random and grid experiments; a grid budget is the product of the grid sizes', async () => {
        const random = await createExperiment(api, { type: 'random' });
        expect(random.type).toBe('random');
        const grid = await createExperiment(api, {
          type: 'grid',
          parameters: [
            { name: 'g', type: 'double', grid: [0.1, 0.2, 0.3] },
            { name: 'n', type: 'int', bounds: { min: 1, max: 4 } },
            { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
          ],
        });
        expect(grid.type).toBe('grid');
        expect(grid.observation_budget).toBe(24);
      });

      it.each(creationRules)(
        'answers 400 for %s, naming the field',
        async (_what, changes, pattern) => {
          const before = await api.counts();
          const reply = await api.post('/v1/experiments', experimentBody(changes));
          expectError(reply, 400, pattern);
          expect(await api.counts()).toEqual(before);
        },
      );

      it.each(laterFeatures)(
        'answers 400 saying %s are not supported yet',
        async (_what, changes, pattern) => {
          const before = await api.counts();
          const message = expectError(
            await api.post('/v1/experiments', experimentBody(changes)),
            400,
            pattern,
          );
          expect(message).toMatch(/not supported/);
          expect(await api.counts()).toEqual(before);
        },
      );

      it('accepts the later features when they are empty', async () => {
        const experiment = await createExperiment(api, {
          conditionals: [],
          linear_constraints: [],
          tasks: [],
          num_solutions: 1,
        });
        expect(experiment.num_solutions).toBe(1);
      });
    });

    describe('listing and fetching', () => {
      it('lists active experiments by default, deleted or all on request, newest first', async () => {
        const keep = await createExperiment(api, { name: 'list keep' });
        const gone = await createExperiment(api, { name: 'list gone' });
        expect((await api.delete(`/v1/experiments/${gone.id}`)).status).toBe(200);
        const ids = async (query: Record<string, string>) =>
          (await api.get<Page<Experiment>>('/v1/experiments', { query })).body.data.map(
            (e) => e.id,
          );
        expect(await ids({})).toContain(keep.id);
        expect(await ids({})).not.toContain(gone.id);
        expect(await ids({ state: 'active' })).not.toContain(gone.id);
        expect(await ids({ state: 'deleted' })).toEqual(
          expect.arrayContaining([gone.id]) as unknown,
        );
        expect(await ids({ state: 'deleted' })).not.toContain(keep.id);
        const all = await ids({ state: 'all' });
        expect(all.indexOf(gone.id)).toBeLessThan(all.indexOf(keep.id));
      });

      it('searches names by substring, ignoring case', async () => {
        await createExperiment(api, { name: 'Needle In Haystack' });
        await createExperiment(api, { name: 'plain hay' });
        const reply = await api.get<Page<Experiment>>('/v1/experiments', {
          query: { search: 'needle in' },
        });
        expect(reply.body.data.map((e) => e.name)).toEqual(['Needle In Haystack']);
        expect(reply.body.count).toBe(1);
      });

      it('fetches an experiment with its progress', async () => {
        const experiment = await createExperiment(api);
        await observe(api, experiment.id, {
          assignments: { x: 0.1, n: 1, c: 'a' },
          values: [{ name: 'y', value: 1 }],
        });
        const last = await observe(api, experiment.id, {
          assignments: { x: 0.2, n: 2, c: 'b' },
          values: [{ name: 'y', value: 3 }],
        });
        const reply = await api.get<Experiment>(`/v1/experiments/${experiment.id}`);
        expect(reply.status).toBe(200);
        expect(reply.body.progress).toMatchObject({
          object: 'progress',
          observation_count: 2,
          observation_budget_consumed: 2,
          last_observation: { id: last.id, value: 3 },
          best_observation: { id: last.id },
        });
        expect(reply.body.progress.first_observation?.value).toBe(1);
      });

      it('answers 404 for an experiment that does not exist', async () => {
        expectError(await api.get('/v1/experiments/999999'), 404, /experiment/);
      });
    });

    describe('updating', () => {
      let experiment: Experiment;
      const put = (body: Record<string, unknown>) =>
        api.put<Experiment>(`/v1/experiments/${experiment.id}`, body);

      beforeAll(async () => {
        experiment = await createExperiment(api, {
          name: 'to update',
          metrics: ['y', { name: 'k', strategy: 'constraint', threshold: 1 }],
          observation_budget: 10,
          parallel_bandwidth: 3,
          metadata: { a: 1 },
        });
      });

      it('changes only the fields it names', async () => {
        const reply = await put({ name: 'renamed' });
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({
          name: 'renamed',
          observation_budget: 10,
          parallel_bandwidth: 3,
          metadata: { a: 1 },
        });
      });

      it('replaces metadata, budget and parallel bandwidth', async () => {
        const reply = await put({
          metadata: { b: 'two' },
          observation_budget: 25,
          parallel_bandwidth: 5,
        });
        expect(reply.body).toMatchObject({
          metadata: { b: 'two' },
          observation_budget: 25,
          parallel_bandwidth: 5,
        });
      });

      it('resets parallel bandwidth and metadata with null', async () => {
        const reply = await put({ parallel_bandwidth: null, metadata: null });
        expect(reply.body).toMatchObject({ parallel_bandwidth: null, metadata: null });
      });

      it('refuses to remove a budget the metrics require', async () => {
        expectError(await put({ observation_budget: null }), 400, /observation_budget/);
      });

      it('changes a metric threshold', async () => {
        const reply = await put({ metrics: [{ name: 'k', threshold: 2.5 }] });
        expect(reply.status).toBe(200);
        expect(reply.body.metrics.find((metric) => metric.name === 'k')?.threshold).toBe(2.5);
      });

      it.each([
        ['an unknown metric', { metrics: [{ name: 'nope', threshold: 1 }] }, /metrics\[0\]\.name/],
        [
          'a new objective',
          { metrics: [{ name: 'k', objective: 'minimize' }] },
          /metrics\[0\]\.objective/,
        ],
        [
          'a threshold removed from a constraint',
          { metrics: [{ name: 'k', threshold: null }] },
          /threshold/,
        ],
        [
          'a parameter that changes type',
          {
            parameters: [
              { name: 'x', type: 'int', bounds: { min: 0, max: 5 } },
              { name: 'n', type: 'int', bounds: { min: 1, max: 10 } },
              { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
            ],
          },
          /parameters\[0\]\.type/,
        ],
        [
          'a new parameter without a default value',
          {
            parameters: [
              double,
              { name: 'n', type: 'int', bounds: { min: 1, max: 10 } },
              { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
              { name: 'new', type: 'double', bounds: { min: 0, max: 1 } },
            ],
          },
          /parameters\[3\]\.default_value/,
        ],
        ['an unknown key', { owner: 'me' }, /`owner`/],
        ['an empty name', { name: '' }, /`name`/],
        ['an unknown state', { state: 'archived' }, /`state`/],
        ['a type change of the experiment', { type: 'grid' }, /`type`/],
      ])('answers 400 for %s and changes nothing', async (_what, body, pattern) => {
        const before = (await api.get<Experiment>(`/v1/experiments/${experiment.id}`)).body;
        expectError(await put(body), 400, pattern);
        const after = (await api.get<Experiment>(`/v1/experiments/${experiment.id}`)).body;
        expect({ ...after, updated: 0 }).toEqual({ ...before, updated: 0 });
      });

      it('changes bounds and categories, and fills a new parameter from its default value', async () => {
        const target = await createExperiment(api);
        const old = await observe(api, target.id, {
          assignments: { x: 0.5, n: 3, c: 'a' },
          values: [{ name: 'y', value: 1 }],
        });
        const reply = await api.put<Experiment>(`/v1/experiments/${target.id}`, {
          parameters: [
            { name: 'x', type: 'double', bounds: { min: -2, max: 2 } },
            { name: 'n', type: 'int', bounds: { min: 1, max: 100 } },
            { name: 'c', type: 'categorical', categorical_values: ['a', 'b', 'c'] },
            { name: 'added', type: 'double', bounds: { min: 0, max: 10 }, default_value: 7 },
          ],
        });
        expect(reply.status).toBe(200);
        const [x, n, c, added] = reply.body.parameters;
        expect(x?.bounds).toEqual({ object: 'bounds', min: -2, max: 2 });
        expect(n?.bounds).toMatchObject({ max: 100 });
        expect(c?.categorical_values?.map((value) => value.name)).toEqual(['a', 'b', 'c']);
        expect(added?.default_value).toBe(7);
        const fetched = await api.get<Observation>(
          `/v1/experiments/${target.id}/observations/${old.id}`,
        );
        expect(fetched.body.assignments).toEqual({ x: 0.5, n: 3, c: 'a', added: 7 });
        const fresh = await observe(api, target.id, {
          assignments: { x: -1.5, n: 50, c: 'c', added: 1 },
          values: [{ name: 'y', value: 2 }],
        });
        expect(fresh.assignments).toEqual({ x: -1.5, n: 50, c: 'c', added: 1 });
      });

      it('accepts no_optimize on an update', async () => {
        expect((await put({ no_optimize: true })).status).toBe(200);
      });
    });

    describe('deleting', () => {
      it('deletes softly: the experiment is still there, marked deleted, and a PUT revives it', async () => {
        const experiment = await createExperiment(api);
        const path = `/v1/experiments/${experiment.id}`;
        expect((await api.delete(path)).body).toEqual({});
        const gone = await api.get<Experiment>(path);
        expect(gone.status).toBe(200);
        expect(gone.body.state).toBe('deleted');
        expectError(await api.post(`${path}/suggestions`), 400, /deleted/);
        const revived = await api.put<Experiment>(path, { state: 'active' });
        expect(revived.body.state).toBe('active');
        expect((await api.post(`${path}/suggestions`)).status).toBe(200);
      });

      it('answers 404 when deleting an experiment that does not exist', async () => {
        expectError(await api.delete('/v1/experiments/987654'), 404, /experiment/);
      });
    });

    describe('through the client path', () => {
      it("creates and lists experiments through the token's own client", async () => {
        const own = `/v1/clients/${api.admin.clientId}/experiments`;
        const created = await api.post<Experiment>(own, experimentBody({ name: 'via client' }));
        expect(created.status).toBe(200);
        expect(created.body.client).toBe(api.admin.clientId);
        const listed = await api.get<Page<Experiment>>(own, { query: { search: 'via client' } });
        expect(listed.body.data.map((e) => e.id)).toEqual([created.body.id]);
      });

      it('answers 404 for another client id, and creates nothing', async () => {
        const other = await api.caller('someone else');
        const before = await api.counts();
        const path = `/v1/clients/${other.clientId}/experiments`;
        expectError(await api.post(path, experimentBody()), 404, /client/);
        expectError(await api.get(path), 404, /client/);
        expectError(await api.get('/v1/clients/abc/experiments'), 404, /client/);
        expect(await api.counts()).toEqual(before);
      });
    });
  });
}
