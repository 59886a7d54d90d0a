import { describe, expect, it } from 'vitest';

import {
  formatExperimentDetails,
  formatExperimentList,
  formatNumber,
  summarize,
} from '../../src/cli/experiment-view.ts';
import { progressBar, startProgress } from '../../src/cli/progress.ts';
import { styleFor } from '../../src/cli/style.ts';
import type { WireExperiment, WireObservation } from '../../src/cli/wire.ts';
import { categorical, experimentOf, maximized, numeric } from './wire-objects.ts';

const observation = (id: string, accuracy: number | null): WireObservation => ({
  id,
  suggestion: null,
  assignments: { dropout: 0.25, optimizer: 'adam' },
  values: accuracy === null ? [] : [{ name: 'accuracy', value: accuracy, value_stddev: null }],
  failed: accuracy === null,
  metadata: null,
  created: 1_700_000_000 + Number(id),
});

const observations = [
  observation('1', 0.5),
  observation('2', null),
  observation('3', 0.75),
  observation('4', 0.625),
];

const experiment: WireExperiment = {
  ...experimentOf(
    [numeric('dropout', 'double', [0.1, 0.9]), categorical('optimizer', ['rmsprop', 'adam'])],
    [maximized('accuracy')],
  ),
  progress: {
    observation_count: 4,
    observation_budget_consumed: 4,
    best_observation: observations[2] ?? null,
  },
};

describe('the experiment list', () => {
  it('shows budget used, best value, open suggestions and the best-so-far curve', () => {
    const fresh: WireExperiment = {
      ...experiment,
      id: '12',
      name: 'a name far too long to show whole in a table of experiments',
      observation_budget: null,
      progress: { observation_count: 0, observation_budget_consumed: 0, best_observation: null },
    };

    const table = formatExperimentList([
      summarize(fresh, [], 0),
      summarize(experiment, observations, 2),
    ]);

    expect(table).toBe(
      [
        'ID  NAME                                      STATE   BUDGET  BEST  OPEN  BEST SO FAR',
        '12  a name far too long to show whole in a …  active     0/-     -     0',
        ' 7  Text CNN                                  active    4/60  0.75     2  ▁▁██',
        '',
      ].join('\n'),
    );
  });

  it('says so when there are no experiments', () => {
    expect(formatExperimentList([])).toBe('no experiments\n');
  });
});

describe('one experiment shown', () => {
  const shown = formatExperimentDetails(
    {
      experiment,
      observations,
      best: [{ id: '3', assignments: { dropout: 0.25, optimizer: 'adam' }, values: [] }],
      open: [{ id: '9', assignments: { dropout: 0.5, optimizer: 'rmsprop' }, created: 0 }],
    },
    2,
  );

  it('starts with budget, best value and the curve', () => {
    expect(shown.split('\n').slice(0, 9)).toEqual([
      'Experiment 7: Text CNN',
      '  State        active, offline',
      '  Budget       4/60 (7%), 4 observations',
      '  Best value   0.75 (accuracy, maximize)',
      '  Best so far  ▁▁██  0.5 → 0.75',
      '  Open         1 suggestion',
      '  Created      2023-11-14T22:13:20Z',
      '  Updated      2023-11-14T22:13:24Z',
      '',
    ]);
  });

  it('lists the parameters, the best assignments, open suggestions and latest observations', () => {
    expect(shown).toContain('  dropout    double       0.1 to 0.9\n');
    expect(shown).toContain('  optimizer  categorical  rmsprop, adam\n');
    expect(shown).toContain(
      'Best assignments\n  ID  dropout  optimizer  accuracy\n   3     0.25  adam',
    );
    expect(shown).toContain(
      'Open suggestions\n  ID  dropout  optimizer  CREATED\n   9      0.5  rmsprop',
    );
    expect(shown).toContain(
      [
        'Latest observations (2 of 4)',
        '  ID  dropout  optimizer  accuracy  FAILED  CREATED',
        '   3     0.25  adam           0.75  no      2023-11-14T22:13:23Z',
        '   4     0.25  adam          0.625  no      2023-11-14T22:13:24Z',
      ].join('\n'),
    );
    expect(shown).not.toContain('2023-11-14T22:13:22Z');
  });
});

describe('numbers, progress and emphasis', () => {
  it('show numbers to six significant digits', () => {
    expect(formatNumber(0.87123456)).toBe('0.871235');
    expect(formatNumber(1e-9)).toBe('1e-9');
    expect(formatNumber(120)).toBe('120');
    expect(formatNumber(null)).toBe('-');
  });

  it('draw a bar of the share done', () => {
    expect(progressBar(0, 4, 8)).toBe('[░░░░░░░░] 0/4');
    expect(progressBar(1, 4, 8)).toBe('[██░░░░░░] 1/4');
    expect(progressBar(4, 4, 8)).toBe('[████████] 4/4');
  });

  it('redraw the bar in place on a terminal, and print plain lines elsewhere', () => {
    const written: string[] = [];
    const terminal = startProgress({ isTTY: true, write: (text) => written.push(text) }, 2, 'rows');
    terminal.update(1);
    terminal.finish();
    const piped: string[] = [];
    const pipe = startProgress({ write: (text) => piped.push(text) }, 2, 'rows');
    pipe.update(1);
    pipe.update(2);
    pipe.finish();

    expect(written[0]).toBe(`\r\x1b[2K[${'█'.repeat(15)}${'░'.repeat(15)}] 1/2 rows`);
    expect(written[1]).toBe('\n');
    expect(piped).toEqual(['1/2 rows\n', '2/2 rows\n']);
  });

  it('emphasize only on a terminal without NO_COLOR', () => {
    expect(styleFor({ isTTY: true }, {}).bold('x')).toBe('\x1b[1mx\x1b[22m');
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' }).bold('x')).toBe('x');
    expect(styleFor({ isTTY: false }, {}).bold('x')).toBe('x');
  });
});
