import type { PrismaClient } from '../../src/store/generated/client.js';

/** What a database's catalog says about its schema, in a shape tests can compare. */

export interface ColumnInfo {
  table: string;
  column: string;
  /** format_type() output, or `enum <name>` (with `[]` for a list) for enum types. */
  type: string;
  notNull: boolean;
  default: string | null;
}

export interface IndexInfo {
  name: string;
  table: string;
  primary: boolean;
  unique: boolean;
  method: string;
  columns: string[];
  order: string[];
}

export interface ConstraintInfo {
  name: string;
  table: string;
  /** pg_constraint.contype: p primary key, f foreign key, u unique, c check, x exclusion. */
  type: string;
  columns: string[];
  referencedTable: string | null;
  referencedColumns: string[];
  onDelete: string | null;
  onUpdate: string | null;
}

export interface Catalog {
  tables: string[];
  enums: { name: string; values: string[] }[];
  columns: ColumnInfo[];
  sequences: string[];
  indexes: IndexInfo[];
  constraints: ConstraintInfo[];
}

export interface CatalogExtras {
  /** Relations that are neither tables, indexes nor sequences (views, composite types...). */
  otherRelations: string[];
  functions: string[];
  triggers: string[];
}

// Every name is cast to text: driver adapters do not all decode Postgres' `name` type.
const tablesSql = `
  SELECT c.relname::text AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
   ORDER BY 1`;

const enumsSql = `
  SELECT t.typname::text AS name,
         ARRAY(SELECT e.enumlabel::text FROM pg_enum e
                WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE n.nspname = current_schema() AND t.typtype = 'e'
   ORDER BY 1`;

const columnsSql = `
  SELECT c.relname::text AS table, a.attname::text AS column,
         CASE WHEN t.typtype = 'e' THEN 'enum ' || t.typname::text
              WHEN et.typtype = 'e' THEN 'enum ' || et.typname::text || '[]'
              ELSE format_type(a.atttypid, a.atttypmod) END AS type,
         a.attnotnull AS "notNull",
         pg_get_expr(d.adbin, d.adrelid) AS default
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
     AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY 1, 2`;

const sequencesSql = `
  SELECT c.relname::text AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND c.relkind = 'S'
   ORDER BY 1`;

const indexesSql = `
  SELECT i.relname::text AS name, t.relname::text AS table,
         ix.indisprimary AS primary, ix.indisunique AS unique, am.amname::text AS method,
         ARRAY(SELECT COALESCE(a.attname::text, '(expression)')
                 FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                ORDER BY k.ord) AS columns,
         ARRAY(SELECT CASE WHEN o & 1 = 1 THEN 'desc' ELSE 'asc' END
                 FROM unnest(ix.indoption::int2[]) WITH ORDINALITY k(o, ord)
                ORDER BY k.ord) AS order,
         pg_get_expr(ix.indpred, ix.indrelid) AS predicate
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_am am ON am.oid = i.relam
    JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE n.nspname = current_schema()
   ORDER BY 1`;

const constraintsSql = `
  SELECT con.conname::text AS name, t.relname::text AS table, con.contype::text AS type,
         ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                ORDER BY k.ord) AS columns,
         rt.relname::text AS "referencedTable",
         ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                ORDER BY k.ord) AS "referencedColumns",
         CASE WHEN con.contype = 'f' THEN con.confdeltype::text END AS "onDelete",
         CASE WHEN con.contype = 'f' THEN con.confupdtype::text END AS "onUpdate"
    FROM pg_constraint con
    JOIN pg_class t ON t.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_class rt ON rt.oid = con.confrelid
   WHERE n.nspname = current_schema() AND con.contype <> 'n'
   ORDER BY 1`;

const otherRelationsSql = `
  SELECT c.relname::text || ' (' || c.relkind::text || ')' AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND c.relkind NOT IN ('r', 'p', 'i', 'S')
   ORDER BY 1`;

const functionsSql = `
  SELECT p.proname::text AS name
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = current_schema()
   ORDER BY 1`;

const triggersSql = `
  SELECT tg.tgname::text AS name
    FROM pg_trigger tg
    JOIN pg_class c ON c.oid = tg.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND NOT tg.tgisinternal
   ORDER BY 1`;

async function names(prisma: PrismaClient, sql: string): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(sql);
  return rows.map((row) => row.name);
}

export interface IndexRow extends IndexInfo {
  predicate: string | null;
}

/** Reads the current schema's catalog. */
export async function readCatalog(prisma: PrismaClient): Promise<Catalog & { partial: string[] }> {
  const indexes = await prisma.$queryRawUnsafe<IndexRow[]>(indexesSql);
  return {
    tables: await names(prisma, tablesSql),
    enums: await prisma.$queryRawUnsafe<Catalog['enums']>(enumsSql),
    columns: await prisma.$queryRawUnsafe<ColumnInfo[]>(columnsSql),
    sequences: await names(prisma, sequencesSql),
    indexes: indexes.map(({ predicate: _predicate, ...index }) => index),
    constraints: await prisma.$queryRawUnsafe<ConstraintInfo[]>(constraintsSql),
    partial: indexes.filter((index) => index.predicate !== null).map((index) => index.name),
  };
}

export async function readExtras(prisma: PrismaClient): Promise<CatalogExtras> {
  return {
    otherRelations: await names(prisma, otherRelationsSql),
    functions: await names(prisma, functionsSql),
    triggers: await names(prisma, triggersSql),
  };
}
