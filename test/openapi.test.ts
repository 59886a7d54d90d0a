import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { openapiPath, renderOpenApi } from '../scripts/openapi.ts';
import { openTestDatabase, type TestDatabase } from './helpers/database.ts';

// The contract's route table, as OpenAPI paths and methods.
const contractRoutes: Array<[string, string[]]> = [
  ['/v1/experiments', ['post', 'get']],
  ['/v1/clients/{client}/experiments', ['post', 'get']],
  ['/v1/experiments/{id}', ['get', 'put', 'delete']],
  ['/v1/experiments/{id}/suggestions', ['post', 'get', 'delete']],
  ['/v1/experiments/{id}/suggestions/{suggestion}', ['get', 'put', 'delete']],
  ['/v1/experiments/{id}/observations', ['post', 'get', 'delete']],
  ['/v1/experiments/{id}/observations/batch', ['post']],
  ['/v1/experiments/{id}/observations/{observation}', ['get', 'put', 'delete']],
  ['/v1/experiments/{id}/best_assignments', ['get']],
  ['/v1/experiments/{id}/queued_suggestions', ['post', 'get']],
  ['/v1/experiments/{id}/queued_suggestions/{queued}', ['get', 'delete']],
  ['/v1/tokens/self', ['get']],
  ['/v1/clients/{client}', ['get']],
  ['/v1/clients/{client}/tokens', ['post', 'get']],
];

interface Operation {
  responses: Record<string, unknown>;
  security?: unknown[];
  summary?: string;
}

describe('the OpenAPI document', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let document: { paths: Record<string, Record<string, Operation>>; components: unknown };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    app = await buildApp({ database });
    await app.ready();
    document = app.swagger() as unknown as typeof document;
  });

  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('is committed exactly as the server generates it (run `npm run openapi` after a change)', async () => {
    const committed = await readFile(openapiPath, 'utf8');
    expect(committed).toBe(renderOpenApi(document));
  });

  it('is served at /openapi.json without a token', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(JSON.parse(renderOpenApi(document)));
  });

  it('describes every route of the contract with a summary and its error answers', () => {
    for (const [path, methods] of contractRoutes) {
      for (const method of methods) {
        const operation = document.paths[path]?.[method];
        expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
        expect(operation?.summary).toBeTruthy();
        expect(Object.keys(operation?.responses ?? {})).toEqual(
          expect.arrayContaining(['200', '400', '401', '404']),
        );
      }
    }
  });

  it('declares the Basic-auth scheme and leaves /health open', () => {
    expect(JSON.stringify(document.components)).toContain('"scheme":"basic"');
    expect(document.paths['/health']?.get?.security).toEqual([]);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger');
  });
});
