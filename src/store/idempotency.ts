import type { IdempotencyKey } from './generated/client.ts';
import { type Db, toId } from './prisma.ts';
import type { Sql } from './sql.ts';

// Idempotency keys: the first answer to a request sent with an
// Idempotency-Key header, scoped to the token that sent it. A row is
// "running" while its first attempt is under way and "done" once the answer
// is stored. Every write after the claim is fenced by started_at, so an
// attempt whose key was taken over can no longer change it.

export interface KeyClaim {
  tokenId: string;
  key: string;
  /** When this attempt claimed the key; the fence of its later writes. */
  startedAt: Date;
}

export interface ClaimRequest {
  tokenId: string;
  key: string;
  /** SHA-256 (hex) of the canonical request. */
  requestHash: string;
  now: Date;
  /** How long a stored answer is replayed. */
  ttlMs: number;
  /** After how long a running attempt counts as dead and may be taken over. */
  staleMs: number;
}

export interface StoredAnswer {
  status: number;
  /** The serialized response body; null for an answer without one (204). */
  body: string | null;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: KeyClaim }
  | { kind: 'done'; answer: StoredAnswer }
  | { kind: 'running' }
  | { kind: 'mismatch' };

/** Claims run at most this many rounds when other attempts keep changing the row. */
const claimRounds = 3;

const rowId = (tokenId: string, key: string) => ({ tokenId_key: { tokenId: toId(tokenId), key } });

function freshRow(request: ClaimRequest) {
  return {
    requestHash: request.requestHash,
    state: 'running' as const,
    status: null,
    body: null,
    startedAt: request.now,
    createdAt: request.now,
    expiresAt: new Date(request.now.getTime() + request.ttlMs),
  };
}

function judge(row: IdempotencyKey, request: ClaimRequest): ClaimOutcome | 'take-over' {
  const now = request.now.getTime();
  if (row.expiresAt.getTime() <= now) return 'take-over';
  if (row.requestHash !== request.requestHash) return { kind: 'mismatch' };
  if (row.state === 'done') {
    return { kind: 'done', answer: { status: row.status ?? 200, body: row.body } };
  }
  return row.startedAt.getTime() <= now - request.staleMs ? 'take-over' : { kind: 'running' };
}

/** Replaces an expired row or a dead attempt's row, unless another attempt changed it first. */
async function takeOver(db: Db, row: IdempotencyKey, request: ClaimRequest): Promise<boolean> {
  const result = await db.idempotencyKey.updateMany({
    where: { tokenId: row.tokenId, key: row.key, startedAt: row.startedAt },
    data: freshRow(request),
  });
  return result.count === 1;
}

/**
 * Claims the key for this attempt, or says why not: its answer is stored,
 * another attempt is running it, or it was used with another request.
 */
export async function claimKey(db: Db, request: ClaimRequest): Promise<ClaimOutcome> {
  const claim = { tokenId: request.tokenId, key: request.key, startedAt: request.now };

  for (let round = 0; round < claimRounds; round++) {
    const inserted = await db.idempotencyKey.createMany({
      data: [{ tokenId: toId(request.tokenId), key: request.key, ...freshRow(request) }],
      skipDuplicates: true,
    });
    if (inserted.count === 1) return { kind: 'claimed', claim };

    const row = await db.idempotencyKey.findUnique({ where: rowId(request.tokenId, request.key) });
    if (!row) continue; // released between the two statements: insert again
    const outcome = judge(row, request);
    if (outcome !== 'take-over') return outcome;
    if (await takeOver(db, row, request)) return { kind: 'claimed', claim };
  }
  return { kind: 'running' };
}

const fenced = (claim: KeyClaim) => ({
  tokenId: toId(claim.tokenId),
  key: claim.key,
  startedAt: claim.startedAt,
  state: 'running' as const,
});

/** Stores the answer; false when the key no longer belongs to this attempt. */
export async function completeKey(db: Db, claim: KeyClaim, answer: StoredAnswer): Promise<boolean> {
  const result = await db.idempotencyKey.updateMany({
    where: fenced(claim),
    data: { state: 'done', status: answer.status, body: answer.body },
  });
  return result.count === 1;
}

/** Gives the key up, so that a retry runs the request again. */
export async function releaseKey(db: Db, claim: KeyClaim): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: fenced(claim) });
}

/**
 * Deletes up to `limit` expired keys. The bound keeps one sweep short however
 * many keys expired at once; the index on expires_at finds them.
 */
export async function sweepExpiredKeys(db: Db, now: Date, limit: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "idempotency_keys"
     WHERE ("token_id", "key") IN (
       SELECT "token_id", "key" FROM "idempotency_keys"
        WHERE "expires_at" <= ${now}
        LIMIT ${limit})`;
}

/** completeKey in plain SQL, for requests whose change is written that way. */
export async function completeKeySql(
  sql: Sql,
  claim: KeyClaim,
  answer: StoredAnswer,
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE idempotency_keys SET state = 'done', response_status = $4, response_body = $5
      WHERE token_id = $1 AND key = $2 AND started_at = $3 AND state = 'running'
      RETURNING 1 AS done`,
    [claim.tokenId, claim.key, claim.startedAt, answer.status, answer.body],
  );
  return rows.length === 1;
}
