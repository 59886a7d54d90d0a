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

export type SuggestionSource = 'optimizer' | 'random' | 'grid' | 'queued' | 'user';

export interface NewSuggestion {
  experimentId: string;
  assignments: Assignments;
  metadata: Metadata | null;
  source: SuggestionSource;
}

export async function createSuggestion(db: Db, input: NewSuggestion): Promise<SuggestionRecord> {
  const row = await db.suggestion.create({
    data: {
      experimentId: toId(input.experimentId),
      assignments: input.assignments,
      metadata: jsonOrNull(input.metadata),
      source: input.source,
    },
  });
  return toSuggestion(row);
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

/** Open, undeleted suggestions: the points workers are evaluating now. */
export async function openSuggestions(db: Db, experimentId: string): Promise<SuggestionRecord[]> {
  const rows = await db.suggestion.findMany({
    where: suggestionWhere(experimentId, { state: 'open', ids: null }),
    orderBy: { id: 'asc' },
  });
  return rows.map(toSuggestion);
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

export async function closeSuggestion(db: Db, id: string): Promise<void> {
  await db.suggestion.update({
    where: { id: toId(id) },
    data: { state: 'closed', updatedAt: new Date() },
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
    data: { deleted: true, updatedAt: new Date() },
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

/** Takes the oldest waiting queued suggestion, if any; the caller holds the experiment's lock. */
export async function takeQueuedSuggestion(
  db: Db,
  experimentId: string,
): Promise<QueuedSuggestionRecord | null> {
  const row = await db.queuedSuggestion.findFirst({
    where: waiting(experimentId),
    orderBy: { id: 'asc' },
  });
  if (!row) return null;
  await db.queuedSuggestion.update({ where: { id: row.id }, data: { consumedAt: new Date() } });
  return toQueuedSuggestion(row);
}

export async function deleteQueuedSuggestion(db: Db, id: string): Promise<void> {
  await db.queuedSuggestion.update({ where: { id: toId(id) }, data: { deletedAt: new Date() } });
}
