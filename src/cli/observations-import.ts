import { CsvError, parseCsv, type CsvRecord } from './csv.ts';
import { allColumns, checkLayout, metricColumn, stddevSuffix } from './observations-csv.ts';
import type {
  NewObservation,
  WireExperiment,
  WireMetadata,
  WireMetric,
  WireParameter,
} from './wire.ts';

// Reads observations from CSV in the layout `experiment export` writes (observations-csv.ts) and
// checks every row against the experiment before anything is sent, so that a bad file stores
// nothing. Each problem names its row, its column and what the column accepts.

export type ImportResult =
  | { kind: 'observations'; observations: NewObservation[] }
  | { kind: 'problems'; problems: string[] };

/** More problems than this are counted, not listed. */
const listedProblems = 20;

export function readObservationsCsv(text: string, experiment: WireExperiment): ImportResult {
  checkLayout(experiment);
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) return { kind: 'problems', problems: [error.message] };
    throw error;
  }

  const [header, ...rows] = records;
  if (header === undefined) {
    return problems([
      `the file is empty; its first line names the columns, e.g. ${example(experiment)}`,
    ]);
  }
  const headerProblems = checkHeader(header.fields, experiment);
  if (headerProblems.length > 0) return problems(headerProblems);

  const found: string[] = [];
  const observations: NewObservation[] = [];
  rows.forEach((record, index) => {
    const row = new Row(record, index + 1, header.fields);
    const observation = readRow(row, experiment);
    if (row.problems.length > 0) found.push(...row.problems);
    else if (observation !== null) observations.push(observation);
  });
  if (found.length > 0) return problems(found);
  if (observations.length === 0) return problems(['the file has a header but no rows']);
  return { kind: 'observations', observations };
}

function problems(all: string[]): ImportResult {
  if (all.length <= listedProblems) return { kind: 'problems', problems: all };
  const more = all.length - listedProblems;
  return {
    kind: 'problems',
    problems: [...all.slice(0, listedProblems), `and ${more} more problem${more === 1 ? '' : 's'}`],
  };
}

function example(experiment: WireExperiment): string {
  const columns = [
    ...experiment.parameters.map((parameter) => parameter.name),
    ...experiment.metrics.map(metricColumn),
  ];
  return columns.join(',');
}

function checkHeader(columns: readonly string[], experiment: WireExperiment): string[] {
  const accepted = new Set(allColumns(experiment));
  const found: string[] = [];
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) found.push(`the header names column ${JSON.stringify(column)} twice`);
    seen.add(column);
    if (!accepted.has(column)) {
      found.push(
        `unknown column ${JSON.stringify(column)}; the columns are ${[...accepted].join(', ')}`,
      );
    }
  }
  for (const parameter of experiment.parameters) {
    if (!seen.has(parameter.name)) found.push(`no column for parameter ${parameter.name}`);
  }
  for (const metric of experiment.metrics) {
    const column = metricColumn(metric);
    if (!seen.has(column)) found.push(`no column ${column} for the value of metric ${column}`);
  }
  return found;
}

/** One record, with its cells by column and the problems found in it. */
class Row {
  readonly problems: string[] = [];
  private readonly cells = new Map<string, string>();

  constructor(
    private readonly record: CsvRecord,
    private readonly number: number,
    header: readonly string[],
  ) {
    if (record.fields.length !== header.length) {
      this.problems.push(
        `${this.where()}: ${record.fields.length} fields where the header has ${header.length}`,
      );
    }
    header.forEach((column, index) => this.cells.set(column, record.fields[index] ?? ''));
  }

  cell(column: string): string {
    return (this.cells.get(column) ?? '').trim();
  }

  has(column: string): boolean {
    return this.cells.has(column);
  }

  problem(column: string, message: string): void {
    this.problems.push(`${this.where()}, column ${column}: ${message}`);
  }

  private where(): string {
    return `row ${this.number} (line ${this.record.line})`;
  }
}

function readRow(row: Row, experiment: WireExperiment): NewObservation | null {
  if (row.problems.length > 0) return null;
  const assignments: NewObservation['assignments'] = {};
  for (const parameter of experiment.parameters) {
    const value = assignmentOf(row, parameter);
    if (value !== undefined) assignments[parameter.name] = value;
  }

  const failed = failedOf(row);
  const observation: NewObservation = { assignments };
  if (failed) {
    observation.failed = true;
    noValues(row, experiment.metrics);
  } else {
    observation.values = experiment.metrics.map((metric) => valueOf(row, metric));
  }
  const metadata = metadataOf(row);
  if (metadata !== undefined) observation.metadata = metadata;
  return observation;
}

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number written in decimal, or undefined. */
function numberOf(text: string): number | undefined {
  if (!decimal.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function assignmentOf(row: Row, parameter: WireParameter): number | string | undefined {
  const text = row.cell(parameter.name);
  const accepted = acceptedFor(parameter);
  const bad = (what: string): undefined => {
    row.problem(parameter.name, `${what}; accepted: ${accepted}`);
    return undefined;
  };
  if (text === '') return bad('empty');

  switch (parameter.type) {
    case 'categorical': {
      const names = (parameter.categorical_values ?? []).map((value) => value.name);
      if (names.includes(text)) return text;
      return bad(`${JSON.stringify(text)} is not a category of ${parameter.name}`);
    }
    case 'int': {
      const value = numberOf(text);
      if (value !== undefined && Number.isSafeInteger(value)) return value;
      return bad(`${JSON.stringify(text)} is not a whole number`);
    }
    case 'double': {
      const value = numberOf(text);
      if (value === undefined) return bad(`${JSON.stringify(text)} is not a number`);
      if (parameter.transformation === 'log' && value <= 0) {
        return bad(`${text} is not greater than 0, which a log-scale parameter needs`);
      }
      return value;
    }
  }
}

/** What a parameter's column accepts, in words. */
export function acceptedFor(parameter: WireParameter): string {
  switch (parameter.type) {
    case 'categorical':
      return `one of ${(parameter.categorical_values ?? []).map((value) => value.name).join(', ')}`;
    case 'int':
      return `a whole number${boundsHint(parameter)}`;
    case 'double':
      return parameter.transformation === 'log'
        ? `a number greater than 0${boundsHint(parameter)}`
        : `a number${boundsHint(parameter)}`;
  }
}

function boundsHint(parameter: WireParameter): string {
  if (parameter.bounds !== null)
    return ` (bounds ${parameter.bounds.min} to ${parameter.bounds.max})`;
  if (parameter.grid !== undefined) return ` (grid ${parameter.grid.join(', ')})`;
  return '';
}

const truthy = ['true', '1'];
const falsy = ['false', '0', ''];

function failedOf(row: Row): boolean {
  if (!row.has('failed')) return false;
  const text = row.cell('failed').toLowerCase();
  if (truthy.includes(text)) return true;
  if (!falsy.includes(text)) {
    row.problem('failed', `${JSON.stringify(text)}; accepted: true, false, 1, 0 or empty (false)`);
  }
  return false;
}

function noValues(row: Row, metrics: readonly WireMetric[]): void {
  for (const metric of metrics) {
    for (const column of [metricColumn(metric), metricColumn(metric) + stddevSuffix]) {
      if (row.has(column) && row.cell(column) !== '') {
        row.problem(
          column,
          'a failed observation has no values; leave it empty, or set failed to false',
        );
      }
    }
  }
}

function valueOf(row: Row, metric: WireMetric): NonNullable<NewObservation['values']>[number] {
  const column = metricColumn(metric);
  const text = row.cell(column);
  const value = numberOf(text);
  if (value === undefined) {
    const what = text === '' ? 'empty' : `${JSON.stringify(text)} is not a number`;
    row.problem(column, `${what}; accepted: a number, or set failed to true for a failed run`);
  }
  const entry: NonNullable<NewObservation['values']>[number] = {
    name: metric.name,
    value: value ?? 0,
  };

  const stddevColumn = column + stddevSuffix;
  const stddevText = row.cell(stddevColumn);
  if (stddevText === '') return entry;
  const stddev = numberOf(stddevText);
  if (stddev === undefined || stddev < 0) {
    row.problem(
      stddevColumn,
      `${JSON.stringify(stddevText)}; accepted: a number of at least 0, or empty`,
    );
  } else {
    entry.value_stddev = stddev;
  }
  return entry;
}

function metadataOf(row: Row): WireMetadata | undefined {
  const text = row.cell('metadata');
  if (text === '') return undefined;
  const accepted =
    'accepted: a JSON object of at most 100 keys (each at most 100 characters) whose values ' +
    'are strings of at most 500 characters, numbers or null';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    row.problem('metadata', `not JSON; ${accepted}`);
    return undefined;
  }
  if (isMetadata(parsed)) return parsed;
  row.problem('metadata', `not metadata; ${accepted}`);
  return undefined;
}

function isMetadata(value: unknown): value is WireMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  if (entries.length > 100) return false;
  return entries.every(
    ([key, entry]) =>
      key.length <= 100 &&
      (entry === null ||
        (typeof entry === 'number' && Number.isFinite(entry)) ||
        (typeof entry === 'string' && entry.length <= 500)),
  );
}
