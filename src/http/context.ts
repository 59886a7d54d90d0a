import type { FastifyRequest } from 'fastify';
import { ApiError, notFound } from '../errors.ts';
import type { ExperimentDef } from '../domain/types.ts';
import { findExperiment } from '../store/experiments.ts';
import { bestObservations, optimizedMetrics } from '../domain/best.ts';
import {
  bestObservationOf,
  countObservations,
  observationEnds,
  readObservations,
} from '../store/observations.ts';
import type { PageRequest } from '../store/pagination.ts';
import type { Db, PrismaClient } from '../store/prisma.ts';
import { type ExperimentCache, StaleExperiment } from '../service/experiment-cache.ts';
import type { SuggestionService } from '../service/suggestions.ts';
import { requireAuth, type TokenCache } from './auth.ts';
import type { ObservationWriter } from '../store/observation-writer.ts';
import type { Sql } from '../store/sql.ts';
import { idPattern } from './schemas.ts';
import type { ProgressFacts } from './serialize.ts';

// What every resource's routes share: the database, the suggestion service,
// and the lookups that scope an id to the calling token's client.

export interface AppContext {
  prisma: PrismaClient;
  sql: Sql;
  /** Writes single observations, those of one experiment arriving together in one statement. */
  observations: ObservationWriter;
  suggestions: SuggestionService;
  tokens: TokenCache;
  experiments: ExperimentCache;
}

/** A path id that is not a string of digits names nothing: 404, like a missing object. */
export function pathIdOf(value: string, what: string): string {
  if (!idPattern.test(value)) throw notFound(what, value);
  return value.replace(/^0+(?=\d)/, '');
}

export async function loadExperiment(
  db: Db,
  request: FastifyRequest,
  rawId: string,
): Promise<ExperimentDef> {
  const auth = requireAuth(request);
  const id = pathIdOf(rawId, 'experiment');
  const experiment = await findExperiment(db, auth.client.id, id);
  if (!experiment) throw notFound('experiment', rawId);
  return experiment;
}

/** Attempts of a write from a kept definition before the request gives up. */
const staleRounds = 3;

/**
 * Runs `work` on the caller's experiment as kept in memory, for the routes
 * every worker calls. When another process changed the experiment meanwhile,
 * the write inside `work` refuses (StaleExperiment), and `work` runs again on
 * the stored definition, checking the request's input anew.
 */
export async function withExperiment<T>(
  experiments: ExperimentCache,
  request: FastifyRequest,
  rawId: string,
  work: (experiment: ExperimentDef) => Promise<T>,
): Promise<T> {
  const auth = requireAuth(request);
  const id = pathIdOf(rawId, 'experiment');
  for (let round = 0; ; round++) {
    const experiment = round === 0 ? await experiments.get(id) : await experiments.reload(id);
    if (!experiment || experiment.clientId !== auth.client.id) throw notFound('experiment', rawId);
    try {
      return await work(experiment);
    } catch (error) {
      if (!(error instanceof StaleExperiment)) throw error;
      if (round + 1 >= staleRounds) {
        throw new ApiError('conflict', `Experiment ${id} keeps changing; retry the request.`, {
          'retry-after': '1',
        });
      }
    }
  }
}

/** The experiment and one of its objects by path ids; a missing or foreign one answers 404. */
export async function loadChild<T>(
  db: Db,
  request: FastifyRequest,
  ids: { experiment: string; child: string },
  child: { what: string; find: (db: Db, experimentId: string, id: string) => Promise<T | null> },
): Promise<{ experiment: ExperimentDef; child: T }> {
  const experiment = await loadExperiment(db, request, ids.experiment);
  const found = await child.find(db, experiment.id, pathIdOf(ids.child, child.what));
  if (found === null) throw notFound(child.what, ids.child);
  return { experiment, child: found };
}

/** Writes go to active experiments only; a deleted one must be revived first. */
export function requireActive(experiment: ExperimentDef): void {
  if (experiment.state === 'deleted') {
    throw new ApiError(
      'bad_request',
      `Experiment ${experiment.id} is deleted; revive it with PUT {"state": "active"} first.`,
    );
  }
}

export function pageRequest(query: {
  limit: number;
  before?: string | undefined;
  after?: string | undefined;
}): PageRequest {
  return { limit: query.limit, before: query.before ?? null, after: query.after ?? null };
}

/**
 * An experiment's progress. With one optimized metric and no thresholds the
 * best observation is one indexed query; otherwise feasibility needs every
 * observation's values.
 */
export async function progressFacts(
  { prisma: db, sql }: Pick<AppContext, 'prisma' | 'sql'>,
  experiment: ExperimentDef,
): Promise<ProgressFacts> {
  const [count, ends] = await Promise.all([
    countObservations(db, experiment.id),
    observationEnds(db, experiment.id),
  ]);
  const optimized = optimizedMetrics(experiment.metrics);
  const [only] = optimized;
  if (optimized.length !== 1 || !only || count === 0) return { count, ...ends, best: null };
  const plain = experiment.metrics.every((metric) => metric.threshold === null);
  const best = plain
    ? await bestObservationOf(db, experiment.id, only)
    : (bestObservations(await readObservations(sql, experiment.id), experiment.metrics)[0] ?? null);
  return { count, ...ends, best };
}
