import { readFileSync } from 'node:fs';

import prismaSchemaWasm from '@prisma/prisma-schema-wasm';

import type { Catalog, ColumnInfo, ConstraintInfo, IndexInfo } from './catalog.js';

/**
 * The database schema the Prisma client expects, derived from prisma/schema.prisma through
 * Prisma's own schema parser (its DMMF), following the conventions of Prisma's PostgreSQL schema
 * engine: default constraint names, column types for scalar and native types, list columns
 * without NOT NULL, and ON UPDATE CASCADE unless the relation says otherwise.
 */

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationName?: string | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string | null;
  relationOnUpdate?: string | null;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}

interface DmmfEnum {
  name: string;
  dbName: string | null;
  values: { name: string; dbName: string | null }[];
}

interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

export const schemaPath = new URL('../../prisma/schema.prisma', import.meta.url);

export function readDmmf(path: URL = schemaPath): Dmmf {
  const prismaSchema = readFileSync(path, 'utf8');
  return JSON.parse(prismaSchemaWasm.get_dmmf(JSON.stringify({ prismaSchema }))) as Dmmf;
}

/** Postgres truncates identifiers to 63 bytes; Prisma shortens the prefix to keep the suffix. */
const maxIdentifierLength = 63;

function constraintName(table: string, columns: string[], suffix: string): string {
  const prefix = [table, ...columns].join('_');
  return prefix.slice(0, maxIdentifierLength - suffix.length - 1) + '_' + suffix;
}

/** Builds the catalog a database migrated to this schema must have. */
export function expectedCatalog(dmmf: Dmmf): Catalog {
  const { models, enums, indexes } = dmmf.datamodel;
  const byName = new Map(models.map((model) => [model.name, model]));
  const enumNames = new Map(enums.map((e) => [e.name, e.dbName ?? e.name]));

  return {
    tables: models.map(tableName).sort(),
    enums: enums
      .map((e) => ({ name: e.dbName ?? e.name, values: e.values.map((v) => v.dbName ?? v.name) }))
      .sort(byKey((e) => e.name)),
    columns: models.flatMap((model) => modelColumns(model, enumNames)).sort(byKey(columnKey)),
    sequences: models.flatMap(modelSequences).sort(),
    indexes: indexes
      .map((index) => indexInfo(index, lookup(byName, index.model)))
      .sort(byKey((i) => i.name)),
    constraints: [
      ...indexes
        .filter((index) => index.type === 'id')
        .map((index) => primaryKey(index, lookup(byName, index.model))),
      ...models.flatMap((model) => foreignKeys(model, byName)),
    ].sort(byKey((c) => c.name)),
  };
}

function tableName(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

function columnName(model: DmmfModel, fieldName: string): string {
  const field = model.fields.find((f) => f.name === fieldName);
  if (field === undefined) throw new Error(`model ${model.name} has no field ${fieldName}`);
  return field.dbName ?? field.name;
}

function lookup(byName: Map<string, DmmfModel>, name: string): DmmfModel {
  const model = byName.get(name);
  if (model === undefined) throw new Error(`DMMF names an unknown model ${name}`);
  return model;
}

function modelColumns(model: DmmfModel, enumNames: Map<string, string>): ColumnInfo[] {
  return model.fields
    .filter((field) => field.kind !== 'object')
    .map((field) => {
      const type = columnType(field, enumNames);
      return {
        table: tableName(model),
        column: field.dbName ?? field.name,
        type,
        notNull: field.isRequired && !field.isList,
        default: columnDefault(model, field, type),
      };
    });
}

function modelSequences(model: DmmfModel): string[] {
  return model.fields
    .filter((field) => isAutoincrement(field.default))
    .map((field) => `${tableName(model)}_${field.dbName ?? field.name}_seq`);
}

function isAutoincrement(value: unknown): boolean {
  return isFunctionDefault(value) && value.name === 'autoincrement';
}

function isFunctionDefault(value: unknown): value is { name: string; args: unknown[] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'name' in value;
}

// Prisma's scalar types and the Postgres type its schema engine gives each by default.
const scalarTypes: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** Column types as Postgres' format_type() prints them; enums as `enum <name>`. */
function columnType(field: DmmfField, enumNames: Map<string, string>): string {
  const base =
    field.kind === 'enum'
      ? `enum ${enumNames.get(field.type) ?? field.type}`
      : field.nativeType
        ? nativeType(field.nativeType)
        : scalarTypes[field.type];
  if (base === undefined) throw new Error(`no Postgres type known for ${field.type}`);
  return field.isList ? `${base}[]` : base;
}

function nativeType([name, args]: [string, string[]]): string {
  const precision = args.length > 0 ? `(${args.join(',')})` : '';
  const types: Record<string, string> = {
    Text: 'text',
    Char: `character${precision}`,
    VarChar: `character varying${precision}`,
    Uuid: 'uuid',
    Boolean: 'boolean',
    SmallInt: 'smallint',
    Integer: 'integer',
    BigInt: 'bigint',
    Real: 'real',
    DoublePrecision: 'double precision',
    Decimal: `numeric${precision}`,
    Timestamp: `timestamp${precision} without time zone`,
    Timestamptz: `timestamp${precision} with time zone`,
    Date: 'date',
    Time: `time${precision} without time zone`,
    Timetz: `time${precision} with time zone`,
    Json: 'json',
    JsonB: 'jsonb',
    ByteA: 'bytea',
    Inet: 'inet',
    Citext: 'citext',
  };
  const type = types[name];
  if (type === undefined) throw new Error(`native type @db.${name} is not known to this test`);
  return type;
}

/** Column defaults as Postgres' pg_get_expr() prints them. */
function columnDefault(model: DmmfModel, field: DmmfField, type: string): string | null {
  const value = field.default;
  if (value === undefined || value === null || field.isUpdatedAt) return null;
  if (Array.isArray(value))
    throw new Error(`list default of ${field.name} is not known to this test`);

  if (isFunctionDefault(value)) return functionDefault(model, field, value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return value >= 0 ? String(value) : `'${value}'::${type}`;
  // The DMMF gives a BigInt's default as a string; Postgres prints a plain integer literal.
  if (field.type === 'BigInt' && typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'::${castName(type)}`;
  throw new Error(`default of ${model.name}.${field.name} is not known to this test`);
}

function functionDefault(
  model: DmmfModel,
  field: DmmfField,
  value: { name: string; args: unknown[] },
): string | null {
  switch (value.name) {
    case 'autoincrement':
      return `nextval('${quoteIdent(`${tableName(model)}_${field.dbName ?? field.name}_seq`)}'::regclass)`;
    case 'now':
      return 'CURRENT_TIMESTAMP';
    case 'dbgenerated':
      return String(value.args[0]);
    // Generated by the client, not the database.
    case 'uuid':
    case 'cuid':
    case 'nanoid':
    case 'ulid':
      return null;
    default:
      throw new Error(`default ${value.name}() of ${field.name} is not known to this test`);
  }
}

function castName(type: string): string {
  if (type.startsWith('enum ')) return quoteIdent(type.slice('enum '.length));
  if (type.startsWith('character varying')) return 'character varying';
  if (type.startsWith('character')) return 'bpchar';
  return type;
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function indexInfo(index: DmmfIndex, model: DmmfModel): IndexInfo {
  const table = tableName(model);
  const columns = index.fields.map((f) => columnName(model, f.name));
  const suffix = { id: 'pkey', unique: 'key', normal: 'idx', fulltext: 'idx' }[index.type];
  const name =
    index.dbName ??
    (index.type === 'id' ? `${table}_pkey` : constraintName(table, columns, suffix));

  return {
    name,
    table,
    primary: index.type === 'id',
    unique: index.type !== 'normal' && index.type !== 'fulltext',
    method: (index.algorithm ?? 'BTree').toLowerCase(),
    columns,
    order: index.fields.map((f) => f.sortOrder ?? 'asc'),
  };
}

function primaryKey(index: DmmfIndex, model: DmmfModel): ConstraintInfo {
  const table = tableName(model);
  return {
    name: index.dbName ?? `${table}_pkey`,
    table,
    type: 'p',
    columns: index.fields.map((f) => columnName(model, f.name)),
    referencedTable: null,
    referencedColumns: [],
    onDelete: null,
    onUpdate: null,
  };
}

// Prisma's referential actions and pg_constraint's one-letter codes for them.
const actionCodes: Record<string, string> = {
  Cascade: 'c',
  Restrict: 'r',
  NoAction: 'a',
  SetNull: 'n',
  SetDefault: 'd',
};

function foreignKeys(model: DmmfModel, byName: Map<string, DmmfModel>): ConstraintInfo[] {
  return model.fields
    .filter((field) => field.kind === 'object')
    .map((field) => {
      const from = field.relationFromFields ?? [];
      const target = lookup(byName, field.type);
      const backRelation = target.fields.find(
        (f) => f.relationName === field.relationName && f !== field,
      );
      if (from.length === 0 && field.isList && backRelation?.isList) {
        throw new Error(`implicit many-to-many ${field.relationName} is not known to this test`);
      }
      return { field, from, target };
    })
    .filter(({ from }) => from.length > 0)
    .map(({ field, from, target }) => {
      const table = tableName(model);
      const columns = from.map((name) => columnName(model, name));
      const defaultOnDelete = field.isRequired ? 'Restrict' : 'SetNull';
      return {
        name: constraintName(table, columns, 'fkey'),
        table,
        type: 'f',
        columns,
        referencedTable: tableName(target),
        referencedColumns: (field.relationToFields ?? []).map((name) => columnName(target, name)),
        onDelete: actionCode(field.relationOnDelete ?? defaultOnDelete),
        onUpdate: actionCode(field.relationOnUpdate ?? 'Cascade'),
      };
    });
}

function actionCode(action: string): string {
  const code = actionCodes[action];
  if (code === undefined) throw new Error(`referential action ${action} is not known`);
  return code;
}

function columnKey(column: ColumnInfo): string {
  return `${column.table}.${column.column}`;
}

export function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}
