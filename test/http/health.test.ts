import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { backends, openTestDatabase } from '../helpers/database.ts';

for (const kind of backends) {
  describe(`GET /health on ${kind}`, () => {
    it('answers 200 while the database answers and 503 once it does not, without a token', async () => {
      const database = await openTestDatabase(kind);
      const app = await buildApp({
        database,
        optimizer: () => Promise.reject(new Error('unused')),
      });
      try {
        const up = await app.inject({ method: 'GET', url: '/health' });
        expect(up.statusCode).toBe(200);
        expect(up.json()).toEqual({ status: 'ok' });

        await database.close();
        const down = await app.inject({ method: 'GET', url: '/health' });
        expect(down.statusCode).toBe(503);
        expect(down.headers['retry-after']).toBeDefined();
        expect(down.json()).toEqual({ message: 'The database does not answer.', status: 503 });
      } finally {
        await app.close();
      }
    });
  });
}
