import { afterAll, beforeAll } from 'vitest';

import type { ExperimentDef, ParameterDef } from '../../src/domain/types.ts';
import type { DatabaseKind } from '../../src/store/database.ts';
import { createExperiment } from '../../src/store/experiments.ts';
import { DEFAULT_CLIENT, ensureClient } from '../../src/store/tokens.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';

// For tests of the store and the service below HTTP: a fresh database with
// the default client for a whole file, and experiments written straight into it.

export interface ClientDatabase {
  db: TestDatabase;
  clientId: string;
}

/** Opens the database before the file's tests and closes it after; the fields are set then. */
export function clientDatabase(kind: DatabaseKind): ClientDatabase {
  const handle = {} as ClientDatabase;
  beforeAll(async () => {
    handle.db = await openTestDatabase(kind);
    handle.clientId = (await ensureClient(handle.db.prisma, DEFAULT_CLIENT)).id;
  });
  afterAll(async () => {
    await handle.db.close();
  });
  return handle;
}

/** A double parameter over [min, max], in the service's own form. */
export const doubleParameter = (name: string, min = 0, max = 1): ParameterDef => ({
  name,
  type: 'double',
  bounds: { min, max },
  categoricalValues: null,
  grid: null,
  log: false,
  defaultValue: null,
  precision: null,
});

/** An optimizer experiment maximizing the metric `f` over `parameters`. */
export function storedExperiment(
  { db, clientId }: ClientDatabase,
  options: { parallelBandwidth: number; parameters?: ParameterDef[] },
): Promise<ExperimentDef> {
  return createExperiment(db.prisma, {
    clientId,
    name: 'stored',
    type: 'offline',
    development: false,
    observationBudget: null,
    parallelBandwidth: options.parallelBandwidth,
    numSolutions: 1,
    leaseSeconds: null,
    metadata: null,
    parameters: options.parameters ?? [doubleParameter('x')],
    metrics: [{ name: 'f', objective: 'maximize', strategy: 'optimize', threshold: null }],
  });
}
