import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Client, type ExperimentFields } from '../../clients/typescript/src/index.ts';
import { startServer, type ServerProcess } from '../helpers/server.ts';
import { bin, runArgmax } from './processes.ts';

// `argmax experiment` as real processes through the bin, against the real server on a free port.

const token = 'cli-test-token-0123456789abcdef';

const parameters: ExperimentFields['parameters'] = [
  { name: 'learning_rate', type: 'double', bounds: { min: 1e-5, max: 1 }, transformation: 'log' },
  { name: 'batch_size', type: 'int', bounds: { min: 10, max: 100 } },
  { name: 'optimizer', type: 'categorical', categorical_values: ['rmsprop', 'adam, tuned'] },
];

/** What an import must reproduce of an observation. */
const essence = (observations: Awaited<ReturnType<Client['listObservations']>>) =>
  observations
    .map(({ assignments, values, failed, metadata }) => ({
      assignments,
      values: values.map(({ name, value, value_stddev }) => ({ name, value, value_stddev })),
      failed,
      metadata,
    }))
    .reverse();

/** A port on which nobody listens: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise((resolve) => listener.close(resolve));
  return port;
}

let server: ServerProcess;
let client: Client;
let root: string;
let env: Record<string, string>;
let seeded = '';

async function newExperiment(name: string): Promise<string> {
  const experiment = await client.createExperiment({
    name,
    parameters,
    metrics: [{ name: 'accuracy', objective: 'maximize' }],
    observation_budget: 10,
  });
  return experiment.id;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'argmax-cli-'));
  server = await startServer({ DATA_DIR: join(root, 'data'), ARGMAX_TOKEN: token });
  client = new Client({ url: server.url, token });
  env = { ARGMAX_URL: server.url, ARGMAX_TOKEN: token };

  seeded = await newExperiment('Text CNN');
  await client.createObservations(seeded, [
    {
      assignments: { learning_rate: 0.003, batch_size: 32, optimizer: 'adam, tuned' },
      values: [{ name: 'accuracy', value: 0.5, value_stddev: 0.01 }],
      metadata: { host: 'gpu-1', note: 'first, "quoted"' },
    },
    { assignments: { learning_rate: 1e-4, batch_size: 10, optimizer: 'rmsprop' }, failed: true },
    {
      assignments: { learning_rate: 0.1234567890123, batch_size: 100, optimizer: 'rmsprop' },
      values: [{ name: 'accuracy', value: 0.875 }],
    },
  ]);
  await client.createSuggestion(seeded, {
    assignments: { learning_rate: 0.01, batch_size: 64, optimizer: 'adam, tuned' },
  });
});

afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('argmax experiment', () => {
  it('lists experiments with budget used, best value, open suggestions and the curve', async () => {
    const listed = await runArgmax(['experiment', 'list'], env);
    const asJson = await runArgmax(['experiment', 'list', '--json'], env);

    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const [header, row] = listed.stdout.split('\n');
    expect(header).toMatch(/^ID +NAME +STATE +BUDGET +BEST +OPEN +BEST SO FAR$/);
    expect(row?.trim().split(/ {2,}/)).toEqual([
      seeded,
      'Text CNN',
      'active',
      '3/10',
      '0.875',
      '1',
      '▁▁█',
    ]);
    expect(listed.stdout).not.toContain('\x1b');
    expect(JSON.parse(asJson.stdout)).toEqual([
      {
        id: seeded,
        name: 'Text CNN',
        state: 'active',
        observation_count: 3,
        observation_budget: 10,
        budget_consumed: 3,
        best_value: 0.875,
        open_suggestions: 1,
        best_so_far: [0.5, 0.5, 0.875],
      },
    ]);
  });

  it('shows one experiment: space, progress, best assignments, open and latest', async () => {
    const shown = await runArgmax(['experiment', 'show', seeded, '--observations', '2'], env);

    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Experiment ${seeded}: Text CNN\n`);
    expect(shown.stdout).toMatch(/Budget +3\/10 \(30%\), 3 observations/);
    expect(shown.stdout).toMatch(/Best value +0\.875 \(accuracy, maximize\)/);
    expect(shown.stdout).toMatch(/Best so far +▁▁█ {2}0\.5 → 0\.875/);
    expect(shown.stdout).toMatch(/learning_rate +double, log +0\.00001 to 1/);
    expect(shown.stdout).toMatch(
      /Best assignments\n +ID .*\n +\d+ +0\.123457 +100 +rmsprop +0\.875/,
    );
    expect(shown.stdout).toMatch(/Open suggestions\n.*\n +\d+ +0\.01 +64 +adam, tuned/);
    expect(shown.stdout).toContain('Latest observations (2 of 3)');
    expect(shown.stdout).not.toMatch(/ 0\.5 +no /);

    const asJson = JSON.parse(
      (await runArgmax(['experiment', 'show', seeded, '--json'], env)).stdout,
    );
    expect(asJson.experiment.id).toBe(seeded);
    expect(asJson.observations).toHaveLength(3);
    expect(asJson.open_suggestions).toHaveLength(1);
  });

  it('exports the observations as CSV, oldest first, and as JSON to a file', async () => {
    const exported = await runArgmax(['experiment', 'export', seeded], env);
    const output = join(root, 'observations.json');
    const toFile = await runArgmax(
      ['experiment', 'export', seeded, '--format', 'json', '--output', output],
      env,
    );

    expect(exported.code).toBe(0);
    const lines = exported.stdout.split('\r\n');
    expect(lines[0]).toBe(
      'id,learning_rate,batch_size,optimizer,accuracy,accuracy_stddev,failed,suggestion,created,metadata',
    );
    expect(lines[1]).toMatch(
      /^\d+,0\.003,32,"adam, tuned",0\.5,0\.01,false,,\d{4}-.*Z,"{""host"":""gpu-1"",""note"":""first, \\""quoted\\""""}"$/,
    );
    expect(lines[2]).toMatch(/^\d+,0\.0001,10,rmsprop,,,true,,/);
    expect(lines[3]).toMatch(/^\d+,0\.1234567890123,100,rmsprop,0\.875,,false,,/);
    expect(toFile).toMatchObject({ code: 0, stdout: '' });
    expect(toFile.stderr).toContain(`wrote 3 observations of experiment ${seeded} to ${output}`);
    const observations = JSON.parse(readFileSync(output, 'utf8'));
    expect(observations.map((observation: { failed: boolean }) => observation.failed)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('imports an export into a fresh experiment, reproducing its observations', async () => {
    const csv = join(root, 'export.csv');
    writeFileSync(csv, (await runArgmax(['experiment', 'export', seeded], env)).stdout);
    const fresh = await newExperiment('warm start');

    const imported = await runArgmax(
      ['experiment', 'import', fresh, csv, '--batch-size', '2'],
      env,
    );

    expect(imported).toMatchObject({ code: 0, stdout: '' });
    // Piped: one plain line per batch, no bar and no control codes.
    expect(imported.stderr).toBe(
      `2/3 observations\n3/3 observations\nimported 3 observations into experiment ${fresh}\n`,
    );
    expect(essence(await client.listObservations(fresh))).toEqual(
      essence(await client.listObservations(seeded)),
    );
  });

  it('reads the CSV from standard input and stores nothing when a row is bad', async () => {
    const fresh = await newExperiment('bad file');
    const text = [
      'learning_rate,batch_size,optimizer,accuracy',
      '0.01,20,adam, tuned,0.5',
      '0.01,20,rmsprop,0.5',
      '0.01,20,sgd,0.5',
    ].join('\n');

    const refused = await runArgmax(['experiment', 'import', fresh, '-'], env, { input: text });

    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      [
        'argmax experiment import: standard input cannot be imported, so nothing was stored:',
        '  row 1 (line 2): 5 fields where the header has 4',
        '  row 3 (line 4), column optimizer: "sgd" is not a category of optimizer; accepted: one of rmsprop, adam, tuned',
        '',
      ].join('\n'),
    );
    expect(await client.listObservations(fresh)).toEqual([]);
  });

  it('names a file it cannot read, an unknown experiment, and a server that is not there', async () => {
    const missing = await runArgmax(['experiment', 'import', seeded, join(root, 'nope.csv')], env);
    const unknown = await runArgmax(['experiment', 'show', '999999'], env);
    const port = await closedPort();
    const away = await runArgmax(['experiment', 'list', '--url', `http://127.0.0.1:${port}`], env);
    const refused = await runArgmax(['experiment', 'list', '--token', 'not-the-token-at-all'], env);

    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: ENOENT');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'argmax experiment show: the server answered 404: No experiment with id "999999" exists.\n',
    );
    expect(away.code).toBe(1);
    expect(away.stderr).toMatch(
      new RegExp(
        `^argmax experiment list: cannot reach the server: GET http://127.0.0.1:${port}/v1/experiments.*ECONNREFUSED`,
      ),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refused the token');
  });

  it('stops quietly when the reader of its output closes the pipe early', async () => {
    const long = await newExperiment('long history');
    const observations = Array.from({ length: 2000 }, (_, index) => ({
      assignments: { learning_rate: 0.5, batch_size: 10 + (index % 90), optimizer: 'rmsprop' },
      values: [{ name: 'accuracy', value: index / 2000 }],
    }));
    await client.createObservations(long, observations, { no_optimize: true });

    // Far more than a pipe holds, so that the command is still writing when `head` quits.
    const pipeline = `"${process.execPath}" "${bin}" experiment export ${long} | head -n 2`;
    const child = spawn('bash', ['-o', 'pipefail', '-c', pipeline], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [code] = (await once(child, 'close')) as [number | null];

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\r\n')).toHaveLength(3);
  });

  it('stops at a usage mistake with exit code 2 and the usage of the command', async () => {
    const noToken = await runArgmax(['experiment', 'list'], {});
    const badId = await runArgmax(['experiment', 'export', 'cnn'], env);
    const help = await runArgmax(['experiment', 'import', '--help'], {});

    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('no API token: pass --token TOKEN or set ARGMAX_TOKEN');
    expect(noToken.stderr).toContain('Usage: argmax experiment list');
    expect(badId.code).toBe(2);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: argmax experiment import ID FILE [--batch-size N]');
  });
});
