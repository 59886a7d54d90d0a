// npm run bench:engine: time and peak memory of one suggestion, fit included, as
// the service runs it (all observations, warm-started from the previous call),
// for several dimensions d and observation counts n. Each (d, n) cell runs in
// its own child process, pinned to one core when taskset exists.
//
//   --d 2,6,10,20          dimensions
//   --n 10,50,200,500,1000 observation counts
//   --reps 7               repetitions per cell (fewer at large n, see repsFor)
//   --cap-s 30             no new repetition starts after this long in one cell
//   --time-budget-ms 1500  the engine's soft limit per suggestion (the service's default)
//   --cpu 0                the core to pin children to
//   --out file.json        write the results as JSON
//   --docs / --no-docs     force or skip rewriting docs/benchmarks.md

import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import type { CellRequest, CellResult } from './engine-cell.ts';
import { writeSection } from './docs-section.ts';
import { describeMachine, loadAverage, machineLine, today, type Machine } from './machine.ts';
import { formatNumber, median } from './stats.ts';

const CELL = fileURLToPath(new URL('./engine-cell.ts', import.meta.url));
const TASKSET = '/usr/bin/taskset';
const DEFAULT_D = [2, 6, 10, 20];
const DEFAULT_N = [10, 50, 200, 500, 1000];

interface Options {
  d: number[];
  n: number[];
  reps: number;
  capMs: number;
  timeBudgetMs: number;
  cpu: number;
  out: string | null;
  docs: boolean;
}

function list(raw: string | undefined, fallback: number[]): number[] {
  if (raw === undefined) return fallback;
  return raw.split(',').map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`expected positive integers, got ${s}`);
    return v;
  });
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      d: { type: 'string' },
      n: { type: 'string' },
      reps: { type: 'string', default: '7' },
      'cap-s': { type: 'string', default: '30' },
      'time-budget-ms': { type: 'string', default: '1500' },
      cpu: { type: 'string', default: '0' },
      out: { type: 'string' },
      docs: { type: 'boolean' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const partial = values.d !== undefined || values.n !== undefined;
  return {
    d: list(values.d, DEFAULT_D),
    n: list(values.n, DEFAULT_N),
    reps: Number(values.reps),
    capMs: Number(values['cap-s']) * 1000,
    timeBudgetMs: Number(values['time-budget-ms']),
    cpu: Number(values.cpu),
    out: values.out ?? null,
    docs: values['no-docs'] ? false : (values.docs ?? !partial),
  };
}

/** Fewer repetitions where one suggestion takes seconds. */
function repsFor(n: number, reps: number): number {
  if (n >= 1000) return Math.min(reps, 3);
  if (n >= 500) return Math.min(reps, 5);
  return reps;
}

function runCell(request: CellRequest, cpu: number): CellResult {
  const node = [process.execPath, ...process.execArgv, CELL, JSON.stringify(request)];
  const [command, ...args] = existsSync(TASKSET) ? [TASKSET, '-c', String(cpu), ...node] : node;
  const child = spawnSync(command ?? process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 2 ** 24,
  });
  if (child.status !== 0) {
    throw new Error(
      `cell d=${request.d} n=${request.n} failed: ${child.stderr || String(child.error)}`,
    );
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as CellResult;
}

interface EngineReport {
  benchmark: 'engine';
  date: string;
  machine: Machine;
  command: string;
  pinned: boolean;
  timeBudgetMs: number;
  cells: CellResult[];
  targets: { target: string; holds: boolean | null; detail: string }[];
}

function cellAt(cells: CellResult[], d: number, n: number): CellResult | undefined {
  return cells.find((c) => c.d === d && c.n === n);
}

function checkTargets(cells: CellResult[]): EngineReport['targets'] {
  const timeTarget = (n: number, boundMs: number): EngineReport['targets'][number] => {
    const target = `d = 6, n = ${n}: median at most ${boundMs} ms`;
    const cell = cellAt(cells, 6, n);
    if (cell === undefined) return { target, holds: null, detail: 'not measured' };
    const ms = median(cell.warmMs);
    const cpu = `CPU ${formatNumber(median(cell.warmCpuMs))} ms`;
    const holds = ms <= boundMs;
    const cut =
      cell.timedOut > 0 ? `; ${cell.timedOut} of ${cell.warmMs.length} cut by the time budget` : '';
    return {
      target,
      holds,
      detail: `${formatNumber(ms)} ms ${holds ? '<=' : '>'} ${boundMs} ms (${cpu})${cut}`,
    };
  };
  const memory = cellAt(cells, 6, 1000);
  const memoryTarget = 'd = 6, n = 1000: peak memory under 300 MB';
  return [
    timeTarget(50, 30),
    timeTarget(200, 150),
    timeTarget(1000, 2000),
    memory === undefined
      ? { target: memoryTarget, holds: null, detail: 'not measured' }
      : {
          target: memoryTarget,
          holds: memory.peakRssMiB * 2 ** 20 < 300e6,
          detail: `peak RSS ${formatNumber(memory.peakRssMiB)} MiB (${formatNumber((memory.peakRssMiB * 2 ** 20) / 1e6)} MB), whole process`,
        },
  ];
}

function grid(report: EngineReport, cell: (c: CellResult) => string): string[] {
  const ds = [...new Set(report.cells.map((c) => c.d))];
  const ns = [...new Set(report.cells.map((c) => c.n))];
  const lines = [`| d \\ n | ${ns.join(' | ')} |`, `|---|${ns.map(() => '---:').join('|')}|`];
  for (const d of ds) {
    const cells = ns.map((n) => {
      const c = cellAt(report.cells, d, n);
      return c === undefined ? '' : cell(c);
    });
    lines.push(`| ${d} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function verdict(t: EngineReport['targets'][number]): string {
  if (t.holds === null) return 'not measured';
  if (!t.holds) return '**missed**';
  return t.detail.includes('cut by the time budget')
    ? 'holds, by the time budget cutting the work'
    : 'holds';
}

function engineMarkdown(report: EngineReport): string {
  const pin = report.pinned
    ? 'each cell a child process pinned to one core (taskset)'
    : 'each cell a child process (no taskset: not pinned)';
  return [
    `- Date: ${report.date}`,
    `- Machine: ${machineLine(report.machine)}`,
    `- Engine: ${report.machine.engine}`,
    `- Command: \`${report.command}\``,
    `- Method: ${pin}; n random points of a smooth function on [0, 1]^d; the previous call (n - 1 observations) runs first and its state is the warm start of the timed calls, as in the service; engine time budget ${report.timeBudgetMs} ms`,
    '',
    '### Targets',
    '',
    '| target | result | |',
    '|---|---|---|',
    ...report.targets.map((t) => `| ${t.target} | ${verdict(t)} | ${t.detail} |`),
    '',
    '### Median wall ms per suggestion, warm-started (repetitions)',
    '',
    ...grid(report, (c) => `${formatNumber(median(c.warmMs))} (${c.warmMs.length})`),
    '',
    '### Median CPU ms of the same calls (user + system, less skewed by other load)',
    '',
    ...grid(report, (c) => formatNumber(median(c.warmCpuMs))),
    '',
    '### ms for one suggestion without a warm start (as after a restart)',
    '',
    ...grid(report, (c) => formatNumber(c.coldMs)),
    '',
    '### Peak RSS of the whole process, MiB (RSS before the first call)',
    '',
    ...grid(report, (c) => `${formatNumber(c.peakRssMiB)} (${formatNumber(c.rssBeforeMiB)})`),
    '',
    '### Strategy of the timed calls, and how many hit the time budget',
    '',
    ...grid(
      report,
      (c) => `${c.strategies.join(', ')}${c.timedOut > 0 ? `, ${c.timedOut} timed out` : ''}`,
    ),
  ].join('\n');
}

function main(): void {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const machine = describeMachine();
  const cells: CellResult[] = [];
  for (const d of options.d) {
    for (const n of options.n) {
      const request = {
        d,
        n,
        reps: repsFor(n, options.reps),
        capMs: options.capMs,
        timeBudgetMs: options.timeBudgetMs,
      };
      const cell = runCell(request, options.cpu);
      console.error(
        `d=${d} n=${n}: median ${formatNumber(median(cell.warmMs))} ms, peak ${formatNumber(cell.peakRssMiB)} MiB`,
      );
      cells.push(cell);
    }
  }
  const report: EngineReport = {
    benchmark: 'engine',
    date: today(),
    machine: { ...machine, load: { ...machine.load, end: loadAverage() } },
    command: ['npm run bench:engine', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    pinned: existsSync(TASKSET),
    timeBudgetMs: options.timeBudgetMs,
    cells,
    targets: checkTargets(cells),
  };
  const markdown = engineMarkdown(report);
  console.log(markdown);
  if (options.out !== null) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  if (options.docs) writeSection('bench:engine', markdown);
}

main();
