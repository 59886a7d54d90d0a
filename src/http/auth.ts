import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import type { ClientRecord, TokenRecord } from '../domain/types.ts';
import type { Sql } from '../store/sql.ts';
import { isLive, readToken } from '../store/tokens.ts';

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

/**
 * Known tokens, kept for a moment so that a fleet of workers sharing one token
 * does not read it on every request. Revoking through this process forgets at
 * once; a revocation by another process takes effect within `ttlMs`. Unknown
 * tokens are never kept, so a token created elsewhere works at once.
 */
export class TokenCache {
  private readonly entries = new Map<string, { auth: Auth; until: number }>();
  /** Reads in flight: requests that find the same token missing share one. */
  private readonly reading = new Map<string, Promise<Auth | null>>();

  constructor(
    private readonly sql: Sql,
    private readonly ttlMs = 2000,
    private readonly max = 10_000,
  ) {}

  async find(value: string, now: Date): Promise<Auth | null> {
    const kept = this.entries.get(value);
    const found =
      kept && kept.until > now.getTime() ? kept.auth : await this.read(value, now.getTime());
    return found && isLive(found.token, now) ? found : null;
  }

  forget(): void {
    this.entries.clear();
    // A read that started before the change may hold the old state: later requests read anew.
    this.reading.clear();
  }

  private read(value: string, at: number): Promise<Auth | null> {
    const running = this.reading.get(value);
    if (running) return running;
    const read = readToken(this.sql, value).then(
      (found) => {
        if (this.reading.get(value) !== read) return found;
        this.reading.delete(value);
        this.entries.delete(value);
        if (!found) return null;
        if (this.entries.size >= this.max) this.entries.clear();
        this.entries.set(value, { auth: found, until: at + this.ttlMs });
        return found;
      },
      (error: unknown) => {
        if (this.reading.get(value) === read) this.reading.delete(value);
        throw error;
      },
    );
    this.reading.set(value, read);
    return read;
  }
}

/** Registers the check on every route of the scope it is called in. */
export function registerAuth(app: FastifyInstance, tokens: TokenCache): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const value = tokenFromHeader(request.headers.authorization);
    const found = await tokens.find(value, new Date());
    if (!found) throw unauthorized('The API token is unknown, revoked or expired.');
    request.auth = found;
  });
}
