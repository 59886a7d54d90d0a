import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import {
  createExperiment,
  listExperiments,
  updateExperiment,
  lockExperiment,
} from '../../store/experiments.ts';
import { requireAuth } from '../auth.ts';
import {
  type AppContext,
  loadExperiment,
  pageRequest,
  pathIdOf,
  progressFacts,
} from '../context.ts';
import { deleted, errorResponses, pagination, pathId } from '../schemas.ts';
import { experimentObject } from '../serialize.ts';
import { experimentPatch, newExperiment } from './input.ts';
import {
  experimentCreate,
  experimentListQuery,
  experimentOutput,
  experimentUpdate,
} from './schemas.ts';

const tags = ['experiments'];
const experimentParams = z.object({ id: pathId });
const clientParams = z.object({ client: pathId });
const experimentPage = pagination(experimentOutput, 'Experiment');

export const experimentRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { prisma } = context;

  const show = async (id: string, request: Parameters<typeof requireAuth>[0]) => {
    const experiment = await loadExperiment(prisma, request, id);
    return experimentObject(experiment, await progressFacts(context, experiment));
  };

  const create = async (
    body: z.infer<typeof experimentCreate>,
    request: Parameters<typeof requireAuth>[0],
  ) => {
    const auth = requireAuth(request);
    const experiment = await createExperiment(prisma, newExperiment(body, auth));
    context.suggestions.prepare(experiment.id);
    return experimentObject(experiment, { count: 0, first: null, last: null, best: null });
  };

  const list = async (
    query: z.infer<typeof experimentListQuery>,
    request: Parameters<typeof requireAuth>[0],
  ) => {
    const auth = requireAuth(request);
    const filter = { state: query.state, search: query.search ?? null };
    const page = await listExperiments(prisma, auth.client.id, filter, pageRequest(query));
    const data = [];
    for (const experiment of page.data) {
      data.push(experimentObject(experiment, await progressFacts(context, experiment)));
    }
    return {
      object: 'pagination' as const,
      count: page.count,
      data,
      paging: { before: page.before, after: page.after },
    };
  };

  const checkClient = (request: Parameters<typeof requireAuth>[0], client: string) => {
    if (requireAuth(request).client.id !== client) throw notFound('client', client);
  };

  app.post(
    '/experiments',
    {
      schema: {
        tags,
        summary: 'Create an experiment',
        body: experimentCreate,
        response: { 200: experimentOutput, ...errorResponses },
      },
    },
    async (request) => create(request.body, request),
  );

  app.get(
    '/experiments',
    {
      schema: {
        tags,
        summary: 'List experiments, newest first',
        querystring: experimentListQuery,
        response: { 200: experimentPage, ...errorResponses },
      },
    },
    async (request) => list(request.query, request),
  );

  app.post(
    '/clients/:client/experiments',
    {
      schema: {
        tags,
        summary: "Create an experiment for the token's client",
        params: clientParams,
        body: experimentCreate,
        response: { 200: experimentOutput, ...errorResponses },
      },
    },
    async (request) => {
      checkClient(request, request.params.client);
      return create(request.body, request);
    },
  );

  app.get(
    '/clients/:client/experiments',
    {
      schema: {
        tags,
        summary: "List the token's client's experiments",
        params: clientParams,
        querystring: experimentListQuery,
        response: { 200: experimentPage, ...errorResponses },
      },
    },
    async (request) => {
      checkClient(request, request.params.client);
      return list(request.query, request);
    },
  );

  app.get(
    '/experiments/:id',
    {
      schema: {
        tags,
        summary: 'Fetch an experiment with its progress',
        params: experimentParams,
        response: { 200: experimentOutput, ...errorResponses },
      },
    },
    async (request) => show(request.params.id, request),
  );

  app.put(
    '/experiments/:id',
    {
      schema: {
        tags,
        summary: 'Change the named fields of an experiment',
        params: experimentParams,
        body: experimentUpdate,
        response: { 200: experimentOutput, ...errorResponses },
      },
    },
    async (request) => {
      const changed = await prisma.$transaction(async (tx) => {
        // Locked before it is read: the patch is checked against the definition it replaces.
        await lockExperiment(tx, pathIdOf(request.params.id, 'experiment'));
        const experiment = await loadExperiment(tx, request, request.params.id);
        await updateExperiment(tx, experiment, experimentPatch(experiment, request.body));
        return experiment.id;
      });
      context.experiments.forget(changed);
      return show(request.params.id, request);
    },
  );

  app.delete(
    '/experiments/:id',
    {
      schema: {
        tags,
        summary: 'Delete an experiment (soft: a PUT with state "active" revives it)',
        params: experimentParams,
        response: { 200: deleted, ...errorResponses },
      },
    },
    async (request) => {
      const gone = await prisma.$transaction(async (tx) => {
        await lockExperiment(tx, pathIdOf(request.params.id, 'experiment'));
        const experiment = await loadExperiment(tx, request, request.params.id);
        await updateExperiment(tx, experiment, { state: 'deleted' });
        return experiment.id;
      });
      context.experiments.forget(gone);
      return {};
    },
  );
};
