import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, badRequest } from '../errors.ts';

// SigOpt's clients send JSON with a JSON, form or missing content type, so
// every body is read as JSON. Before any schema sees it, a body must be an
// object, nest at most `maxDepth` levels, hold only finite numbers and have no
// `__proto__` keys.

export const bodyLimit = 4 * 1024 * 1024;
export const maxDepth = 12;

const pathText = (path: Array<string | number>) =>
  path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part,
    '',
  );

/** Walks the parsed value once; normalizes -0 to 0, which JSON has no use for. */
function check(value: unknown, path: Array<string | number>, depth: number): unknown {
  if (depth > maxDepth) {
    throw badRequest(
      `The request body nests deeper than ${maxDepth} levels at \`${pathText(path)}\`.`,
    );
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw badRequest(`\`${pathText(path)}\` is too large a number: numbers must be finite.`);
    }
    return Object.is(value, -0) ? 0 : value;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => check(item, [...path, index], depth + 1));
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw badRequest(`\`${pathText([...path, key])}\` is not an accepted field name.`);
      }
      record[key] = check(record[key], [...path, key], depth + 1);
    }
  }
  return value;
}

export function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'unreadable';
    throw badRequest(`The request body is not valid JSON: ${detail}.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('The request body must be a JSON object.');
  }
  return check(value, [], 1) as Record<string, unknown>;
}

export function registerBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit },
    (_request: FastifyRequest, body: string | Buffer, done) => {
      try {
        done(null, parseBody(typeof body === 'string' ? body : body.toString('utf8')));
      } catch (error) {
        done(
          error instanceof ApiError ? error : badRequest('The request body is unreadable.'),
          undefined,
        );
      }
    },
  );
  // A POST or PUT without a body at all means {}.
  app.addHook('preValidation', async (request) => {
    if ((request.method === 'POST' || request.method === 'PUT') && request.body === undefined) {
      request.body = {};
    }
  });
}
