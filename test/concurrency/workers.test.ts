import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { audit } from './audit.ts';
import { FaultyClient, newTally, seededRandom, sleep, type Tally } from './client.ts';
import {
  call,
  type Cluster,
  createTokens,
  restartCommand,
  restartPostgres,
  startCluster,
} from './cluster.ts';
import { type Ledger, mergeLedgers, newLedger, runWorker } from './workers.ts';

// Many workers at once against two server processes on one Postgres database,
// through a faulty network: random aborts, repeated and concurrent retries
// with the same Idempotency-Key. Afterwards the database is read directly and
// compared with what the workers were told: nothing acknowledged is missing,
// nothing is stored twice, no two open suggestions share a point, and every
// suggestion is closed or was left open or deleted on purpose.

const WORKERS = 32;
const TRIALS = 6;
const OWN_TOKENS = 16;
const chaos = { abort: 0.1, repeat: 0.15, concurrent: 0.1 };
// About 20 s on an idle two-core machine; shared machines run it several times slower.
const RUN_TIMEOUT_MS = 180_000;

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const restart = restartCommand();

async function createExperiments(url: string): Promise<string[]> {
  const mixed = await call(url, 'POST', '/v1/experiments', {
    body: {
      name: 'many workers, mixed space',
      parameters: [
        { name: 'lr', type: 'double', bounds: { min: 1e-4, max: 1 }, transformation: 'log' },
        { name: 'layers', type: 'int', bounds: { min: 1, max: 12 } },
        { name: 'optimizer', type: 'categorical', categorical_values: ['sgd', 'adam', 'lamb'] },
      ],
      metrics: [{ name: 'y', objective: 'maximize' }],
      parallel_bandwidth: WORKERS,
    },
  });
  const leased = await call(url, 'POST', '/v1/experiments', {
    body: {
      name: 'many workers, with leases',
      parameters: [
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
        { name: 'z', type: 'double', bounds: { min: -5, max: 5 } },
      ],
      metrics: [{ name: 'y', objective: 'minimize' }],
      parallel_bandwidth: 16,
      // Long enough that no lease runs out in this test: every suggestion is accounted for.
      suggestion_lease_seconds: 600,
    },
  });
  return [String(mixed.id), String(leased.id)];
}

interface Run {
  experiments: string[];
  ledger: Ledger;
  tally: Tally;
}

/** 32 workers, half with their own token and half sharing one, on one or both experiments. */
async function runWorkers(cluster: Cluster, seed: number, during?: () => Promise<void>) {
  const admin = cluster.urls[0] ?? '';
  const experiments = await createExperiments(admin);
  const own = await createTokens(admin, OWN_TOKENS);
  const [shared] = await createTokens(admin, 1);
  const tally = newTally();
  const ledgers = Array.from({ length: WORKERS }, newLedger);

  const workers = ledgers.map((ledger, index) => {
    const random = seededRandom(seed * 1000 + index);
    const token = own[index] ?? shared ?? '';
    const client = new FaultyClient(cluster.urls, token, { random, chaos, tally });
    const mine = index % 3 === 0 ? experiments : [experiments[index % 2] ?? ''];
    return runWorker({
      client,
      random,
      experiments: mine,
      trials: TRIALS,
      ledger,
      deleteChance: 0.05,
      leaveOpenChance: 0.1,
    });
  });
  await Promise.all([...workers, during?.()]);
  return { experiments, ledger: mergeLedgers(ledgers), tally } satisfies Run;
}

function expectCleanRun(run: Run, cluster: Cluster): void {
  expect(run.tally.serverErrors).toEqual([]);
  expect(run.tally.replayMismatches).toEqual([]);
  expect(run.tally.unavailableWithoutRetryAfter).toBe(0);
  expect(run.ledger.observations.size).toBeGreaterThan(WORKERS * TRIALS * 0.8);
  // Both processes served requests, and neither died.
  for (const url of cluster.urls) expect(run.tally.byServer[url] ?? 0).toBeGreaterThan(50);
  for (const server of cluster.servers) expect(server.child.exitCode).toBeNull();
}

describe.skipIf(!hasPostgres)(
  `${WORKERS} workers on two server processes${hasPostgres ? '' : ' (skipped: TEST_DATABASE_URL is not set)'}`,
  () => {
    let cluster: Cluster;

    beforeAll(async () => {
      cluster = await startCluster();
    });

    afterAll(async () => {
      const codes = await cluster?.close();
      expect(codes).toEqual([0, 0]);
    });

    it(
      'keeps every acknowledged observation exactly once under aborts and retries',
      async () => {
        const run = await runWorkers(cluster, 1);

        expectCleanRun(run, cluster);
        expect(run.tally.aborted).toBeGreaterThan(0);
        expect(run.tally.replayed).toBeGreaterThan(0);
        expect(await audit(cluster.databaseUrl, run.experiments, run.ledger)).toEqual([]);
      },
      RUN_TIMEOUT_MS,
    );

    it('re-offers a vanished worker’s trial from the other process and keeps its late report', async () => {
      const [a = '', b = ''] = cluster.urls;
      const experiment = await call(a, 'POST', '/v1/experiments', {
        body: {
          name: 'a worker vanishes',
          parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
          metrics: [{ name: 'y' }],
          parallel_bandwidth: 2,
          suggestion_lease_seconds: 1,
        },
      });
      const path = `/v1/experiments/${String(experiment.id)}`;

      // The first worker asks process A, renews its lease once, then vanishes.
      const first = await call(a, 'POST', `${path}/suggestions`);
      await call(a, 'POST', `${path}/suggestions/${String(first.id)}/lease`, { body: {} });
      await sleep(1300);

      const retry = await call(b, 'POST', `${path}/suggestions`);
      expect(retry).toMatchObject({
        assignments: first.assignments,
        attempt: 2,
        retry_of: first.id,
      });
      const expired = await call(a, 'GET', `${path}/suggestions/${String(first.id)}`);
      expect(expired.state).toBe('expired');

      // The vanished worker comes back late, to the other process: its report is kept.
      const late = await call(b, 'POST', `${path}/observations`, {
        body: { suggestion: first.id, values: [{ name: 'y', value: 1 }] },
      });
      const onTime = await call(a, 'POST', `${path}/observations`, {
        body: { suggestion: retry.id, values: [{ name: 'y', value: 2 }] },
      });
      const ledger = newLedger();
      [first, retry].forEach((suggestion) => ledger.suggestions.add(String(suggestion.id)));
      ledger.observations.set(String(late.id), String(first.id));
      ledger.observations.set(String(onTime.id), String(retry.id));
      expect(await audit(cluster.databaseUrl, [String(experiment.id)], ledger)).toEqual([]);
    });
  },
);

const restartSkip = !hasPostgres
  ? ' (skipped: TEST_DATABASE_URL is not set)'
  : restart === null
    ? ' (skipped: set ARGMAX_TEST_RESTART_POSTGRES=1 where this test may restart the Postgres server)'
    : '';

describe.skipIf(restartSkip !== '')(
  `the same with Postgres restarted in the middle${restartSkip}`,
  () => {
    let cluster: Cluster;

    beforeAll(async () => {
      cluster = await startCluster();
    });

    afterAll(async () => {
      const codes = await cluster?.close();
      expect(codes).toEqual([0, 0]);
    });

    it(
      'answers 503 with Retry-After during the outage and loses nothing',
      async () => {
        const restartedAt: number[] = [];
        // The restart begins once the workers are well under way.
        const outage = async () => {
          await sleep(1500);
          restartedAt.push(Date.now());
          await restartPostgres(restart ?? '');
          restartedAt.push(Date.now());
        };
        const run = await runWorkers(cluster, 2, outage);

        expectCleanRun(run, cluster);
        expect(restartedAt).toHaveLength(2);
        expect(run.tally.unavailable).toBeGreaterThan(0);
        for (const url of cluster.urls) expect((await fetch(`${url}/health`)).status).toBe(200);
        expect(await audit(cluster.databaseUrl, run.experiments, run.ledger)).toEqual([]);
      },
      RUN_TIMEOUT_MS,
    );
  },
);
