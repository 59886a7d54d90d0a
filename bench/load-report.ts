// The load benchmark's section of docs/benchmarks.md, computed from one run.

import type { CpuSample } from './cpu.ts';
import type { QualityResult } from './load-quality.ts';
import { type Machine, machineLine } from './machine.ts';
import { formatNumber, median } from './stats.ts';

export interface KindResult {
  kind: string;
  count: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  firstFailures: string[];
}

export interface PhaseResult {
  name: string;
  seconds: number;
  requestsPerSecond: number;
  kinds: KindResult[];
  /** What the server logged as its own time for each route (ms). */
  server: Array<{ route: string; count: number; p50: number; p99: number }>;
  /** CPU ms per request: the server process, Postgres, the benchmark's client. */
  cpu: CpuSample;
}

export interface LoadReport {
  date: string;
  machine: Machine;
  command: string;
  seconds: number;
  workers: number;
  /** The fleet's simulated training time between asking and reporting, in ms (times 0.5 to 1.5). */
  trainMs: number;
  /** Workers that train between requests. */
  fleet: PhaseResult[];
  /** Workers that ask again at once: the service saturated. */
  phases: PhaseResult[];
  throughput: PhaseResult;
  batches: PhaseResult & { perRequest: number };
  quality: QualityResult | null;
}

const targets = { suggestions: 50, observations: 30 };
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const cpuMs = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

function kindOf(phase: PhaseResult, kind: string): KindResult | undefined {
  return phase.kinds.find((entry) => entry.kind === kind);
}

function latencyTable(phases: PhaseResult[]): string[] {
  const rows = phases.map((phase) => {
    const s = kindOf(phase, 'suggestions');
    const o = kindOf(phase, 'observations');
    const errors = (s?.errors ?? 0) + (o?.errors ?? 0);
    return (
      `| ${phase.name} | ${s?.count ?? 0} | ${ms(s?.p50 ?? NaN)} | ${ms(s?.p99 ?? NaN)} | ` +
      `${ms(o?.p50 ?? NaN)} | ${ms(o?.p99 ?? NaN)} | ${phase.requestsPerSecond.toFixed(0)} | ${errors} |`
    );
  });
  return [
    '| observations at the start | loops | suggestion p50 (ms) | suggestion p99 | observation p50 | observation p99 | requests/s | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

function serverTable(report: LoadReport): string[] {
  const named = (label: string) => (phase: PhaseResult) => ({
    ...phase,
    name: `${label}, ${phase.name}`,
  });
  const all = [
    ...report.fleet.map(named('fleet')),
    ...report.phases.map(named('saturated')),
    report.throughput,
  ];
  const rows = all.flatMap((phase) =>
    phase.server
      .filter((entry) => entry.route.startsWith('POST'))
      .map(
        (entry) =>
          `| ${phase.name} | ${entry.route} | ${entry.count} | ${ms(entry.p50)} | ${ms(entry.p99)} |`,
      ),
  );
  return [
    '| phase | route | requests | server p50 (ms) | server p99 |',
    '|---|---|---:|---:|---:|',
    ...rows,
  ];
}

function cpuTable(report: LoadReport): string[] {
  const named = (label: string) => (phase: PhaseResult) => [`${label}, ${phase.name}`, phase];
  const all = [
    ...report.fleet.map(named('fleet')),
    ...report.phases.map(named('saturated')),
    ['observations only', report.throughput],
  ] as Array<[string, PhaseResult]>;
  const rows = all.map(
    ([name, phase]) =>
      `| ${name} | ${cpuMs(phase.cpu.server)} | ${cpuMs(phase.cpu.postgres)} | ${cpuMs(phase.cpu.client)} |`,
  );
  return [
    '| phase | server process (all threads) | Postgres (all processes) | benchmark client |',
    '|---|---:|---:|---:|',
    ...rows,
  ];
}

function throughputLines(report: LoadReport): string[] {
  const single = kindOf(report.throughput, 'observations');
  const batch = kindOf(report.batches, 'batches');
  const singleRate = (single?.count ?? 0) / report.throughput.seconds;
  const batchRate = ((batch?.count ?? 0) * report.batches.perRequest) / report.batches.seconds;
  return [
    `- One observation a request, ${report.workers} workers: ${singleRate.toFixed(0)} observations/s ` +
      `(p50 ${ms(single?.p50 ?? NaN)} ms, p99 ${ms(single?.p99 ?? NaN)} ms, ${single?.errors ?? 0} errors); ` +
      `target 1000/s: ${verdict(singleRate >= 1000)}.`,
    `- Batches of ${report.batches.perRequest}, 8 senders: ${batchRate.toFixed(0)} observations/s ` +
      `(batch p50 ${ms(batch?.p50 ?? NaN)} ms, p99 ${ms(batch?.p99 ?? NaN)} ms, ${batch?.errors ?? 0} errors).`,
  ];
}

function targetLines(phases: PhaseResult[]): string[] {
  const worst = (kind: 'suggestions' | 'observations') =>
    Math.max(...phases.map((phase) => kindOf(phase, kind)?.p99 ?? Infinity));
  const errors = phases.reduce(
    (sum, phase) => sum + phase.kinds.reduce((s, kind) => s + kind.errors, 0),
    0,
  );
  return [
    `- Suggestion p99 at most ${targets.suggestions} ms at every n: worst ${ms(worst('suggestions'))} ms, ${verdict(worst('suggestions') <= targets.suggestions)}.`,
    `- Observation p99 at most ${targets.observations} ms at every n: worst ${ms(worst('observations'))} ms, ${verdict(worst('observations') <= targets.observations)}.`,
    `- Zero errors: ${errors} errors, ${verdict(errors === 0)}.`,
  ];
}

/** A repetition this close to the known minimum found its basin. */
const SOLVED = 0.01;

function qualityLines(quality: QualityResult | null): string[] {
  if (quality === null) return ['Quality was not measured in this run (`--no-quality`).'];
  const fmt = (values: number[]) => values.map(formatNumber).join(', ');
  // Hartmann-6's outcomes are two-peaked (its second-best minimum lies 0.119 above the
  // best), so the median alone flips with one repetition: the count within 0.01 says more.
  const solved = (regrets: number[]) =>
    `${regrets.filter((regret) => regret <= SOLVED).length} of ${regrets.length}`;
  const row = (label: string, regrets: number[], seconds: number[]) =>
    `| ${label} | ${formatNumber(median(regrets))} | ${solved(regrets)} | ${fmt(regrets)} | ${(median(seconds) / 60).toFixed(1)} |`;
  const short = `${quality.evaluationMs} to ${2 * quality.evaluationMs} ms`;
  const long = `${quality.slowEvaluationMs / 1000} to ${(2 * quality.slowEvaluationMs) / 1000} s`;
  return [
    `Hartmann-6, ${quality.budget} evaluations, ${quality.seeds} repetitions, the arms of a ` +
      'repetition side by side on the same server; each evaluation takes a simulated training ' +
      'time, short or long (a single worker waits for the point that uses its latest ' +
      'observation, so its training time does not change its result):',
    '',
    `| workers | median simple regret | within ${SOLVED} of the minimum | regrets | median minutes |`,
    '|---|---:|---:|---|---:|',
    row(
      `1 (parallel_bandwidth 1), trainings of ${short}`,
      quality.sequential,
      quality.seconds.sequential,
    ),
    row(
      `8 (parallel_bandwidth 8), trainings of ${short}`,
      quality.parallel,
      quality.seconds.parallel,
    ),
    row(
      `8 (parallel_bandwidth 8), trainings of ${long}`,
      quality.parallelSlow,
      quality.seconds.parallelSlow,
    ),
  ];
}

/**
 * Workers that never pause: by Little's law a loop (one suggestion, one
 * observation) takes workers / loops-per-second on average, so the latency is
 * set by the capacity; the targets need this many requests a second.
 */
function saturationLines(report: LoadReport): string[] {
  const loopMs = report.phases.map((phase) => {
    const loops = kindOf(phase, 'suggestions')?.count ?? 0;
    return (report.workers / (loops / phase.seconds)) * 1000;
  });
  const needed = (2 * report.workers) / ((targets.suggestions + targets.observations) / 1000);
  return [
    `A worker that never pauses spends ${report.workers} / (loops a second) on each loop ` +
      `(Little's law): ${loopMs.map((value) => `${value.toFixed(0)} ms`).join(', ')} here. ` +
      `Even the mean would meet the targets only above ${needed.toFixed(0)} requests a second, ` +
      'so this phase measures the capacity, and the targets are judged on the fleet.',
  ];
}

export function renderLoadReport(report: LoadReport): string {
  return [
    `- Date: ${report.date}`,
    `- Machine: ${machineLine(report.machine)}`,
    `- Command: \`${report.command}\``,
    `- ${report.workers} workers in the benchmark process, one keep-alive connection each ` +
      '(opened before a phase starts), ' +
      `${report.seconds} s a phase; the server process and Postgres on the same machine; an ` +
      'untimed 5 s run of the worker loop first, so that the phases measure a service that has ' +
      'been running.',
    '',
    `### A fleet: workers that train between asking and reporting`,
    '',
    `Each of the ${report.workers} workers trains for ${report.trainMs / 2} to ` +
      `${(report.trainMs * 3) / 2} ms (uniformly at random) between its suggestion and its ` +
      'observation, then asks again at once; all of them start at the same moment.',
    '',
    ...latencyTable(report.fleet),
    '',
    ...targetLines(report.fleet),
    '',
    '### Saturated: workers that ask again at once',
    '',
    'No training time: every worker reports and asks again as soon as it is answered, so ' +
      'the latency is the queue behind the machine’s capacity (requests/s).',
    '',
    ...latencyTable(report.phases),
    '',
    'The experiment keeps growing during a phase: n is the count at its start.',
    '',
    ...targetLines(report.phases),
    '',
    ...saturationLines(report),
    '',
    '### Observation throughput',
    '',
    ...throughputLines(report),
    '',
    '### Where the time goes: the server’s own time per request',
    '',
    ...serverTable(report),
    '',
    '### Where the time goes: CPU milliseconds per request',
    '',
    'From /proc: the two cores are shared by the server, Postgres and the client.',
    '',
    ...cpuTable(report),
    '',
    '### Quality with parallel workers',
    '',
    ...qualityLines(report.quality),
  ].join('\n');
}
