import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { createToken, listTokens, revokeToken } from '../../store/tokens.ts';
import { requireAdmin, requireAuth } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { pathIdOf } from '../context.ts';
import { bodyBoolean, deleted, errorResponses, id, pathId, timestamp } from '../schemas.ts';
import { clientObject, tokenObject } from '../serialize.ts';

export const tokenOutput = z
  .object({
    object: z.literal('token'),
    id,
    token: z.string().nullable().meta({ description: 'The token itself: shown only when created' }),
    hint: z
      .string()
      .meta({ description: 'The first characters of the token, to tell tokens apart' }),
    client: id,
    development: z.boolean(),
    permissions: z.enum(['admin', 'write']),
    expires: timestamp.nullable(),
    created: timestamp,
    revoked: z.boolean(),
    experiment: z.null(),
    user: z.null(),
  })
  .meta({ id: 'Token' });

export const clientOutput = z
  .object({ object: z.literal('client'), id, name: z.string(), created: timestamp })
  .meta({ id: 'Client' });

const tokenCreate = z
  .strictObject({
    development: bodyBoolean.optional(),
    permissions: z.enum(['admin', 'write']).optional(),
    expires: z
      .int()
      .min(0)
      .nullish()
      .meta({ description: 'Epoch seconds after which the token stops working' }),
  })
  .meta({ id: 'TokenCreate', example: { development: false, permissions: 'write' } });

const tokenPage = z
  .object({
    object: z.literal('pagination'),
    count: z.int(),
    data: z.array(tokenOutput),
    paging: z.object({ before: z.null(), after: z.null() }),
  })
  .meta({ id: 'TokenPage' });

const clientParams = z.object({ client: pathId });

export const tokenRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { prisma } = context;
  const tags = ['tokens and clients'];

  const ownClient = (request: Parameters<typeof requireAuth>[0], raw: string) => {
    const auth = requireAuth(request);
    if (pathIdOf(raw, 'client') !== auth.client.id) throw notFound('client', raw);
    return auth;
  };

  app.get(
    '/tokens/self',
    {
      schema: {
        tags,
        summary: 'The calling token',
        response: { 200: tokenOutput, ...errorResponses },
      },
    },
    async (request) => tokenObject(requireAuth(request).token, null),
  );

  app.get(
    '/clients/:client',
    {
      schema: {
        tags,
        summary: "The calling token's client",
        params: clientParams,
        response: { 200: clientOutput, ...errorResponses },
      },
    },
    async (request) => clientObject(ownClient(request, request.params.client).client),
  );

  app.post(
    '/clients/:client/tokens',
    {
      schema: {
        tags,
        summary: 'Create a token for the client (admin tokens only); its value is shown once',
        params: clientParams,
        body: tokenCreate,
        response: { 200: tokenOutput, ...errorResponses },
      },
    },
    async (request) => {
      ownClient(request, request.params.client);
      const auth = requireAdmin(request);
      const { development, permissions, expires } = request.body;
      const issued = await createToken(prisma, auth.client.id, {
        development: development ?? false,
        admin: permissions === 'admin',
        expires: expires === undefined || expires === null ? null : new Date(expires * 1000),
      });
      return tokenObject(issued.token, issued.value);
    },
  );

  app.get(
    '/clients/:client/tokens',
    {
      schema: {
        tags,
        summary: "List the client's tokens (admin tokens only), never their values",
        params: clientParams,
        response: { 200: tokenPage, ...errorResponses },
      },
    },
    async (request) => {
      ownClient(request, request.params.client);
      const auth = requireAdmin(request);
      const tokens = await listTokens(prisma, auth.client.id);
      return {
        object: 'pagination' as const,
        count: tokens.length,
        data: tokens.map((token) => tokenObject(token, null)),
        paging: { before: null, after: null },
      };
    },
  );

  app.delete(
    '/clients/:client/tokens/:token',
    {
      schema: {
        tags,
        summary: 'Revoke a token of the client (admin tokens only)',
        params: clientParams.extend({ token: pathId }),
        response: { 200: deleted, ...errorResponses },
      },
    },
    async (request) => {
      ownClient(request, request.params.client);
      const auth = requireAdmin(request);
      const tokenId = pathIdOf(request.params.token, 'token');
      if (!(await revokeToken(prisma, auth.client.id, tokenId))) {
        throw notFound('token', request.params.token);
      }
      context.tokens.forget();
      return {};
    },
  );
};
