import { randomBytes } from 'node:crypto';

import pg from 'pg';

import {
  memoryDataDir,
  openDatabase,
  type Database,
  type DatabaseKind,
  type DatabaseOptions,
} from '../../src/store/database.js';

/** The storage backends tests run on: PGlite always, Postgres when TEST_DATABASE_URL is set. */
export const backends: DatabaseKind[] = process.env.TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

export interface TestDatabase extends Database {
  /** The connection string of the fresh Postgres database; null for PGlite. */
  readonly url: string | null;
}

export type TestDatabaseOptions = Omit<DatabaseOptions, 'databaseUrl' | 'dataDir'>;

/** Opens a brand-new, empty, migrated database; close() also drops it on Postgres. */
export async function openTestDatabase(
  kind: DatabaseKind,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  switch (kind) {
    case 'pglite': {
      const db = await openDatabase({ ...options, databaseUrl: null, dataDir: memoryDataDir });
      return { ...db, url: null };
    }
    case 'postgres':
      return openPostgresTestDatabase(options);
  }
}

async function openPostgresTestDatabase(options: TestDatabaseOptions): Promise<TestDatabase> {
  const url = await createEmptyPostgresDatabase();
  let db: Database;
  try {
    db = await openDatabase({ ...options, databaseUrl: url, dataDir: memoryDataDir });
  } catch (error) {
    await dropPostgresDatabase(url);
    throw error;
  }

  return {
    ...db,
    url,
    async close() {
      await db.close();
      await dropPostgresDatabase(url);
    },
  };
}

/** TEST_DATABASE_URL, or a clear failure for a test that needs Postgres without it. */
export function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: Postgres tests need a server');
  return url;
}

/** Creates `argmax_t_<random>` on TEST_DATABASE_URL's server, unmigrated, and returns its URL. */
export async function createEmptyPostgresDatabase(): Promise<string> {
  const name = `argmax_t_${randomBytes(6).toString('hex')}`;
  await withServer((client) => client.query(`CREATE DATABASE "${name}"`));

  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createEmptyPostgresDatabase, disconnecting anyone still on it. */
export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^argmax_t_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop database ${name}`);
  await withServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function withServer<T>(action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}
