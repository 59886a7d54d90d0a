import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import type { ClientRecord, TokenRecord } from '../domain/types.ts';
import { authenticate } from '../store/tokens.ts';
import type { PrismaClient } from '../store/prisma.ts';

// HTTP Basic with the API token as the user name and an empty password, as
// SigOpt's clients send it; `Authorization: Bearer <token>` works as well.

export interface Auth {
  token: TokenRecord;
  client: ClientRecord;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
}

export const realm = 'argmax';

const challenge = { 'www-authenticate': `Basic realm="${realm}"` };

const unauthorized = (message: string) => new ApiError('unauthorized', message, challenge);

/** The token in an Authorization header, or an error saying why there is none. */
export function tokenFromHeader(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw unauthorized('This route needs an API token: send it as the Basic-auth user name.');
  }
  const [scheme = '', credentials = ''] = header.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme) && credentials) return credentials;
  if (!/^basic$/i.test(scheme) || !credentials) {
    throw unauthorized(
      'The Authorization header must be "Basic <base64 of token:>" or "Bearer <token>".',
    );
  }
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const token = separator === -1 ? decoded : decoded.slice(0, separator);
  if (token === '') throw unauthorized('The Basic-auth user name (the API token) is empty.');
  return token;
}

export function requireAuth(request: FastifyRequest): Auth {
  if (!request.auth) throw unauthorized('This route needs an API token.');
  return request.auth;
}

export function requireAdmin(request: FastifyRequest): Auth {
  const auth = requireAuth(request);
  if (!auth.token.admin) {
    throw new ApiError('forbidden', 'This route needs an admin token.');
  }
  return auth;
}

/** Registers the check on every route of the scope it is called in. */
export function registerAuth(app: FastifyInstance, prisma: PrismaClient): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const value = tokenFromHeader(request.headers.authorization);
    const found = await authenticate(prisma, value, new Date());
    if (!found) throw unauthorized('The API token is unknown, revoked or expired.');
    request.auth = found;
  });
}
