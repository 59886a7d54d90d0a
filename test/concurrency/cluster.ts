import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { createEmptyPostgresDatabase, dropPostgresDatabase } from '../helpers/database.ts';
import { basicAuth, type ServerProcess, startServer } from '../helpers/server.ts';

// Two real server processes on one fresh Postgres database, an admin token,
// and plain requests for the test's own setup (no faults there).

export const adminToken = 'concurrency-admin-token-0123456789';

export interface Cluster {
  databaseUrl: string;
  servers: ServerProcess[];
  urls: string[];
  /** Stops the processes (SIGTERM) and drops the database; resolves with their exit codes. */
  close(): Promise<Array<number | null>>;
}

export async function startCluster(size = 2): Promise<Cluster> {
  const databaseUrl = await createEmptyPostgresDatabase();
  // Each process gets its own DATA_DIR: the token command's socket lives there.
  const dirs = await Promise.all(
    Array.from({ length: size }, () => mkdtemp(join(tmpdir(), 'argmax-concurrency-'))),
  );
  const servers = await Promise.all(
    dirs.map((dir) =>
      startServer({
        DATABASE_URL: databaseUrl,
        DATA_DIR: dir,
        ARGMAX_TOKEN: adminToken,
        ARGMAX_RATE_LIMIT: '0',
      }),
    ),
  );

  return {
    databaseUrl,
    servers,
    urls: servers.map((server) => server.url),
    async close() {
      const codes = await Promise.all(servers.map((server) => server.stop('SIGTERM')));
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
      await dropPostgresDatabase(databaseUrl);
      return codes;
    },
  };
}

/** One request without faults; throws unless it answers 200. */
export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: basicAuth(options.token ?? adminToken),
      'content-type': 'application/json',
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** `count` new write tokens of the admin's client. */
export async function createTokens(url: string, count: number): Promise<string[]> {
  const self = await call<{ client: string }>(url, 'GET', '/v1/tokens/self');
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await call<{ token: string }>(
      url,
      'POST',
      `/v1/clients/${self.client}/tokens`,
      {
        body: { permissions: 'write' },
      },
    );
    tokens.push(created.token);
  }
  return tokens;
}

/**
 * Restarting the Postgres server is allowed only where ARGMAX_TEST_RESTART_POSTGRES=1: every
 * other test using that server sees the outage too. ARGMAX_TEST_RESTART_COMMAND may name
 * another command, e.g. for a private server that TEST_DATABASE_URL points at.
 */
export function restartCommand(): string | null {
  if (process.env.ARGMAX_TEST_RESTART_POSTGRES !== '1') return null;
  const custom = process.env.ARGMAX_TEST_RESTART_COMMAND;
  if (custom) return custom;
  const [version] = readdirSync('/etc/postgresql');
  return `pg_ctlcluster --skip-systemctl-redirect ${version ?? '15'} main restart`;
}

export async function restartPostgres(command: string): Promise<void> {
  await promisify(execFile)('sh', ['-c', command], { timeout: 60_000 });
}
