import { describe, expect, it } from 'vitest';

import { buildApp } from '../../src/app.ts';
import { assignmentsKey } from '../../src/domain/space.ts';
import type { ExperimentDef } from '../../src/domain/types.ts';
import { writePool } from '../../src/store/pool.ts';
import { claimPooledSuggestions } from '../../src/store/suggestions.ts';
import { createToken } from '../../src/store/tokens.ts';
import { countingSql } from '../helpers/counting-sql.ts';
import { backends } from '../helpers/database.ts';
import { clientDatabase, doubleParameter, storedExperiment } from '../helpers/experiments.ts';

// Claiming pool entries: one statement takes entries for several requests,
// best first, and the service lets the requests that arrive while a claim
// statement runs share the next one.

const space = [doubleParameter('x'), doubleParameter('y')];
const wireSpace = space.map(({ name, type, bounds }) => ({ name, type, bounds }));

for (const kind of backends) {
  describe(`claiming pool entries (${kind})`, () => {
    const handle = clientDatabase(kind);
    const newExperiment = (parallelBandwidth: number) =>
      storedExperiment(handle, { parallelBandwidth, parameters: space });

    const candidates = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const assignments = { x: i / 100, y: 1 - i / 100 };
        return { assignments, key: assignmentsKey(assignments) };
      });

    /** A pool of `entries`, computed (as the store records it) before any observation. */
    const pool = (experiment: ExperimentDef, entries: ReturnType<typeof candidates>) =>
      writePool(handle.db.sql, experiment, { count: 0, lastObservationId: null }, entries);

    const claim = (experiment: ExperimentDef, count: number, serveStale = false) =>
      claimPooledSuggestions(handle.db.sql, {
        experiment,
        source: 'optimizer',
        count,
        serveStale,
      });

    it('takes one entry for each request, best first, and none past the end', async () => {
      const experiment = await newExperiment(8);
      await pool(experiment, candidates(5));
      const first = await claim(experiment, 3);
      expect(first?.map((c) => c.suggestion?.assignments)).toEqual([
        { x: 0, y: 1 },
        { x: 0.01, y: 0.99 },
        { x: 0.02, y: 0.98 },
      ]);
      expect(new Set(first?.map((c) => c.suggestion?.id)).size).toBe(3);
      const rest = await claim(experiment, 4);
      expect(rest?.map((c) => c.suggestion?.assignments ?? null)).toEqual([
        { x: 0.03, y: 0.97 },
        { x: 0.04, y: 0.96 },
        null,
        null,
      ]);
      expect(rest?.slice(2).map((c) => c.entry)).toEqual([null, null]);
      expect(rest?.[0]?.facts.open).toBe(3);
    });

    it('leaves an entry whose point is open already unmade, and says so', async () => {
      const experiment = await newExperiment(4);
      const points = candidates(2);
      await pool(experiment, points);
      const [taken] = (await claim(experiment, 1)) ?? [];
      expect(taken?.suggestion).not.toBeNull();
      // The same points again: the first is open now.
      await pool(experiment, points);
      const again = await claim(experiment, 2);
      expect(again?.[0]?.entry?.key).toBe(points[0]?.key);
      expect(again?.[0]?.suggestion).toBeNull();
      expect(again?.[1]?.suggestion?.assignments).toEqual(points[1]?.assignments);
    });

    it('serves an entry older than the parallel workers allow only when asked to', async () => {
      const experiment = await newExperiment(2);
      const observations = Array.from({ length: 4 }, (_, i) => ({ x: i / 10, y: i / 10 }));
      for (const assignments of observations) {
        await handle.db.prisma.observation.create({
          data: {
            experimentId: BigInt(experiment.id),
            assignments,
            values: { create: [{ metricId: BigInt(experiment.metrics[0]!.id), value: 1 }] },
          },
        });
      }
      await pool(experiment, candidates(4));
      const strict = await claim(experiment, 1);
      expect(strict?.[0]?.entry?.behind).toBe(2);
      expect(strict?.[0]?.suggestion).toBeNull();
      const lenient = await claim(experiment, 1, true);
      expect(lenient?.[0]?.entry?.behind).toBe(2);
      expect(lenient?.[0]?.suggestion?.assignments).toEqual({ x: 0.01, y: 0.99 });
    });

    it('answers null and takes nothing when the experiment moved to another revision', async () => {
      const experiment = await newExperiment(4);
      await pool(experiment, candidates(3));
      expect(await claim({ ...experiment, revision: experiment.revision + 1 }, 2)).toBeNull();
      expect((await claim(experiment, 3))?.every((c) => c.suggestion !== null)).toBe(true);
    });

    it('serves a burst of concurrent requests with a few claim statements', async () => {
      const counts = new Map<string, number>();
      const app = await buildApp({
        database: { ...handle.db, sql: countingSql(handle.db.sql, counts) },
        suggestionTimeBudgetMs: 200,
      });
      await app.ready();
      try {
        const { value } = await createToken(handle.db.prisma, handle.clientId, { admin: true });
        const authorization = `Basic ${Buffer.from(`${value}:`).toString('base64')}`;
        const created = await app.inject({
          method: 'POST',
          url: '/v1/experiments',
          headers: { authorization },
          payload: {
            name: 'burst',
            parameters: wireSpace,
            metrics: [{ name: 'f' }],
            parallel_bandwidth: 16,
          },
        });
        expect(created.statusCode).toBe(200);
        const id = created.json<{ id: string }>().id;
        // The first pool (the initial design, 34 points) is computed on creation.
        for (let waited = 0; waited < 100; waited++) {
          const [row] = await handle.db.sql.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM suggestion_pool_entries WHERE experiment_id = $1',
            [id],
          );
          if ((row?.n ?? 0) >= 32) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        counts.clear();
        const replies = await Promise.all(
          Array.from({ length: 32 }, () =>
            app.inject({
              method: 'POST',
              url: `/v1/experiments/${id}/suggestions`,
              headers: { authorization },
            }),
          ),
        );
        expect(replies.map((reply) => reply.statusCode)).toEqual(Array(32).fill(200) as unknown);
        const points = replies.map((reply) =>
          assignmentsKey(reply.json<{ assignments: Record<string, number> }>().assignments),
        );
        expect(new Set(points).size).toBe(32);
        const statements = counts.get('claim-pooled-suggestions') ?? 0;
        expect(statements).toBeGreaterThanOrEqual(2);
        expect(statements).toBeLessThanOrEqual(4);
        // Every point came from the pool: no request needed a statement of its own.
        expect(counts.get('create-suggestion') ?? 0).toBe(0);
      } finally {
        await app.close();
      }
    });
  });
}
