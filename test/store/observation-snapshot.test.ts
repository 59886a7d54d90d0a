import { describe, expect, it } from 'vitest';

import type { ExperimentDef } from '../../src/domain/types.ts';
import {
  deleteObservations,
  insertObservations,
  readObservationSnapshot,
  readObservations,
  replaceObservation,
} from '../../src/store/observations.ts';
import type { QueryOptions, Sql } from '../../src/store/sql.ts';
import { backends } from '../helpers/database.ts';
import { clientDatabase, storedExperiment } from '../helpers/experiments.ts';

// A refresh reads the observations reported since the last one, and all of
// them again when any it had read changed: deleted, replaced, or committed
// late with a smaller id than one it had read.

/** The database's answers, with the number of observations each snapshot read carried. */
function carried(sql: Sql, counts: number[]): Sql {
  return {
    async query<T extends object>(
      text: string,
      params?: readonly unknown[],
      name?: string,
      options?: QueryOptions,
    ) {
      const rows = await sql.query<T>(text, params, name, options);
      const [row] = rows as Array<{ rows?: unknown }>;
      if (name === 'read-observation-snapshot' && typeof row?.rows === 'string') {
        counts.push((JSON.parse(row.rows) as unknown[]).length);
      }
      return rows;
    },
    transaction: (work) => sql.transaction((tx) => work(carried(tx, counts))),
  };
}

for (const kind of backends) {
  describe(`observation snapshots (${kind})`, () => {
    const handle = clientDatabase(kind);

    const report = (experiment: ExperimentDef, x: number) => ({
      experimentId: experiment.id,
      suggestionId: null,
      assignments: { x },
      failed: false,
      metadata: null,
      values: [{ metricId: experiment.metrics[0]?.id ?? '', value: x, valueStddev: null }],
    });

    async function write(experiment: ExperimentDef, xs: number[]) {
      const outcome = await insertObservations(
        handle.db.sql,
        experiment,
        xs.map((x) => report(experiment, x)),
      );
      if (outcome.kind !== 'written') throw new Error(`not written: ${outcome.kind}`);
      return outcome.observations;
    }

    it('reads only the new observations while the earlier ones stay as they were', async () => {
      const experiment = await storedExperiment(handle, { parallelBandwidth: 1 });
      const counts: number[] = [];
      const sql = carried(handle.db.sql, counts);
      await write(experiment, [0.1, 0.2, 0.3]);
      const first = await readObservationSnapshot(sql, experiment.id, null);
      await write(experiment, [0.4, 0.5]);
      const second = await readObservationSnapshot(sql, experiment.id, first);
      const third = await readObservationSnapshot(sql, experiment.id, second);
      expect(counts).toEqual([3, 2, 0]);
      expect(second.rows).toEqual(
        (await readObservationSnapshot(handle.db.sql, experiment.id, null)).rows,
      );
      expect(third.rows.map((row) => row.assignments.x)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
      expect(third.count).toBe(5);
    });

    it('reads them all again after one it had read was deleted', async () => {
      const experiment = await storedExperiment(handle, { parallelBandwidth: 1 });
      const counts: number[] = [];
      const sql = carried(handle.db.sql, counts);
      const [gone] = await write(experiment, [0.1, 0.2, 0.3]);
      const first = await readObservationSnapshot(sql, experiment.id, null);
      await deleteObservations(handle.db.prisma, experiment.id, gone?.id);
      await write(experiment, [0.4]);
      const second = await readObservationSnapshot(sql, experiment.id, first);
      expect(counts).toEqual([3, 3]);
      expect(second.rows.map((row) => row.assignments.x)).toEqual([0.2, 0.3, 0.4]);
    });

    it('reads them all again after one it had read was replaced', async () => {
      const experiment = await storedExperiment(handle, { parallelBandwidth: 1 });
      await write(experiment, [0.1, 0.2]);
      const first = await readObservationSnapshot(handle.db.sql, experiment.id, null);
      const [, stored] = await readObservations(handle.db.sql, experiment.id);
      if (!stored) throw new Error('no observation');
      const metricId = experiment.metrics[0]?.id ?? '';
      await replaceObservation(handle.db.prisma, {
        ...stored,
        failed: true,
        values: [],
      });
      const second = await readObservationSnapshot(handle.db.sql, experiment.id, first);
      expect(second.rows.map((row) => [row.assignments.x, row.failed, row.values])).toEqual([
        [0.1, false, [{ metricId, value: 0.1, valueStddev: null }]],
        [0.2, true, []],
      ]);
    });

    it('finds an observation committed after a newer one it had read', async () => {
      const experiment = await storedExperiment(handle, { parallelBandwidth: 1 });
      await write(experiment, [0.1]);
      // An id drawn by a report whose statement commits only after the next report's.
      const [drawn] = await handle.db.sql.query<{ id: string }>(
        "SELECT nextval(pg_get_serial_sequence('observations', 'id'))::text AS id",
      );
      await write(experiment, [0.3]);
      const first = await readObservationSnapshot(handle.db.sql, experiment.id, null);
      await handle.db.sql.query(
        `INSERT INTO observations (id, experiment_id, assignments) VALUES ($1, $2, '{"x": 0.2}')`,
        [drawn?.id, experiment.id],
      );
      const second = await readObservationSnapshot(handle.db.sql, experiment.id, first);
      expect(second.rows.map((row) => row.assignments.x)).toEqual([0.1, 0.2, 0.3]);
      expect(second.rows).toEqual(
        (await readObservationSnapshot(handle.db.sql, experiment.id, null)).rows,
      );
    });

    it('keeps each experiment to its own observations', async () => {
      const one = await storedExperiment(handle, { parallelBandwidth: 1 });
      const other = await storedExperiment(handle, { parallelBandwidth: 1 });
      await write(one, [0.1]);
      const first = await readObservationSnapshot(handle.db.sql, one.id, null);
      await write(other, [0.9]);
      await write(one, [0.2]);
      const second = await readObservationSnapshot(handle.db.sql, one.id, first);
      expect(second.rows.map((row) => row.assignments.x)).toEqual([0.1, 0.2]);
    });
  });
}
