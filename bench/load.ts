// `npm run bench:load`: the real server process on a fresh Postgres database
// under 64 concurrent workers over keep-alive HTTP. Measures suggestion and
// observation latency (p50, p99) with 0, 200 and 1000 observations already in
// the experiment, twice: workers that train between asking and reporting (a
// fleet), and workers that ask again at once (the service saturated); then
// requests per second, errors, observation throughput (single and batch), and
// the optimizer's quality with 8 parallel workers against one on Hartmann-6.
// Writes its section of docs/benchmarks.md. `--only fleet|saturated|quality`
// and `--n 1000` run part of it, for looking into one phase, and write no docs.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { createRandom } from '../src/engine/random.ts';
import type { RandomSource } from '../src/engine/types.ts';
import { type CpuSample, cpuPerRequest, sampleCpu } from './cpu.ts';
import { writeSection } from './docs-section.ts';
import { LoadClient, Recorder } from './load-client.ts';
import { renderLoadReport, type LoadReport, type PhaseResult } from './load-report.ts';
import { runQuality } from './load-quality.ts';
import { benchToken, serverTimes, startService, type Service } from './load-service.ts';
import { describeMachine, loadAverage, today } from './machine.ts';
import { quantile } from './stats.ts';

const WORKERS = 64;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const mixedSpace = [
  { name: 'learning_rate', type: 'double', bounds: { min: 1e-5, max: 1 }, transformation: 'log' },
  { name: 'momentum', type: 'double', bounds: { min: 0, max: 0.99 } },
  { name: 'layers', type: 'int', bounds: { min: 1, max: 8 } },
  { name: 'units', type: 'int', bounds: { min: 16, max: 512 } },
  { name: 'optimizer', type: 'categorical', categorical_values: ['sgd', 'adam', 'rmsprop'] },
  { name: 'activation', type: 'categorical', categorical_values: ['relu', 'tanh', 'gelu'] },
];

function randomPoint(random: RandomSource): Record<string, number | string> {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  return {
    learning_rate: 10 ** (-5 + 5 * random()),
    momentum: 0.99 * random(),
    layers: 1 + Math.floor(random() * 8),
    units: 16 + Math.floor(random() * 497),
    optimizer: pick(['sgd', 'adam', 'rmsprop']),
    activation: pick(['relu', 'tanh', 'gelu']),
  };
}

/** A made-up accuracy: any value works, the benchmark measures the service. */
function accuracy(point: Record<string, unknown>): number {
  const value =
    0.9 -
    0.05 * Math.abs(Math.log10(Number(point.learning_rate)) + 3) +
    (0.01 * (Number(point.units) % 17)) / 17;
  return Number.isFinite(value) ? value : 0;
}

async function createExperiment(client: LoadClient, name: string): Promise<string> {
  const answer = await client.request('POST', '/v1/experiments', {
    name,
    parameters: mixedSpace,
    metrics: [{ name: 'accuracy', objective: 'maximize' }],
    parallel_bandwidth: WORKERS,
  });
  if (answer.status !== 200) throw new Error(`creating the experiment: ${answer.status}`);
  return String(answer.body?.id);
}

async function preload(client: LoadClient, experiment: string, n: number, random: RandomSource) {
  for (let done = 0; done < n; done += 500) {
    const observations = Array.from({ length: Math.min(500, n - done) }, () => {
      const assignments = randomPoint(random);
      return { assignments, values: [{ name: 'accuracy', value: accuracy(assignments) }] };
    });
    const path = `/v1/experiments/${experiment}/observations/batch`;
    const answer = await client.request('POST', path, { observations });
    if (answer.status !== 200) throw new Error(`preloading: ${answer.status}`);
  }
}

/** Runs `worker` on WORKERS concurrent loops until `seconds` have passed. */
async function forSeconds(seconds: number, worker: () => Promise<void>): Promise<number> {
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (performance.now() < end) await worker();
    }),
  );
  return (performance.now() - start) / 1000;
}

interface Context {
  client: LoadClient;
  service: Service;
  seconds: number;
  random: RandomSource;
}

/**
 * Each worker's connection is open before the clock starts, as a fleet's are
 * after its first request: the phases measure requests, not TCP handshakes.
 */
async function connectWorkers(client: LoadClient, experiment: string): Promise<void> {
  await Promise.all(
    Array.from({ length: WORKERS }, () => client.request('GET', `/v1/experiments/${experiment}`)),
  );
}

/**
 * An untimed run of the worker loop first, so that the phases measure a
 * service that has been running (compiled code, prepared statements, open
 * connections to Postgres) rather than one that just started.
 */
async function warmUp(context: Context, seconds: number): Promise<void> {
  const { client, random } = context;
  const experiment = await createExperiment(client, 'load warm-up');
  await preload(client, experiment, 200, random);
  const base = `/v1/experiments/${experiment}`;
  await forSeconds(seconds, async () => {
    const suggestion = await client.request('POST', `${base}/suggestions`);
    if (suggestion.status !== 200) return;
    const assignments = suggestion.body?.assignments as Record<string, unknown>;
    await sleep(100 * random());
    await client.request('POST', `${base}/observations`, {
      suggestion: suggestion.body?.id,
      values: [{ name: 'accuracy', value: accuracy(assignments) }],
    });
  });
  await client.request('DELETE', base);
}

/**
 * The worker loop (suggest, train for `trainMs` times 0.5 to 1.5, report) on
 * an experiment that starts with n observations.
 */
async function loopPhase(context: Context, n: number, trainMs: number): Promise<PhaseResult> {
  const { client, service, random } = context;
  const experiment = await createExperiment(client, `load n=${n}, training ${trainMs} ms`);
  await preload(client, experiment, n, random);
  await connectWorkers(client, experiment);
  // Let the background pool computation that the preload started settle.
  await sleep(3000);

  const suggestions = new Recorder();
  const observations = new Recorder();
  const logFrom = service.server.output().length;
  const cpuFrom = sampleCpu(service.pid);
  const base = `/v1/experiments/${experiment}`;
  const elapsed = await forSeconds(context.seconds, async () => {
    const suggestion = await suggestions.time(() => client.request('POST', `${base}/suggestions`));
    if (!suggestion) return;
    const assignments = suggestion.body?.assignments as Record<string, unknown>;
    if (trainMs > 0) await sleep(trainMs * (0.5 + random()));
    await observations.time(() =>
      client.request('POST', `${base}/observations`, {
        suggestion: suggestion.body?.id,
        values: [{ name: 'accuracy', value: accuracy(assignments) }],
      }),
    );
  });
  return phaseResult(`n = ${n}`, elapsed, { suggestions, observations }, service, {
    logFrom,
    cpuFrom,
  });
}

/** 64 workers posting observations with their own assignments, as fast as they can. */
async function throughputPhase(context: Context): Promise<PhaseResult> {
  const { client, service, random } = context;
  const experiment = await createExperiment(client, 'load throughput');
  const observations = new Recorder();
  const logFrom = service.server.output().length;
  const cpuFrom = sampleCpu(service.pid);
  const path = `/v1/experiments/${experiment}/observations`;
  const elapsed = await forSeconds(context.seconds, async () => {
    const assignments = randomPoint(random);
    await observations.time(() =>
      client.request('POST', path, {
        assignments,
        values: [{ name: 'accuracy', value: accuracy(assignments) }],
      }),
    );
  });
  return phaseResult('observations only', elapsed, { observations }, service, { logFrom, cpuFrom });
}

const BATCH = 250;

/** Batches of 250 from 8 concurrent senders. */
async function batchPhase(context: Context): Promise<PhaseResult & { perRequest: number }> {
  const { client, service, random } = context;
  const experiment = await createExperiment(client, 'load batches');
  const batches = new Recorder();
  const logFrom = service.server.output().length;
  const cpuFrom = sampleCpu(service.pid);
  const path = `/v1/experiments/${experiment}/observations/batch`;
  const start = performance.now();
  const end = start + context.seconds * 1000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < end) {
        const observations = Array.from({ length: BATCH }, () => {
          const assignments = randomPoint(random);
          return { assignments, values: [{ name: 'accuracy', value: accuracy(assignments) }] };
        });
        await batches.time(() => client.request('POST', path, { observations }));
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const result = phaseResult('batches of 250', elapsed, { batches }, service, { logFrom, cpuFrom });
  return { ...result, perRequest: BATCH };
}

function phaseResult(
  name: string,
  elapsed: number,
  recorders: Record<string, Recorder>,
  service: Service,
  from: { logFrom: number; cpuFrom: CpuSample },
): PhaseResult {
  const cpuTo = sampleCpu(service.pid);
  const times = serverTimes(service.server.output(), from.logFrom);
  const kinds = Object.entries(recorders).map(([kind, recorder]) => ({
    kind,
    ...recorder.summary(),
    firstFailures: recorder.failures.slice(0, 3),
  }));
  const requests = kinds.reduce((sum, kind) => sum + kind.count, 0);
  const server = [...times].map(([route, list]) => ({
    route,
    count: list.length,
    p50: quantile(list, 0.5),
    p99: quantile(list, 0.99),
  }));
  const cpu = cpuPerRequest(from.cpuFrom, cpuTo, requests);
  return { name, seconds: elapsed, requestsPerSecond: requests / elapsed, kinds, server, cpu };
}

function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      'quality-seeds': { type: 'string', default: '10' },
      'evaluation-ms': { type: 'string', default: '200' },
      'train-ms': { type: 'string', default: '1000' },
      'no-quality': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
      // For looking into one phase: `--only fleet --n 1000` runs just that
      // (and writes no docs, the report being incomplete).
      only: { type: 'string' },
      n: { type: 'string', default: '0,200,1000' },
      database: { type: 'string' },
    },
  });
  const only = values.only;
  if (only !== undefined && !['fleet', 'saturated', 'quality'].includes(only)) {
    throw new Error(`--only takes fleet, saturated or quality, not ${only}`);
  }
  return {
    seconds: Number(values.seconds),
    qualitySeeds:
      values['no-quality'] || (only !== undefined && only !== 'quality')
        ? 0
        : Number(values['quality-seeds']),
    evaluationMs: Number(values['evaluation-ms']),
    trainMs: Number(values['train-ms']),
    docs: !values['no-docs'] && only === undefined && values.n === '0,200,1000',
    only,
    sizes: values.n.split(',').map((n) => Number(n)),
    database:
      values.database ??
      process.env.BENCH_DATABASE_URL ??
      process.env.TEST_DATABASE_URL ??
      'postgres://root@127.0.0.1:5432/test',
  };
}

async function main(): Promise<void> {
  const settings = options();
  const machine = describeMachine();
  const dataDir = await mkdtemp(join(tmpdir(), 'argmax-bench-'));
  const service = await startService(settings.database, dataDir);
  const client = new LoadClient(service.url, benchToken, WORKERS);
  const context: Context = { client, service, seconds: settings.seconds, random: createRandom(7) };

  try {
    await warmUp(context, 5);
    const fleet: PhaseResult[] = [];
    const phases: PhaseResult[] = [];
    for (const n of settings.only === 'quality' ? [] : settings.sizes) {
      if (settings.only !== 'saturated') {
        fleet.push(await loopPhase(context, n, settings.trainMs));
        console.log(JSON.stringify(fleet.at(-1)));
      }
      if (settings.only !== 'fleet') {
        phases.push(await loopPhase(context, n, 0));
        console.log(JSON.stringify(phases.at(-1)));
      }
    }
    if (settings.only === 'quality') {
      console.log(
        JSON.stringify(await runQuality(client, settings.qualitySeeds, settings.evaluationMs)),
      );
    }
    if (settings.only !== undefined) return;
    const throughput = await throughputPhase(context);
    console.log(JSON.stringify(throughput));
    const batches = await batchPhase(context);
    console.log(JSON.stringify(batches));
    const quality =
      settings.qualitySeeds > 0
        ? await runQuality(client, settings.qualitySeeds, settings.evaluationMs)
        : null;
    machine.load.end = loadAverage();

    const report: LoadReport = {
      date: today(),
      machine,
      command: `npm run bench:load -- ${process.argv.slice(2).join(' ')}`.trim(),
      seconds: settings.seconds,
      workers: WORKERS,
      trainMs: settings.trainMs,
      fleet,
      phases,
      throughput,
      batches,
      quality,
    };
    const markdown = renderLoadReport(report);
    console.log(markdown);
    if (settings.docs) writeSection('bench:load', markdown);
  } finally {
    client.close();
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
