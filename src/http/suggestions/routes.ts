import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, badRequest } from '../../errors.ts';
import { checkAssignments } from '../../domain/space.ts';
import { lockExperiment, touchExperiment } from '../../store/experiments.ts';
import { StaleExperiment } from '../../service/experiment-cache.ts';
import {
  createQueuedSuggestion,
  createSuggestion,
  deleteQueuedSuggestion,
  deleteSuggestions,
  findQueuedSuggestion,
  findSuggestion,
  listQueuedSuggestions,
  listSuggestions,
  renewLease,
  updateSuggestionMetadata,
} from '../../store/suggestions.ts';
import {
  type AppContext,
  loadChild,
  loadExperiment,
  pageRequest,
  requireActive,
  withExperiment,
} from '../context.ts';
import { deleted, errorBody, errorResponses, pageQuery, pagination, pathId } from '../schemas.ts';
import { pageObject, queuedSuggestionObject, suggestionObject } from '../serialize.ts';
import {
  leaseRenewal,
  queuedSuggestionCreate,
  queuedSuggestionOutput,
  suggestionCreate,
  suggestionDeleteQuery,
  suggestionListQuery,
  suggestionOutput,
  suggestionUpdate,
} from './schemas.ts';

const experimentParams = z.object({ id: pathId });
const suggestionParams = z.object({ id: pathId, suggestion: pathId });
const queuedParams = z.object({ id: pathId, queued: pathId });

export const suggestionRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { prisma } = context;
  const tags = ['suggestions'];

  app.post(
    '/experiments/:id/suggestions',
    {
      schema: {
        tags,
        summary: 'Create a suggestion: the optimizer’s next point, or one the user chose',
        params: experimentParams,
        body: suggestionCreate,
        response: { 200: suggestionOutput, ...errorResponses },
      },
    },
    async (request) =>
      withExperiment(context.experiments, request, request.params.id, async (experiment) => {
        requireActive(experiment);
        const { assignments, metadata } = request.body;
        if (assignments === undefined) {
          const suggestion = await context.suggestions.next(experiment);
          const withMetadata =
            metadata === undefined || metadata === null
              ? suggestion
              : await updateSuggestionMetadata(prisma, suggestion.id, metadata);
          return suggestionObject(experiment, withMetadata);
        }
        const checked = checkAssignments(experiment.parameters, assignments, {
          field: 'assignments',
          strict: true,
        });
        // A point the user chose may repeat an open one: it carries no open key.
        // Checked against the kept definition, it is written only if that is still
        // the stored one; otherwise the request runs again on the new definition.
        const made = await createSuggestion(context.sql, {
          experimentId: experiment.id,
          assignments: checked,
          metadata: metadata ?? null,
          source: 'user',
          leaseSeconds: experiment.leaseSeconds,
          revision: experiment.revision,
        });
        if (!made.current) throw new StaleExperiment(experiment.id);
        if (!made.suggestion) throw new Error('a suggestion without an open key was refused');
        return suggestionObject(experiment, made.suggestion);
      }),
  );

  app.post(
    '/experiments/:id/suggestions/:suggestion/lease',
    {
      schema: {
        tags,
        summary: 'Renew the lease of an open suggestion while its training runs',
        description:
          'Only for experiments with suggestion_lease_seconds. A suggestion whose lease runs out ' +
          'stops counting as pending and its point is offered to the next worker that asks; a ' +
          'late observation is still kept and closes it.',
        params: suggestionParams,
        body: leaseRenewal,
        response: { 200: suggestionOutput, ...errorResponses, 409: errorBody },
      },
    },
    async (request) => {
      const { experiment, suggestion } = await loadSuggestion(request, request.params);
      if (experiment.leaseSeconds === null) {
        throw badRequest(
          `Experiment ${experiment.id} has no suggestion_lease_seconds; set it with PUT to use leases.`,
        );
      }
      const seconds = request.body.seconds ?? experiment.leaseSeconds;
      const renewed = await renewLease(prisma, suggestion.id, seconds);
      if (!renewed) {
        throw new ApiError(
          'conflict',
          `Suggestion ${suggestion.id} is ${suggestion.state}: its lease cannot be renewed. ` +
            'Report the result anyway; the observation is kept.',
        );
      }
      return suggestionObject(experiment, renewed);
    },
  );

  app.get(
    '/experiments/:id/suggestions',
    {
      schema: {
        tags,
        summary: 'List suggestions, newest first',
        params: experimentParams,
        querystring: suggestionListQuery,
        response: { 200: pagination(suggestionOutput, 'Suggestion'), ...errorResponses },
      },
    },
    async (request) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      const { query } = request;
      const filter = { state: query.state, ids: query.id ?? null };
      const page = await listSuggestions(prisma, experiment.id, filter, pageRequest(query));
      return pageObject(page, (suggestion) => suggestionObject(experiment, suggestion));
    },
  );

  const loadSuggestion = async (
    request: Parameters<typeof loadExperiment>[1],
    params: z.infer<typeof suggestionParams>,
  ) => {
    const ids = { experiment: params.id, child: params.suggestion };
    const found = await loadChild(prisma, request, ids, {
      what: 'suggestion',
      find: findSuggestion,
    });
    return { experiment: found.experiment, suggestion: found.child };
  };

  app.get(
    '/experiments/:id/suggestions/:suggestion',
    {
      schema: {
        tags,
        summary: 'Fetch a suggestion',
        params: suggestionParams,
        response: { 200: suggestionOutput, ...errorResponses },
      },
    },
    async (request) => {
      const { experiment, suggestion } = await loadSuggestion(request, request.params);
      return suggestionObject(experiment, suggestion);
    },
  );

  app.put(
    '/experiments/:id/suggestions/:suggestion',
    {
      schema: {
        tags,
        summary: 'Change a suggestion’s metadata',
        params: suggestionParams,
        body: suggestionUpdate,
        response: { 200: suggestionOutput, ...errorResponses },
      },
    },
    async (request) => {
      const { experiment, suggestion } = await loadSuggestion(request, request.params);
      if (request.body.metadata === undefined) return suggestionObject(experiment, suggestion);
      const updated = await updateSuggestionMetadata(prisma, suggestion.id, request.body.metadata);
      return suggestionObject(experiment, updated);
    },
  );

  app.delete(
    '/experiments/:id/suggestions/:suggestion',
    {
      schema: {
        tags,
        summary: 'Delete a suggestion',
        params: suggestionParams,
        querystring: suggestionDeleteQuery,
        response: { 200: deleted, ...errorResponses },
      },
    },
    async (request) => {
      const { experiment, suggestion } = await loadSuggestion(request, request.params);
      await deleteSuggestions(prisma, experiment.id, { id: suggestion.id, openOnly: false });
      return {};
    },
  );

  app.delete(
    '/experiments/:id/suggestions',
    {
      schema: {
        tags,
        summary: 'Delete suggestions: with state=open, every open one; without, all',
        params: experimentParams,
        querystring: suggestionDeleteQuery,
        response: { 200: deleted, ...errorResponses },
      },
    },
    async (request) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      await prisma.$transaction(async (tx) => {
        await lockExperiment(tx, experiment.id);
        await deleteSuggestions(tx, experiment.id, { openOnly: request.query.state === 'open' });
        await touchExperiment(tx, experiment.id);
      });
      return {};
    },
  );

  const queuedTags = ['queued suggestions'];

  app.post(
    '/experiments/:id/queued_suggestions',
    {
      schema: {
        tags: queuedTags,
        summary: 'Queue a point to be suggested before the optimizer’s',
        params: experimentParams,
        body: queuedSuggestionCreate,
        response: { 200: queuedSuggestionOutput, ...errorResponses },
      },
    },
    async (request) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      requireActive(experiment);
      const assignments = checkAssignments(experiment.parameters, request.body.assignments, {
        field: 'assignments',
        strict: true,
      });
      const queued = await createQueuedSuggestion(prisma, {
        experimentId: experiment.id,
        assignments,
        metadata: request.body.metadata ?? null,
      });
      return queuedSuggestionObject(experiment, queued);
    },
  );

  app.get(
    '/experiments/:id/queued_suggestions',
    {
      schema: {
        tags: queuedTags,
        summary: 'List waiting queued suggestions, newest first',
        params: experimentParams,
        querystring: z.object(pageQuery),
        response: {
          200: pagination(queuedSuggestionOutput, 'QueuedSuggestion'),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const experiment = await loadExperiment(prisma, request, request.params.id);
      const page = await listQueuedSuggestions(prisma, experiment.id, pageRequest(request.query));
      return pageObject(page, (queued) => queuedSuggestionObject(experiment, queued));
    },
  );

  const loadQueued = async (
    request: Parameters<typeof loadExperiment>[1],
    params: z.infer<typeof queuedParams>,
  ) => {
    const ids = { experiment: params.id, child: params.queued };
    const child = { what: 'queued suggestion', find: findQueuedSuggestion };
    const found = await loadChild(prisma, request, ids, child);
    return { experiment: found.experiment, queued: found.child };
  };

  app.get(
    '/experiments/:id/queued_suggestions/:queued',
    {
      schema: {
        tags: queuedTags,
        summary: 'Fetch a queued suggestion',
        params: queuedParams,
        response: { 200: queuedSuggestionOutput, ...errorResponses },
      },
    },
    async (request) => {
      const { experiment, queued } = await loadQueued(request, request.params);
      return queuedSuggestionObject(experiment, queued);
    },
  );

  app.delete(
    '/experiments/:id/queued_suggestions/:queued',
    {
      schema: {
        tags: queuedTags,
        summary: 'Delete a queued suggestion',
        params: queuedParams,
        response: { 200: deleted, ...errorResponses },
      },
    },
    async (request) => {
      const { queued } = await loadQueued(request, request.params);
      await deleteQueuedSuggestion(prisma, queued.id);
      return {};
    },
  );
};
