import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readMigrations } from '../../src/store/migrate.js';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { readCatalog, readExtras, type Catalog } from './catalog.js';
import { expectedCatalog, readDmmf } from './expected-schema.js';

const bookkeepingTable = '_prisma_migrations';

// Prisma's schema engine creates this table; `prisma migrate deploy` reads these columns.
const bookkeepingColumns = [
  ['applied_steps_count', 'integer', true, '0'],
  ['checksum', 'character varying(64)', true, null],
  ['finished_at', 'timestamp with time zone', false, null],
  ['id', 'character varying(36)', true, null],
  ['logs', 'text', false, null],
  ['migration_name', 'character varying(255)', true, null],
  ['rolled_back_at', 'timestamp with time zone', false, null],
  ['started_at', 'timestamp with time zone', true, 'now()'],
] as const;

function withoutBookkeeping(catalog: Catalog): Catalog {
  return {
    ...catalog,
    tables: catalog.tables.filter((table) => table !== bookkeepingTable),
    columns: catalog.columns.filter((column) => column.table !== bookkeepingTable),
    indexes: catalog.indexes.filter((index) => index.table !== bookkeepingTable),
    constraints: catalog.constraints.filter(
      (constraint) => constraint.table !== bookkeepingTable && constraint.type !== 'c',
    ),
  };
}

describe.each(backends)('the migrations on %s', (kind) => {
  let db: TestDatabase;
  let actual: Awaited<ReturnType<typeof readCatalog>>;
  const expected = expectedCatalog(readDmmf());

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    actual = await readCatalog(db.prisma);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('create one table for each model and nothing else', () => {
    expect(withoutBookkeeping(actual).tables).toEqual(expected.tables);
    expect(actual.tables).toContain(bookkeepingTable);
  });

  it('create every column with the type, nullability and default Prisma expects', () => {
    expect(withoutBookkeeping(actual).columns).toEqual(expected.columns);
  });

  it('create the enum types with their values in order', () => {
    expect(actual.enums).toEqual(expected.enums);
  });

  it('create a sequence for each autoincrement column and no other', () => {
    expect(actual.sequences).toEqual(expected.sequences);
  });

  it('create the primary keys, unique and plain indexes under Prisma names', () => {
    expect(withoutBookkeeping(actual).indexes).toEqual(expected.indexes);
    expect(actual.partial).toEqual([]);
  });

  it('create the primary keys and foreign keys with their referential actions', () => {
    expect(withoutBookkeeping(actual).constraints).toEqual(expected.constraints);
  });

  it('add only CHECK constraints beyond what Prisma expects', async () => {
    const checks = actual.constraints.filter((constraint) => constraint.type === 'c');
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) {
      expect(expected.tables).toContain(check.table);
      expect(check.name).toMatch(new RegExp(`^${check.table}_\\w+_check$`));
    }

    expect(await readExtras(db.prisma)).toEqual({
      otherRelations: [],
      functions: [],
      triggers: [],
    });
  });

  it("keep Prisma's bookkeeping table with Prisma's columns", () => {
    const columns = actual.columns
      .filter((column) => column.table === bookkeepingTable)
      .map((column) => [column.column, column.type, column.notNull, column.default]);
    expect(columns).toEqual(bookkeepingColumns);

    const keys = actual.constraints.filter((constraint) => constraint.table === bookkeepingTable);
    expect(keys.map((key) => [key.type, key.columns])).toEqual([['p', ['id']]]);
  });

  it('record every migration as applied, with its checksum', async () => {
    const rows = await db.prisma.$queryRawUnsafe<
      { id: string; migration_name: string; checksum: string; finished: boolean; steps: number }[]
    >(
      `SELECT id, migration_name, checksum, finished_at IS NOT NULL AND rolled_back_at IS NULL
              AS finished, applied_steps_count AS steps
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    const migrations = await readMigrations();

    expect(rows.map((row) => [row.migration_name, row.checksum, row.finished, row.steps])).toEqual(
      migrations.map((migration) => [migration.name, migration.checksum, true, 1]),
    );
    for (const row of rows) {
      expect(row.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });
});
