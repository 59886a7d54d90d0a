import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Applies the SQL migrations under prisma/migrations the way `prisma migrate deploy` does, keeping
 * Prisma's `_prisma_migrations` bookkeeping so that the Prisma CLI on another machine sees the same
 * history. The Prisma CLI cannot run here (it needs a native schema engine), hence this module.
 */

/** The one thing the migrator needs from a database: a session that runs SQL. */
export interface MigrationSession {
  /** Runs one statement with positional parameters ($1, $2, ...) and returns its rows. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs a script of several statements, as one implicit transaction. */
  exec(script: string): Promise<void>;
}

export interface MigrationLogger {
  info(obj: object, msg: string): void;
}

export interface MigrateOptions {
  /** Folder holding `<name>/migration.sql` directories; defaults to the project's. */
  migrationsDir?: string;
  logger?: MigrationLogger;
}

export interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export const defaultMigrationsDir = fileURLToPath(
  new URL('../../prisma/migrations/', import.meta.url),
);

/** The advisory lock key Prisma's schema engine takes around migrations on Postgres. */
export const prismaAdvisoryLockKey = 72707369;

/** Raised for every migration problem that must stop the start. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

// The table exactly as Prisma's schema engine creates it for PostgreSQL.
const createBookkeepingTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** The checksum Prisma stores: SHA-256 of the migration.sql bytes, as lowercase hex. */
export function migrationChecksum(script: string | Buffer): string {
  return createHash('sha256').update(script).digest('hex');
}

/** Reads the migration directories in name order, as Prisma orders them. */
export async function readMigrations(
  migrationsDir = defaultMigrationsDir,
): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(migrationsDir, name, 'migration.sql'));
      return { name, script: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    }),
  );
}

/**
 * Applies every pending migration. The session-level advisory lock serializes processes that start
 * together against one Postgres: the second waits, then finds the migrations applied.
 */
export async function migrate(
  session: MigrationSession,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const migrations = await readMigrations(options.migrationsDir);

  await session.query('SELECT pg_advisory_lock($1)', [prismaAdvisoryLockKey]);
  try {
    await session.exec(createBookkeepingTable);
    const applied = await readApplied(session);
    checkHistory(migrations, applied);
    return await applyPending(session, migrations, applied, options.logger);
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [prismaAdvisoryLockKey]);
  }
}

async function readApplied(session: MigrationSession): Promise<AppliedRow[]> {
  const rows = await session.query(
    `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at"
       FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"`,
  );
  return rows as unknown as AppliedRow[];
}

function checkHistory(migrations: MigrationFile[], applied: AppliedRow[]): void {
  const failed = applied.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length > 0) {
    const names = failed.map((row) => row.migration_name).join(', ');
    throw new MigrationError(
      `migration ${names} failed earlier and is recorded as failed in _prisma_migrations; ` +
        'fix the database, then mark it rolled back (prisma migrate resolve --rolled-back) to retry',
    );
  }

  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  for (const row of applied) {
    if (row.finished_at === null) continue;
    const migration = byName.get(row.migration_name);
    if (migration === undefined) {
      throw new MigrationError(
        `migration ${row.migration_name} is applied in the database but missing from prisma/migrations`,
      );
    }
    if (migration.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.migration_name} was modified after it was applied ` +
          `(checksum ${migration.checksum}, applied ${row.checksum}); restore the applied file ` +
          'and put the change in a new migration',
      );
    }
  }
}

async function applyPending(
  session: MigrationSession,
  migrations: MigrationFile[],
  applied: AppliedRow[],
  logger: MigrationLogger | undefined,
): Promise<MigrateResult> {
  const done = new Set(
    applied.filter((row) => row.finished_at !== null).map((row) => row.migration_name),
  );
  const result: MigrateResult = { applied: [], alreadyApplied: [] };

  for (const migration of migrations) {
    if (done.has(migration.name)) {
      result.alreadyApplied.push(migration.name);
      continue;
    }
    await applyOne(session, migration);
    logger?.info({ migration: migration.name }, 'migration applied');
    result.applied.push(migration.name);
  }
  return result;
}

// Same sequence as Prisma: record the start, run the script, then record the finish, or the
// error in `logs` with finished_at left null, which marks the migration failed.
async function applyOne(session: MigrationSession, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await session.query(
    `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count")
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migration.checksum, migration.name],
  );

  try {
    await session.exec(migration.script);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await session.query(`UPDATE "_prisma_migrations" SET "logs" = $2 WHERE "id" = $1`, [
      id,
      message,
    ]);
    throw new MigrationError(`migration ${migration.name} failed: ${message}`, { cause: error });
  }

  await session.query(
    `UPDATE "_prisma_migrations" SET "finished_at" = now(), "applied_steps_count" = 1 WHERE "id" = $1`,
    [id],
  );
}
