import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';

import { z } from 'zod';

import type { TokenRecord } from '../domain/types.ts';
import { memoryDataDir, type Database } from '../store/database.ts';
import type { Db } from '../store/prisma.ts';
import {
  createToken,
  ensureClient,
  listClients,
  listTokens,
  revokeToken,
} from '../store/tokens.ts';

// Token administration for the `token` command, written once for both of the command's paths.
// When the command can open the database it runs these functions itself. An embedded PGlite
// database admits one process at a time, so while a server holds it the command sends the same
// request to that server over a Unix socket in DATA_DIR, and the server runs the same functions.
// Only a local user with access to DATA_DIR can reach the socket: it is not on the TCP port and
// not part of the public API.

/** Tokens may expire at most this far ahead: a century, in seconds. */
const maxExpiresInSeconds = 100 * 365 * 24 * 60 * 60;

/** The largest id a Postgres bigint column holds, as text of the same length as any 19-digit id. */
const maxTokenId = '9223372036854775807';

const clientName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine(
    (name) => name.trim() === name && !/\p{Cc}/u.test(name),
    'must not start or end with spaces or contain control characters',
  );

const tokenId = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, 'must be a token id, a positive whole number as `list` shows it')
  .refine((id) => id.length < maxTokenId.length || id <= maxTokenId, 'is too large for a token id');

export const tokenCommand = z.discriminatedUnion('command', [
  z.strictObject({
    command: z.literal('create'),
    client: clientName,
    development: z.boolean(),
    admin: z.boolean(),
    expiresInSeconds: z
      .int('must be a whole number of seconds')
      .min(1, 'must be at least 1 second')
      .max(maxExpiresInSeconds, `must be at most ${maxExpiresInSeconds} seconds (100 years)`)
      .nullable(),
  }),
  z.strictObject({ command: z.literal('list'), client: clientName.nullable() }),
  z.strictObject({ command: z.literal('revoke'), id: tokenId }),
]);

export type TokenCommand = z.infer<typeof tokenCommand>;

/** A token as the command shows it, in JSON-safe values: never the token's value. */
export interface TokenView {
  id: string;
  client: string;
  hint: string;
  permissions: 'admin' | 'write';
  development: boolean;
  created: string;
  expires: string | null;
  revoked: string | null;
}

export type TokenCommandResult =
  | { command: 'create'; token: TokenView; value: string }
  | { command: 'list'; tokens: TokenView[] }
  | { command: 'revoke'; id: string };

/** A request that names something that does not exist: the command reports it and fails. */
export class TokenCommandError extends Error {
  override readonly name = 'TokenCommandError';
}

const viewOf = (token: TokenRecord, client: string): TokenView => ({
  id: token.id,
  client,
  hint: token.hint,
  permissions: token.admin ? 'admin' : 'write',
  development: token.development,
  created: token.created.toISOString(),
  expires: token.expires?.toISOString() ?? null,
  revoked: token.revoked?.toISOString() ?? null,
});

export async function runTokenCommand(
  db: Db,
  command: TokenCommand,
  now: Date = new Date(),
): Promise<TokenCommandResult> {
  switch (command.command) {
    case 'create':
      return createClientToken(db, command, now);
    case 'list':
      return listClientTokens(db, command.client);
    case 'revoke':
      return revokeTokenById(db, command.id);
  }
}

async function createClientToken(
  db: Db,
  command: Extract<TokenCommand, { command: 'create' }>,
  now: Date,
): Promise<TokenCommandResult> {
  const client = await ensureClient(db, command.client);
  const expires =
    command.expiresInSeconds === null
      ? null
      : new Date(now.getTime() + command.expiresInSeconds * 1000);

  const issued = await createToken(db, client.id, {
    development: command.development,
    admin: command.admin,
    expires,
  });
  return { command: 'create', token: viewOf(issued.token, client.name), value: issued.value };
}

async function listClientTokens(db: Db, name: string | null): Promise<TokenCommandResult> {
  const clients = await listClients(db);
  const names = new Map(clients.map((client) => [client.id, client.name]));

  let clientId: string | null = null;
  if (name !== null) {
    const client = clients.find((candidate) => candidate.name === name);
    if (!client) throw new TokenCommandError(`no client is named ${JSON.stringify(name)}`);
    clientId = client.id;
  }

  const tokens = await listTokens(db, clientId);
  const views = tokens.map((token) => viewOf(token, names.get(token.clientId) ?? token.clientId));
  return { command: 'list', tokens: views };
}

async function revokeTokenById(db: Db, id: string): Promise<TokenCommandResult> {
  if (!(await revokeToken(db, null, id))) {
    throw new TokenCommandError(`no live token has id ${id}: it does not exist or is revoked`);
  }
  return { command: 'revoke', id };
}

// The control socket: POST /tokens with a TokenCommand as JSON answers 200 with the
// TokenCommandResult, or 404 with {error} for a TokenCommandError. Anything else is refused with
// {error}: 404 another route, 405 another method, 400 a malformed command, 413 one too large.

export const controlRoute = '/tokens';

const maxRequestBytes = 64 * 1024;

export const controlSocketPath = (dataDir: string): string =>
  join(resolve(dataDir), 'control.sock');

/** The subset of a pino logger the control server uses. */
export interface ControlLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ControlServer {
  /** The socket's path; null when there is none (Postgres, or an in-memory database). */
  readonly path: string | null;
  /** Stops taking requests, lets the ones in flight finish, and removes the socket. */
  close(): Promise<void>;
}

const noControlServer: ControlServer = { path: null, close: async () => {} };

/**
 * Serves token commands on DATA_DIR/control.sock while the server holds an embedded database.
 * Call it after openDatabase: the data dir lock is then ours, so a socket file already there was
 * left by a process that died, and is replaced. With Postgres the command needs no socket.
 */
export async function startControlServer(
  database: Database,
  dataDir: string,
  logger: ControlLogger,
  /** Called after a token was revoked, for caches of tokens to forget it. */
  onRevoke: () => void = () => {},
): Promise<ControlServer> {
  if (database.kind !== 'pglite' || dataDir === memoryDataDir) return noControlServer;

  const path = controlSocketPath(dataDir);
  const server = createServer((request, response) => {
    void handleRequest(request, response, { db: database.prisma, logger, onRevoke });
  });
  try {
    removeStaleSocket(path);
    await listenPrivately(server, path);
  } catch (error) {
    // The API still works without the socket; only the token command cannot reach this server.
    logger.warn({ err: error, socket: path }, 'control socket unavailable');
    return noControlServer;
  }

  logger.info({ socket: path }, 'control socket listening');
  return { path, close: () => closeServer(server, path) };
}

function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket; remove it`);
  unlinkSync(path);
}

function listenPrivately(server: Server, path: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    // bind() creates the socket file, with the process umask, during listen(); a tight umask for
    // that one synchronous call means no other user can connect even before the chmod below.
    const previous = process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', reject);
        chmodSync(path, 0o600);
        resolveListen();
      });
    } finally {
      process.umask(previous);
    }
  });
}

function closeServer(server: Server, path: string): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => {
      removeIfPresent(path);
      resolveClose();
    });
  });
}

interface RequestContext {
  db: Db;
  logger: ControlLogger;
  onRevoke: () => void;
}

/** A request the socket refuses, with the status that says why. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  try {
    const command = await readCommand(request);
    const status = await answer(response, command, context.db);
    if (command.command === 'revoke' && status === 200) context.onRevoke();
    context.logger.info({ ...logFieldsOf(command), status }, 'control request');
  } catch (error) {
    if (error instanceof RequestError)
      return reply(response, error.status, { error: error.message });
    context.logger.error({ err: error }, 'control request failed');
    reply(response, 500, { error: 'the server failed to run the command; see its log' });
  }
}

/** What a request did, for the server's log: never a token value, which is only in replies. */
function logFieldsOf(command: TokenCommand): Record<string, unknown> {
  switch (command.command) {
    case 'create':
      return { command: command.command, client: command.client, admin: command.admin };
    case 'list':
      return { command: command.command, client: command.client };
    case 'revoke':
      return { command: command.command, tokenId: command.id };
  }
}

async function answer(response: ServerResponse, command: TokenCommand, db: Db): Promise<number> {
  try {
    reply(response, 200, await runTokenCommand(db, command));
    return 200;
  } catch (error) {
    if (!(error instanceof TokenCommandError)) throw error;
    reply(response, 404, { error: error.message });
    return 404;
  }
}

async function readCommand(request: IncomingMessage): Promise<TokenCommand> {
  const allowed = `the control socket serves only POST ${controlRoute}`;
  if (request.url !== controlRoute) throw new RequestError(404, allowed);
  if (request.method !== 'POST') throw new RequestError(405, allowed);

  let json: unknown;
  try {
    json = JSON.parse(await readBody(request));
  } catch (error) {
    if (error instanceof RequestError) throw error;
    throw new RequestError(400, 'the body must be JSON');
  }
  const parsed = tokenCommand.safeParse(json);
  if (!parsed.success) throw new RequestError(400, z.prettifyError(parsed.error));
  return parsed.data;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // The whole body is read even past the limit, so the refusal reaches the client intact.
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxRequestBytes) chunks.push(chunk);
  }
  if (size > maxRequestBytes) throw new RequestError(413, 'the request is too large');
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
