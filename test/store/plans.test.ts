import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ExperimentDef } from '../../src/domain/types.ts';
import { assignmentsKey } from '../../src/domain/space.ts';
import { insertObservations, type NewObservation } from '../../src/store/observations.ts';
import { writePool } from '../../src/store/pool.ts';
import type { Sql } from '../../src/store/sql.ts';
import { claimPooledSuggestions, createSuggestion } from '../../src/store/suggestions.ts';
import { DEFAULT_CLIENT, ensureClient } from '../../src/store/tokens.ts';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { storedExperiment } from '../helpers/experiments.ts';

// The statements on every worker's path must read the rows they need and no
// more, however large the tables have grown since the connection first ran
// them. Postgres keeps a prepared statement's plan with the connection once
// it has run a few times; where nothing analyzes the tables (autovacuum off,
// PGlite), a plan made on an empty database would stay for good. One
// connection here, so that the plans made early are the ones used later.

type Reads = Record<string, { seq: number; index: number }>;

/** Rows of each table this transaction has read so far, by sequential and by index scans. */
async function tableReads(tx: Sql): Promise<Reads> {
  const rows = await tx.query<{ relname: string; seq: number; index: number }>(
    `SELECT relname, coalesce(seq_tup_read, 0)::int AS seq, coalesce(idx_tup_fetch, 0)::int AS index
       FROM pg_stat_xact_user_tables`,
  );
  return Object.fromEntries(rows.map((row) => [row.relname, { seq: row.seq, index: row.index }]));
}

/** What `work` read of each table, in a transaction of its own. */
async function readsOf(sql: Sql, work: (tx: Sql) => Promise<void>): Promise<Reads> {
  return sql.transaction(async (tx) => {
    const before = await tableReads(tx);
    await work(tx);
    const after = await tableReads(tx);
    return Object.fromEntries(
      Object.entries(after).map(([table, read]) => [
        table,
        {
          seq: read.seq - (before[table]?.seq ?? 0),
          index: read.index - (before[table]?.index ?? 0),
        },
      ]),
    );
  });
}

const GROWN = 4000;

for (const kind of backends) {
  describe(`worker statements on grown tables (${kind})`, () => {
    let db: TestDatabase;
    let experiment: ExperimentDef;

    beforeAll(async () => {
      db = await openTestDatabase(kind, { poolSize: 1 });
      const client = await ensureClient(db.prisma, DEFAULT_CLIENT);
      const handle = { db, clientId: client.id };
      experiment = await storedExperiment(handle, { parallelBandwidth: 4 });
      const other = await storedExperiment(handle, { parallelBandwidth: 4 });

      // While the tables are small: reports and claims enough for prepared plans to settle.
      for (let round = 0; round < 8; round++) {
        await report(experiment, round / 8, 'optimizer');
        await pool(3);
        await claim(db.sql);
      }
      // Then they grow, in this experiment and beside it.
      for (const id of [experiment.id, other.id]) {
        await db.sql.query(
          `INSERT INTO suggestions (experiment_id, assignments, source, state)
           SELECT $1, jsonb_build_object('x', g / 10000.0), 'random', 'closed'
             FROM generate_series(1, $2::int) AS g`,
          [id, GROWN],
        );
        await db.sql.query(
          `INSERT INTO observations (experiment_id, assignments)
           SELECT $1, jsonb_build_object('x', g / 10000.0) FROM generate_series(1, $2::int) AS g`,
          [id, GROWN],
        );
      }
    });

    /** A pool of `n` points computed from the experiment's newest observation. */
    async function pool(n: number) {
      const [last] = await db.sql.query<{ id: string | null }>(
        'SELECT max(id)::text AS id FROM observations WHERE experiment_id = $1',
        [experiment.id],
      );
      const candidates = Array.from({ length: n }, () => {
        const assignments = { x: Math.random() };
        return { assignments, key: assignmentsKey(assignments) };
      });
      await writePool(
        db.sql,
        experiment,
        { count: 0, lastObservationId: last?.id ?? null },
        candidates,
      );
    }

    async function claim(sql: Sql) {
      const claims = await claimPooledSuggestions(sql, { experiment, source: 'optimizer' });
      expect(claims?.[0]?.suggestion).toBeTruthy();
    }

    afterAll(async () => {
      await db?.close();
    });

    const newObservation = (suggestionId: string): NewObservation => ({
      experimentId: experiment.id,
      suggestionId,
      assignments: null,
      failed: false,
      metadata: null,
      values: [{ metricId: experiment.metrics[0]?.id ?? '', value: 0.5, valueStddev: null }],
    });

    /** A suggestion (with an open key for the optimizer's) and its report. */
    async function report(on: ExperimentDef, x: number, source: 'random' | 'optimizer') {
      const made = await createSuggestion(db.sql, {
        experimentId: on.id,
        assignments: { x },
        metadata: null,
        source,
        ...(source === 'optimizer' ? { openKey: assignmentsKey({ x }) } : {}),
        revision: on.revision,
      });
      const suggestion = made.suggestion;
      if (!suggestion) throw new Error('no suggestion was made');
      const outcome = await insertObservations(db.sql, on, [newObservation(suggestion.id)]);
      expect(outcome.kind).toBe('written');
      return suggestion;
    }

    it('writes a report by looking up its own suggestion, not by scanning the others', async () => {
      let suggestionId = '';
      await db.sql.transaction(async (tx) => {
        const made = await createSuggestion(tx, {
          experimentId: experiment.id,
          assignments: { x: 0.123 },
          metadata: null,
          source: 'random',
          revision: experiment.revision,
        });
        suggestionId = made.suggestion?.id ?? '';
      });
      const reads = await readsOf(db.sql, async (tx) => {
        const outcome = await insertObservations(tx, experiment, [newObservation(suggestionId)]);
        expect(outcome.kind).toBe('written');
      });
      // 8,000 suggestions stored: a scan of either experiment's reads thousands.
      expect(reads.suggestions?.seq ?? 0).toBe(0);
      expect(reads.suggestions?.index ?? 0).toBeLessThanOrEqual(10);
    });

    it('makes a suggestion reading no other suggestion', async () => {
      const reads = await readsOf(db.sql, async (tx) => {
        const made = await createSuggestion(tx, {
          experimentId: experiment.id,
          assignments: { x: 0.456 },
          metadata: null,
          source: 'optimizer',
          openKey: assignmentsKey({ x: 0.456 }),
          revision: experiment.revision,
        });
        expect(made.suggestion).toBeTruthy();
      });
      expect(reads.suggestions?.seq ?? 0).toBe(0);
      expect(reads.suggestions?.index ?? 0).toBeLessThanOrEqual(2);
    });

    it('claims a pooled point reading the open suggestions and the newest observations only', async () => {
      await pool(3);
      const reads = await readsOf(db.sql, claim);
      for (const table of ['suggestions', 'observations']) {
        expect(reads[table]?.seq ?? 0, table).toBe(0);
        // The open suggestions (none but those made here) and the observations after the pool's.
        expect(reads[table]?.index ?? 0, table).toBeLessThanOrEqual(20);
      }
    });
  });
}
