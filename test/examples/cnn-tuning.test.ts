import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, type ServerProcess, startServer } from '../helpers/server.ts';

// The CNN-tuning example's short run, end to end: the Python worker threads train
// the PyTorch model against the real server process, and what they reported is
// read back through the API.

const token = 'cnn-example-test-0123456789abcdef';
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The first interpreter that can import PyTorch and scikit-learn: Debian's
 * packages install for /usr/bin/python3, which need not be the python3 on PATH. */
function findPython(): string | undefined {
  return ['python3', '/usr/bin/python3'].find(
    (python) => spawnSync(python, ['-c', 'import torch, sklearn']).status === 0,
  );
}

const python = findPython();
const title = python
  ? 'the CNN-tuning example against the server process'
  : 'the CNN-tuning example (skipped: neither python3 nor /usr/bin/python3 can import torch ' +
    'and sklearn; apt-get install python3-torch python3-sklearn)';

interface Run {
  code: number;
  output: string;
}

function runExample(url: string, args: string[]): Promise<Run> {
  const env = {
    ...process.env,
    ARGMAX_URL: url,
    ARGMAX_TOKEN: token,
    PYTHONPATH: join(root, 'clients/python'),
  };
  const script = join(root, 'examples/cnn-tuning/tune.py');
  return new Promise((resolve) => {
    execFile(
      python ?? 'python3',
      [script, ...args],
      { cwd: root, env, timeout: 150_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

type Json = Record<string, any>;

async function get(server: ServerProcess, path: string): Promise<Json> {
  const response = await fetch(`${server.url}/v1${path}`, {
    headers: { authorization: basicAuth(token) },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as Json;
}

function experimentId(run: Run): string {
  const match = /^experiment (\d+) /m.exec(run.output);
  expect(match, run.output).not.toBeNull();
  return match?.[1] ?? '';
}

/** Every observation is either failed (no values, the error in its metadata) or an accuracy. */
function expectWellFormed(observations: Json[]): void {
  for (const observation of observations) {
    if (observation.failed) {
      expect(observation.values).toEqual([]);
      expect(typeof observation.metadata?.error).toBe('string');
    } else {
      expect(observation.values).toHaveLength(1);
      expect(observation.values[0].name).toBe('validation_accuracy');
      expect(observation.values[0].value).toBeGreaterThanOrEqual(0);
      expect(observation.values[0].value).toBeLessThanOrEqual(1);
    }
  }
}

/** Sentences in the format of Pang and Lee's files: Latin-1, one tokenized snippet a line. */
function polarityFile(cue: string[], lines: number): Buffer {
  const filler = 'the film is a story of its cast and director with some scenes'.split(' ');
  const text = Array.from({ length: lines }, (_, n) => {
    const words = filler.slice(n % 5, (n % 5) + 6);
    return [...words, cue[n % cue.length], 'caf\u00e9', '.'].join(' ');
  });
  return Buffer.from(`${text.join('\n')}\n`, 'latin1');
}

describe.skipIf(!python)(title, () => {
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'argmax-cnn-'));
    server = await startServer({ ARGMAX_TOKEN: token, DATA_DIR: join(dataDir, 'db') });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tunes on the digits with two workers and prints the best of what it stored', async () => {
    const run = await runExample(server.url, ['--quick', '--trials', '6', '--workers', '2']);
    expect(run.code, run.output).toBe(0);

    const id = experimentId(run);
    const experiment = await get(server, `/experiments/${id}`);
    const names = (experiment.parameters as Json[]).map((p) => p.name as string).sort();
    expect(names).toEqual([
      'batch_size',
      'dropout_rate',
      'embed_dim',
      'learning_rate',
      'max_grad_norm',
    ]);
    expect(experiment.observation_budget).toBe(40 * names.length);
    expect(experiment.progress.observation_count).toBe(6);

    const observations = (await get(server, `/experiments/${id}/observations`)).data as Json[];
    expect(observations).toHaveLength(6);
    expectWellFormed(observations);
    const failed = observations.filter((o) => o.failed).length;
    expect(run.output).toContain(`6 trials reported, ${failed} of them failed`);
    expect(run.output).toContain('[argmax-worker-1]');
    expect(run.output).toContain('[argmax-worker-2]');

    const best = ((await get(server, `/experiments/${id}/best_assignments`)).data as Json[])[0];
    expect(best, run.output).toBeDefined();
    const printedValue = /^best validation_accuracy: (\S+) \(observation (\d+)\)$/m.exec(
      run.output,
    );
    const printedAssignments = /^best assignments: (.+)$/m.exec(run.output);
    expect(Number(printedValue?.[1])).toBe(best?.values[0].value);
    expect(printedValue?.[2]).toBe(best?.id);
    expect(JSON.parse(printedAssignments?.[1] ?? 'null')).toEqual(best?.assignments);
  }, 150_000);

  it('tunes the architecture on sentence-polarity files', async () => {
    const reviews = join(dataDir, 'rt-polaritydata');
    await mkdir(reviews);
    await writeFile(join(reviews, 'rt-polarity.pos'), polarityFile(['moving', 'funny'], 120));
    await writeFile(join(reviews, 'rt-polarity.neg'), polarityFile(['dull', 'flat'], 120));

    const args = ['--quick', '--trials', '2', '--workers', '1', '--variant', 'architecture'];
    const run = await runExample(server.url, [...args, '--data-dir', dataDir]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('movie reviews: 216 training and 24 validation examples');

    const id = experimentId(run);
    const experiment = await get(server, `/experiments/${id}`);
    const names = (experiment.parameters as Json[]).map((p) => p.name as string);
    expect(names).toEqual(
      expect.arrayContaining([
        'filter_size_1',
        'filter_size_2',
        'filter_size_3',
        'num_feature_maps',
      ]),
    );
    expect(names).toHaveLength(9);
    const observations = (await get(server, `/experiments/${id}/observations`)).data as Json[];
    expect(observations).toHaveLength(2);
    expectWellFormed(observations);
  }, 150_000);

  it('names the files it expected when --data-dir has none', async () => {
    const run = await runExample(server.url, ['--quick', '--data-dir', join(dataDir, 'db')]);

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('expected the files rt-polarity.neg and rt-polarity.pos');
  }, 60_000);
});
