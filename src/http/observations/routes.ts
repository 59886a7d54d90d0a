import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bestObservations } from '../../domain/best.ts';
import type { ExperimentDef } from '../../domain/types.ts';
import { lockExperiment, touchExperiment } from '../../store/experiments.ts';
import {
  allObservations,
  createObservations,
  deleteObservations,
  findObservation,
  listObservations,
  replaceObservation,
  type NewObservation,
} from '../../store/observations.ts';
import type { Db } from '../../store/prisma.ts';
import { closeSuggestions, findSuggestion } from '../../store/suggestions.ts';
import {
  type AppContext,
  loadChild,
  loadExperiment,
  pageRequest,
  requireActive,
} from '../context.ts';
import { observationOutput } from '../experiments/schemas.ts';
import { storeAnswer } from '../idempotency.ts';
import { deleted, errorResponses, pageQuery, pagination, pathId } from '../schemas.ts';
import { bestAssignmentsObject, observationObject, pageObject } from '../serialize.ts';
import { newObservation, updatedObservation } from './input.ts';
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
 * Stores observations and closes their suggestions in one transaction. No
 * experiment lock: observations of one experiment commit side by side, and
 * `updated` moves after the commit (see the plugin's onSend hook).
 */
async function record(db: Db, experiment: ExperimentDef, inputs: NewObservation[]) {
  const created = await createObservations(db, inputs);
  await closeSuggestions(
    db,
    inputs.flatMap((input) => (input.suggestionId === null ? [] : [input.suggestionId])),
  );
  return created;
}

export const observationRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { prisma } = context;
  const tags = ['observations'];
  const lookup = (experiment: ExperimentDef) => (id: string) =>
    findSuggestion(prisma, experiment.id, id, { includeDeleted: true });

  // After every successful write: `updated` moves, and the optimizer's pool is recomputed.
  app.addHook('onSend', async (request, reply, payload) => {
    const { id } = request.params as { id?: string };
    if (request.method === 'GET' || reply.statusCode >= 300 || id === undefined) return payload;
    try {
      await touchExperiment(prisma, id);
    } catch (error) {
      // The write itself has committed (with its idempotency answer): failing
      // now would turn a kept observation into an error that invites a retry.
      request.log.warn({ err: error, experiment: id }, 'could not move the experiment time');
    }
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
    async (request, reply) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      requireActive(experiment);
      const input = await newObservation(experiment, request.body, lookup(experiment));
      // An Idempotency-Key's answer commits with the observation.
      return prisma.$transaction(async (tx) => {
        const [created] = await record(tx, experiment, [input]);
        if (!created) throw new Error('the observation was not stored');
        return storeAnswer(tx, reply, observationObject(experiment, created));
      });
    },
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
    async (request, reply) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      requireActive(experiment);
      const find = lookup(experiment);
      const inputs: NewObservation[] = [];
      for (const [index, body] of request.body.observations.entries()) {
        inputs.push(await newObservation(experiment, body, find, `observations[${index}]`));
      }
      return prisma.$transaction(
        async (tx) => {
          const created = await record(tx, experiment, inputs);
          return storeAnswer(tx, reply, {
            object: 'pagination' as const,
            count: created.length,
            data: created.map((observation) => observationObject(experiment, observation)),
            paging: { before: null, after: null },
          });
        },
        { timeout: 60_000 },
      );
    },
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
        await lockExperiment(tx, experiment.id);
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
      const best = bestObservations(
        await allObservations(prisma, experiment.id),
        experiment.metrics,
      );
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
