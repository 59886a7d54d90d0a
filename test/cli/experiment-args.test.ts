import { describe, expect, it } from 'vitest';

import { experimentUsage, parseExperimentArguments } from '../../src/cli/experiment-args.ts';

const env = { ARGMAX_TOKEN: 'from-the-environment' };

const problemOf = (argv: string[], environment: NodeJS.ProcessEnv = env): string => {
  const parsed = parseExperimentArguments(argv, environment);
  if (parsed.kind !== 'usage-error') throw new Error(`no usage error for ${argv.join(' ')}`);
  return parsed.message;
};

describe('the experiment command arguments', () => {
  it('read each command with its defaults', () => {
    const connection = { url: 'http://127.0.0.1:8080', token: 'from-the-environment' };

    expect(parseExperimentArguments(['list'], env)).toEqual({
      kind: 'command',
      command: { command: 'list', state: 'active', json: false, connection },
    });
    expect(parseExperimentArguments(['show', '7'], env)).toMatchObject({
      command: { command: 'show', id: '7', observations: 5, json: false },
    });
    expect(parseExperimentArguments(['export', '7'], env)).toMatchObject({
      command: { command: 'export', id: '7', format: 'csv', output: null },
    });
    expect(parseExperimentArguments(['import', '7', 'runs.csv'], env)).toMatchObject({
      command: { command: 'import', id: '7', file: 'runs.csv', batchSize: 500 },
    });
  });

  it('take the server and token from flags before the environment', () => {
    const parsed = parseExperimentArguments(
      ['list', '--json', '--state=all', '--url', 'http://gpu-box:9000', '--token', 'flag'],
      { ...env, ARGMAX_URL: 'http://elsewhere:1' },
    );

    expect(parsed).toEqual({
      kind: 'command',
      command: {
        command: 'list',
        state: 'all',
        json: true,
        connection: { url: 'http://gpu-box:9000', token: 'flag' },
      },
    });
    expect(
      parseExperimentArguments(['list'], { ...env, ARGMAX_URL: 'http://elsewhere:1' }),
    ).toMatchObject({ command: { connection: { url: 'http://elsewhere:1' } } });
  });

  it('read the options of export, show and import', () => {
    expect(
      parseExperimentArguments(['export', '3', '--format', 'json', '--output', 'o.json'], env),
    ).toMatchObject({ command: { format: 'json', output: 'o.json' } });
    expect(parseExperimentArguments(['show', '3', '--observations', '0'], env)).toMatchObject({
      command: { observations: 0 },
    });
    expect(
      parseExperimentArguments(['import', '3', '-', '--batch-size', '2500'], env),
    ).toMatchObject({ command: { file: '-', batchSize: 2500 } });
  });

  it('give the general help and the help of each command', () => {
    expect(parseExperimentArguments(['--help'], {})).toEqual({
      kind: 'help',
      text: experimentUsage,
    });
    expect(parseExperimentArguments(['import', '--help'], {})).toMatchObject({
      text: expect.stringContaining('Usage: argmax experiment import ID FILE'),
    });
    expect(parseExperimentArguments(['help', 'export'], {})).toMatchObject({
      text: expect.stringContaining('--format FORMAT'),
    });
  });

  it('name a missing token, and a URL that is not http', () => {
    expect(problemOf(['list'], {})).toBe('no API token: pass --token TOKEN or set ARGMAX_TOKEN');
    expect(problemOf(['list', '--url', 'gpu-box:8080'])).toBe(
      '--url must be an http:// or https:// address, not "gpu-box:8080"',
    );
  });

  it('name missing, extra and malformed arguments', () => {
    expect(problemOf([])).toBe('no command given');
    expect(problemOf(['drop'])).toBe(
      'unknown command "drop": the commands are list, show, export and import',
    );
    expect(problemOf(['show'])).toBe('show needs ID');
    expect(problemOf(['import', '3'])).toBe('import needs FILE');
    expect(problemOf(['import'])).toBe('import needs ID and FILE');
    expect(problemOf(['show', '3', '4'])).toBe('show takes ID; also given: 4');
    expect(problemOf(['list', 'x'])).toBe('list takes no arguments; given: x');
    expect(problemOf(['show', 'cnn'])).toBe(
      'ID must be an experiment id, a positive whole number as "experiment list" shows it, not "cnn"',
    );
  });

  it('name bad option values and what they accept', () => {
    expect(problemOf(['list', '--state', 'open'])).toBe(
      '--state must be active, deleted or all, not "open"',
    );
    expect(problemOf(['export', '3', '--format', 'xlsx'])).toBe(
      '--format must be csv or json, not "xlsx"',
    );
    expect(problemOf(['import', '3', 'f.csv', '--batch-size', '0'])).toBe(
      '--batch-size must be a whole number from 1 to 2500, not "0"',
    );
    expect(problemOf(['show', '3', '--observations', '-1'])).toBe(
      '--observations must be a whole number from 0 to 1000, not "-1"',
    );
    expect(problemOf(['show', '3', '--limit', '3'])).toBe(
      'unknown option --limit for show: it takes --observations, --json, --url, --token',
    );
  });
});
