import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { authenticate } from '../../src/store/tokens.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { leaveStaleSocket, runToken, startServer } from './processes.ts';

// `argmax token` as real processes, on an embedded database with and without a running server,
// and on Postgres.

const tokenLine = /^amx_[A-Za-z0-9_-]{43}\n$/;
const header = /^ID +CLIENT +HINT +PERMISSIONS +DEVELOPMENT +CREATED +EXPIRES +REVOKED$/;
const slow = { timeout: 240_000 };

/** The cells of the row of `list`'s table that shows the token with this value (by its hint). */
function rowOf(table: string, value: string): string[] {
  const hint = `${value.slice(0, 8)}…`;
  const row = table
    .split('\n')
    .map((line) => line.split(/ +/))
    .find((cells) => cells[2] === hint);
  if (!row) throw new Error(`no row with hint ${hint} in:\n${table}`);
  return row;
}

const basic = (value: string) => `Basic ${Buffer.from(`${value}:`).toString('base64')}`;

const secondsBetween = (from: string | undefined, to: string | undefined) =>
  (Date.parse(to ?? '') - Date.parse(from ?? '')) / 1000;

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'argmax-token-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the token command', () => {
  it('prints its help', async () => {
    const help = await runToken(['--help'], {});

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: argmax token <command> [options]');
  });

  // test/cli/token-args.test.ts covers every usage mistake in-process; this one checks the exit.
  it('stops at a usage mistake with exit code 2 and the usage of the command', async () => {
    const env = { DATA_DIR: join(root, 'untouched') };

    const missing = await runToken(['create', '--admin'], env);

    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('create needs --client NAME');
    expect(missing.stderr).toContain('Usage: argmax token create --client NAME');
    expect(existsSync(env.DATA_DIR)).toBe(false);
  });
});

// The cases share one data dir and run in order: creating an embedded database takes seconds.
describe('the token command on an embedded database', () => {
  const env = () => ({ DATA_DIR: join(root, 'data') });
  const socket = () => join(root, 'data', 'control.sock');
  const lock = () => join(root, 'data', 'argmax.lock');
  let revokedToken = '';
  let liveToken = '';

  it('creates, lists and revokes tokens while no server runs', slow, async () => {
    const created = await runToken(
      ['create', '--client', 'ml', '--development', '--expires', '3600'],
      env(),
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(tokenLine);
    expect(created.stderr).toMatch(
      /created token \d+ for client ml \(write, development, expires /,
    );
    // Two at once: the second waits while the first holds the database.
    const [admin, unknownClient] = await Promise.all([
      runToken(['create', '--client', 'ml', '--admin'], env()),
      runToken(['list', '--client', 'nobody'], env()),
    ]);
    expect(admin.stdout).toMatch(tokenLine);
    expect(unknownClient.code).toBe(1);
    expect(unknownClient.stderr).toContain('no client is named "nobody"');

    const listed = await runToken(['list'], env());
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(header);
    expect(listed.stdout).not.toContain(created.stdout.trim());
    expect(listed.stdout).not.toContain(admin.stdout.trim());
    const [id, ...development] = rowOf(listed.stdout, created.stdout);
    expect(development.slice(0, 4)).toEqual([
      'ml',
      `${created.stdout.slice(0, 8)}…`,
      'write',
      'yes',
    ]);
    expect(secondsBetween(development[4], development[5])).toBeGreaterThan(3500);
    expect(secondsBetween(development[4], development[5])).toBeLessThanOrEqual(3600);
    expect(development[6]).toBe('-');
    expect(rowOf(listed.stdout, admin.stdout).slice(1)).toEqual([
      'ml',
      `${admin.stdout.slice(0, 8)}…`,
      'admin',
      'no',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      '-',
      '-',
    ]);

    const revoked = await runToken(['revoke', id ?? ''], env());
    expect(revoked).toMatchObject({ code: 0, stderr: `revoked token ${id}\n` });
    expect(existsSync(lock())).toBe(false);
    revokedToken = created.stdout;
    liveToken = admin.stdout;
  });

  it('opens the database itself when its holder died and left a socket behind', slow, async () => {
    const holder = leaveStaleSocket(socket());
    writeFileSync(lock(), `${holder}\n`);

    const listed = await runToken(['list', '--client', 'ml'], env());

    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toHaveLength(4);
    expect(rowOf(listed.stdout, revokedToken)[7]).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(rowOf(listed.stdout, liveToken)[7]).toBe('-');
    expect(existsSync(lock())).toBe(false);
  });

  it('goes through the running server, whose API takes the new token at once', slow, async () => {
    // This start also replaces the socket the dead process left.
    expect(statSync(socket()).isSocket()).toBe(true);
    const server = await startServer(env());
    let value = '';
    try {
      expect(statSync(socket()).mode & 0o777).toBe(0o600);

      const created = await runToken(['create', '--client', 'web'], env());
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(tokenLine);
      value = created.stdout.trim();
      const self = await fetch(`${server.api}/tokens/self`, {
        headers: { authorization: basic(value) },
      });
      expect(self.status).toBe(200);
      const token = (await self.json()) as { id: string; permissions: string };
      expect(token.permissions).toBe('write');

      const listed = await runToken(['list'], env());
      expect(rowOf(listed.stdout, value).slice(0, 2)).toEqual([token.id, 'web']);
      expect(listed.stdout.match(/ ml /g)).toHaveLength(2);

      const revoked = await runToken(['revoke', token.id], env());
      expect(revoked.code).toBe(0);
      const refused = await fetch(`${server.api}/tokens/self`, {
        headers: { authorization: basic(value) },
      });
      expect(refused.status).toBe(401);

      const again = await runToken(['revoke', token.id], env());
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`no live token has id ${token.id}`);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }

    expect(server.log()).toContain('"msg":"control request"');
    expect(server.log()).not.toContain(value);
    expect(existsSync(socket())).toBe(false);
    expect(existsSync(lock())).toBe(false);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('the token command on Postgres', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });

  afterAll(async () => {
    await database.close();
  });

  it('creates, lists and revokes tokens', slow, async () => {
    const env = { DATABASE_URL: database.url ?? '' };

    const created = await runToken(['create', '--client', 'pg', '--admin'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(tokenLine);
    const value = created.stdout.trim();
    const found = await authenticate(database.sql, value, new Date());
    expect(found).toMatchObject({ token: { admin: true }, client: { name: 'pg' } });

    const listed = await runToken(['list', '--client', 'pg'], env);
    expect(rowOf(listed.stdout, value).slice(0, 4)).toEqual([
      found?.token.id,
      'pg',
      `${value.slice(0, 8)}…`,
      'admin',
    ]);

    const revoked = await runToken(['revoke', found?.token.id ?? ''], env);
    expect(revoked.code).toBe(0);
    expect(await authenticate(database.sql, value, new Date())).toBeNull();
  });
});
