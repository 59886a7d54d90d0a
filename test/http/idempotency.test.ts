import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { requestHash } from '../../src/http/idempotency.ts';
import {
  claimKey,
  completeKey,
  type ClaimRequest,
  sweepExpiredKeys,
} from '../../src/store/idempotency.ts';
import {
  createExperiment,
  expectError,
  type Experiment,
  type Observation,
  openTestApp,
  type Page,
  type Reply,
  type Suggestion,
  type TestApp,
} from '../helpers/app.ts';
import { backends } from '../helpers/database.ts';

// Idempotency-Key on POST, PUT and DELETE: the first answer is kept and
// replayed, conflicting uses are refused, and a 5xx leaves the key free.

const day = 24 * 3600_000;
const staleMs = 60_000;

const observation = (x: number) => ({
  assignments: { x, n: 3, c: 'a' },
  values: [{ name: 'y', value: x * 10 }],
});

const withKey = (key: string, headers: Record<string, string> = {}) => ({
  headers: { 'idempotency-key': key, ...headers },
});

function expectReplay(replay: Reply<unknown>, first: Reply<unknown>): void {
  expect(replay.status).toBe(first.status);
  expect(replay.payload).toBe(first.payload);
  expect(replay.headers['idempotent-replayed']).toBe('true');
  expect(first.headers['idempotent-replayed']).toBeUndefined();
}

for (const kind of backends) {
  describe(kind, () => {
    let api: TestApp;
    let experiment: Experiment;
    let clock = new Date('2026-12-03T12:00:00Z');
    let serial = 0;
    const newKey = () => `key-${kind}-${++serial}`;
    const observationsUrl = () => `/v1/experiments/${experiment.id}/observations`;
    const count = () => api.db.prisma.observation.count();

    /** Makes every INSERT into `table` fail with the error of a database that is starting up. */
    async function failInserts(table: string): Promise<() => Promise<void>> {
      const prisma = api.db.prisma;
      await prisma.$executeRawUnsafe(
        `CREATE OR REPLACE FUNCTION test_outage() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'outage' USING ERRCODE = '57P03'; END $$`,
      );
      await prisma.$executeRawUnsafe(
        `CREATE TRIGGER test_outage BEFORE INSERT ON "${table}"
         FOR EACH STATEMENT EXECUTE FUNCTION test_outage()`,
      );
      return async () => {
        await prisma.$executeRawUnsafe(`DROP TRIGGER test_outage ON "${table}"`);
      };
    }

    beforeAll(async () => {
      api = await openTestApp(kind, { idempotency: { now: () => clock, staleMs } });
      experiment = await createExperiment(api);
    });
    afterAll(async () => api.close());

    describe('replays', () => {
      it('replays the first answer to a retry and records nothing new', async () => {
        const before = await count();
        const key = newKey();

        const first = await api.post<Observation>(
          observationsUrl(),
          observation(0.1),
          withKey(key),
        );
        const replay = await api.post<Observation>(
          observationsUrl(),
          observation(0.1),
          withKey(key),
        );

        expect(first.status).toBe(200);
        expectReplay(replay, first);
        expect(await count()).toBe(before + 1);
      });

      it('treats bodies that differ only in key order and whitespace as the same request', async () => {
        const before = await count();
        const key = newKey();
        const compact = '{"assignments":{"x":0.2,"n":3,"c":"a"},"values":[{"name":"y","value":2}]}';
        const spread =
          '{ "values": [ {"value": 2, "name": "y"} ],\n  "assignments": {"c": "a", "n": 3, "x": 0.2} }';

        const first = await api.post(observationsUrl(), undefined, {
          ...withKey(key),
          payload: compact,
        });
        const replay = await api.post(observationsUrl(), undefined, {
          ...withKey(key),
          payload: spread,
        });

        expectReplay(replay, first);
        expect(await count()).toBe(before + 1);
      });

      it('replays a suggestion instead of creating another', async () => {
        const before = await api.db.prisma.suggestion.count();
        const key = newKey();
        const url = `/v1/experiments/${experiment.id}/suggestions`;

        const first = await api.post<Suggestion>(url, {}, withKey(key));
        const replay = await api.post<Suggestion>(url, {}, withKey(key));

        expect(first.status).toBe(200);
        expectReplay(replay, first);
        expect(replay.body.id).toBe(first.body.id);
        expect(await api.db.prisma.suggestion.count()).toBe(before + 1);
      });

      it('replays an observation batch, stored in the transaction that recorded it', async () => {
        const before = await count();
        const key = newKey();
        const body = { observations: [observation(0.3), observation(0.4)] };
        const url = `${observationsUrl()}/batch`;

        const first = await api.post<Page<Observation>>(url, body, withKey(key));
        const replay = await api.post<Page<Observation>>(url, body, withKey(key));

        expect(first.body.count).toBe(2);
        expectReplay(replay, first);
        expect(await count()).toBe(before + 2);
      });

      it('replays PUT and DELETE answers', async () => {
        const created = await api.post<Observation>(observationsUrl(), observation(0.5));
        const url = `${observationsUrl()}/${created.body.id}`;
        const putKey = newKey();
        const deleteKey = newKey();

        const put = await api.put(url, { metadata: { run: 1 } }, withKey(putKey));
        const putAgain = await api.put(url, { metadata: { run: 1 } }, withKey(putKey));
        const deleted = await api.delete(url, withKey(deleteKey));
        const deletedAgain = await api.delete(url, withKey(deleteKey));

        expect(put.status).toBe(200);
        expectReplay(putAgain, put);
        expect(deleted.status).toBe(200);
        expectReplay(deletedAgain, deleted);
        expect((await api.delete(url)).status).toBe(404);
      });

      it('stores and replays a 4xx answer', async () => {
        const before = await count();
        const key = newKey();
        const bad = { assignments: { x: 0.5, n: 3, c: 'a' }, values: [{ name: 'nope', value: 1 }] };

        const first = await api.post(observationsUrl(), bad, withKey(key));
        const replay = await api.post(observationsUrl(), bad, withKey(key));

        expectError(first, 400, /nope/);
        expectReplay(replay, first);
        expect(await count()).toBe(before);
      });

      it('replays a 204 from X-Response-Content: skip', async () => {
        const before = await count();
        const options = withKey(newKey(), { 'x-response-content': 'skip' });

        const first = await api.post(observationsUrl(), observation(0.6), options);
        const replay = await api.post(observationsUrl(), observation(0.6), options);

        expect(first.status).toBe(204);
        expect(replay.status).toBe(204);
        expect(replay.payload).toBe('');
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(await count()).toBe(before + 1);
      });

      it('leaves requests without the header as they were', async () => {
        const before = await count();

        const first = await api.post(observationsUrl(), observation(0.7));
        const second = await api.post(observationsUrl(), observation(0.7));

        expect([first.status, second.status]).toEqual([200, 200]);
        expect(second.headers['idempotent-replayed']).toBeUndefined();
        expect(await count()).toBe(before + 2);
      });
    });

    describe('conflicts', () => {
      it('answers 422 naming the header when the key comes with another request', async () => {
        const key = newKey();
        await api.post(observationsUrl(), observation(0.1), withKey(key));
        const before = await count();

        const otherBody = await api.post(observationsUrl(), observation(0.9), withKey(key));
        const otherPath = await api.post(
          `/v1/experiments/${experiment.id}/suggestions`,
          {},
          withKey(key),
        );

        expectError(otherBody, 422, /`Idempotency-Key`/);
        expectError(otherPath, 422, /`Idempotency-Key`/);
        expect(await count()).toBe(before);
      });

      it('answers 409 with Retry-After while the first attempt is still running', async () => {
        const key = newKey();
        const body = observation(0.11);
        await claimKey(api.db.prisma, claimFor(key, requestHash('POST', observationsUrl(), body)));
        const before = await count();

        const reply = await api.post(observationsUrl(), body, withKey(key));

        expectError(reply, 409, /`Idempotency-Key`.*still running/);
        expect(reply.headers['retry-after']).toBe('1');
        expect(await count()).toBe(before);
      });

      it('takes over a key whose attempt died after the bounded time', async () => {
        const key = newKey();
        const body = observation(0.12);
        const hash = requestHash('POST', observationsUrl(), body);
        const dead = claimFor(key, hash, new Date(clock.getTime() - staleMs - 1));
        await claimKey(api.db.prisma, dead);
        const before = await count();

        const reply = await api.post(observationsUrl(), body, withKey(key));
        const replay = await api.post(observationsUrl(), body, withKey(key));

        expect(reply.status).toBe(200);
        expectReplay(replay, reply);
        expect(await count()).toBe(before + 1);
      });

      it('records one observation for two concurrent requests with the same key', async () => {
        const before = await count();
        const key = newKey();

        const replies = await Promise.all([
          api.post(observationsUrl(), observation(0.13), withKey(key)),
          api.post(observationsUrl(), observation(0.13), withKey(key)),
        ]);

        // Either the second arrived while the first ran (409) or after it (a replay).
        const statuses = replies.map((reply) => reply.status).sort();
        expect([
          [200, 200],
          [200, 409],
        ]).toContainEqual(statuses);
        if (statuses[1] === 200) {
          expect(replies.some((reply) => reply.headers['idempotent-replayed'] === 'true')).toBe(
            true,
          );
        }
        expect(await count()).toBe(before + 1);
      });

      it('keeps keys apart per token', async () => {
        const other = await api.caller('default');
        const before = await count();
        const key = newKey();

        const mine = await api.post(observationsUrl(), observation(0.14), withKey(key));
        const theirs = await api.post(observationsUrl(), observation(0.15), {
          ...withKey(key),
          as: other,
        });

        expect([mine.status, theirs.status]).toEqual([200, 200]);
        expect(theirs.headers['idempotent-replayed']).toBeUndefined();
        expect(await count()).toBe(before + 2);
      });

      it.each([
        ['empty', ''],
        ['longer than 255 characters', 'k'.repeat(256)],
        ['not printable ASCII', 'clé'],
      ])('answers 400 naming the header for a key that is %s', async (_, key) => {
        const before = await count();

        const reply = await api.post(observationsUrl(), observation(0.16), withKey(key));

        expectError(reply, 400, /`Idempotency-Key`/);
        expect(await count()).toBe(before);
      });

      it('accepts a key of 255 printable characters', async () => {
        const key = `${newKey()} ~!`.padEnd(255, '#');

        const reply = await api.post(observationsUrl(), observation(0.17), withKey(key));

        expect(reply.status).toBe(200);
      });
    });

    describe('failures and expiry', () => {
      it('does not store a 5xx, so the retry of an observation succeeds', async () => {
        const before = await count();
        const key = newKey();
        const restore = await failInserts('observations');

        const failed = await api.post(observationsUrl(), observation(0.2), withKey(key));
        await restore();
        const retried = await api.post<Observation>(
          observationsUrl(),
          observation(0.2),
          withKey(key),
        );

        expect(failed.status).toBeGreaterThanOrEqual(500);
        expect(retried.status).toBe(200);
        expect(retried.headers['idempotent-replayed']).toBeUndefined();
        expect(await count()).toBe(before + 1);
      });

      it('does not store a 5xx of a route that stores its answer after the commit', async () => {
        const before = await api.db.prisma.experiment.count();
        const key = newKey();
        const body = {
          name: 'outage',
          parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
        };
        const restore = await failInserts('experiments');

        const failed = await api.post('/v1/experiments', body, withKey(key));
        await restore();
        const retried = await api.post('/v1/experiments', body, withKey(key));
        const replay = await api.post('/v1/experiments', body, withKey(key));

        expect(failed.status).toBeGreaterThanOrEqual(500);
        expect(retried.status).toBe(200);
        expectReplay(replay, retried);
        expect(await api.db.prisma.experiment.count()).toBe(before + 1);
      });

      it('forgets a key once it expires, and the sweep deletes it', async () => {
        const before = await count();
        const key = newKey();
        await api.post(observationsUrl(), observation(0.21), withKey(key));
        const started = clock;

        clock = new Date(started.getTime() + day + 1);
        const again = await api.post(observationsUrl(), observation(0.21), withKey(key));
        clock = new Date(clock.getTime() + day + 1);
        const swept = await sweepExpiredKeys(api.db.prisma, clock, 1000);

        expect(again.status).toBe(200);
        expect(again.headers['idempotent-replayed']).toBeUndefined();
        expect(await count()).toBe(before + 2);
        expect(swept).toBeGreaterThan(0);
        expect(await api.db.prisma.idempotencyKey.count({ where: { key } })).toBe(0);
      });

      it('sweeps in bounded batches', async () => {
        const tokenId = api.admin.tokenId;
        for (const index of [1, 2, 3]) {
          await claimKey(api.db.prisma, claimFor(`sweep-${kind}-${index}`, 'a'.repeat(64)));
        }
        const later = new Date(clock.getTime() + day + 1);

        const first = await sweepExpiredKeys(api.db.prisma, later, 2);
        const rest = await sweepExpiredKeys(api.db.prisma, later, 1000);

        expect(first).toBe(2);
        expect(rest).toBeGreaterThanOrEqual(1);
        const left = await api.db.prisma.idempotencyKey.count({
          where: { tokenId: BigInt(tokenId), expiresAt: { lte: later } },
        });
        expect(left).toBe(0);
      });

      it('refuses the answer of an attempt whose key was taken over', async () => {
        const key = newKey();
        const hash = 'b'.repeat(64);
        const dead = await claimKey(api.db.prisma, claimFor(key, hash, clock));
        const later = new Date(clock.getTime() + staleMs + 1);
        const live = await claimKey(api.db.prisma, claimFor(key, hash, later));
        if (dead.kind !== 'claimed' || live.kind !== 'claimed') throw new Error('not claimed');

        const answer = { status: 200, body: '{}' };
        expect(await completeKey(api.db.prisma, dead.claim, answer)).toBe(false);
        expect(await completeKey(api.db.prisma, live.claim, answer)).toBe(true);
      });
    });

    function claimFor(key: string, hash: string, now = clock): ClaimRequest {
      return { tokenId: api.admin.tokenId, key, requestHash: hash, now, ttlMs: day, staleMs };
    }
  });
}
