import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import type { QualityReport } from '../../bench/quality-report.ts';

// Runs the real command line in --quick mode on one small problem with a reduced
// budget; checks the shape of the results, never the timings or the regrets.
describe('npm run bench:quality --quick', () => {
  it('writes a report with every method, regret quartiles, curves and target checks', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-quality-')), 'quality.json');
    const args = [
      'tsx',
      'bench/quality.ts',
      '--quick',
      '--problems',
      'branin',
      '--budget',
      '8',
      '--time-budget-ms',
      '50',
    ];
    const child = spawnSync(
      'npx',
      [...args, '--seeds', '2', '--jobs', '1', '--no-optuna', '--out', out],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(child.status, child.stderr).toBe(0);

    const report = JSON.parse(readFileSync(out, 'utf8')) as QualityReport;
    expect(report.benchmark).toBe('quality');
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.settings.seeds).toEqual([1, 2]);

    const [branin] = report.problems;
    expect(report.problems).toHaveLength(1);
    expect(branin?.methods.map((m) => m.method)).toEqual(['engine', 'random', 'random-10x']);
    for (const m of branin?.methods ?? []) {
      expect(m.perSeed).toHaveLength(2);
      expect(m.regret.q1).toBeLessThanOrEqual(m.regret.median);
      expect(m.regret.median).toBeLessThanOrEqual(m.regret.q3);
      expect(m.perSeed.every((r) => r >= -1e-12)).toBe(true);
      expect(m.curve.at(-1)?.evaluations).toBe(m.evaluations);
    }
    expect(branin?.methods[0]?.engine?.calls).toBe(16);
    expect(branin?.methods[2]?.evaluations).toBe(80);
    expect(branin?.targets.map((t) => t.target)).toContain('median regret <= 1e-3 at N = 30');
    expect(child.stdout).toContain('### Targets');
  });
});
