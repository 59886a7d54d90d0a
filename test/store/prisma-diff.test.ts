import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { readMigrations } from '../../src/store/migrate.js';
import { schemaPath } from './expected-schema.js';
import { initialMigrationSql, pendingMigrationSql } from './schema-engine.js';

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

  it('wrote the first migration exactly as `prisma migrate dev` writes it', async () => {
    const migrations = await readMigrations();
    // Only the first migration of a history starts from nothing; later ones depend on it.
    if (migrations.length !== 1) return;
    const schema = await readFile(schemaPath, 'utf8');
    const first = migrations[0]!.script;
    const ours = first.includes(checksMarker) ? first.slice(0, first.indexOf(checksMarker)) : first;

    expect(ours.trimEnd()).toBe((await initialMigrationSql(schema)).trimEnd());
  }, 180_000);
});
