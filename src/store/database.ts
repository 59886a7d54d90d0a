import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

import { PrismaClient } from './generated/client.js';
import { acquireLock, type FileLock } from './lock.js';
import { migrate, type MigrationSession } from './migrate.js';
import { pgliteSql, postgresSql, type Sql } from './sql.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** The subset of a pino logger the store uses. */
export interface DatabaseLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DatabaseOptions {
  /** A Postgres connection string; null selects the embedded PGlite database. */
  databaseUrl: string | null;
  /** Where PGlite keeps its files; 'memory://' keeps them in memory (tests). */
  dataDir: string;
  logger?: DatabaseLogger;
  /** Connections in the Postgres pool. */
  poolSize?: number;
  /** Limit for one SQL statement on Postgres, in milliseconds. */
  statementTimeoutMs?: number;
  /** Limit for obtaining a Postgres connection, in milliseconds. */
  connectTimeoutMs?: number;
}

export interface Database {
  readonly prisma: PrismaClient;
  /** Plain SQL on the same connections, for the statements on every worker's path. */
  readonly sql: Sql;
  readonly kind: DatabaseKind;
  /** Resolves once the database answers a query; rejects otherwise. */
  ping(): Promise<void>;
  /** Closes the client and every connection, so the process can exit. */
  close(): Promise<void>;
}

export const memoryDataDir = 'memory://';

const defaults = {
  poolSize: 10,
  statementTimeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
};

/** The Postgres server did not accept a connection; the message never shows the password. */
export class DatabaseConnectError extends Error {
  override readonly name = 'DatabaseConnectError';

  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot connect to the Postgres server at ${redactUrl(url)}: ${reason}`, { cause });
  }
}

/** The URL without its password, fit for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a malformed DATABASE_URL)';
  }
}

const silentLogger: DatabaseLogger = { info() {}, warn() {}, error() {} };

/** Opens the database named by the options and applies pending migrations before returning. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl === null
    ? openPGlite(options.dataDir, options.logger ?? silentLogger)
    : openPostgres(options.databaseUrl, options);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const logger = options.logger ?? silentLogger;
  const config: pg.PoolConfig = {
    connectionString: url,
    max: options.poolSize ?? defaults.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? defaults.connectTimeoutMs,
    idleTimeoutMillis: defaults.idleTimeoutMs,
    statement_timeout: options.statementTimeoutMs ?? defaults.statementTimeoutMs,
    idle_in_transaction_session_timeout: 2 * defaults.idleTimeoutMs,
  };

  await migratePostgres(config, logger);

  const pool = new pg.Pool(config);
  // An idle connection that drops emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'postgres connection lost'));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });

  let closed = false;

  return {
    prisma,
    sql: postgresSql(pool),
    kind: 'postgres',
    ping: () => pingWith(prisma),
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// The advisory lock is held by a session, so migrations run on one dedicated connection.
async function migratePostgres(config: pg.PoolConfig, logger: DatabaseLogger): Promise<void> {
  // Waiting for another process's migration must not hit the statement limit.
  const client = new pg.Client({ ...config, statement_timeout: 0 });
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseConnectError(config.connectionString ?? '', error);
  }
  try {
    const session: MigrationSession = {
      query: async (sql, params) =>
        (await client.query(sql, params)).rows as Record<string, unknown>[],
      exec: async (script) => {
        await client.query(script);
      },
    };
    await migrate(session, { logger });
  } finally {
    await client.end();
  }
}

async function openPGlite(dataDir: string, logger: DatabaseLogger): Promise<Database> {
  const lock = dataDir === memoryDataDir ? null : lockDataDir(dataDir);

  try {
    return await openOnPGlite(await createPGlite(dataDir), { logger, lock });
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * Migrates a PGlite instance the caller created (tests start from a migrated snapshot) and wraps
 * it; close() closes the instance.
 */
export async function openOnPGlite(
  db: PGlite,
  options: { logger?: DatabaseLogger; lock?: FileLock | null } = {},
): Promise<Database> {
  try {
    await migrate(pgliteSession(db), { logger: options.logger ?? silentLogger });
  } catch (error) {
    await db.close();
    throw error;
  }
  return wrapPGlite(db, options.lock ?? null);
}

function lockDataDir(dataDir: string): FileLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  return acquireLock(join(dir, 'argmax.lock'), dir);
}

async function createPGlite(dataDir: string): Promise<PGlite> {
  const dir = dataDir === memoryDataDir ? memoryDataDir : join(resolve(dataDir), 'pglite');
  const db = new PGlite(dir);
  await db.waitReady;
  return db;
}

function pgliteSession(db: PGlite): MigrationSession {
  return {
    query: async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
  };
}

function wrapPGlite(db: PGlite, lock: FileLock | null): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  let closed = false;

  return {
    prisma,
    sql: pgliteSql(db),
    kind: 'pglite',
    ping: () => pingWith(prisma),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await prisma.$disconnect();
        await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function pingWith(prisma: PrismaClient): Promise<void> {
  await prisma.$queryRaw`SELECT 1`;
}
