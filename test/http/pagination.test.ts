import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backends } from '../helpers/database.ts';
import {
  createExperiment,
  type Experiment,
  expectError,
  type Observation,
  openTestApp,
  type Page,
  type TestApp,
} from '../helpers/app.ts';

// Lists are keyset pages, newest first, with the total in `count`; SigOpt's
// client follows `paging.before` until it is null.

const total = 1005;

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;
    let experiment: Experiment;
    let path: string;
    let ids: string[];

    beforeAll(async () => {
      api = await openTestApp(kind);
      // Random: thousands of observations would make every write refit the optimizer.
      experiment = await createExperiment(api, { name: 'pages', type: 'random' });
      path = `/v1/experiments/${experiment.id}/observations`;
      const observations = Array.from({ length: total }, (_, i) => ({
        assignments: { x: (i % 100) / 100, n: 1 + (i % 10), c: i % 2 ? 'a' : 'b' },
        values: [{ name: 'y', value: i }],
      }));
      const reply = await api.post<Page<Observation>>(`${path}/batch`, { observations });
      expect(reply.status).toBe(200);
      ids = reply.body.data.map((observation) => observation.id);
    });
    afterAll(async () => api.close());

    const page = async (query: Record<string, string | number>) => {
      const reply = await api.get<Page<Observation>>(path, { query });
      expect(reply.status).toBe(200);
      return reply.body;
    };

    it('answers a pagination object whose count is the total over all pages', async () => {
      const body = await page({ limit: 10 });
      expect(body.object).toBe('pagination');
      expect(body.count).toBe(total);
      expect(body.data).toHaveLength(10);
    });

    it('lists newest first', async () => {
      const body = await page({ limit: 20 });
      const shown = body.data.map((observation) => BigInt(observation.id));
      const sorted = [...shown].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
      expect(shown).toEqual(sorted);
      expect(body.data[0]?.id).toBe(ids.at(-1));
    });

    it('shows 1000 objects by default and says there are older ones', async () => {
      const body = await page({});
      expect(body.data).toHaveLength(1000);
      expect(body.paging.before).not.toBeNull();
      expect(body.paging.after).toBeNull();
    });

    it('accepts a limit of 1000', async () => {
      expect((await page({ limit: 1000 })).data).toHaveLength(1000);
    });

    it.each(['1001', '-1', '2.5', 'ten'])(
      'answers 400 naming limit for limit=%s',
      async (limit) => {
        expectError(await api.get(path, { query: { limit } }), 400, /limit/);
      },
    );

    it.each(['abc', '-5', '1.5'])('answers 400 for the paging marker %s', async (marker) => {
      expectError(await api.get(path, { query: { before: marker } }), 400, /before/);
    });

    it('visits every object exactly once when walking with before until it is null', async () => {
      const seen: string[] = [];
      let before: string | null = null;
      let pages = 0;
      do {
        const body: Page<Observation> = await page({
          limit: 150,
          ...(before === null ? {} : { before }),
        });
        expect(body.count).toBe(total);
        seen.push(...body.data.map((observation) => observation.id));
        before = body.paging.before;
        pages += 1;
      } while (before !== null && pages < 100);
      expect(pages).toBe(Math.ceil(total / 150));
      expect(new Set(seen).size).toBe(total);
      expect([...seen].sort()).toEqual([...ids].sort());
    });

    it('walks back to the newest objects with after', async () => {
      let body = await page({ limit: 100 });
      while (body.paging.before !== null) {
        body = await page({ limit: 100, before: body.paging.before });
      }
      const seen = body.data.map((observation) => observation.id);
      let after = body.paging.after;
      while (after !== null) {
        body = await page({ limit: 100, after });
        expect(body.data).toHaveLength(Math.min(100, total - seen.length));
        seen.push(...body.data.map((observation) => observation.id));
        after = body.paging.after;
      }
      expect(new Set(seen).size).toBe(total);
      expect(seen).toContain(ids.at(-1));
    });

    it('gives the page just after the marker, newest first, when walking with after', async () => {
      const oldest = ids[0] ?? '';
      const body = await page({ limit: 3, after: oldest });
      expect(body.data.map((observation) => observation.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(body.paging.before).toBe(ids[1]);
      expect(body.paging.after).toBe(ids[3]);
    });

    it('answers an empty page with null markers past the oldest object', async () => {
      const body = await page({ limit: 10, before: ids[0] ?? '' });
      expect(body.data).toEqual([]);
      expect(body.paging.before).toBeNull();
      expect(body.count).toBe(total);
    });

    it('pages experiments, suggestions and queued suggestions the same way', async () => {
      const other = await createExperiment(api, { name: 'pages of others' });
      const base = `/v1/experiments/${other.id}`;
      for (let i = 0; i < 5; i += 1) await api.post(`${base}/suggestions`);
      for (let i = 0; i < 5; i += 1) {
        await api.post(`${base}/queued_suggestions`, { assignments: { x: i / 10, n: 1, c: 'a' } });
      }
      for (const list of ['/v1/experiments', `${base}/suggestions`, `${base}/queued_suggestions`]) {
        const seen: string[] = [];
        let before: string | null = null;
        let count = 0;
        do {
          const reply: { body: Page<{ id: string }> } = await api.get(list, {
            query: { limit: 2, ...(before === null ? {} : { before }) },
          });
          seen.push(...reply.body.data.map((item) => item.id));
          count = reply.body.count;
          before = reply.body.paging.before;
        } while (before !== null);
        expect(seen.length).toBe(count);
        expect(new Set(seen).size).toBe(count);
        expect(count).toBeGreaterThanOrEqual(2);
      }
    });
  });
}
