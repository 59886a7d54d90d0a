import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { revokeToken } from '../../src/store/tokens.ts';
import { backends } from '../helpers/database.ts';
import {
  basicAuth,
  createExperiment,
  expectError,
  type Experiment,
  type Observation,
  openTestApp,
  type Suggestion,
  type TestApp,
} from '../helpers/app.ts';

// The wire rules every route shares: paths, methods, authentication, how a
// body is read, status codes, and how ids, timestamps and nulls look.

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;
    let experiment: Experiment;

    beforeAll(async () => {
      api = await openTestApp(kind);
      experiment = await createExperiment(api);
    });
    afterAll(async () => api.close());

    describe('paths and methods', () => {
      it('answers 404 with the error body for an unknown path', async () => {
        const reply = await api.get('/v1/nothing-here');
        expectError(reply, 404, /\/v1\/nothing-here/);
        expect(String(reply.headers['content-type'])).toMatch(/^application\/json/);
      });

      it('answers 404 for a path outside /v1', async () => {
        const reply = await api.get('/experiments');
        expect(reply.status).toBe(404);
        expect(reply.body.status).toBe(404);
      });

      it('answers 405 with the error body and Allow for a known path with the wrong method', async () => {
        const reply = await api.request('PATCH', `/v1/experiments/${experiment.id}`, {});
        expectError(reply, 405);
        expect(reply.headers.allow).toContain('PUT');
      });

      it('answers 405 for DELETE on the token route', async () => {
        const reply = await api.delete('/v1/tokens/self');
        expect(reply.status).toBe(405);
        expect(reply.body.status).toBe(405);
      });

      it('accepts a trailing slash', async () => {
        expect((await api.get('/v1/experiments/')).status).toBe(200);
      });
    });

    describe('authentication', () => {
      it('answers 401 with a Basic challenge when there are no credentials', async () => {
        const reply = await api.get('/v1/experiments', { as: null });
        expectError(reply, 401);
        expect(reply.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"$/);
      });

      it('answers 401 before it reads the body of an unauthenticated write', async () => {
        const before = await api.counts();
        const reply = await api.post('/v1/experiments', { name: 'x' }, { as: null });
        expect(reply.status).toBe(401);
        expect(await api.counts()).toEqual(before);
      });

      it('answers 401 for an unknown token', async () => {
        const reply = await api.get('/v1/experiments', {
          headers: { authorization: basicAuth('amx_not-a-real-token') },
        });
        expect(reply.status).toBe(401);
        expect(reply.body.message).toMatch(/token/i);
      });

      it('answers 401 for a token revoked through the API at once', async () => {
        const caller = await api.caller('default');
        expect((await api.get('/v1/experiments', { as: caller })).status).toBe(200);
        const path = `/v1/clients/${caller.clientId}/tokens/${caller.tokenId}`;
        expect((await api.delete(path)).status).toBe(200);
        expect((await api.get('/v1/experiments', { as: caller })).status).toBe(401);
      });

      it('answers 401 for a token another process revoked once the cache time has passed', async () => {
        const cached = await openTestApp(kind, { tokenCacheMs: 300 });
        try {
          const caller = await cached.caller('default');
          expect((await cached.get('/v1/experiments', { as: caller })).status).toBe(200);
          // Straight in the database, as a second server process or the token command would.
          await revokeToken(cached.db.prisma, caller.clientId, caller.tokenId);
          expect((await cached.get('/v1/experiments', { as: caller })).status).toBe(200);
          await new Promise((resolve) => setTimeout(resolve, 350));
          expect((await cached.get('/v1/experiments', { as: caller })).status).toBe(401);
        } finally {
          await cached.close();
        }
      });

      it('answers 401 for an expired token', async () => {
        const caller = await api.caller('default', { expires: new Date(Date.now() - 1000) });
        expect((await api.get('/v1/experiments', { as: caller })).status).toBe(401);
      });

      it('accepts a token that has not expired yet', async () => {
        const caller = await api.caller('default', { expires: new Date(Date.now() + 3_600_000) });
        expect((await api.get('/v1/experiments', { as: caller })).status).toBe(200);
      });

      it('accepts Basic with the token as user name and an empty password', async () => {
        const headers = { authorization: basicAuth(api.admin.token, '') };
        expect((await api.get('/v1/tokens/self', { as: null, headers })).status).toBe(200);
      });

      it('accepts Basic with the token and no colon at all', async () => {
        const encoded = Buffer.from(api.admin.token).toString('base64');
        const headers = { authorization: `Basic ${encoded}` };
        expect((await api.get('/v1/tokens/self', { as: null, headers })).status).toBe(200);
      });

      it('accepts Bearer tokens', async () => {
        const headers = { authorization: `Bearer ${api.admin.token}` };
        expect((await api.get('/v1/tokens/self', { as: null, headers })).status).toBe(200);
      });

      it.each([
        ['an unknown scheme', 'Digest abc'],
        ['a scheme without credentials', 'Basic'],
        ['credentials that are not base64 of a token', 'Basic !!!!'],
        ['an empty user name', basicAuth('', 'secret')],
      ])('answers 400 or 401 for %s', async (_what, authorization) => {
        const reply = await api.get('/v1/experiments', { as: null, headers: { authorization } });
        expect([400, 401]).toContain(reply.status);
        expect(reply.body.status).toBe(reply.status);
      });
    });

    describe('bodies', () => {
      const raw = async (payload: string, contentType?: string) =>
        api.post('/v1/experiments', undefined, {
          payload,
          headers: contentType ? { 'content-type': contentType } : {},
        });

      it.each([
        ['application/json', 'application/json'],
        ['JSON with a charset', 'application/json; charset=utf-8'],
        ['form encoded', 'application/x-www-form-urlencoded'],
        ['text', 'text/plain'],
        ['missing', undefined],
      ])('reads the body as JSON when the content type is %s', async (_what, contentType) => {
        const reply = await raw(
          JSON.stringify({ name: 'body as json', parameters: [] }),
          contentType,
        );
        // The body was read: the schema complains about the parameters, not the encoding.
        expect(reply.status).toBe(400);
        expect(reply.body.message).toMatch(/parameters/);
      });

      it('creates an experiment from a form-encoded JSON body', async () => {
        const body = {
          name: 'form encoded',
          parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
        };
        const reply = await raw(JSON.stringify(body), 'application/x-www-form-urlencoded');
        expect(reply.status).toBe(200);
        expect((reply.body as unknown as Experiment).name).toBe('form encoded');
      });

      it('reads an empty body as {}', async () => {
        const reply = await raw('', 'application/json');
        expect(reply.status).toBe(400);
        expect(reply.body.message).toMatch(/name|parameters/);
      });

      it('reads a POST without a body as {}', async () => {
        const reply = await api.request<Suggestion>(
          'POST',
          `/v1/experiments/${experiment.id}/suggestions`,
        );
        expect(reply.status).toBe(200);
        expect(reply.body.object).toBe('suggestion');
      });

      it('answers 400 for malformed JSON', async () => {
        const reply = await raw('{"name": ', 'application/json');
        expect(reply.status).toBe(400);
        expect(reply.body.message).toMatch(/JSON/);
      });

      it.each([
        ['an array', '[]'],
        ['a string', '"experiment"'],
        ['a number', '42'],
        ['null', 'null'],
        ['true', 'true'],
      ])('answers 400 for a body that is %s', async (_what, payload) => {
        const before = await api.counts();
        const reply = await raw(payload, 'application/json');
        expectError(reply, 400, /object/);
        expect(await api.counts()).toEqual(before);
      });
    });

    describe('answers', () => {
      it('answers 200, not 201, for a creation', async () => {
        const reply = await api.post('/v1/experiments', {
          name: 'created',
          parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
        });
        expect(reply.status).toBe(200);
      });

      it('answers {} for a DELETE', async () => {
        const created = await createExperiment(api);
        const reply = await api.delete(`/v1/experiments/${created.id}`);
        expect(reply.status).toBe(200);
        expect(reply.body).toEqual({});
      });

      it('turns a success into 204 without a body for X-Response-Content: skip', async () => {
        const headers = { 'x-response-content': 'skip' };
        const before = await api.counts();
        const reply = await api.post(
          `/v1/experiments/${experiment.id}/suggestions`,
          {},
          { headers },
        );
        expect(reply.status).toBe(204);
        expect(reply.payload).toBe('');
        expect(reply.headers['content-type']).toBeUndefined();
        // The request still did its work.
        expect((await api.counts()).suggestions).toBe((before.suggestions ?? 0) + 1);
      });

      it('keeps the error body of a failure under X-Response-Content: skip', async () => {
        const headers = { 'x-response-content': 'skip' };
        const reply = await api.post('/v1/experiments', {}, { headers });
        expect(reply.status).toBe(400);
        expect(reply.body.status).toBe(400);
      });

      it('shows ids as strings and timestamps as epoch seconds', async () => {
        const now = Date.now() / 1000;
        expect(experiment.id).toMatch(/^\d+$/);
        expect(experiment.client).toMatch(/^\d+$/);
        expect(Number.isInteger(experiment.created)).toBe(true);
        expect(Math.abs(experiment.created - now)).toBeLessThan(600);
        expect(Number.isInteger(experiment.updated)).toBe(true);
      });

      it('shows absent optional fields as null, not missing', async () => {
        const reply = await api.get<Experiment>(`/v1/experiments/${experiment.id}`);
        const body = reply.body as unknown as Record<string, unknown>;
        for (const field of ['observation_budget', 'parallel_bandwidth', 'metadata', 'project']) {
          expect(body).toHaveProperty(field, null);
        }
        const [parameter] = reply.body.parameters;
        expect(parameter).toMatchObject({
          transformation: null,
          default_value: null,
          precision: null,
          prior: null,
        });
        expect(reply.body.progress.best_observation).toBeNull();
      });

      it('accepts ids in bodies as integers and as strings of digits', async () => {
        const created = await createExperiment(api);
        const path = `/v1/experiments/${created.id}`;
        for (const asGiven of [Number, String]) {
          const suggestion = (await api.post<Suggestion>(`${path}/suggestions`)).body;
          const reply = await api.post<Observation>(`${path}/observations`, {
            suggestion: asGiven(suggestion.id),
            values: [{ name: 'y', value: 1 }],
          });
          expect(reply.status).toBe(200);
          expect(reply.body.suggestion).toBe(suggestion.id);
        }
      });

      it('accepts path ids with leading zeros as the same object', async () => {
        const reply = await api.get<Experiment>(`/v1/experiments/000${experiment.id}`);
        expect(reply.status).toBe(200);
        expect(reply.body.id).toBe(experiment.id);
      });

      it.each(['abc', '-1', '1.5', '99999999999999999999'])(
        'answers 404 for the path id %s',
        async (id) => {
          const reply = await api.get(`/v1/experiments/${id}`);
          expect(reply.status).toBe(404);
          expect(reply.body.status).toBe(404);
        },
      );

      it('carries a request id on every answer', async () => {
        const reply = await api.get('/v1/experiments', { headers: { 'x-request-id': 'trace-1' } });
        expect(reply.headers['x-request-id']).toBe('trace-1');
      });
    });

    describe('query strings', () => {
      it.each(['True', 'False', 'true', 'false', '1', '0', 'TRUE'])(
        'accepts the boolean %s',
        async (value) => {
          const created = await createExperiment(api);
          const path = `/v1/experiments/${created.id}`;
          const query = { no_optimize: value };
          expect((await api.delete(`${path}/observations`, { query })).status).toBe(200);
          expect((await api.delete(`${path}/suggestions`, { query })).status).toBe(200);
        },
      );

      it.each(['maybe', 'yes', '2', ''])(
        'answers 400 naming the parameter for the boolean %j',
        async (value) => {
          const created = await createExperiment(api);
          const path = `/v1/experiments/${created.id}`;
          const query = { no_optimize: value };
          expectError(await api.delete(`${path}/observations`, { query }), 400, /no_optimize/);
          expectError(await api.delete(`${path}/suggestions`, { query }), 400, /no_optimize/);
        },
      );

      it('reads comma-separated lists', async () => {
        const created = await createExperiment(api);
        const path = `/v1/experiments/${created.id}/suggestions`;
        const ids: string[] = [];
        for (let i = 0; i < 3; i += 1) ids.push((await api.post<Suggestion>(path)).body.id);
        const reply = await api.get<{ count: number; data: Suggestion[] }>(path, {
          query: { id: `${ids[0]},${ids[2]}` },
        });
        expect(reply.status).toBe(200);
        expect(reply.body.data.map((s) => s.id).sort()).toEqual([ids[0], ids[2]].sort());
        expect(reply.body.count).toBe(2);
      });

      it('answers 400 naming the query parameter for a bad value', async () => {
        const reply = await api.get('/v1/experiments', { query: { state: 'sideways' } });
        expect(reply.status).toBe(400);
        expect(reply.body.message).toMatch(/state/);
      });
    });
  });
}
