// The service under load: a fresh Postgres database and the real server
// process on it, plus what the process logged about each request.

import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { type ServerProcess, startServer } from '../test/helpers/server.ts';

export const benchToken = 'bench-load-token-0123456789abcdef';

export interface Service {
  url: string;
  /** The server process, for its CPU time. */
  pid: number;
  server: ServerProcess;
  close(): Promise<void>;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Starts the server on a new database of the Postgres server at `serverUrl`. */
export async function startService(serverUrl: string, dataDir: string): Promise<Service> {
  const name = `argmax_bench_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  const server = await startServer({
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
    ARGMAX_TOKEN: benchToken,
    // The benchmark measures capacity, not the per-token limit.
    ARGMAX_RATE_LIMIT: '0',
  });
  return {
    url: server.url,
    pid: server.child.pid ?? 0,
    server,
    async close() {
      await server.stop('SIGTERM');
      await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** Server-side times (ms) of the requests logged since `from` (an offset in the output), by route. */
export function serverTimes(output: string, from: number): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const line of output.slice(from).split('\n')) {
    if (!line.includes('"msg":"request"')) continue;
    const entry = JSON.parse(line) as { method: string; route: string | null; ms: number };
    const key = `${entry.method} ${entry.route ?? '?'}`;
    const list = times.get(key) ?? [];
    list.push(entry.ms);
    times.set(key, list);
  }
  return times;
}
