import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

import { defaultMigrationsDir, readMigrations } from '../../src/store/migrate.js';

/**
 * Prisma's own schema engine, the WebAssembly build that runs over a driver adapter, here over
 * in-memory PGlite databases. It computes the SQL `prisma migrate dev` would write, without the
 * native engine the Prisma CLI would download.
 */

type DiffTarget = Parameters<engineBindings.SchemaEngine['diff']>[0]['from'];
type MigrationList = engineBindings.MigrationList;
type HistoryReport = engineBindings.DiagnoseMigrationHistoryOutput;

const noFilters = { externalTables: [], externalEnums: [] };

// The project compiles without the DOM library, which is where TypeScript declares WebAssembly.
interface WasmRuntime {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmRuntime = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;

let loaded = false;

// The package's entry imports the .wasm file as an ES module, which Node does not do; so the
// module is instantiated here and handed to the generated bindings.
async function loadEngine(): Promise<void> {
  if (loaded) return;
  const require = createRequire(import.meta.url);
  const bindingsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await readFile(bindingsPath.replace(/\.js$/, '.wasm'));
  const { instance } = await wasmRuntime.instantiate(bytes, {
    './schema_engine_bg.js': engineBindings,
  });
  engineBindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  loaded = true;
}

async function migrationsTarget(migrationsDir: string): Promise<DiffTarget> {
  return { tag: 'migrations', ...(await migrationList(migrationsDir)) };
}

async function migrationList(migrationsDir: string): Promise<MigrationList> {
  const migrations = await readMigrations(migrationsDir);
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8'),
    },
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: migration.script },
      },
    })),
  };
}

/** Runs `action` with Prisma's schema engine working on `pglite`. */
async function withEngine<T>(
  pglite: PGlite,
  schema: string,
  action: (engine: engineBindings.SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadEngine();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite));
  const engine = await engineBindings.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => {},
    adapter,
  );
  try {
    return await action(engine);
  } finally {
    engine.free();
  }
}

/** The SQL script that takes the database from `from` to the schema, as Prisma writes it. */
async function diffToSchema(schema: string, from: DiffTarget): Promise<string> {
  const pglite = new PGlite('memory://');
  try {
    const result = await withEngine(pglite, schema, (engine) =>
      engine.diff({
        from,
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
        script: true,
        exitCode: null,
        filters: noFilters,
      }),
    );
    return result.stdout ?? '';
  } finally {
    await pglite.close();
  }
}

/** What `prisma migrate status` finds when it compares the database's history to the folder. */
export async function prismaHistoryReport(
  pglite: PGlite,
  schema: string,
  migrationsDir = defaultMigrationsDir,
): Promise<HistoryReport> {
  const migrationsList = await migrationList(migrationsDir);
  return withEngine(pglite, schema, (engine) =>
    engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: noFilters,
    }),
  );
}

/** Applies the folder's pending migrations as `prisma migrate deploy` does; returns their names. */
export async function prismaDeploy(
  pglite: PGlite,
  schema: string,
  migrationsDir = defaultMigrationsDir,
): Promise<string[]> {
  const migrationsList = await migrationList(migrationsDir);
  const result = await withEngine(pglite, schema, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noFilters }),
  );
  return result.appliedMigrationNames;
}

/** The SQL Prisma would put in a new migration after the existing ones ('' when none). */
export async function pendingMigrationSql(
  schema: string,
  migrationsDir = defaultMigrationsDir,
): Promise<string> {
  const script = await diffToSchema(schema, await migrationsTarget(migrationsDir));
  return script.trim() === '-- This is an empty migration.' ? '' : script;
}

/** The SQL of a first migration for the schema, as `prisma migrate dev` writes it. */
export async function initialMigrationSql(schema: string): Promise<string> {
  const script = await diffToSchema(schema, { tag: 'empty' });
  // A diff from nothing also creates the schema; migrate dev runs where "public" exists.
  return script.replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, '');
}

// `npx tsx test/store/schema-engine.ts` prints the first migration Prisma would write for the
// current schema, for rewriting prisma/migrations while they are unreleased.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const schema = await readFile(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
  process.stdout.write(await initialMigrationSql(schema));
}
