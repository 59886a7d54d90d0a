import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/app.ts';
import { lockExperiment } from '../../src/store/experiments.ts';
import { DEFAULT_CLIENT, createToken, ensureClient } from '../../src/store/tokens.ts';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/database.ts';

// Two server processes on one database: each keeps experiment definitions in
// memory. A write checked against a definition the other process changed
// meanwhile is not stored as it was checked; the request is checked again
// against the stored definition.

for (const kind of backends) {
  describe(`definitions changed by another process (${kind})`, () => {
    let db: TestDatabase;
    let first: FastifyInstance;
    let second: FastifyInstance;
    let authorization: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      const clientId = (await ensureClient(db.prisma, DEFAULT_CLIENT)).id;
      const { value } = await createToken(db.prisma, clientId, { admin: true });
      authorization = `Basic ${Buffer.from(`${value}:`).toString('base64')}`;
      first = await buildApp({ database: db, suggestionTimeBudgetMs: 200 });
      second = await buildApp({ database: db, suggestionTimeBudgetMs: 200 });
      await Promise.all([first.ready(), second.ready()]);
    });
    afterAll(async () => {
      await first.close();
      await second.close();
      await db.close();
    });

    const call = async (
      app: FastifyInstance,
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      body?: object,
    ) => {
      const reply = await app.inject({
        method,
        url,
        headers: { authorization },
        ...(body === undefined ? {} : { payload: body }),
      });
      return { status: reply.statusCode, body: reply.json<Record<string, unknown>>() };
    };

    async function newExperiment(): Promise<string> {
      const created = await call(first, 'POST', '/v1/experiments', {
        name: 'changing',
        parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
        metrics: [{ name: 'f' }],
      });
      expect(created.status).toBe(200);
      return String(created.body.id);
    }

    it('checks a chosen point against the definition the other process stored', async () => {
      const id = await newExperiment();
      // The first process reads and keeps the definition.
      const kept = await call(first, 'POST', `/v1/experiments/${id}/suggestions`, {
        assignments: { x: 0.25 },
      });
      expect(kept.status).toBe(200);
      const moved = await call(second, 'PUT', `/v1/experiments/${id}`, {
        parameters: [{ name: 'x', type: 'double', bounds: { min: 100, max: 101 } }],
      });
      expect(moved.status).toBe(200);

      const stale = await call(first, 'POST', `/v1/experiments/${id}/suggestions`, {
        assignments: { x: 0.5 },
      });
      expect(stale.status).toBe(400);
      expect(String(stale.body.message)).toContain('x');
      const fresh = await call(first, 'POST', `/v1/experiments/${id}/suggestions`, {
        assignments: { x: 100.5 },
      });
      expect(fresh.status).toBe(200);

      const listed = await call(first, 'GET', `/v1/experiments/${id}/suggestions?limit=100`);
      const points = (listed.body.data as Array<{ assignments: { x: number } }>).map(
        (suggestion) => suggestion.assignments.x,
      );
      expect(points.sort((a, b) => a - b)).toEqual([0.25, 100.5]);
    });

    it('serves the optimizer’s points of the stored definition to the process that kept the old one', async () => {
      const id = await newExperiment();
      expect((await call(first, 'POST', `/v1/experiments/${id}/suggestions`)).status).toBe(200);
      const moved = await call(second, 'PUT', `/v1/experiments/${id}`, {
        parameters: [{ name: 'x', type: 'double', bounds: { min: 100, max: 101 } }],
      });
      expect(moved.status).toBe(200);
      for (let i = 0; i < 4; i++) {
        const next = await call(first, 'POST', `/v1/experiments/${id}/suggestions`);
        expect(next.status).toBe(200);
        const { x } = next.body.assignments as { x: number };
        expect(x).toBeGreaterThanOrEqual(100);
        expect(x).toBeLessThanOrEqual(101);
      }
    });

    it('answers the revision under the lock', async () => {
      const id = await newExperiment();
      const before = await db.prisma.$transaction((tx) => lockExperiment(tx, id));
      expect((await call(second, 'PUT', `/v1/experiments/${id}`, { name: 'renamed' })).status).toBe(
        200,
      );
      const after = await db.prisma.$transaction((tx) => lockExperiment(tx, id));
      expect(after).toBe((before ?? 0) + 1);
      expect(await db.prisma.$transaction((tx) => lockExperiment(tx, '999999'))).toBeNull();
    });
  });
}
