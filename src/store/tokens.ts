import { createHash, randomBytes } from 'node:crypto';
import type { ClientRecord, TokenRecord } from '../domain/types.ts';
import type { Client, Token } from './generated/client.ts';
import { type Db, fromId, toId } from './prisma.ts';
import type { Sql } from './sql.ts';

// API tokens are random, shown once, and stored only as a SHA-256 digest.

export const DEFAULT_CLIENT = 'default';

export const digestOf = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/** A new token: 32 random bytes, URL-safe, with a prefix that makes leaks easy to grep for. */
export const newTokenValue = (): string => `amx_${randomBytes(32).toString('base64url')}`;

const hintOf = (token: string): string => `${token.slice(0, 8)}…`;

const toClient = (row: Client): ClientRecord => ({
  id: fromId(row.id),
  name: row.name,
  created: row.createdAt,
});

const toToken = (row: Token): TokenRecord => ({
  id: fromId(row.id),
  clientId: fromId(row.clientId),
  hint: row.hint,
  development: row.development,
  admin: row.admin,
  created: row.createdAt,
  expires: row.expiresAt,
  revoked: row.revokedAt,
});

export async function ensureClient(db: Db, name: string): Promise<ClientRecord> {
  const row = await db.client.upsert({ where: { name }, create: { name }, update: {} });
  return toClient(row);
}

/**
 * Serializes the start-up token check of processes that start at once on one
 * database, for the rest of the transaction; otherwise both would insert the
 * same client or token and one start would fail on the unique constraint.
 */
export async function lockTokenBootstrap(db: Db): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(72707370)`;
}

export async function findClient(db: Db, id: string): Promise<ClientRecord | null> {
  const row = await db.client.findUnique({ where: { id: toId(id) } });
  return row ? toClient(row) : null;
}

export async function findClientByName(db: Db, name: string): Promise<ClientRecord | null> {
  const row = await db.client.findUnique({ where: { name } });
  return row ? toClient(row) : null;
}

export interface TokenOptions {
  development?: boolean;
  admin?: boolean;
  expires?: Date | null;
  /** Use this value instead of a random one (ARGMAX_TOKEN). */
  value?: string;
}

export interface IssuedToken {
  token: TokenRecord;
  value: string;
}

export async function createToken(
  db: Db,
  clientId: string,
  options: TokenOptions = {},
): Promise<IssuedToken> {
  const value = options.value ?? newTokenValue();
  const row = await db.token.create({
    data: {
      clientId: toId(clientId),
      digest: digestOf(value),
      hint: hintOf(value),
      development: options.development ?? false,
      admin: options.admin ?? false,
      expiresAt: options.expires ?? null,
    },
  });
  return { token: toToken(row), value };
}

export async function findTokenByValue(db: Db, value: string): Promise<TokenRecord | null> {
  const row = await db.token.findUnique({ where: { digest: digestOf(value) } });
  return row ? toToken(row) : null;
}

export async function listTokens(db: Db, clientId: string | null): Promise<TokenRecord[]> {
  const rows = await db.token.findMany({
    where: clientId === null ? {} : { clientId: toId(clientId) },
    orderBy: { id: 'desc' },
  });
  return rows.map(toToken);
}

export async function countTokens(db: Db): Promise<number> {
  return db.token.count();
}

/** Revokes a token of the client (any client when null); false when there is none. */
export async function revokeToken(db: Db, clientId: string | null, id: string): Promise<boolean> {
  const result = await db.token.updateMany({
    where: {
      id: toId(id),
      revokedAt: null,
      ...(clientId === null ? {} : { clientId: toId(clientId) }),
    },
    data: { revokedAt: new Date() },
  });
  return result.count > 0;
}

export async function listClients(db: Db): Promise<ClientRecord[]> {
  const rows = await db.client.findMany({ orderBy: { id: 'asc' } });
  return rows.map(toClient);
}

export { toToken };

interface AuthSqlRow extends Omit<TokenRecord, 'clientId'> {
  clientId: string;
  clientName: string;
  clientCreated: Date;
}

/**
 * The token with this value and its client, in one plain-SQL statement, for
 * the check on every request; null when unknown. Revoked and expired tokens
 * are returned too: the caller judges them against its own clock.
 */
export async function readToken(
  sql: Sql,
  value: string,
): Promise<{ token: TokenRecord; client: ClientRecord } | null> {
  const [row] = await sql.query<AuthSqlRow>(
    `SELECT t.id::text AS id, t.client_id::text AS "clientId", t.hint, t.development, t.admin,
            t.created_at AS created, t.expires_at AS expires, t.revoked_at AS revoked,
            c.name AS "clientName", c.created_at AS "clientCreated"
       FROM tokens t JOIN clients c ON c.id = t.client_id
      WHERE t.digest = $1`,
    [digestOf(value)],
    'read-token',
  );
  if (!row) return null;
  const { clientName, clientCreated, ...token } = row;
  return { token, client: { id: token.clientId, name: clientName, created: clientCreated } };
}

/** Whether a token read earlier may still be used at `now`. */
export const isLive = (token: TokenRecord, now: Date): boolean =>
  token.revoked === null && (token.expires === null || token.expires > now);

/** The live token with this value, with its client; null when unknown, revoked or expired. */
export async function authenticate(
  sql: Sql,
  value: string,
  now: Date,
): Promise<{ token: TokenRecord; client: ClientRecord } | null> {
  const found = await readToken(sql, value);
  return found && isLive(found.token, now) ? found : null;
}
