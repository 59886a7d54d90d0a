import type { Assignments, Metadata, MetricValue, ObservationRecord } from '../domain/types.ts';
import { toObservation } from './convert.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import { type Db, jsonOrNull, toId } from './prisma.ts';

export interface NewObservation {
  experimentId: string;
  suggestionId: string | null;
  assignments: Assignments;
  failed: boolean;
  metadata: Metadata | null;
  values: MetricValue[];
}

const withValues = { values: true } as const;

const valueRows = (values: MetricValue[]) =>
  values.map((value) => ({
    metricId: toId(value.metricId),
    value: value.value,
    valueStddev: value.valueStddev,
  }));

const observationRow = (input: NewObservation) => ({
  experimentId: toId(input.experimentId),
  suggestionId: input.suggestionId === null ? null : toId(input.suggestionId),
  assignments: input.assignments,
  failed: input.failed,
  metadata: jsonOrNull(input.metadata),
});

export async function createObservation(db: Db, input: NewObservation): Promise<ObservationRecord> {
  const row = await db.observation.create({
    data: { ...observationRow(input), values: { create: valueRows(input.values) } },
    include: withValues,
  });
  return toObservation(row);
}

/**
 * Stores many observations with three statements instead of three per
 * observation, so a batch of 2500 fits in its transaction. One INSERT takes
 * its ids from the sequence row by row, so sorting the rows by id restores
 * the order of the inputs.
 */
export async function createObservations(
  db: Db,
  inputs: NewObservation[],
): Promise<ObservationRecord[]> {
  const rows = await db.observation.createManyAndReturn({ data: inputs.map(observationRow) });
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const values = rows.map((row, index) =>
    valueRows(inputs[index]?.values ?? []).map((value) => ({ ...value, observationId: row.id })),
  );
  await db.observationValue.createMany({ data: values.flat() });
  return rows.map((row, index) => toObservation({ ...row, values: values[index] ?? [] }));
}

const live = (experimentId: string) => ({ experimentId: toId(experimentId), deletedAt: null });

export async function findObservation(
  db: Db,
  experimentId: string,
  id: string,
): Promise<ObservationRecord | null> {
  const row = await db.observation.findFirst({
    where: { ...live(experimentId), id: toId(id) },
    include: withValues,
  });
  return row ? toObservation(row) : null;
}

export async function listObservations(
  db: Db,
  experimentId: string,
  page: PageRequest,
): Promise<Page<ObservationRecord>> {
  const where = live(experimentId);
  const result = await paginate(page, {
    count: () => db.observation.count({ where }),
    find: (range, order, take) =>
      db.observation.findMany({
        where: { ...where, id: range },
        orderBy: { id: order },
        take,
        include: withValues,
      }),
  });
  return { ...result, data: result.data.map(toObservation) };
}

/** Every live observation of the experiment, oldest first. */
export async function allObservations(db: Db, experimentId: string): Promise<ObservationRecord[]> {
  const rows = await db.observation.findMany({
    where: live(experimentId),
    orderBy: { id: 'asc' },
    include: withValues,
  });
  return rows.map(toObservation);
}

/** The first and the last live observation, for an experiment's progress. */
export async function observationEnds(db: Db, experimentId: string) {
  const where = live(experimentId);
  const [first, last] = await Promise.all([
    db.observation.findFirst({ where, orderBy: { id: 'asc' }, include: withValues }),
    db.observation.findFirst({ where, orderBy: { id: 'desc' }, include: withValues }),
  ]);
  return { first: first ? toObservation(first) : null, last: last ? toObservation(last) : null };
}

/** The successful observation with the best value of one metric; ties go to the earliest. */
export async function bestObservationOf(
  db: Db,
  experimentId: string,
  metric: { id: string; objective: 'maximize' | 'minimize' },
): Promise<ObservationRecord | null> {
  const row = await db.observationValue.findFirst({
    where: { metricId: toId(metric.id), observation: { ...live(experimentId), failed: false } },
    orderBy: [
      { value: metric.objective === 'maximize' ? 'desc' : 'asc' },
      { observationId: 'asc' },
    ],
    include: { observation: { include: withValues } },
  });
  return row ? toObservation(row.observation) : null;
}

export async function countObservations(db: Db, experimentId: string): Promise<number> {
  return db.observation.count({ where: live(experimentId) });
}

export async function replaceObservation(
  db: Db,
  observation: ObservationRecord,
): Promise<ObservationRecord> {
  const id = toId(observation.id);
  await db.observationValue.deleteMany({ where: { observationId: id } });
  const row = await db.observation.update({
    where: { id },
    data: {
      suggestionId: observation.suggestionId === null ? null : toId(observation.suggestionId),
      assignments: observation.assignments,
      failed: observation.failed,
      metadata: jsonOrNull(observation.metadata),
      updatedAt: new Date(),
      values: { create: valueRows(observation.values) },
    },
    include: withValues,
  });
  return toObservation(row);
}

/** Soft-deletes one observation, or all of the experiment's when no id is given. */
export async function deleteObservations(
  db: Db,
  experimentId: string,
  id?: string,
): Promise<number> {
  const result = await db.observation.updateMany({
    where: { ...live(experimentId), ...(id === undefined ? {} : { id: toId(id) }) },
    data: { deletedAt: new Date() },
  });
  return result.count;
}
