import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { ApiError } from './errors.ts';
import { registerAuth, TokenCache } from './http/auth.ts';
import { registerBodyParser } from './http/body.ts';
import type { AppContext } from './http/context.ts';
import { registerErrorHandler, sendError } from './http/error-handler.ts';
import { experimentRoutes } from './http/experiments/routes.ts';
import { type IdempotencyOptions, registerIdempotency } from './http/idempotency.ts';
import { observationRoutes } from './http/observations/routes.ts';
import { registerOpenApi } from './http/openapi.ts';
import { type RateLimitOptions, registerRateLimit } from './http/rate-limit.ts';
import { suggestionRoutes } from './http/suggestions/routes.ts';
import { healthRoutes } from './http/system/routes.ts';
import { tokenRoutes } from './http/tokens/routes.ts';
import { OptimizerThreads, type RunOptions } from './service/optimizer-threads.ts';
import type { OptimizerJob } from './service/optimizer-worker.ts';
import { ExperimentCache } from './service/experiment-cache.ts';
import { ObservationWriter } from './store/observation-writer.ts';
import { SuggestionService } from './service/suggestions.ts';
import type { SuggestResult } from './engine/index.ts';
import type { Database } from './store/database.ts';

// Builds the Fastify app over an open database. It never listens: server.ts
// does, and tests use app.inject or listen on a free port.

export const version = '0.1.0';

export interface AppOptions {
  database: Pick<Database, 'prisma' | 'sql' | 'ping'>;
  /** Known tokens; by default a cache of its own (server.ts shares it with the control socket). */
  tokens?: TokenCache;
  /** How long the app's own cache keeps a token (another process's revocation waits this long). */
  tokenCacheMs?: number;
  /** A pino logger; omitted, the app logs nothing. */
  logger?: FastifyBaseLogger;
  /** How long one optimizer call may take. */
  suggestionTimeBudgetMs?: number;
  /** Runs optimizer jobs; by default a pool of worker threads that closes with the app. */
  optimizer?: (job: OptimizerJob, options?: RunOptions) => Promise<SuggestResult>;
  /** Per-token rate limit; omitted or null, requests are not limited. */
  rateLimit?: RateLimitOptions | null;
  idempotency?: IdempotencyOptions;
}

const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/** Every path answers 405 (with Allow) for the methods it does not have. */
function trackMethods(app: FastifyInstance): () => void {
  const known = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const list = Array.isArray(route.method) ? route.method : [route.method];
    const set = known.get(route.url) ?? new Set<string>();
    list.forEach((method) => set.add(method));
    known.set(route.url, set);
  });
  return () => {
    for (const [url, present] of [...known]) {
      const missing = methods.filter((method) => !present.has(method));
      if (missing.length === 0 || url.includes('*')) continue;
      const allow = methods.filter((method) => present.has(method)).join(', ');
      app.route({
        method: missing,
        url,
        schema: { hide: true },
        handler: async () => {
          throw new ApiError('method_not_allowed', `This path accepts ${allow}.`, { allow });
        },
      });
    }
  };
}

function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
}

/** `X-Response-Content: skip` turns any success into 204 without a body. */
function registerSkipContent(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const skip = request.headers['x-response-content'];
    if (typeof skip !== 'string' || skip.toLowerCase() !== 'skip') return payload;
    if (reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    reply.code(204).removeHeader('content-type').removeHeader('content-length');
    return null;
  });
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // One line per request comes from registerRequestLog instead.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerBodyParser(app);
  registerRequestLog(app);
  registerSkipContent(app);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(
      reply,
      new ApiError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`),
    );
  });
  const addMethodNotAllowed = trackMethods(app);

  await registerOpenApi(app, version);
  await app.register(healthRoutes, { ping: () => options.database.ping() });

  const { prisma, sql } = options.database;
  const tokens = options.tokens ?? new TokenCache(sql, options.tokenCacheMs);
  const threads = options.optimizer ? null : new OptimizerThreads();
  const suggestions = new SuggestionService(
    { prisma, sql },
    {
      run: options.optimizer ?? ((job, run) => (threads as OptimizerThreads).run(job, run)),
      timeBudgetMs: options.suggestionTimeBudgetMs ?? 1500,
      logger: app.log,
    },
  );
  // Pool work in flight finishes before the threads and the database go.
  app.addHook('onClose', async () => {
    await suggestions.close();
    await threads?.close();
  });
  const experiments = new ExperimentCache(sql);
  const observations = new ObservationWriter(sql);
  const context: AppContext = { prisma, sql, observations, suggestions, tokens, experiments };
  await app.register(
    async (v1) => {
      registerAuth(v1, tokens);
      registerRateLimit(v1, options.rateLimit ?? null);
      registerIdempotency(v1, prisma, options.idempotency);
      await v1.register(experimentRoutes, context);
      await v1.register(suggestionRoutes, context);
      await v1.register(observationRoutes, context);
      await v1.register(tokenRoutes, context);
    },
    { prefix: '/v1' },
  );
  addMethodNotAllowed();
  return app;
}
