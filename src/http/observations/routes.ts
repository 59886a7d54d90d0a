import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../../errors.ts';
import { bestObservations } from '../../domain/best.ts';
import type { ExperimentDef, ObservationRecord } from '../../domain/types.ts';
import { StaleExperiment } from '../../service/experiment-cache.ts';
import { lockExperiment, touchExperiment } from '../../store/experiments.ts';
import {
  deleteObservations,
  insertObservations,
  findObservation,
  listObservations,
  readObservations,
  replaceObservation,
  type NewObservation,
} from '../../store/observations.ts';
import type { ObservationWriter } from '../../store/observation-writer.ts';
import type { Sql } from '../../store/sql.ts';
import { closeSuggestions, findSuggestion } from '../../store/suggestions.ts';
import {
  type AppContext,
  loadChild,
  loadExperiment,
  pageRequest,
  requireActive,
  withExperiment,
} from '../context.ts';
import { observationOutput } from '../experiments/schemas.ts';
import { storeAnswer } from '../idempotency.ts';
import { deleted, errorResponses, pageQuery, pagination, pathId } from '../schemas.ts';
import { bestAssignmentsObject, observationObject, pageObject } from '../serialize.ts';
import { missingSuggestion, newObservation, updatedObservation } from './input.ts';
import {
  bestAssignmentsOutput,
  observationBatch,
  observationCreate,
  observationDeleteQuery,
  observationUpdate,
} from './schemas.ts';

const experimentParams = z.object({ id: pathId });
const observationParams = z.object({ id: pathId, observation: pathId });
const observationPage = pagination(observationOutput, 'Observation');

/**
 * Stores observations and closes their suggestions: one statement (a single
 * report shares it with the reports of the experiment that arrive with it), or
 * with an Idempotency-Key one transaction that also stores the answer. No
 * experiment lock: observations of one experiment commit side by side.
 */
async function record<T>(
  db: { sql: Sql; writer: ObservationWriter },
  reply: FastifyReply,
  write: { experiment: ExperimentDef; inputs: NewObservation[]; fields: (index: number) => string },
  answer: (created: ObservationRecord[]) => T,
): Promise<T> {
  const { experiment, inputs } = write;
  const [single] = inputs;
  if (!reply.request.idempotency && inputs.length === 1 && single) {
    const outcome = await db.writer.write(experiment, single);
    switch (outcome.kind) {
      case 'stale':
        throw new StaleExperiment(experiment.id);
      case 'missing':
        throw missingSuggestion(experiment.id, single.suggestionId ?? '', write.fields(0));
      case 'written':
        return answer([outcome.observation]);
    }
  }
  const insert = async (db: Sql) => {
    const outcome = await insertObservations(db, experiment, inputs);
    switch (outcome.kind) {
      case 'stale':
        throw new StaleExperiment(experiment.id);
      case 'missing': {
        const cited = inputs[outcome.index]?.suggestionId ?? '';
        throw missingSuggestion(experiment.id, cited, write.fields(outcome.index));
      }
      case 'written':
        return answer(outcome.observations);
    }
  };
  if (!reply.request.idempotency) return insert(db.sql);
  return db.sql.transaction(async (tx) => storeAnswer(tx, reply, await insert(tx)));
}

export const observationRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { prisma, sql, experiments } = context;
  const tags = ['observations'];
  const lookup = (experiment: ExperimentDef) => (id: string) =>
    findSuggestion(prisma, experiment.id, id, { includeDeleted: true });

  // After every successful write the optimizer's pool is recomputed.
  app.addHook('onSend', async (request, reply, payload) => {
    const { id } = request.params as { id?: string };
    if (request.method === 'GET' || reply.statusCode >= 300 || id === undefined) return payload;
    context.suggestions.observationsChanged(id);
    return payload;
  });

  app.post(
    '/experiments/:id/observations',
    {
      schema: {
        tags,
        summary: 'Report a result',
        params: experimentParams,
        body: observationCreate,
        response: { 200: observationOutput, ...errorResponses },
      },
    },
    async (request, reply) =>
      withExperiment(experiments, request, request.params.id, async (experiment) => {
        requireActive(experiment);
        const input = newObservation(experiment, request.body);
        const write = { experiment, inputs: [input], fields: () => '' };
        return record({ sql, writer: context.observations }, reply, write, ([created]) => {
          if (!created) throw new Error('the observation was not stored');
          return observationObject(experiment, created);
        });
      }),
  );

  app.post(
    '/experiments/:id/observations/batch',
    {
      schema: {
        tags,
        summary: 'Report up to 2500 results, all or nothing',
        params: experimentParams,
        body: observationBatch,
        response: { 200: observationPage, ...errorResponses },
      },
    },
    async (request, reply) =>
      withExperiment(experiments, request, request.params.id, async (experiment) => {
        requireActive(experiment);
        const field = (index: number) => `observations[${index}]`;
        const inputs = request.body.observations.map((body, index) =>
          newObservation(experiment, body, field(index)),
        );
        return record(
          { sql, writer: context.observations },
          reply,
          { experiment, inputs, fields: field },
          (created) => ({
            object: 'pagination' as const,
            count: created.length,
            data: created.map((observation) => observationObject(experiment, observation)),
            paging: { before: null, after: null },
          }),
        );
      }),
  );

  app.get(
    '/experiments/:id/observations',
    {
      schema: {
        tags,
        summary: 'List observations, newest first',
        params: experimentParams,
        querystring: z.object(pageQuery),
        response: { 200: observationPage, ...errorResponses },
      },
    },
    async (request) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      const page = await listObservations(prisma, experiment.id, pageRequest(request.query));
      return pageObject(page, (observation) => observationObject(experiment, observation));
    },
  );

  const loadObservation = async (
    request: Parameters<typeof loadExperiment>[1],
    params: z.infer<typeof observationParams>,
  ) => {
    const ids = { experiment: params.id, child: params.observation };
    const found = await loadChild(prisma, request, ids, {
      what: 'observation',
      find: findObservation,
    });
    return { experiment: found.experiment, observation: found.child };
  };

  app.get(
    '/experiments/:id/observations/:observation',
    {
      schema: {
        tags,
        summary: 'Fetch an observation',
        params: observationParams,
        response: { 200: observationOutput, ...errorResponses },
      },
    },
    async (request) => {
      const { experiment, observation } = await loadObservation(request, request.params);
      return observationObject(experiment, observation);
    },
  );

  app.put(
    '/experiments/:id/observations/:observation',
    {
      schema: {
        tags,
        summary: 'Change the given fields of an observation',
        params: observationParams,
        body: observationUpdate,
        response: { 200: observationOutput, ...errorResponses },
      },
    },
    async (request) => {
      const { experiment, observation } = await loadObservation(request, request.params);
      const changed = await updatedObservation(
        experiment,
        observation,
        request.body,
        lookup(experiment),
      );
      const updated = await prisma.$transaction(async (tx) => {
        if ((await lockExperiment(tx, experiment.id)) !== experiment.revision) {
          // Its parameters or metrics changed after the observation was checked against them.
          throw new ApiError(
            'conflict',
            `Experiment ${experiment.id} changed while the observation was checked; retry the request.`,
            { 'retry-after': '1' },
          );
        }
        const result = await replaceObservation(tx, changed);
        if (changed.suggestionId !== null) await closeSuggestions(tx, [changed.suggestionId]);
        await touchExperiment(tx, experiment.id);
        return result;
      });
      return observationObject(experiment, updated);
    },
  );

  app.delete(
    '/experiments/:id/observations/:observation',
    {
      schema: {
        tags,
        summary: 'Delete an observation',
        params: observationParams,
        querystring: observationDeleteQuery,
        response: { 200: deleted, ...errorResponses },
      },
    },
    async (request) => {
      const { experiment, observation } = await loadObservation(request, request.params);
      await prisma.$transaction(async (tx) => {
        await lockExperiment(tx, experiment.id);
        await deleteObservations(tx, experiment.id, observation.id);
        await touchExperiment(tx, experiment.id);
      });
      return {};
    },
  );

  app.delete(
    '/experiments/:id/observations',
    {
      schema: {
        tags,
        summary: 'Delete every observation of the experiment',
        params: experimentParams,
        querystring: observationDeleteQuery,
        response: { 200: deleted, ...errorResponses },
      },
    },
    async (request) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      await prisma.$transaction(async (tx) => {
        await lockExperiment(tx, experiment.id);
        await deleteObservations(tx, experiment.id);
        await touchExperiment(tx, experiment.id);
      });
      return {};
    },
  );

  app.get(
    '/experiments/:id/best_assignments',
    {
      schema: {
        tags: ['best assignments'],
        summary: 'The best observation, or the Pareto front for two optimized metrics',
        params: experimentParams,
        querystring: z.object(pageQuery),
        response: { 200: pagination(bestAssignmentsOutput, 'BestAssignments'), ...errorResponses },
      },
    },
    async (request) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      const best = bestObservations(await readObservations(sql, experiment.id), experiment.metrics);
      const data = best.slice(0, request.query.limit);
      return {
        object: 'pagination' as const,
        count: best.length,
        data: data.map((observation) => bestAssignmentsObject(experiment, observation)),
        paging: { before: null, after: null },
      };
    },
  );
};
