import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backends } from '../helpers/database.ts';
import {
  type Caller,
  type Client,
  createExperiment,
  type Experiment,
  experimentBody,
  expectError,
  type Observation,
  observe,
  openTestApp,
  type Page,
  type QueuedSuggestion,
  type Suggestion,
  type TestApp,
  type Token,
} from '../helpers/app.ts';

// Tenants: another client's objects answer exactly like missing ones on every
// route; tokens and clients over the API, for admin tokens only.

const missing = '987654321';
const point = { x: 0.5, n: 3, c: 'a' };

interface Ids {
  experiment: string;
  suggestion: string;
  observation: string;
  queued: string;
  client: string;
  token: string;
}

type Route = [string, 'GET' | 'POST' | 'PUT' | 'DELETE', (ids: Ids) => string, unknown?];

const routes: Route[] = [
  ['fetch an experiment', 'GET', (i) => `/v1/experiments/${i.experiment}`],
  ['update an experiment', 'PUT', (i) => `/v1/experiments/${i.experiment}`, { name: 'taken' }],
  ['delete an experiment', 'DELETE', (i) => `/v1/experiments/${i.experiment}`],
  ['create a suggestion', 'POST', (i) => `/v1/experiments/${i.experiment}/suggestions`, {}],
  [
    'choose a suggestion',
    'POST',
    (i) => `/v1/experiments/${i.experiment}/suggestions`,
    { assignments: point },
  ],
  ['list suggestions', 'GET', (i) => `/v1/experiments/${i.experiment}/suggestions`],
  ['delete suggestions', 'DELETE', (i) => `/v1/experiments/${i.experiment}/suggestions?state=open`],
  [
    'fetch a suggestion',
    'GET',
    (i) => `/v1/experiments/${i.experiment}/suggestions/${i.suggestion}`,
  ],
  [
    'update a suggestion',
    'PUT',
    (i) => `/v1/experiments/${i.experiment}/suggestions/${i.suggestion}`,
    { metadata: { a: 1 } },
  ],
  [
    'delete a suggestion',
    'DELETE',
    (i) => `/v1/experiments/${i.experiment}/suggestions/${i.suggestion}`,
  ],
  [
    'create an observation',
    'POST',
    (i) => `/v1/experiments/${i.experiment}/observations`,
    { assignments: point, value: 1 },
  ],
  [
    'create a batch',
    'POST',
    (i) => `/v1/experiments/${i.experiment}/observations/batch`,
    { observations: [{ assignments: point, value: 1 }] },
  ],
  ['list observations', 'GET', (i) => `/v1/experiments/${i.experiment}/observations`],
  ['delete observations', 'DELETE', (i) => `/v1/experiments/${i.experiment}/observations`],
  [
    'fetch an observation',
    'GET',
    (i) => `/v1/experiments/${i.experiment}/observations/${i.observation}`,
  ],
  [
    'update an observation',
    'PUT',
    (i) => `/v1/experiments/${i.experiment}/observations/${i.observation}`,
    { metadata: { a: 1 } },
  ],
  [
    'delete an observation',
    'DELETE',
    (i) => `/v1/experiments/${i.experiment}/observations/${i.observation}`,
  ],
  ['read best assignments', 'GET', (i) => `/v1/experiments/${i.experiment}/best_assignments`],
  [
    'queue a suggestion',
    'POST',
    (i) => `/v1/experiments/${i.experiment}/queued_suggestions`,
    { assignments: point },
  ],
  ['list queued suggestions', 'GET', (i) => `/v1/experiments/${i.experiment}/queued_suggestions`],
  [
    'fetch a queued suggestion',
    'GET',
    (i) => `/v1/experiments/${i.experiment}/queued_suggestions/${i.queued}`,
  ],
  [
    'delete a queued suggestion',
    'DELETE',
    (i) => `/v1/experiments/${i.experiment}/queued_suggestions/${i.queued}`,
  ],
  ['fetch a client', 'GET', (i) => `/v1/clients/${i.client}`],
  ['list a client’s experiments', 'GET', (i) => `/v1/clients/${i.client}/experiments`],
  [
    'create a client’s experiment',
    'POST',
    (i) => `/v1/clients/${i.client}/experiments`,
    experimentBody(),
  ],
  ['list a client’s tokens', 'GET', (i) => `/v1/clients/${i.client}/tokens`],
  ['create a client’s token', 'POST', (i) => `/v1/clients/${i.client}/tokens`, {}],
  ['revoke a client’s token', 'DELETE', (i) => `/v1/clients/${i.client}/tokens/${i.token}`],
];

const probe: Ids = {
  experiment: 'E',
  suggestion: 'S',
  observation: 'O',
  queued: 'Q',
  client: 'C',
  token: 'T',
};

/** The routes that name an object inside an experiment. */
const nested = routes.filter(([, , path]) => /\/(S|O|Q)$/.test(path(probe)));

/** The message with every id of the request masked, to compare answers for different ids. */
const shape = (message: string, ids: Ids) =>
  Object.values(ids).reduce(
    (text, id) => text.replaceAll(`"${id}"`, '"ID"').replaceAll(` ${id} `, ' ID '),
    message,
  );

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;
    let owner: Ids;
    let intruder: Caller;
    let intruderExperiment: Experiment;

    beforeAll(async () => {
      api = await openTestApp(kind);
      const experiment = await createExperiment(api, { name: 'owned' });
      const base = `/v1/experiments/${experiment.id}`;
      const suggestion = (await api.post<Suggestion>(`${base}/suggestions`)).body;
      await api.post<Suggestion>(`${base}/suggestions`);
      const observation = await observe(api, experiment.id, {
        suggestion: suggestion.id,
        value: 1,
      });
      const queued = (
        await api.post<QueuedSuggestion>(`${base}/queued_suggestions`, { assignments: point })
      ).body;
      owner = {
        experiment: experiment.id,
        suggestion: suggestion.id,
        observation: observation.id,
        queued: queued.id,
        client: api.admin.clientId,
        token: api.admin.tokenId,
      };
      intruder = await api.caller('intruder', { admin: true });
      intruderExperiment = await createExperiment(api, { name: 'intruder' }, intruder);
    });
    afterAll(async () => api.close());

    describe('another client’s objects', () => {
      it.each(routes)(
        'answer 404 like missing ones when they %s',
        async (_what, method, path, body) => {
          const absent: Ids = {
            experiment: missing,
            suggestion: missing,
            observation: missing,
            queued: missing,
            client: missing,
            token: missing,
          };
          const before = await api.counts();
          const foreign = await api.request(method, path(owner), body, { as: intruder });
          const nowhere = await api.request(method, path(absent), body, { as: intruder });
          expect(await api.counts()).toEqual(before);
          expectError(foreign, 404);
          expectError(nowhere, 404);
          expect(shape(foreign.body.message, owner)).toBe(shape(nowhere.body.message, absent));
        },
      );

      it.each(nested)(
        'answer 404 like missing ones through the caller’s own experiment when they %s',
        async (_what, method, path, body) => {
          const own = { ...owner, experiment: intruderExperiment.id };
          const absent = { ...own, suggestion: missing, observation: missing, queued: missing };
          const foreign = await api.request(method, path(own), body, { as: intruder });
          const nowhere = await api.request(method, path(absent), body, { as: intruder });
          expectError(foreign, 404);
          expect(shape(foreign.body.message, own)).toBe(shape(nowhere.body.message, absent));
        },
      );

      it('refuse another client’s suggestion in an observation like a missing one', async () => {
        const base = `/v1/experiments/${intruderExperiment.id}/observations`;
        const before = await api.counts();
        const foreign = await api.post(
          base,
          { suggestion: owner.suggestion, value: 1 },
          { as: intruder },
        );
        const nowhere = await api.post(base, { suggestion: missing, value: 1 }, { as: intruder });
        expect(foreign.status).toBe(nowhere.status);
        expect(foreign.body.message.replace(owner.suggestion, 'ID')).toBe(
          nowhere.body.message.replace(missing, 'ID'),
        );
        expect(await api.counts()).toEqual(before);
      });

      it('stay out of the caller’s lists', async () => {
        const listed = await api.get<Page<Experiment>>('/v1/experiments', {
          as: intruder,
          query: { state: 'all' },
        });
        expect(listed.body.data.map((e) => e.id)).toEqual([intruderExperiment.id]);
        expect(listed.body.count).toBe(1);
      });

      it('are left as they were', async () => {
        const experiment = await api.get<Experiment>(`/v1/experiments/${owner.experiment}`);
        expect(experiment.body).toMatchObject({ name: 'owned', state: 'active' });
        const observation = await api.get<Observation>(
          `/v1/experiments/${owner.experiment}/observations/${owner.observation}`,
        );
        expect(observation.body.metadata).toBeNull();
        expect((await api.get('/v1/tokens/self')).status).toBe(200);
      });
    });

    describe('tokens and clients', () => {
      const tokens = (client: string) => `/v1/clients/${client}/tokens`;

      it('shows the calling token without its value', async () => {
        const reply = await api.get<Token>('/v1/tokens/self');
        expect(reply.body).toMatchObject({
          object: 'token',
          id: api.admin.tokenId,
          token: null,
          client: api.admin.clientId,
          development: false,
          permissions: 'admin',
          expires: null,
        });
        expect(reply.payload).not.toContain(api.admin.token);
      });

      it('shows the calling token’s client', async () => {
        const reply = await api.get<Client>(`/v1/clients/${api.admin.clientId}`);
        expect(reply.body).toMatchObject({
          object: 'client',
          id: api.admin.clientId,
          name: 'default',
        });
        expect(Number.isInteger(reply.body.created)).toBe(true);
      });

      it('lets an admin token create a token, shown once, that works and is listed without its value', async () => {
        const created = await api.post<Token>(tokens(api.admin.clientId), { development: true });
        expect(created.status).toBe(200);
        expect(created.body).toMatchObject({
          object: 'token',
          client: api.admin.clientId,
          development: true,
          permissions: 'write',
          revoked: false,
        });
        const value = created.body.token;
        expect(typeof value).toBe('string');
        const self = await api.get<Token>('/v1/tokens/self', {
          headers: { authorization: `Bearer ${value ?? ''}` },
          as: null,
        });
        expect(self.body.id).toBe(created.body.id);
        expect(self.body.token).toBeNull();

        const listed = await api.get<Page<Token>>(tokens(api.admin.clientId));
        expect(listed.status).toBe(200);
        expect(listed.body.data.map((token) => token.id)).toContain(created.body.id);
        expect(listed.body.data.every((token) => token.token === null)).toBe(true);
        expect(listed.payload).not.toContain(value ?? '');
        expect(listed.payload).not.toContain(api.admin.token);
      });

      it('creates admin tokens and tokens that expire', async () => {
        const admin = await api.post<Token>(tokens(api.admin.clientId), { permissions: 'admin' });
        expect(admin.body.permissions).toBe('admin');
        const past = Math.floor(Date.now() / 1000) - 10;
        const expired = await api.post<Token>(tokens(api.admin.clientId), { expires: past });
        expect(expired.body.expires).toBe(past);
        const headers = { authorization: `Bearer ${expired.body.token ?? ''}` };
        expectError(await api.get('/v1/tokens/self', { as: null, headers }), 401);
      });

      it('answers 400 for a bad token request', async () => {
        expectError(
          await api.post(tokens(api.admin.clientId), { permissions: 'root' }),
          400,
          /permissions/,
        );
        expectError(await api.post(tokens(api.admin.clientId), { value: 'mine' }), 400, /`value`/);
        expectError(await api.post(tokens(api.admin.clientId), { expires: 1.5 }), 400, /expires/);
      });

      it('answers 403 to a token that is not admin', async () => {
        const writer = await api.caller('default');
        const before = await api.counts();
        expectError(await api.post(tokens(writer.clientId), {}, { as: writer }), 403, /admin/);
        expectError(await api.get(tokens(writer.clientId), { as: writer }), 403, /admin/);
        expectError(
          await api.delete(`${tokens(writer.clientId)}/${writer.tokenId}`, { as: writer }),
          403,
          /admin/,
        );
        expect(await api.counts()).toEqual(before);
        expect((await api.get('/v1/tokens/self', { as: writer })).status).toBe(200);
      });

      it('revokes a token, which then answers 401', async () => {
        const victim = await api.caller('default');
        expect((await api.get('/v1/experiments', { as: victim })).status).toBe(200);
        const path = `${tokens(api.admin.clientId)}/${victim.tokenId}`;
        expect((await api.delete(path)).body).toEqual({});
        expectError(await api.get('/v1/experiments', { as: victim }), 401);
        expectError(await api.delete(path), 404, /token/);
        const listed = await api.get<Page<Token>>(tokens(api.admin.clientId));
        expect(listed.body.data.find((token) => token.id === victim.tokenId)?.revoked).toBe(true);
      });

      it('does not revoke another client’s token', async () => {
        const path = `${tokens(api.admin.clientId)}/${intruder.tokenId}`;
        expectError(await api.delete(path), 404, /token/);
        expect((await api.get('/v1/tokens/self', { as: intruder })).status).toBe(200);
      });
    });
  });
}
