import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../helpers/server.ts';

// Runs the Python client's unittest suite (clients/python/tests) against the
// real server process on PGlite, with the machine's python3.

const token = 'python-client-0123456789abcdef01';
const root = fileURLToPath(new URL('../..', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;
const title = hasPython
  ? 'the Python client against the server process'
  : 'the Python client (skipped: python3 is not on PATH)';

interface SuiteRun {
  code: number;
  output: string;
}

function runSuite(url: string): Promise<SuiteRun> {
  const args = ['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v'];
  const env = { ...process.env, ARGMAX_TEST_URL: url, ARGMAX_TEST_TOKEN: token };
  return new Promise((resolve) => {
    execFile('python3', args, { cwd: root, env, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe.skipIf(!hasPython)(title, () => {
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'argmax-python-'));
    server = await startServer({ ARGMAX_TOKEN: token, DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes every test of the suite', async () => {
    const run = await runSuite(server.url);

    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/\nOK( \(skipped=\d+\))?\n/);
    expect(run.output).not.toContain("skipped 'set ARGMAX_TEST_URL");
  }, 360_000);
});
