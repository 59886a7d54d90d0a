import { readFile } from 'node:fs/promises';

import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';

import { migrate, readMigrations, type MigrationSession } from '../../src/store/migrate.js';
import { schemaPath } from './expected-schema.js';
import {
  initialMigrationSql,
  pendingMigrationSql,
  prismaDeploy,
  prismaHistoryReport,
} from './schema-engine.js';

function sessionOf(pglite: PGlite): MigrationSession {
  return {
    query: async (sql, params) => (await pglite.query<Record<string, unknown>>(sql, params)).rows,
    exec: async (script) => {
      await pglite.exec(script);
    },
  };
}

// Everything after this line in a migration is ours: checks that Prisma cannot express.
const checksMarker = '-- Checks that Prisma cannot express.';

// Each diff builds a shadow database; on a busy machine that takes well over a minute.
describe("Prisma's schema engine", () => {
  it('finds nothing to migrate between prisma/migrations and prisma/schema.prisma', async () => {
    const schema = await readFile(schemaPath, 'utf8');

    const pending = await pendingMigrationSql(schema);

    expect(
      pending,
      'prisma/schema.prisma differs from what prisma/migrations create; put this SQL, which ' +
        'is what `prisma migrate dev` would write, in a new prisma/migrations/<timestamp>_<name>/' +
        `migration.sql (or in the first one, while it has not been released):\n\n${pending}`,
    ).toBe('');
  }, 180_000);

  it('wrote the first migration exactly as `prisma migrate dev` writes it', async ({ skip }) => {
    const migrations = await readMigrations();
    // Only a lone first migration can be compared with a diff from nothing to today's schema.
    if (migrations.length !== 1) skip('later migrations changed the schema after the first');
    const schema = await readFile(schemaPath, 'utf8');
    const first = migrations[0]!.script;
    const ours = first.includes(checksMarker) ? first.slice(0, first.indexOf(checksMarker)) : first;

    expect(ours.trimEnd()).toBe((await initialMigrationSql(schema)).trimEnd());
  }, 180_000);

  it('agrees with our migrate step on the history, in both directions', async () => {
    const schema = await readFile(schemaPath, 'utf8');
    const names = (await readMigrations()).map((migration) => migration.name);
    const ours = new PGlite('memory://');
    const prismas = new PGlite('memory://');
    try {
      await migrate(sessionOf(ours));
      expect(await prismaHistoryReport(ours, schema)).toMatchObject({
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: true,
        history: null,
      });
      expect(await prismaDeploy(ours, schema)).toEqual([]);

      expect(await prismaDeploy(prismas, schema)).toEqual(names);
      expect(await migrate(sessionOf(prismas))).toEqual({ applied: [], alreadyApplied: names });
    } finally {
      await ours.close();
      await prismas.close();
    }
  }, 180_000);
});
