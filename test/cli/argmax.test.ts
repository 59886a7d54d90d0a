import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Client } from '../../clients/typescript/src/index.ts';
import { runArgmax, runToken, startServe } from './processes.ts';

// The `argmax` bin itself: how npx finds it, its commands and help, and `argmax serve`.

const root = new URL('../../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  version: string;
};
const token = 'serve-test-token-0123456789abcdef';

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'argmax-serve-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the argmax command', () => {
  it('is what npx runs in a checkout', async () => {
    const { stdout } = await promisify(execFile)('npx', ['argmax', '--version'], {
      cwd: new URL('docs/', root),
    });

    expect(stdout).toBe(`${version}\n`);
  });

  it('lists its commands, and stops at an unknown one with exit code 2', async () => {
    const help = await runArgmax(['--help'], {});
    const unknown = await runArgmax(['tokens'], {});
    const none = await runArgmax([], {});

    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: argmax <command> \[options\]\n\nCommands:\n {2}serve /);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^argmax: unknown command "tokens": the commands are serve, token and experiment\n/,
    );
    expect(none.code).toBe(2);
  });

  it('gives the help of serve, and names a bad flag by its name', async () => {
    const help = await runArgmax(['serve', '--help'], {});
    const port = await runArgmax(['serve', '--port', '99999'], {});
    const extra = await runArgmax(['serve', 'now'], {});

    expect(help.stdout).toContain('--data-dir DIR');
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/^argmax serve: Invalid configuration: --port must be an integer/);
    expect(extra).toMatchObject({ code: 2 });
    expect(extra.stderr).toContain('serve takes no arguments; given: now');
  });
});

describe('argmax serve', () => {
  it('serves from any directory, with a data dir relative to it, until SIGTERM', async () => {
    const server = await startServe(
      ['--port', '0', '--data-dir', 'data'],
      {
        ARGMAX_TOKEN: token,
        LOG_LEVEL: 'debug',
      },
      { cwd: scratch },
    );
    try {
      const health = await fetch(server.api.replace(/\/v1$/, '/health'));
      expect(health.status).toBe(200);
      expect(existsSync(join(scratch, 'data', 'argmax.lock'))).toBe(true);

      // The optimizer's worker threads load TypeScript too: a suggestion runs one.
      const client = new Client({ url: server.api, token });
      const experiment = await client.createExperiment({
        name: 'served',
        parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      });
      await client.createSuggestion(experiment.id);
      await expect.poll(() => server.log(), { timeout: 20_000 }).toContain('"msg":"pool computed"');

      const listed = await runToken(['list'], { DATA_DIR: join(scratch, 'data') });
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^ID +CLIENT /);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    expect(server.log()).not.toContain('pool refresh failed');
    expect(server.log()).toContain('"msg":"stopped"');
  });
});
