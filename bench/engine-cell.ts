// One cell of npm run bench:engine, in its own process so that its peak memory
// is its own: times suggestions for d dimensions and n observations and prints
// one JSON line. Run by bench/engine.ts; the argument is a JSON CellRequest.

import { performance } from 'node:perf_hooks';

import { createRandom, suggest } from '../src/engine/index.ts';
import type { EngineObservation, Parameter, SuggestResult } from '../src/engine/types.ts';

export interface CellRequest {
  d: number;
  n: number;
  reps: number;
  /** Stop starting new repetitions once this much time has gone. */
  capMs: number;
  timeBudgetMs: number;
}

export interface CellResult extends CellRequest {
  /** Wall time of each timed suggestion, warm-started as the service would. */
  warmMs: number[];
  /** CPU time (user + system) of the same calls: less skewed by other work on the machine. */
  warmCpuMs: number[];
  /** One suggestion without warmStart, as after a restart. */
  coldMs: number;
  strategies: string[];
  timedOut: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  heapUsedAfterMiB: number;
}

// A smooth function on [0, 1]^d with one broad peak and gentle ripples.
function smooth(x: number[]): number {
  return x.reduce((s, v, i) => s - (v - 0.3) ** 2 + 0.3 * Math.sin(5 * v + i), 0);
}

function observations(d: number, n: number): EngineObservation[] {
  const random = createRandom(1000 * d + n);
  return Array.from({ length: n }, () => {
    const x = Array.from({ length: d }, () => random());
    const assignments = Object.fromEntries(x.map((v, i) => [`x${i + 1}`, v]));
    return { assignments, value: smooth(x), noise: null, failed: false };
  });
}

interface Timed {
  ms: number;
  cpuMs: number;
  result: SuggestResult;
}

const clock = (): number => performance.now();
const mib = (bytes: number): number => bytes / 2 ** 20;

function timedSuggest(
  request: { parameters: Parameter[]; observations: EngineObservation[]; timeBudgetMs: number },
  seed: number,
  warmStart: unknown,
): Timed {
  const cpu = process.cpuUsage();
  const start = clock();
  const result = suggest({
    type: 'offline',
    ...request,
    pending: [],
    count: 1,
    random: createRandom(seed),
    clock,
    warmStart,
  });
  const ms = clock() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, result };
}

function runCell(cell: CellRequest): CellResult {
  const parameters: Parameter[] = Array.from({ length: cell.d }, (_, i) => ({
    name: `x${i + 1}`,
    type: 'double',
    min: 0,
    max: 1,
    log: false,
    grid: null,
  }));
  const all = observations(cell.d, cell.n);
  const rssBefore = process.memoryUsage().rss;
  const base = { parameters, timeBudgetMs: cell.timeBudgetMs };

  // The service's previous call saw one observation fewer; its state is the warm start.
  const previous = timedSuggest({ ...base, observations: all.slice(0, -1) }, 1, undefined);
  const cold = timedSuggest({ ...base, observations: all }, 2, undefined);

  const started = clock();
  const warm: Timed[] = [];
  for (let rep = 0; rep < cell.reps && (rep === 0 || clock() - started < cell.capMs); rep++) {
    warm.push(timedSuggest({ ...base, observations: all }, 10 + rep, previous.result.state));
  }
  return {
    ...cell,
    warmMs: warm.map((w) => w.ms),
    warmCpuMs: warm.map((w) => w.cpuMs),
    coldMs: cold.ms,
    strategies: [...new Set(warm.map((w) => w.result.diagnostics.strategy))],
    timedOut: warm.filter((w) => w.result.diagnostics.timedOut).length,
    rssBeforeMiB: mib(rssBefore),
    // resourceUsage reports maxRSS in KiB.
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedAfterMiB: mib(process.memoryUsage().heapUsed),
  };
}

const raw = process.argv[2];
if (raw === undefined) throw new Error('usage: engine-cell.ts <JSON cell request>');
console.log(JSON.stringify(runCell(JSON.parse(raw) as CellRequest)));
