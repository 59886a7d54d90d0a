import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { basicAuth, type ServerProcess, startServer } from '../helpers/server.ts';

// The whole worker loop over real HTTP against the real server process:
// create an experiment, ask, train (a known function), report, read the best.

const token = 'e2e-test-token-0123456789abcdef';

async function call(server: ServerProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: basicAuth(token), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

const objective = (x: number, y: number) => -((x - 0.3) ** 2) - (y - 0.7) ** 2;

for (const kind of backends) {
  describe(`the server process on ${kind}`, () => {
    let server: ServerProcess;
    let database: TestDatabase | null = null;
    let dataDir: string | null = null;

    beforeAll(async () => {
      const env: Record<string, string> = { ARGMAX_TOKEN: token };
      if (kind === 'postgres') {
        database = await openTestDatabase('postgres');
        env.DATABASE_URL = database.url ?? '';
      } else {
        dataDir = await mkdtemp(join(tmpdir(), 'argmax-e2e-'));
        env.DATA_DIR = dataDir;
      }
      server = await startServer(env);
    });

    afterAll(async () => {
      await server?.stop('SIGKILL');
      await database?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('answers /health without a token', async () => {
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(200);
    });

    it('runs the create-suggest-observe loop and finds a good point', async () => {
      const created = await call(server, 'POST', '/v1/experiments', {
        name: 'e2e loop',
        parameters: [
          { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
          { name: 'y', type: 'double', bounds: { min: 0, max: 1 } },
        ],
        metrics: [{ name: 'score', objective: 'maximize' }],
        observation_budget: 12,
      });
      expect(created.status).toBe(200);
      const id = created.body?.id as string;

      for (let step = 0; step < 12; step++) {
        const suggestion = await call(server, 'POST', `/v1/experiments/${id}/suggestions`);
        expect(suggestion.status).toBe(200);
        const { x, y } = suggestion.body?.assignments as { x: number; y: number };
        const observed = await call(server, 'POST', `/v1/experiments/${id}/observations`, {
          suggestion: suggestion.body?.id,
          values: [{ name: 'score', value: objective(x, y) }],
        });
        expect(observed.status).toBe(200);
      }

      const experiment = await call(server, 'GET', `/v1/experiments/${id}`);
      expect(experiment.body?.progress.observation_count).toBe(12);
      const open = await call(server, 'GET', `/v1/experiments/${id}/suggestions?state=open`);
      expect(open.body?.count).toBe(0);
      const best = await call(server, 'GET', `/v1/experiments/${id}/best_assignments`);
      expect(best.body?.data).toHaveLength(1);
      const scores = (
        await call(server, 'GET', `/v1/experiments/${id}/observations`)
      ).body?.data.map((o: { value: number }) => o.value) as number[];
      expect(best.body?.data[0].values[0].value).toBe(Math.max(...scores));
    });

    it('logs one line per request and never the token', async () => {
      await call(server, 'GET', '/v1/tokens/self');
      const requestLines = () =>
        server
          .output()
          .split('\n')
          .filter((line) => line.includes('"msg":"request"'));
      await expect.poll(() => requestLines().some((l) => l.includes('/v1/tokens/self'))).toBe(true);
      expect(requestLines().length).toBeGreaterThan(10);
      const found = requestLines().find((l) => l.includes('/v1/tokens/self'));
      const line = JSON.parse(found ?? '{}') as Record<string, unknown>;
      expect(line).toMatchObject({ method: 'GET', route: '/v1/tokens/self', status: 200 });
      expect(typeof line.reqId).toBe('string');
      expect(typeof line.ms).toBe('number');
      expect(server.output()).not.toContain(token);
      expect(server.output()).not.toContain(Buffer.from(`${token}:`).toString('base64'));
    });

    it('drains on SIGTERM: a request in flight completes, then the process exits 0', async () => {
      // A batch of 500 observations takes long enough to be in flight when the signal lands.
      const observations = Array.from({ length: 500 }, (_, i) => ({
        assignments: { x: (i % 100) / 100, y: Math.floor(i / 100) / 25 },
        values: [{ name: 'score', value: -i }],
      }));
      const list = await call(server, 'GET', '/v1/experiments');
      const id = list.body?.data[0].id as string;
      const inFlight = call(server, 'POST', `/v1/experiments/${id}/observations/batch`, {
        observations,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exit = server.stop('SIGTERM');
      const answer = await inFlight.catch((error: unknown) => {
        throw new Error(
          `in-flight request failed: ${String(error)}\n${server.output().slice(-3000)}`,
        );
      });
      expect(answer.status).toBe(200);
      expect(await exit).toBe(0);
      expect(server.output()).toContain('"msg":"stopped"');
    });
  });
}
