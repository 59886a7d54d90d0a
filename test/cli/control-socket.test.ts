import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ControlUnreachableError, sendTokenCommand } from '../../src/cli/control-client.ts';
import {
  controlSocketPath,
  startControlServer,
  TokenCommandError,
  type ControlLogger,
} from '../../src/service/control.ts';
import { authenticate } from '../../src/store/tokens.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { leaveStaleSocket } from './processes.ts';

// The server's control socket in-process, against a real embedded database.

interface Logged {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

function recordingLogger(): ControlLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

/** One raw request on the socket: its status and body. */
function send(
  socketPath: string,
  options: { method: string; path: string; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { socketPath, method: options.method, path: options.path, agent: false },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

let database: TestDatabase;
let root: string;

beforeAll(async () => {
  database = await openTestDatabase('pglite');
  root = mkdtempSync(join(tmpdir(), 'argmax-control-'));
});

afterAll(async () => {
  await database.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the control socket', () => {
  it('runs token commands on a socket only its owner can open, and removes it on close', async () => {
    const logger = recordingLogger();
    const control = await startControlServer(database, root, logger);
    const path = controlSocketPath(root);
    try {
      expect(control.path).toBe(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);

      const created = await sendTokenCommand(path, {
        command: 'create',
        client: 'ops',
        development: false,
        admin: true,
        expiresInSeconds: null,
      });
      if (created.command !== 'create') throw new Error('not a create result');
      const found = await authenticate(database.sql, created.value, new Date());
      expect(found).toMatchObject({ token: { id: created.token.id, admin: true } });
      await expect(sendTokenCommand(path, { command: 'revoke', id: '999999' })).rejects.toThrow(
        TokenCommandError,
      );
    } finally {
      await control.close();
    }

    expect(existsSync(path)).toBe(false);
    await expect(sendTokenCommand(path, { command: 'list', client: null })).rejects.toThrow(
      ControlUnreachableError,
    );
    expect(JSON.stringify(logger.lines)).not.toContain('amx_');
    expect(logger.lines.map((line) => line.obj)).toContainEqual({
      command: 'create',
      client: 'ops',
      admin: true,
      status: 200,
    });
  });

  it('refuses other routes, methods, malformed bodies and unknown commands', async () => {
    const control = await startControlServer(database, root, recordingLogger());
    const path = controlSocketPath(root);
    try {
      const answers = await Promise.all([
        send(path, { method: 'POST', path: '/experiments', body: '{}' }),
        send(path, { method: 'GET', path: '/tokens' }),
        send(path, { method: 'POST', path: '/tokens', body: '{"command":' }),
        send(path, { method: 'POST', path: '/tokens', body: '{"command":"drop"}' }),
        send(path, {
          method: 'POST',
          path: '/tokens',
          body: JSON.stringify({ command: 'list', client: 'x'.repeat(70_000) }),
        }),
      ]);

      expect(answers.map((answer) => answer.status)).toEqual([404, 405, 400, 400, 413]);
      expect(JSON.parse(answers[2]?.body ?? '')).toEqual({ error: 'the body must be JSON' });
      expect(answers[3]?.body).toContain('command');
    } finally {
      await control.close();
    }
  });

  it('replaces a socket left by a process that died, and leaves other files alone', async () => {
    const path = controlSocketPath(root);
    leaveStaleSocket(path);
    expect(statSync(path).isSocket()).toBe(true);

    const control = await startControlServer(database, root, recordingLogger());
    try {
      const listed = await sendTokenCommand(path, { command: 'list', client: 'ops' });
      expect(listed).toMatchObject({ command: 'list', tokens: [{ client: 'ops' }] });
    } finally {
      await control.close();
    }

    writeFileSync(path, 'not a socket');
    const logger = recordingLogger();
    const refused = await startControlServer(database, root, logger);
    expect(refused.path).toBeNull();
    expect(logger.lines[0]).toMatchObject({ level: 'warn', msg: 'control socket unavailable' });
    expect(statSync(path).isFile()).toBe(true);
  });
});
