// Turns the quality benchmark's runs into regret summaries, target checks and
// the markdown tables of docs/benchmarks.md.

import type { Assignments } from '../src/engine/types.ts';
import { machineLine, type Machine } from './machine.ts';
import type { Problem } from './problems.ts';
import type { ClockKind } from './runners.ts';
import { METHOD_LABELS, type Method, type TaskResult } from './quality-tasks.ts';
import { bestSoFar, formatNumber, median, spread, type Spread } from './stats.ts';

export interface CurvePoint {
  evaluations: number;
  median: number;
}

export interface EngineSummary {
  calls: number;
  medianSuggestMs: number;
  maxSuggestMs: number;
  timedOut: number;
  strategies: Record<string, number>;
}

export interface MethodSummary {
  method: Method;
  label: string;
  evaluations: number;
  seeds: number[];
  perSeed: number[];
  regret: Spread;
  curve: CurvePoint[];
  medianRunMs: number;
  engine: EngineSummary | null;
}

export interface TargetCheck {
  target: string;
  /** null when the comparison could not be made (a method did not run). */
  holds: boolean | null;
  detail: string;
}

export interface ProblemSummary {
  name: string;
  description: string;
  budget: number;
  optimum: { value: number; assignments: Assignments };
  methods: MethodSummary[];
  targets: TargetCheck[];
}

export interface QualityReport {
  benchmark: 'quality';
  date: string;
  machine: Machine;
  command: string;
  settings: {
    seeds: number[];
    timeBudgetMs: number;
    clock: ClockKind;
    jobs: number;
    quick: boolean;
  };
  optuna: { available: boolean; version: string | null; reason: string | null };
  problems: ProblemSummary[];
}

/** Evaluation counts at which the best-so-far curve is read. */
export function checkpoints(budget: number, evaluations: number): number[] {
  const fractions = [0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10];
  const counts = fractions.map((f) => Math.max(1, Math.round(f * budget)));
  return [...new Set(counts)].filter((c) => c <= evaluations);
}

function mergeStats(result: TaskResult): EngineSummary | null {
  const stats = result.runs.flatMap((r) => (r.engine === undefined ? [] : [r.engine]));
  if (stats.length === 0) return null;
  const strategies: Record<string, number> = {};
  for (const s of stats) {
    for (const [k, v] of Object.entries(s.strategies)) strategies[k] = (strategies[k] ?? 0) + v;
  }
  const ms = stats.flatMap((s) => s.suggestMs);
  return {
    calls: ms.length,
    medianSuggestMs: median(ms),
    maxSuggestMs: Math.max(...ms),
    timedOut: stats.reduce((n, s) => n + s.timedOut, 0),
    strategies,
  };
}

export function summariseMethod(problem: Problem, result: TaskResult): MethodSummary {
  const runs = [...result.runs].sort((a, b) => a.seed - b.seed);
  const curves = runs.map((r) => bestSoFar(r.values).map((v) => v - problem.optimum.value));
  const evaluations = Math.min(...runs.map((r) => r.values.length));
  const curve = checkpoints(problem.budget, evaluations).map((c) => ({
    evaluations: c,
    median: median(curves.map((k) => k[c - 1] ?? Number.NaN)),
  }));
  const perSeed = curves.map((k) => k[k.length - 1] ?? Number.NaN);
  return {
    method: result.method,
    label: METHOD_LABELS[result.method],
    evaluations,
    seeds: runs.map((r) => r.seed),
    perSeed,
    regret: spread(perSeed),
    curve,
    medianRunMs: median(runs.map((r) => r.elapsedMs)),
    engine: mergeStats(result),
  };
}

function compare(
  target: string,
  ours: MethodSummary | undefined,
  bound: number | null,
  what: string,
): TargetCheck {
  if (ours === undefined || bound === null) {
    return { target, holds: null, detail: `not measured: ${what}` };
  }
  const holds = ours.regret.median <= bound;
  const detail = `${formatNumber(ours.regret.median)} ${holds ? '<=' : '>'} ${formatNumber(bound)} (${what})`;
  return { target, holds, detail };
}

/** The issue's targets that apply to this problem, each computed from the runs. */
export function checkTargets(
  problemName: string,
  methods: MethodSummary[],
  optunaNote: string,
): TargetCheck[] {
  const byMethod = (m: Method): MethodSummary | undefined => methods.find((s) => s.method === m);
  const engine = byMethod('engine');
  const random10 = byMethod('random-10x');
  const tpe = byMethod('optuna-tpe');
  const checks = [
    compare(
      'median regret <= random search at 10 N',
      engine,
      random10?.regret.median ?? null,
      'random, 10 N',
    ),
    compare(
      'median regret <= Optuna TPE at N',
      engine,
      tpe?.regret.median ?? null,
      tpe ? 'Optuna TPE, N' : optunaNote,
    ),
  ];
  if (problemName === 'branin')
    checks.push(compare('median regret <= 1e-3 at N = 30', engine, 1e-3, 'target'));
  if (problemName === 'hartmann6') {
    checks.push(compare('median regret <= 0.05 at N = 100', engine, 0.05, 'target'));
    const parallel = byMethod('engine-parallel-4');
    const bound = engine === undefined ? null : 1.5 * engine.regret.median;
    checks.push(
      compare('4 pending: median regret <= 1.5 x sequential', parallel, bound, '1.5 x sequential'),
    );
  }
  return checks;
}

function verdict(holds: boolean | null): string {
  if (holds === null) return 'not measured';
  return holds ? 'holds' : '**missed**';
}

function engineCells(e: EngineSummary | null): string {
  if (e === null) return ' | ';
  const time = `${formatNumber(e.medianSuggestMs)} (${formatNumber(e.maxSuggestMs)})`;
  const strategies = Object.entries(e.strategies)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${time} | ${strategies}; ${e.timedOut} timed out`;
}

function methodTable(p: ProblemSummary): string[] {
  const lines = [
    '| method | evaluations | median regret | q1 | q3 | seeds within 1e-3 | s per run | ms per suggest, median (max) | suggestions by strategy |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const m of p.methods) {
    const { median: med, q1, q3 } = m.regret;
    const solved = `${m.perSeed.filter((r) => r <= 1e-3).length} of ${m.perSeed.length}`;
    const cells = [
      m.label,
      m.evaluations,
      formatNumber(med),
      formatNumber(q1),
      formatNumber(q3),
      solved,
    ];
    const seconds = formatNumber(m.medianRunMs / 1000);
    lines.push(`| ${cells.join(' | ')} | ${seconds} | ${engineCells(m.engine)} |`);
  }
  return lines;
}

function curveTable(p: ProblemSummary): string[] {
  const columns = [...new Set(p.methods.flatMap((m) => m.curve.map((c) => c.evaluations)))].sort(
    (a, b) => a - b,
  );
  const lines = [
    `| method | ${columns.map((c) => `${c}`).join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
  ];
  for (const m of p.methods) {
    const cells = columns.map((c) => {
      const point = m.curve.find((k) => k.evaluations === c);
      return point === undefined ? '' : formatNumber(point.median);
    });
    lines.push(`| ${m.label} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function targetTable(problems: ProblemSummary[]): string[] {
  const lines = ['| problem | target | result | |', '|---|---|---|---|'];
  for (const p of problems) {
    for (const t of p.targets)
      lines.push(`| ${p.name} | ${t.target} | ${verdict(t.holds)} | ${t.detail} |`);
  }
  return lines;
}

export function qualityMarkdown(report: QualityReport): string {
  const { settings, optuna } = report;
  const peer = optuna.available
    ? `Optuna ${optuna.version ?? '?'} (Debian python3-optuna), TPESampler with default settings and the run's seed`
    : `Optuna TPE not run: ${optuna.reason ?? 'unavailable'}`;
  const lines = [
    `- Date: ${report.date}`,
    `- Machine: ${machineLine(report.machine)}`,
    `- Engine: ${report.machine.engine}`,
    `- Command: \`${report.command}\``,
    `- Seeds: ${settings.seeds.length} (${settings.seeds.join(', ')}); engine time budget ${settings.timeBudgetMs} ms per suggestion, counted in ${settings.clock === 'cpu' ? 'CPU time of the process' : 'wall time (performance.now())'}; ${settings.jobs} worker processes`,
    `- Peer: ${peer}`,
    '',
    "Simple regret is the best value found minus the known minimum, in the problem's own",
    'terms (lower is better). Targets are computed from the runs below.',
    '',
    '### Targets',
    '',
    ...targetTable(report.problems),
  ];
  for (const p of report.problems) {
    lines.push(
      '',
      `### ${p.name} (N = ${p.budget})`,
      '',
      `${p.description}; minimum ${p.optimum.value}.`,
      '',
    );
    lines.push(
      ...methodTable(p),
      '',
      'Median best-so-far regret after that many evaluations:',
      '',
      ...curveTable(p),
    );
  }
  return lines.join('\n');
}
