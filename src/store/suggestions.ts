import type {
  Assignments,
  Metadata,
  QueuedSuggestionRecord,
  SuggestionRecord,
  SuggestionState,
} from '../domain/types.ts';
import { toQueuedSuggestion, toSuggestion } from './convert.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import { type Db, jsonOrNull, type Prisma, toId } from './prisma.ts';

export type SuggestionSource = 'optimizer' | 'random' | 'grid' | 'queued' | 'user' | 'retry';

export interface NewSuggestion {
  experimentId: string;
  assignments: Assignments;
  metadata: Metadata | null;
  source: SuggestionSource;
  /** Set for the optimizer's points: no other open suggestion may hold the same key. */
  openKey?: string | null;
  leaseSeconds?: number | null;
  attempt?: number;
  retryOf?: string | null;
}

const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';

/** Creates the suggestion; null when its open key is taken by another open suggestion. */
export async function createSuggestion(
  db: Db,
  input: NewSuggestion,
): Promise<SuggestionRecord | null> {
  const lease = input.leaseSeconds ?? null;
  try {
    const row = await db.suggestion.create({
      data: {
        experimentId: toId(input.experimentId),
        assignments: input.assignments,
        metadata: jsonOrNull(input.metadata),
        source: input.source,
        openKey: input.openKey ?? null,
        leaseExpiresAt: lease === null ? null : new Date(Date.now() + lease * 1000),
        attempt: input.attempt ?? 1,
        retryOfId:
          input.retryOf === undefined || input.retryOf === null ? null : toId(input.retryOf),
      },
    });
    return toSuggestion(row);
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

export async function findSuggestion(
  db: Db,
  experimentId: string,
  id: string,
  options: { includeDeleted?: boolean } = {},
): Promise<SuggestionRecord | null> {
  const row = await db.suggestion.findFirst({
    where: {
      id: toId(id),
      experimentId: toId(experimentId),
      ...(options.includeDeleted ? {} : { deleted: false }),
    },
  });
  return row ? toSuggestion(row) : null;
}

export interface SuggestionFilter {
  state: SuggestionState | 'all';
  ids: string[] | null;
}

function suggestionWhere(experimentId: string, filter: SuggestionFilter) {
  return {
    experimentId: toId(experimentId),
    deleted: false,
    ...(filter.state === 'all' ? {} : { state: filter.state }),
    ...(filter.ids ? { id: { in: filter.ids.map(toId) } } : {}),
  } satisfies Prisma.SuggestionWhereInput;
}

export async function listSuggestions(
  db: Db,
  experimentId: string,
  filter: SuggestionFilter,
  page: PageRequest,
): Promise<Page<SuggestionRecord>> {
  const where = suggestionWhere(experimentId, filter);
  const result = await paginate(page, {
    count: () => db.suggestion.count({ where }),
    find: (range, order, take) =>
      db.suggestion.findMany({
        where: { AND: [where, { id: range }] },
        orderBy: { id: order },
        take,
      }),
  });
  return { ...result, data: result.data.map(toSuggestion) };
}

/**
 * Open, undeleted suggestions whose lease (if any) still runs: the points
 * workers are evaluating now, which the optimizer treats as pending.
 */
export async function openSuggestions(db: Db, experimentId: string): Promise<SuggestionRecord[]> {
  const rows = await db.suggestion.findMany({
    where: {
      ...suggestionWhere(experimentId, { state: 'open', ids: null }),
      OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { gt: new Date() } }],
    },
    orderBy: { id: 'asc' },
  });
  return rows.map(toSuggestion);
}

/**
 * Takes the oldest open suggestion whose lease ran out and marks it expired,
 * in one statement, so that two processes never take the same one.
 */
export async function claimExpiredSuggestion(
  db: Db,
  experimentId: string,
): Promise<SuggestionRecord | null> {
  const ids = await db.$queryRaw<Array<{ id: bigint }>>`
    UPDATE suggestions SET state = 'expired', open_key = NULL, updated_at = now()
    WHERE id = (
      SELECT id FROM suggestions
      WHERE experiment_id = ${toId(experimentId)} AND state = 'open' AND NOT deleted
        AND lease_expires_at < now()
      ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  const [claimed] = ids;
  if (!claimed) return null;
  const row = await db.suggestion.findUnique({ where: { id: claimed.id } });
  return row ? toSuggestion(row) : null;
}

/** Extends an open suggestion's lease; null when it is not open. */
export async function renewLease(
  db: Db,
  id: string,
  seconds: number,
): Promise<SuggestionRecord | null> {
  const result = await db.suggestion.updateMany({
    where: { id: toId(id), state: 'open', deleted: false },
    data: { leaseExpiresAt: new Date(Date.now() + seconds * 1000), updatedAt: new Date() },
  });
  if (result.count === 0) return null;
  const row = await db.suggestion.findUnique({ where: { id: toId(id) } });
  return row ? toSuggestion(row) : null;
}

export async function countSuggestions(db: Db, experimentId: string): Promise<number> {
  return db.suggestion.count({ where: { experimentId: toId(experimentId) } });
}

export async function updateSuggestionMetadata(
  db: Db,
  id: string,
  metadata: Metadata | null,
): Promise<SuggestionRecord> {
  const row = await db.suggestion.update({
    where: { id: toId(id) },
    data: { metadata: jsonOrNull(metadata), updatedAt: new Date() },
  });
  return toSuggestion(row);
}

/** Closes every suggestion of the list: observations now cite them. */
export async function closeSuggestions(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.suggestion.updateMany({
    where: { id: { in: ids.map(toId) } },
    data: { state: 'closed', openKey: null, updatedAt: new Date() },
  });
}

/** Soft-deletes suggestions; with `openOnly`, only the open ones. Returns how many. */
export async function deleteSuggestions(
  db: Db,
  experimentId: string,
  options: { id?: string; openOnly: boolean },
): Promise<number> {
  const result = await db.suggestion.updateMany({
    where: {
      experimentId: toId(experimentId),
      deleted: false,
      ...(options.id === undefined ? {} : { id: toId(options.id) }),
      ...(options.openOnly ? { state: 'open' as const } : {}),
    },
    data: { deleted: true, openKey: null, updatedAt: new Date() },
  });
  return result.count;
}

export interface NewQueuedSuggestion {
  experimentId: string;
  assignments: Assignments;
  metadata: Metadata | null;
}

export async function createQueuedSuggestion(
  db: Db,
  input: NewQueuedSuggestion,
): Promise<QueuedSuggestionRecord> {
  const row = await db.queuedSuggestion.create({
    data: {
      experimentId: toId(input.experimentId),
      assignments: input.assignments,
      metadata: jsonOrNull(input.metadata),
    },
  });
  return toQueuedSuggestion(row);
}

const waiting = (experimentId: string) => ({
  experimentId: toId(experimentId),
  consumedAt: null,
  deletedAt: null,
});

export async function findQueuedSuggestion(
  db: Db,
  experimentId: string,
  id: string,
): Promise<QueuedSuggestionRecord | null> {
  const row = await db.queuedSuggestion.findFirst({
    where: { ...waiting(experimentId), id: toId(id) },
  });
  return row ? toQueuedSuggestion(row) : null;
}

export async function listQueuedSuggestions(
  db: Db,
  experimentId: string,
  page: PageRequest,
): Promise<Page<QueuedSuggestionRecord>> {
  const where = waiting(experimentId);
  const result = await paginate(page, {
    count: () => db.queuedSuggestion.count({ where }),
    find: (range, order, take) =>
      db.queuedSuggestion.findMany({
        where: { ...where, id: range },
        orderBy: { id: order },
        take,
      }),
  });
  return { ...result, data: result.data.map(toQueuedSuggestion) };
}

/** Takes the oldest waiting queued suggestion, if any, in one statement. */
export async function takeQueuedSuggestion(
  db: Db,
  experimentId: string,
): Promise<QueuedSuggestionRecord | null> {
  const ids = await db.$queryRaw<Array<{ id: bigint }>>`
    UPDATE queued_suggestions SET consumed_at = now()
    WHERE id = (
      SELECT id FROM queued_suggestions
      WHERE experiment_id = ${toId(experimentId)} AND consumed_at IS NULL AND deleted_at IS NULL
      ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  const [taken] = ids;
  if (!taken) return null;
  const row = await db.queuedSuggestion.findUnique({ where: { id: taken.id } });
  return row ? toQueuedSuggestion(row) : null;
}

export async function deleteQueuedSuggestion(db: Db, id: string): Promise<void> {
  await db.queuedSuggestion.update({ where: { id: toId(id) }, data: { deletedAt: new Date() } });
}
