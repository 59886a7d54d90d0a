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
  type Reply,
  type Suggestion,
  type TestApp,
} from '../helpers/app.ts';

// What a client can send that it should not: each a 4xx naming the field,
// never a 500, and nothing stored. A seeded fuzzer closes the section.

const point = { x: 0.5, n: 3, c: 'a' };
const double = { name: 'x', type: 'double', bounds: { min: 0, max: 1 } };
const beyondSafe = 2 ** 53 + 2;

/** A raw JSON text with `value` spliced in where `"@"` stands, for numbers JSON.stringify cannot write. */
const splice = (body: unknown, value: string) => JSON.stringify(body).replace('"@"', value);

/** Mulberry32 (Tommy Ettinger's 32-bit generator): small, seeded, good enough to pick fuzz cases. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fieldNames = [
  'name',
  'type',
  'parameters',
  'bounds',
  'min',
  'max',
  'grid',
  'categorical_values',
  'transformation',
  'default_value',
  'precision',
  'metrics',
  'objective',
  'strategy',
  'threshold',
  'observation_budget',
  'parallel_bandwidth',
  'metadata',
  'state',
  'assignments',
  'suggestion',
  'values',
  'value',
  'value_stddev',
  'failed',
  'observations',
  'no_optimize',
  'x',
  'n',
  'c',
  'y',
  'permissions',
  'development',
  'expires',
  'enum_index',
  '__proto__',
  'constructor',
  '',
];

function fuzzValue(next: () => number, depth: number): unknown {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)] as T;
  const kind = Math.floor(next() * (depth > 3 ? 7 : 10));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return pick([0, -0, 1, -1, 0.5, 1e308, -1e308, beyondSafe, 2 ** 31, 1e-320, 42]);
    case 3:
      return (next() - 0.5) * 10 ** Math.floor(next() * 12);
    case 4:
      return pick([
        '',
        'a',
        'x',
        'double',
        'int',
        'categorical',
        'maximize',
        'store',
        'log',
        '1',
        '-1',
        'open',
        'deleted',
        'y'.repeat(600),
        '\u0000',
        '💥',
      ]);
    case 5:
      return String(Math.floor(next() * 1e6));
    case 6:
      return pick(fieldNames);
    case 7:
      return Array.from({ length: Math.floor(next() * 4) }, () => fuzzValue(next, depth + 1));
    default: {
      const size = Math.floor(next() * 5);
      return Object.fromEntries(
        Array.from({ length: size }, () => [pick(fieldNames), fuzzValue(next, depth + 1)]),
      );
    }
  }
}

/** A valid body with one value somewhere inside replaced by a random one. */
function mutate(body: unknown, next: () => number): unknown {
  if (body === null || typeof body !== 'object' || next() < 0.25) return fuzzValue(next, 0);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(body)
    ? [...(body as unknown[])]
    : { ...(body as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || next() < 0.15) {
    (copy as Record<string, unknown>)[
      fieldNames[Math.floor(next() * fieldNames.length)] ?? 'name'
    ] = fuzzValue(next, 1);
    return copy;
  }
  const key = keys[Math.floor(next() * keys.length)] ?? '';
  (copy as Record<string, unknown>)[key] = mutate((copy as Record<string, unknown>)[key], next);
  return copy;
}

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;
    let experiment: Experiment;
    let suggestion: Suggestion;
    let observation: Observation;

    beforeAll(async () => {
      api = await openTestApp(kind);
      experiment = await createExperiment(api, { name: 'target' });
      suggestion = (await api.post<Suggestion>(`/v1/experiments/${experiment.id}/suggestions`))
        .body;
      observation = await observe(api, experiment.id, { assignments: point, value: 1 });
    });
    afterAll(async () => api.close());

    /** Sends the request and checks it was refused with a 4xx naming the field, storing nothing. */
    const refused = async (
      send: () => Promise<Reply<unknown>>,
      status: number,
      pattern?: RegExp,
    ) => {
      const before = await api.counts();
      const reply = await send();
      const message = expectError(reply, status, pattern);
      expect(await api.counts()).toEqual(before);
      return message;
    };
    const raw = (path: string, payload: string, method: 'POST' | 'PUT' = 'POST') =>
      api.request(method, path, undefined, {
        payload,
        headers: { 'content-type': 'application/json' },
      });
    const experimentPath = () => `/v1/experiments/${experiment.id}`;

    it.each([
      ['at the top', { colour: 1 }, /`colour`/],
      ['in a parameter', { parameters: [{ ...double, step: 1 }] }, /`parameters\[0\]\.step`/],
      [
        'in bounds',
        { parameters: [{ ...double, bounds: { min: 0, max: 1, inclusive: true } }] },
        /`parameters\[0\]\.bounds\.inclusive`/,
      ],
      [
        'in a category object',
        {
          parameters: [
            { name: 'c', type: 'categorical', categorical_values: [{ name: 'a', weight: 1 }, 'b'] },
          ],
        },
        /parameters\[0\]\.categorical_values\[0\]\.weight/,
      ],
      ['in a metric', { metrics: [{ name: 'y', goal: 'up' }] }, /`metrics\[0\]\.goal`/],
    ])('refuses an unknown key %s of an experiment', async (_where, changes, pattern) => {
      await refused(() => api.post('/v1/experiments', experimentBody(changes)), 400, pattern);
    });

    it('refuses unknown keys deep inside a batch', async () => {
      const observations = [
        { assignments: point, value: 1 },
        { assignments: point, values: [{ name: 'y', value: 1, weight: 2 }] },
      ];
      await refused(
        () => api.post(`${experimentPath()}/observations/batch`, { observations }),
        400,
        /observations\[1\]\.values\[0\]\.weight/,
      );
    });

    it.each([
      ['a number for the name', { name: 5 }, /`name`/],
      ['an object for the parameters', { parameters: { x: double } }, /`parameters`/],
      [
        'a string for a bound',
        { parameters: [{ ...double, bounds: { min: '0', max: 1 } }] },
        /parameters\[0\]\.bounds\.min/,
      ],
      ['an array for metadata', { metadata: ['a'] }, /`metadata`/],
      ['an object for a metadata value', { metadata: { a: { b: 1 } } }, /metadata\.a/],
      ['a boolean for a metadata value', { metadata: { a: true } }, /metadata\.a/],
      ['a number for a metric', { metrics: [5] }, /metrics\[0\]/],
      ['a string for parallel_bandwidth', { parallel_bandwidth: 'two' }, /parallel_bandwidth/],
    ])('refuses %s', async (_what, changes, pattern) => {
      await refused(() => api.post('/v1/experiments', experimentBody(changes)), 400, pattern);
    });

    it.each([
      ['a boolean suggestion id', { suggestion: true, value: 1 }, /`suggestion`/],
      ['a negative suggestion id', { suggestion: -3, value: 1 }, /`suggestion`/],
      ['a fractional suggestion id', { suggestion: 1.5, value: 1 }, /`suggestion`/],
      ['a suggestion id of letters', { suggestion: 'abc', value: 1 }, /`suggestion`/],
      ['a suggestion id of 19 digits', { suggestion: '1'.repeat(19), value: 1 }, /`suggestion`/],
      ['a suggestion id beyond 2^53', { suggestion: beyondSafe, value: 1 }, /`suggestion`/],
      ['an array for assignments', { assignments: [0.5, 3, 'a'], value: 1 }, /`assignments`/],
      ['a string for failed', { assignments: point, failed: 'maybe' }, /`failed`/],
      [
        'a null value in values',
        { assignments: point, values: [{ name: 'y', value: null }] },
        /values\[0\]\.value/,
      ],
      [
        'an int beyond 2^53',
        { assignments: { ...point, n: beyondSafe }, value: 1 },
        /assignments\.n/,
      ],
      [
        'an over-long category',
        { assignments: { ...point, c: 'c'.repeat(51) }, value: 1 },
        /assignments\.c/,
      ],
      [
        'an over-long metadata value',
        { assignments: point, value: 1, metadata: { a: 'v'.repeat(501) } },
        /metadata\.a/,
      ],
      [
        'an over-long metric name',
        { assignments: point, values: [{ name: 'm'.repeat(101), value: 1 }] },
        /values\[0\]\.name/,
      ],
      [
        'a value for an unknown metric',
        { assignments: point, values: [{ name: 'loss', value: 1 }] },
        /values\[0\]\.name.*"loss"/,
      ],
    ])('refuses an observation with %s', async (_what, body, pattern) => {
      await refused(() => api.post(`${experimentPath()}/observations`, body), 400, pattern);
    });

    it.each([
      ['name', { name: 'a'.repeat(101) }],
      ['parameters[0].name', { parameters: [{ ...double, name: 'p'.repeat(101) }] }],
      ['metrics[0]', { metrics: ['m'.repeat(101)] }],
      ['metrics[0].name', { metrics: [{ name: 'm'.repeat(101) }] }],
      [
        'parameters[0].categorical_values[0]',
        {
          parameters: [
            { name: 'c', type: 'categorical', categorical_values: ['c'.repeat(51), 'b'] },
          ],
        },
      ],
      ['metadata', { metadata: { ['k'.repeat(101)]: 1 } }],
    ])('refuses an over-long string at %s', async (field, changes) => {
      const escaped = field.replace(/[[\].]/g, (c) => `\\${c}`);
      await refused(
        () => api.post('/v1/experiments', experimentBody(changes)),
        400,
        new RegExp(escaped),
      );
    });

    it.each([
      [
        'observation_budget',
        '{"name":"e","parameters":[{"name":"x","type":"double","bounds":{"min":0,"max":1}}],"observation_budget":1e999}',
      ],
      [
        'parameters[0].bounds.max',
        '{"name":"e","parameters":[{"name":"x","type":"double","bounds":{"min":0,"max":1e999}}]}',
      ],
      [
        'parameters[0].bounds.min',
        '{"name":"e","parameters":[{"name":"x","type":"double","bounds":{"min":-1e999,"max":1}}]}',
      ],
      [
        'metadata.a',
        '{"name":"e","parameters":[{"name":"x","type":"double","bounds":{"min":0,"max":1}}],"metadata":{"a":1e400}}',
      ],
    ])('refuses Infinity (1e999 in JSON) at %s', async (field, payload) => {
      const escaped = field.replace(/[[\].]/g, (c) => `\\${c}`);
      await refused(() => raw('/v1/experiments', payload), 400, new RegExp(`${escaped}.*finite`));
    });

    it('refuses Infinity in an observation value and in a batch', async () => {
      await refused(
        () =>
          raw(
            `${experimentPath()}/observations`,
            splice({ assignments: point, values: [{ name: 'y', value: '@' }] }, '1e999'),
          ),
        400,
        /values\[0\]\.value/,
      );
      await refused(
        () =>
          raw(
            `${experimentPath()}/observations`,
            splice({ assignments: point, value: 1, value_stddev: '@' }, '1e999'),
          ),
        400,
        /value_stddev/,
      );
      const batch = splice(
        {
          observations: [
            { assignments: point, value: 1 },
            { assignments: { ...point, x: '@' }, value: 1 },
          ],
        },
        '-1e999',
      );
      await refused(
        () => raw(`${experimentPath()}/observations/batch`, batch),
        400,
        /observations\[1\]\.assignments\.x/,
      );
    });

    it.each(['NaN', 'Infinity', '-Infinity', 'undefined'])(
      'refuses %s, which is not JSON',
      async (word) => {
        await refused(
          () =>
            raw(
              `${experimentPath()}/observations`,
              splice({ assignments: point, value: '@' }, word),
            ),
          400,
          /JSON/,
        );
      },
    );

    it.each([
      [
        'an int bound',
        { parameters: [{ name: 'n', type: 'int', bounds: { min: 0, max: beyondSafe } }] },
        /parameters\[0\].*integer/,
      ],
      ['the budget', { observation_budget: beyondSafe }, /observation_budget/],
      ['the parallel bandwidth', { parallel_bandwidth: beyondSafe }, /parallel_bandwidth/],
      [
        'the precision',
        { parameters: [{ ...double, precision: beyondSafe }] },
        /parameters\[0\]\.precision/,
      ],
    ])('refuses an integer beyond 2^53 for %s', async (_what, changes, pattern) => {
      await refused(() => api.post('/v1/experiments', experimentBody(changes)), 400, pattern);
    });

    it('refuses an expiry beyond 2^53 seconds for a token', async () => {
      await refused(
        () => api.post(`/v1/clients/${api.admin.clientId}/tokens`, { expires: beyondSafe }),
        400,
        /expires/,
      );
    });

    it('reads -0 as 0, so bounds from -0 to 0 are empty', async () => {
      const payload = splice(
        experimentBody({ parameters: [{ ...double, bounds: { min: '@', max: 0 } }] }),
        '-0',
      );
      await refused(() => raw('/v1/experiments', payload), 400, /parameters\[0\]\.bounds/);
      const reply = await raw(
        `${experimentPath()}/observations`,
        splice({ assignments: { ...point, x: '@' }, value: 1 }, '-0'),
      );
      expect(reply.status).toBe(200);
      expect(Object.is((reply.body as unknown as Observation).assignments.x, 0)).toBe(true);
    });

    it('refuses a body nested deeper than the limit', async () => {
      let nested: unknown = 1;
      for (let i = 0; i < 20; i += 1) nested = { a: nested };
      await refused(
        () => api.post('/v1/experiments', experimentBody({ metadata: nested })),
        400,
        /nests deeper/,
      );
    });

    it('refuses a body nested 100000 levels deep without failing', async () => {
      const payload = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const reply = await raw('/v1/experiments', payload);
      expect(reply.status).toBe(400);
      const objects = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
      await refused(() => raw('/v1/experiments', objects), 400);
    });

    it('answers 413 for a body over 4 MiB and stores nothing', async () => {
      const payload = JSON.stringify(
        experimentBody({ metadata: { a: 'x'.repeat(5 * 1024 * 1024) } }),
      );
      await refused(() => raw('/v1/experiments', payload), 413);
      const observations = Array.from({ length: 2500 }, () => ({
        assignments: point,
        value: 1,
        metadata: Object.fromEntries(
          Array.from({ length: 10 }, (_, i) => [`key${i}`, 'v'.repeat(200)]),
        ),
      }));
      await refused(
        () => api.post(`${experimentPath()}/observations/batch`, { observations }),
        413,
      );
    });

    it.each([
      [
        'at the top',
        '{"name":"e","__proto__":{"admin":true},"parameters":[{"name":"x","type":"double","bounds":{"min":0,"max":1}}]}',
        /__proto__/,
      ],
      [
        'in a parameter',
        '{"name":"e","parameters":[{"name":"x","type":"double","bounds":{"min":0,"max":1},"__proto__":{"type":"int"}}]}',
        /parameters\[0\]\.__proto__/,
      ],
      [
        'in metadata',
        '{"name":"e","parameters":[{"name":"x","type":"double","bounds":{"min":0,"max":1}}],"metadata":{"__proto__":"x"}}',
        /metadata\.__proto__/,
      ],
      [
        'as constructor',
        '{"name":"e","parameters":[{"name":"x","type":"double","bounds":{"min":0,"max":1}}],"metadata":{"constructor":{"prototype":1}}}',
        /metadata\.constructor/,
      ],
    ])('refuses a __proto__ key %s', async (_where, payload, pattern) => {
      await refused(() => raw('/v1/experiments', payload), 400, pattern);
    });

    it('refuses a __proto__ key in assignments', async () => {
      const payload = '{"assignments":{"x":0.5,"n":3,"c":"a","__proto__":{"x":1}},"value":1}';
      await refused(
        () => raw(`${experimentPath()}/observations`, payload),
        400,
        /assignments\.__proto__/,
      );
    });

    it('refuses bad input on updates and leaves the objects as they were', async () => {
      const before = (await api.get<Experiment>(experimentPath())).body;
      await refused(() => api.put(experimentPath(), { name: 7 }), 400, /`name`/);
      await refused(
        () => raw(experimentPath(), '{"observation_budget":1e999}', 'PUT'),
        400,
        /observation_budget/,
      );
      await refused(
        () => api.put(`${experimentPath()}/suggestions/${suggestion.id}`, { metadata: { a: [] } }),
        400,
        /metadata\.a/,
      );
      await refused(
        () =>
          api.put(`${experimentPath()}/observations/${observation.id}`, {
            values: [{ name: 'zzz', value: 1 }],
          }),
        400,
        /values\[0\]\.name/,
      );
      const after = (await api.get<Experiment>(experimentPath())).body;
      expect({ ...after, updated: 0 }).toEqual({ ...before, updated: 0 });
    });

    it('refuses bad query strings naming the parameter', async () => {
      expectError(await api.get('/v1/experiments', { query: { limit: 'lots' } }), 400, /limit/);
      expectError(
        await api.get(`${experimentPath()}/suggestions`, { query: { id: '1,,2' } }),
        400,
        /`id`/,
      );
      expectError(
        await api.get(`${experimentPath()}/suggestions`, { query: { state: 'half' } }),
        400,
        /`state`/,
      );
      expectError(
        await api.get('/v1/experiments', { query: { search: 's'.repeat(101) } }),
        400,
        /search/,
      );
    });

    it('never answers 500 to seeded random bodies on any POST or PUT route', async () => {
      const next = random(20_261_203);
      const base = experimentPath();
      const targets: Array<['POST' | 'PUT', string, unknown]> = [
        ['POST', '/v1/experiments', experimentBody()],
        [
          'POST',
          `/v1/clients/${api.admin.clientId}/experiments`,
          experimentBody({ type: 'random' }),
        ],
        ['PUT', base, { name: 'renamed', metadata: { a: 1 }, parallel_bandwidth: 2 }],
        ['POST', `${base}/suggestions`, { assignments: point, metadata: { a: 1 } }],
        ['PUT', `${base}/suggestions/${suggestion.id}`, { metadata: { a: 1 } }],
        [
          'POST',
          `${base}/observations`,
          { assignments: point, values: [{ name: 'y', value: 1, value_stddev: 0.1 }] },
        ],
        [
          'POST',
          `${base}/observations/batch`,
          {
            observations: [
              { suggestion: suggestion.id, value: 1 },
              { assignments: point, failed: true },
            ],
          },
        ],
        [
          'PUT',
          `${base}/observations/${observation.id}`,
          { assignments: point, value: 2, metadata: null },
        ],
        ['POST', `${base}/queued_suggestions`, { assignments: point }],
        [
          'POST',
          `/v1/clients/${api.admin.clientId}/tokens`,
          { development: true, permissions: 'write' },
        ],
      ];
      const failures: string[] = [];
      for (const [method, path, valid] of targets) {
        for (let i = 0; i < 24; i += 1) {
          const body = i % 3 === 0 ? fuzzValue(next, 0) : mutate(valid, next);
          const reply = await api.request(method, path, undefined, {
            payload: JSON.stringify(body) ?? '',
            headers: { 'content-type': 'application/json' },
          });
          if (reply.status >= 500)
            failures.push(`${method} ${path} ${JSON.stringify(body)} -> ${reply.status}`);
        }
        // Keep the target experiment usable for the routes after this one.
        await api.put(base, { state: 'active', parameters: experimentBody().parameters });
      }
      expect(failures).toEqual([]);
    });
  });
}
