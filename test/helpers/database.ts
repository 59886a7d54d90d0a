import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

import { migrate, readMigrations } from '../../src/store/migrate.js';
import {
  memoryDataDir,
  openDatabase,
  openOnPGlite,
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
      const snapshot = await migratedSnapshot();
      const pglite = new PGlite(memoryDataDir, { loadDataDir: snapshot });
      const db = await openOnPGlite(pglite, options.logger ? { logger: options.logger } : {});
      return { ...db, url: null };
    }
    case 'postgres':
      return openPostgresTestDatabase(options);
  }
}

// A new PGlite database spends about 5 s in initdb; loading a migrated snapshot takes about 1 s.
// The snapshot is kept on disk, keyed by the migrations and the PGlite version, so each test
// process after the first skips initdb as well.
let snapshotPromise: Promise<Blob> | null = null;

function migratedSnapshot(): Promise<Blob> {
  snapshotPromise ??= loadOrMakeSnapshot();
  return snapshotPromise;
}

async function loadOrMakeSnapshot(): Promise<Blob> {
  const path = await snapshotPath();
  try {
    return new Blob([await readFile(path)]);
  } catch {
    const snapshot = await makeSnapshot();
    const staging = `${path}.${process.pid}`;
    await writeFile(staging, Buffer.from(await snapshot.arrayBuffer()));
    await rename(staging, path);
    await removeOtherSnapshots(path);
    return snapshot;
  }
}

// Snapshots of earlier migrations are 40 MB each and never read again.
async function removeOtherSnapshots(path: string): Promise<void> {
  const dir = dirname(path);
  for (const name of await readdir(dir)) {
    if (/^pglite-[0-9a-f]{16}\.tar$/.test(name) && name !== basename(path)) {
      await rm(join(dir, name), { force: true });
    }
  }
}

async function makeSnapshot(): Promise<Blob> {
  const pglite = new PGlite(memoryDataDir);
  try {
    await migrate({
      query: async (sql, params) => (await pglite.query<Record<string, unknown>>(sql, params)).rows,
      exec: async (script) => {
        await pglite.exec(script);
      },
    });
    return await pglite.dumpDataDir('none');
  } finally {
    await pglite.close();
  }
}

async function snapshotPath(): Promise<string> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const pglitePackage = join(root, 'node_modules/@electric-sql/pglite/package.json');
  const { version } = JSON.parse(await readFile(pglitePackage, 'utf8')) as { version: string };
  const hash = createHash('sha256').update(`pglite ${version}\n`);
  for (const migration of await readMigrations()) {
    hash.update(`${migration.name} ${migration.checksum}\n`);
  }

  const dir = join(root, 'node_modules/.cache/argmax');
  await mkdir(dir, { recursive: true });
  return join(dir, `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
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
