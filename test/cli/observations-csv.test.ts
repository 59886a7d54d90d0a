import { describe, expect, it } from 'vitest';

import { parseCsv } from '../../src/cli/csv.ts';
import { LayoutError, observationsToCsv } from '../../src/cli/observations-csv.ts';
import { readObservationsCsv } from '../../src/cli/observations-import.ts';
import type { WireExperiment, WireObservation } from '../../src/cli/wire.ts';
import { categorical, experimentOf, maximized, numeric } from './wire-objects.ts';

const experiment: WireExperiment = {
  ...experimentOf(
    [
      numeric('learning_rate', 'double', [1e-8, 1], true),
      numeric('batch_size', 'int', [10, 100]),
      categorical('optimizer', ['rmsprop', 'adam, tuned']),
    ],
    [maximized('accuracy'), { ...maximized('seconds'), objective: 'minimize', strategy: 'store' }],
  ),
  id: '4',
};

const observations: WireObservation[] = [
  {
    id: '12',
    suggestion: null,
    assignments: { learning_rate: 1e-7, batch_size: 10, optimizer: 'rmsprop' },
    values: [],
    failed: true,
    metadata: null,
    created: 1_700_000_050,
  },
  {
    id: '9',
    suggestion: '31',
    assignments: { learning_rate: 0.0031, batch_size: 64, optimizer: 'adam, tuned' },
    values: [
      { name: 'accuracy', value: 0.8712345678901234, value_stddev: 0.01 },
      { name: 'seconds', value: 120, value_stddev: null },
    ],
    failed: false,
    metadata: { host: 'gpu-1' },
    created: 1_700_000_010,
  },
];

const problemsOf = (text: string): string[] => {
  const result = readObservationsCsv(text, experiment);
  if (result.kind !== 'problems') throw new Error('no problems found');
  return result.problems;
};

const header = 'learning_rate,batch_size,optimizer,accuracy,seconds,failed';

describe('exported observations', () => {
  it('have a column per parameter and metric, oldest first, quoted where needed', () => {
    const csv = observationsToCsv(experiment, observations);

    expect(csv.split('\r\n')).toEqual([
      'id,learning_rate,batch_size,optimizer,accuracy,seconds,accuracy_stddev,failed,suggestion,created,metadata',
      '9,0.0031,64,"adam, tuned",0.8712345678901234,120,0.01,false,31,2023-11-14T22:13:30Z,"{""host"":""gpu-1""}"',
      '12,1e-7,10,rmsprop,,,,true,,2023-11-14T22:14:10Z,',
      '',
    ]);
  });

  it('leave out the stddev and metadata columns when no observation has any', () => {
    const bare = observations.map((observation) => ({
      ...observation,
      metadata: null,
      values: observation.values.map((value) => ({ ...value, value_stddev: null })),
    }));

    const [first] = parseCsv(observationsToCsv(experiment, bare));

    expect(first?.fields).toEqual([
      'id',
      'learning_rate',
      'batch_size',
      'optimizer',
      'accuracy',
      'seconds',
      'failed',
      'suggestion',
      'created',
    ]);
  });

  it('refuse a layout where a parameter and a metric share a name', () => {
    const clash = { ...experiment, metrics: [{ ...experiment.metrics[0]!, name: 'batch_size' }] };

    expect(() => observationsToCsv(clash, observations)).toThrow(LayoutError);
    expect(() => observationsToCsv(clash, observations)).toThrow(/use --format json/);
  });

  it('read back into the observations they came from', () => {
    const result = readObservationsCsv(observationsToCsv(experiment, observations), experiment);

    expect(result).toEqual({
      kind: 'observations',
      observations: [
        {
          assignments: { learning_rate: 0.0031, batch_size: 64, optimizer: 'adam, tuned' },
          values: [
            { name: 'accuracy', value: 0.8712345678901234, value_stddev: 0.01 },
            { name: 'seconds', value: 120 },
          ],
          metadata: { host: 'gpu-1' },
        },
        {
          assignments: { learning_rate: 1e-7, batch_size: 10, optimizer: 'rmsprop' },
          failed: true,
        },
      ],
    });
  });
});

describe('imported observations', () => {
  it('need only the parameter and metric columns, in any order', () => {
    const result = readObservationsCsv(
      'seconds,accuracy,optimizer,batch_size,learning_rate\n3, 0.5 ,rmsprop,20,1e-3\n',
      experiment,
    );

    expect(result).toEqual({
      kind: 'observations',
      observations: [
        {
          assignments: { learning_rate: 0.001, batch_size: 20, optimizer: 'rmsprop' },
          values: [
            { name: 'accuracy', value: 0.5 },
            { name: 'seconds', value: 3 },
          ],
        },
      ],
    });
  });

  it('name every bad cell by row, line and column, with what the column accepts', () => {
    const text = [
      header,
      '0,12.5,sgd,high,1,maybe',
      '0.1,20,rmsprop,,1,',
      '0.1,20,rmsprop,0.9,1,true',
      '0x10,20,rmsprop,0.5,Infinity,false',
    ].join('\n');

    expect(problemsOf(text)).toEqual([
      'row 1 (line 2), column learning_rate: 0 is not greater than 0, which a log-scale parameter needs; accepted: a number greater than 0 (bounds 1e-8 to 1)',
      'row 1 (line 2), column batch_size: "12.5" is not a whole number; accepted: a whole number (bounds 10 to 100)',
      'row 1 (line 2), column optimizer: "sgd" is not a category of optimizer; accepted: one of rmsprop, adam, tuned',
      'row 1 (line 2), column failed: "maybe"; accepted: true, false, 1, 0 or empty (false)',
      'row 1 (line 2), column accuracy: "high" is not a number; accepted: a number, or set failed to true for a failed run',
      'row 2 (line 3), column accuracy: empty; accepted: a number, or set failed to true for a failed run',
      'row 3 (line 4), column accuracy: a failed observation has no values; leave it empty, or set failed to false',
      'row 3 (line 4), column seconds: a failed observation has no values; leave it empty, or set failed to false',
      'row 4 (line 5), column learning_rate: "0x10" is not a number; accepted: a number greater than 0 (bounds 1e-8 to 1)',
      'row 4 (line 5), column seconds: "Infinity" is not a number; accepted: a number, or set failed to true for a failed run',
    ]);
  });

  it('name unknown, repeated and missing columns before looking at rows', () => {
    expect(problemsOf('learning_rate,batch_size,batch_size,acuracy\n1,2,3,4\n')).toEqual([
      'the header names column "batch_size" twice',
      'unknown column "acuracy"; the columns are id, learning_rate, batch_size, optimizer, accuracy, seconds, accuracy_stddev, seconds_stddev, failed, suggestion, created, metadata',
      'no column for parameter optimizer',
      'no column accuracy for the value of metric accuracy',
      'no column seconds for the value of metric seconds',
    ]);
  });

  it('name a row with too few or too many fields, and bad CSV', () => {
    expect(problemsOf(`${header}\n0.1,20\n`)).toEqual([
      'row 1 (line 2): 2 fields where the header has 6',
    ]);
    expect(problemsOf(`${header}\n0.1,20,"rmsprop\n`)).toEqual([
      'line 2: a quoted field is never closed',
    ]);
  });

  it('check stddev and metadata columns', () => {
    const text = [
      `${header},accuracy_stddev,metadata`,
      '0.1,20,rmsprop,0.5,1,,-1,"{""a"":[1]}"',
      '0.1,20,rmsprop,0.5,1,,,not json',
    ].join('\n');

    expect(problemsOf(text)).toEqual([
      'row 1 (line 2), column accuracy_stddev: "-1"; accepted: a number of at least 0, or empty',
      expect.stringMatching(/^row 1 \(line 2\), column metadata: not metadata; accepted: a JSON/),
      expect.stringMatching(/^row 2 \(line 3\), column metadata: not JSON; accepted: a JSON/),
    ]);
  });

  it('list twenty problems and count the rest', () => {
    const rows = Array.from({ length: 25 }, () => '0.1,20,adam,0.5,1,');

    const problems = problemsOf([header, ...rows].join('\n'));

    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('and 5 more problems');
  });

  it('refuse an empty file and a file with a header alone', () => {
    expect(problemsOf('')).toEqual([
      'the file is empty; its first line names the columns, e.g. learning_rate,batch_size,optimizer,accuracy,seconds',
    ]);
    expect(problemsOf(`${header}\n`)).toEqual(['the file has a header but no rows']);
  });
});
