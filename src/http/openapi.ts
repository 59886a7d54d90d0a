import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { realm } from './auth.ts';

// The OpenAPI document is generated from the same zod schemas that validate
// requests and serialize responses. /openapi.json serves it and /docs shows it
// in Swagger UI, where "Authorize" takes a token as the user name.

export const apiDescription = [
  'argmax speaks SigOpt’s v1 API: create an experiment, ask for suggestions, report observations, ',
  'read the best assignments. Authenticate with HTTP Basic: the API token is the user name and the ',
  'password is empty. Every success is 200 with a JSON body (DELETE answers {}); the header ',
  '`X-Response-Content: skip` turns any success into 204. Errors are `{"message", "status"}`.',
].join('');

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'argmax', version, description: apiDescription },
      components: {
        securitySchemes: {
          basicAuth: {
            type: 'http',
            scheme: 'basic',
            description: `API token as the user name, empty password (realm "${realm}").`,
          },
        },
      },
      security: [{ basicAuth: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: true, tryItOutEnabled: true },
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
