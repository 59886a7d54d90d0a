import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { type ServerProcess, startServer } from '../helpers/server.ts';

// Runs sigopt_wire.py, which sends the exact requests of SigOpt's Python
// client (headers, query and body encoding, paging) to the real server process
// and reads every answer as that client would.

const token = 'sigopt-wire-token-0123456789abcdef';
const script = fileURLToPath(new URL('./sigopt_wire.py', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;
const title = hasPython
  ? 'SigOpt Python client traffic'
  : 'SigOpt Python client traffic (skipped: python3 is not on PATH)';

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(url: string): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile('python3', [script, url, token], { timeout: 240_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

for (const kind of backends) {
  describe.skipIf(!hasPython)(`${title} on ${kind}`, () => {
    let server: ServerProcess;
    let database: TestDatabase | null = null;
    let dataDir: string | null = null;

    beforeAll(async () => {
      const env: Record<string, string> = { ARGMAX_TOKEN: token };
      if (kind === 'postgres') {
        database = await openTestDatabase('postgres');
        env.DATABASE_URL = database.url ?? '';
      } else {
        dataDir = await mkdtemp(join(tmpdir(), 'argmax-wire-'));
        env.DATA_DIR = dataDir;
      }
      server = await startServer(env);
    });

    afterAll(async () => {
      await server?.stop('SIGKILL');
      await database?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('answers every request the way the client expects', async () => {
      const run = await runScript(server.url);
      const lines = run.stdout.trim().split('\n');
      const summary = lines[lines.length - 1] ?? '';

      expect(run.stderr, `script output:\n${run.stdout}\n${run.stderr}`).not.toContain('MISMATCH');
      expect(run.code).toBe(0);
      expect(summary).toMatch(/^sigopt wire compatibility: \d+ passed, 0 failed$/);
      expect(Number(/(\d+) passed/.exec(summary)?.[1])).toBeGreaterThanOrEqual(40);
    }, 300_000);
  });
}
