import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from '../schemas.ts';

export interface HealthOptions {
  ping(): Promise<void>;
}

const healthy = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

/** GET /health: 200 once the database answers, 503 otherwise; no token needed. */
export const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (app, options) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Whether the service and its database answer',
        security: [],
        response: { 200: healthy, 503: errorBody },
      },
    },
    async (_request, reply) => {
      try {
        await options.ping();
        return { status: 'ok' as const };
      } catch (error) {
        reply.log.warn({ err: error }, 'health check failed');
        return reply
          .code(503)
          .header('retry-after', '2')
          .send({ message: 'The database does not answer.', status: 503 });
      }
    },
  );
};
