import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backends, openTestDatabase, type TestDatabase } from '../helpers/database.js';

// Each case inserts one row with one bad value through SQL, since Postgres accepts these
// float8 values and only the migration's CHECK constraints keep them out.
const nonFinite = ['NaN', 'Infinity', '-Infinity'];
const violatesCheck = /violates check constraint "\w+_check"/;

describe.each(backends)('the CHECK constraints on %s', (kind) => {
  let db: TestDatabase;
  let experimentId: bigint;
  let metricId: bigint;
  let observationId: bigint;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const client = await db.prisma.client.create({ data: { name: 'checks' } });
    const experiment = await db.prisma.experiment.create({
      data: { clientId: client.id, name: 'checks' },
    });
    const metric = await db.prisma.metric.create({
      data: { experimentId: experiment.id, position: 0, name: 'accuracy' },
    });
    const observation = await db.prisma.observation.create({
      data: { experimentId: experiment.id, assignments: { x: 1 } },
    });
    experimentId = experiment.id;
    metricId = metric.id;
    observationId = observation.id;
  });

  afterAll(async () => {
    await db?.close();
  });

  async function insertParameter(columns: string, values: string): Promise<unknown> {
    return db.prisma.$executeRawUnsafe(
      `INSERT INTO parameters (experiment_id, position, name, type, ${columns})
       VALUES ($1, 0, 'p' || floor(random() * 1e9)::text, 'double', ${values})`,
      experimentId,
    );
  }

  async function insertValue(value: string, stddev: string): Promise<unknown> {
    await db.prisma.$executeRawUnsafe(`DELETE FROM observation_values`);
    return db.prisma.$executeRawUnsafe(
      `INSERT INTO observation_values (observation_id, metric_id, value, value_stddev)
       VALUES ($1, $2, ${value}, ${stddev})`,
      observationId,
      metricId,
    );
  }

  it.each(nonFinite)('keep %s out of parameter bounds', async (bad) => {
    await expect(insertParameter('bounds_min', `'${bad}'::float8`)).rejects.toThrow(violatesCheck);
    await expect(insertParameter('bounds_max', `'${bad}'::float8`)).rejects.toThrow(violatesCheck);
  });

  it.each(nonFinite)('keep %s and NULL out of grid values', async (bad) => {
    await expect(insertParameter('grid', `ARRAY[1, '${bad}']::float8[]`)).rejects.toThrow(
      violatesCheck,
    );
    await expect(insertParameter('grid', `ARRAY[1, NULL]::float8[]`)).rejects.toThrow(
      violatesCheck,
    );
    await expect(insertParameter('grid', `ARRAY[1, 2.5]::float8[]`)).resolves.toBe(1);
  });

  it('keep bounds in order when both are set', async () => {
    await expect(insertParameter('bounds_min, bounds_max', '1, 1')).rejects.toThrow(violatesCheck);
    await expect(insertParameter('bounds_min, bounds_max', '2, 1')).rejects.toThrow(violatesCheck);
    await expect(insertParameter('bounds_min, bounds_max', '-1, 1')).resolves.toBe(1);
    await expect(insertParameter('bounds_min', '5')).resolves.toBe(1);
  });

  it.each(nonFinite)('keep %s out of metric thresholds', async (bad) => {
    const insert = db.prisma.$executeRawUnsafe(
      `INSERT INTO metrics (experiment_id, position, name, threshold)
       VALUES ($1, 1, 'm', '${bad}'::float8)`,
      experimentId,
    );
    await expect(insert).rejects.toThrow(violatesCheck);
  });

  it.each(nonFinite)('keep %s out of observation values and their stddev', async (bad) => {
    await expect(insertValue(`'${bad}'::float8`, 'NULL')).rejects.toThrow(violatesCheck);
    await expect(insertValue('1', `'${bad}'::float8`)).rejects.toThrow(violatesCheck);
  });

  it('keep value_stddev non-negative and accept finite values', async () => {
    await expect(insertValue('1', '-0.5')).rejects.toThrow(violatesCheck);
    await expect(insertValue('-1e308', '0')).resolves.toBe(1);
  });

  it.each(['observation_budget', 'parallel_bandwidth', 'num_solutions'])(
    'keep %s positive',
    async (column) => {
      const insert = (value: number) =>
        db.prisma.$executeRawUnsafe(
          `INSERT INTO experiments (client_id, name, ${column})
           SELECT client_id, 'e', $2 FROM experiments WHERE id = $1`,
          experimentId,
          value,
        );
      await expect(insert(0)).rejects.toThrow(violatesCheck);
      await expect(insert(-1)).rejects.toThrow(violatesCheck);
      await expect(insert(1)).resolves.toBe(1);
    },
  );
});
