import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  migrate,
  MigrationError,
  readMigrations,
  type MigrationSession,
} from '../../src/store/migrate.js';
import {
  backends,
  createEmptyPostgresDatabase,
  dropPostgresDatabase,
} from '../helpers/database.js';
import { runFixturesTogether } from './fixtures/run.js';

/** A database that hands out sessions, each confined to a schema of its own. */
interface SessionSource {
  session(schema: string): Promise<MigrationSession>;
  close(): Promise<void>;
}

async function pgliteSource(): Promise<SessionSource> {
  const db = new PGlite('memory://');
  await db.waitReady;
  const session: MigrationSession = {
    query: async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
  };

  return {
    // PGlite has one connection, so the search path set here holds for every later statement.
    async session(schema) {
      await db.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}"`);
      return session;
    },
    close: () => db.close(),
  };
}

async function postgresSource(): Promise<SessionSource> {
  const url = await createEmptyPostgresDatabase();
  const clients: pg.Client[] = [];

  return {
    async session(schema) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      clients.push(client);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}"`);
      return {
        query: async (sql, params) =>
          (await client.query(sql, params)).rows as Record<string, unknown>[],
        exec: async (script) => {
          await client.query(script);
        },
      };
    },
    async close() {
      await Promise.all(clients.map((client) => client.end()));
      await dropPostgresDatabase(url);
    },
  };
}

interface BookkeepingRow {
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
  logs: string | null;
  applied_steps_count: number;
}

async function bookkeeping(session: MigrationSession): Promise<BookkeepingRow[]> {
  const rows = await session.query(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished,
            rolled_back_at IS NOT NULL AS rolled_back, logs, applied_steps_count
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
  return rows as unknown as BookkeepingRow[];
}

function sha256(text: string): string {
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

async function writeMigration(dir: string, name: string, script: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'migration.sql'), script);
}

describe.each(backends)('migrate on %s', (kind) => {
  let source: SessionSource;
  let session: MigrationSession;
  let migrationsDir: string;

  beforeAll(async () => {
    source = kind === 'pglite' ? await pgliteSource() : await postgresSource();
  });

  afterAll(async () => {
    await source?.close();
  });

  beforeEach(async () => {
    session = await source.session(`m_${randomBytes(4).toString('hex')}`);
    migrationsDir = await mkdtemp(join(tmpdir(), 'argmax-migrations-'));
    return () => rm(migrationsDir, { recursive: true, force: true });
  });

  it("applies the project's migrations once and finds nothing to do the second time", async () => {
    const names = (await readMigrations()).map((migration) => migration.name);

    const first = await migrate(session);
    const second = await migrate(session);

    expect(first).toEqual({ applied: names, alreadyApplied: [] });
    expect(second).toEqual({ applied: [], alreadyApplied: names });
    expect(await bookkeeping(session)).toHaveLength(names.length);
  });

  it('applies pending migrations in name order and records their checksums', async () => {
    const second = 'ALTER TABLE widgets ADD COLUMN size integer;\n';
    const first = 'CREATE TABLE widgets (id integer PRIMARY KEY);\n';
    await writeMigration(migrationsDir, '20260102000000_size', second);
    await writeMigration(migrationsDir, '20260101000000_widgets', first);

    const result = await migrate(session, { migrationsDir });

    expect(result.applied).toEqual(['20260101000000_widgets', '20260102000000_size']);
    expect(await bookkeeping(session)).toEqual([
      {
        migration_name: '20260101000000_widgets',
        checksum: sha256(first),
        finished: true,
        rolled_back: false,
        logs: null,
        applied_steps_count: 1,
      },
      {
        migration_name: '20260102000000_size',
        checksum: sha256(second),
        finished: true,
        rolled_back: false,
        logs: null,
        applied_steps_count: 1,
      },
    ]);
  });

  it('refuses to run when an applied migration was changed, naming it', async () => {
    await writeMigration(migrationsDir, '20260101000000_widgets', 'CREATE TABLE widgets (id int);');
    await migrate(session, { migrationsDir });

    await writeMigration(
      migrationsDir,
      '20260101000000_widgets',
      'CREATE TABLE widgets (id text);',
    );
    await writeMigration(migrationsDir, '20260102000000_more', 'CREATE TABLE gadgets (id int);');

    const run = migrate(session, { migrationsDir });
    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toThrow(/20260101000000_widgets was modified after it was applied/);
    expect((await bookkeeping(session)).map((row) => row.migration_name)).toEqual([
      '20260101000000_widgets',
    ]);
  });

  it('records a failed migration, undoes its statements and refuses to go on', async () => {
    await writeMigration(migrationsDir, '20260101000000_ok', 'CREATE TABLE widgets (id int);');
    await writeMigration(
      migrationsDir,
      '20260102000000_broken',
      'CREATE TABLE gadgets (id int);\nSELECT no_such_function();\n',
    );

    await expect(migrate(session, { migrationsDir })).rejects.toThrow(
      /migration 20260102000000_broken failed: .*no_such_function/,
    );

    const rows = await bookkeeping(session);
    expect(rows.map((row) => [row.migration_name, row.finished])).toEqual([
      ['20260101000000_ok', true],
      ['20260102000000_broken', false],
    ]);
    expect(rows[1]?.logs).toMatch(/no_such_function/);
    const gadgets = await session.query(`SELECT to_regclass('gadgets') IS NULL AS missing`);
    expect(gadgets).toEqual([{ missing: true }]);

    await expect(migrate(session, { migrationsDir })).rejects.toThrow(
      /20260102000000_broken failed earlier/,
    );
  });

  it('applies a failed migration again once it is marked rolled back, as Prisma does', async () => {
    await writeMigration(migrationsDir, '20260101000000_broken', 'SELECT no_such_function();');
    await expect(migrate(session, { migrationsDir })).rejects.toThrow(MigrationError);

    await session.query(`UPDATE _prisma_migrations SET rolled_back_at = now()`);
    await writeMigration(migrationsDir, '20260101000000_broken', 'CREATE TABLE widgets (id int);');
    const result = await migrate(session, { migrationsDir });

    expect(result.applied).toEqual(['20260101000000_broken']);
    expect((await bookkeeping(session)).map((row) => [row.finished, row.rolled_back])).toEqual([
      [false, true],
      [true, false],
    ]);
  });

  it('refuses a database that has a migration missing from the migrations folder', async () => {
    await writeMigration(migrationsDir, '20260101000000_widgets', 'CREATE TABLE widgets (id int);');
    await migrate(session, { migrationsDir });
    await rm(join(migrationsDir, '20260101000000_widgets'), { recursive: true });

    await expect(migrate(session, { migrationsDir })).rejects.toThrow(
      /20260101000000_widgets is applied in the database but missing/,
    );
  });
});

describe.runIf(backends.includes('postgres'))('migrate on a Postgres shared by many', () => {
  it('applies each migration once when several migrators start together', async () => {
    const source = await postgresSource();
    try {
      const names = (await readMigrations()).map((migration) => migration.name);
      const sessions = await Promise.all(Array.from({ length: 6 }, () => source.session('public')));

      const results = await Promise.all(sessions.map((each) => migrate(each)));

      const appliers = results.filter((result) => result.applied.length > 0);
      expect(appliers).toEqual([{ applied: names, alreadyApplied: [] }]);
      expect(results.filter((result) => result.applied.length === 0)).toHaveLength(5);
      expect((await bookkeeping(sessions[0]!)).map((row) => row.migration_name)).toEqual(names);
    } finally {
      await source.close();
    }
  });

  it('applies each migration once when several processes open the database together', async () => {
    const url = await createEmptyPostgresDatabase();
    try {
      const outcomes = await runFixturesTogether(3, { DATABASE_URL: url });
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ migration_name: string; finished: boolean }>(
          `SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations`,
        );
        const names = (await readMigrations()).map((migration) => migration.name);
        expect(rows).toEqual(names.map((name) => ({ migration_name: name, finished: true })));
      } finally {
        await client.end();
      }
    } finally {
      await dropPostgresDatabase(url);
    }
  }, 180_000);
});
