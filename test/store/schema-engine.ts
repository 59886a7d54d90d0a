import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

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
  const migrations = await readMigrations(migrationsDir);
  return {
    tag: 'migrations',
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

/** The SQL script that takes the database from `from` to the schema, as Prisma writes it. */
async function diffToSchema(schema: string, from: DiffTarget): Promise<string> {
  await loadEngine();
  const pglite = new PGlite('memory://');
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite));
  const engine = await engineBindings.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => {},
    adapter,
  );

  try {
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? '';
  } finally {
    engine.free();
    await pglite.close();
  }
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
