import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../clients/typescript/src/index.ts';
import { type ServerProcess, startServer } from '../helpers/server.ts';

// The TypeScript example worker (examples/typescript-worker) run as a user runs it,
// in a short version, against the real server process.

const token = 'typescript-example-0123456789abc';
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runWorker(url: string, args: string[]): Promise<Run> {
  const script = 'examples/typescript-worker/worker.ts';
  const env = { ...process.env, ARGMAX_URL: url, ARGMAX_TOKEN: token };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: root, env, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the TypeScript example worker', () => {
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'argmax-ts-example-'));
    server = await startServer({ ARGMAX_TOKEN: token, DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tunes the network with three workers to the budget and prints the best assignments', async () => {
    const args = ['--name', 'mlp-short', '--budget', '6', '--workers', '3', '--max-epochs', '5'];
    const run = await runWorker(server.url, args);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/6 trials reported here, \d+ of them failed/);
    expect(run.stdout).toMatch(/best accuracy 0\.\d{4}: \{"learning_rate":/);
    const client = new Client({ url: server.url, token });
    const [experiment] = await client.listExperiments({ search: 'mlp-short' });
    const observations = await client.listObservations(experiment!);
    expect(observations).toHaveLength(6);
    expect(new Set(observations.map((observation) => observation.suggestion)).size).toBe(6);
    for (const observation of observations.filter((o) => !o.failed)) {
      expect(observation.values.map((value) => value.name)).toEqual(['accuracy', 'train_loss']);
      expect(Number(observation.assignments.epochs)).toBeLessThanOrEqual(5);
    }
  });

  it('resumes the experiment by name and stops at once when its budget is used', async () => {
    const run = await runWorker(server.url, ['--name', 'mlp-short', '--budget', '6']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('6 of 6 observed');
    expect(run.stdout).toContain('0 trials reported here');
  });

  it('names the option that is wrong', async () => {
    const run = await runWorker(server.url, ['--workers', 'many']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--workers: expected an integer of at least 1, got "many"');
    expect(run.stderr).toContain('usage: worker.ts');
  });
});
