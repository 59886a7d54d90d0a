import { bestSoFar, byCreation, optimizedMetric, sparkline } from './best-so-far.ts';
import { metricColumn, timeOf } from './observations-csv.ts';
import { plain, type Style } from './style.ts';
import { formatTable, type Column } from './table.ts';
import type {
  WireBestAssignments,
  WireExperiment,
  WireMetric,
  WireObservation,
  WireParameter,
  WireSuggestion,
} from './wire.ts';

// What `experiment list` and `experiment show` print, from the API's objects.

export interface ExperimentSummary {
  id: string;
  name: string;
  state: string;
  observation_count: number;
  observation_budget: number | null;
  budget_consumed: number;
  /** The best value of the optimized metric; null before any feasible observation, or with two. */
  best_value: number | null;
  open_suggestions: number;
  /** The best value after each observation, oldest first. */
  best_so_far: number[];
}

export function summarize(
  experiment: WireExperiment,
  observations: readonly WireObservation[],
  openSuggestions: number,
): ExperimentSummary {
  return {
    id: experiment.id,
    name: experiment.name,
    state: experiment.state,
    observation_count: experiment.progress.observation_count,
    observation_budget: experiment.observation_budget,
    budget_consumed: experiment.progress.observation_budget_consumed,
    best_value: bestValue(experiment),
    open_suggestions: openSuggestions,
    best_so_far: bestSoFar(observations, experiment.metrics),
  };
}

function bestValue(experiment: WireExperiment): number | null {
  const metric = optimizedMetric(experiment.metrics);
  const best = experiment.progress.best_observation;
  if (metric === null || best === null) return null;
  return best.values.find((entry) => entry.name === metric.name)?.value ?? null;
}

/** Six significant digits at most, without trailing zeros. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return Number.parseFloat(value.toPrecision(6)).toString();
}

export const budgetOf = (summary: ExperimentSummary): string =>
  `${formatNumber(summary.budget_consumed)}/${summary.observation_budget ?? '-'}`;

const maxNameWidth = 40;

function truncated(text: string, width: number): string {
  const characters = [...text];
  return characters.length <= width ? text : `${characters.slice(0, width - 1).join('')}…`;
}

const listColumns: Column[] = [
  { title: 'ID', align: 'right' },
  { title: 'NAME' },
  { title: 'STATE' },
  { title: 'BUDGET', align: 'right' },
  { title: 'BEST', align: 'right' },
  { title: 'OPEN', align: 'right' },
  { title: 'BEST SO FAR' },
];

export function formatExperimentList(
  summaries: readonly ExperimentSummary[],
  style: Style = plain,
): string {
  if (summaries.length === 0) return 'no experiments\n';
  const rows = summaries.map((summary) => [
    summary.id,
    truncated(summary.name, maxNameWidth),
    summary.state,
    budgetOf(summary),
    formatNumber(summary.best_value),
    String(summary.open_suggestions),
    sparkline(summary.best_so_far, 20),
  ]);
  const [header = '', ...lines] = formatTable(listColumns, rows).split('\n');
  return [style.bold(header), ...lines].join('\n');
}

export interface ExperimentDetails {
  experiment: WireExperiment;
  observations: readonly WireObservation[];
  best: readonly WireBestAssignments[];
  open: readonly WireSuggestion[];
}

/** `experiment show`: the experiment's vital signs first, then its tables. */
export function formatExperimentDetails(
  details: ExperimentDetails,
  latest: number,
  style: Style = plain,
): string {
  const { experiment, observations } = details;
  const summary = summarize(experiment, observations, details.open.length);
  const heading = (text: string) => style.bold(text);

  return [
    heading(`Experiment ${experiment.id}: ${experiment.name}`),
    formatFacts(facts(details, summary)),
    heading('Parameters'),
    indent(formatTable(parameterColumns, experiment.parameters.map(parameterRow))),
    heading('Metrics'),
    indent(formatTable(metricColumns, experiment.metrics.map(metricRow))),
    ...bestSection(details, heading),
    ...openSection(details, heading),
    ...latestSection(details, latest, heading),
  ].join('\n');
}

function facts(details: ExperimentDetails, summary: ExperimentSummary): [string, string][] {
  const { experiment } = details;
  const metric = optimizedMetric(experiment.metrics);
  const traits: string[] = [experiment.state, experiment.type];
  if (experiment.development) traits.push('development');

  const rows: [string, string][] = [
    ['State', traits.join(', ')],
    ['Budget', budgetLine(summary)],
    ['Best value', bestLine(summary, metric)],
    ['Best so far', curveLine(summary)],
    ['Open', `${summary.open_suggestions} suggestion${summary.open_suggestions === 1 ? '' : 's'}`],
    ['Created', timeOf(experiment.created)],
    ['Updated', timeOf(experiment.updated)],
  ];
  return rows;
}

function formatFacts(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}

function budgetLine(summary: ExperimentSummary): string {
  const observations = `${summary.observation_count} observation${summary.observation_count === 1 ? '' : 's'}`;
  if (summary.observation_budget === null) return `${observations}, no budget`;
  const share = Math.round((100 * summary.budget_consumed) / summary.observation_budget);
  return `${budgetOf(summary)} (${share}%), ${observations}`;
}

function bestLine(summary: ExperimentSummary, metric: WireMetric | null): string {
  if (metric === null) return 'two optimized metrics: see the Pareto front below';
  if (summary.best_value === null) return `none yet (${metricColumn(metric)}, ${metric.objective})`;
  return `${formatNumber(summary.best_value)} (${metricColumn(metric)}, ${metric.objective})`;
}

function curveLine(summary: ExperimentSummary): string {
  if (summary.best_so_far.length === 0) return '-';
  const first = formatNumber(summary.best_so_far[0]);
  const last = formatNumber(summary.best_so_far.at(-1));
  return `${sparkline(summary.best_so_far, 40)}  ${first} → ${last}`;
}

const indent = (table: string): string =>
  table
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');

const parameterColumns: Column[] = [{ title: 'NAME' }, { title: 'TYPE' }, { title: 'VALUES' }];

function parameterRow(parameter: WireParameter): string[] {
  const type = parameter.transformation === 'log' ? `${parameter.type}, log` : parameter.type;
  return [parameter.name, type, valuesOf(parameter)];
}

function valuesOf(parameter: WireParameter): string {
  if (parameter.categorical_values !== null) {
    return parameter.categorical_values.map((value) => value.name).join(', ');
  }
  if (parameter.grid !== undefined && parameter.grid.length > 0) {
    return `grid ${parameter.grid.map(formatNumber).join(', ')}`;
  }
  if (parameter.bounds !== null) return `${parameter.bounds.min} to ${parameter.bounds.max}`;
  return '-';
}

const metricColumns: Column[] = [
  { title: 'NAME' },
  { title: 'OBJECTIVE' },
  { title: 'STRATEGY' },
  { title: 'THRESHOLD', align: 'right' },
];

const metricRow = (metric: WireMetric): string[] => [
  metricColumn(metric),
  metric.objective,
  metric.strategy,
  formatNumber(metric.threshold),
];

const assignmentCells = (
  experiment: WireExperiment,
  assignments: Record<string, number | string>,
) =>
  experiment.parameters.map((parameter) => {
    const value = assignments[parameter.name];
    return typeof value === 'number' ? formatNumber(value) : (value ?? '-');
  });

const valueCells = (experiment: WireExperiment, values: WireObservation['values']) =>
  experiment.metrics.map((metric) =>
    formatNumber(values.find((entry) => entry.name === metric.name)?.value),
  );

function pointColumns(experiment: WireExperiment, withValues: boolean): Column[] {
  const numeric = (parameter: WireParameter): 'left' | 'right' =>
    parameter.type === 'categorical' ? 'left' : 'right';
  return [
    { title: 'ID', align: 'right' },
    ...experiment.parameters.map((parameter) => ({
      title: parameter.name,
      align: numeric(parameter),
    })),
    ...(withValues
      ? experiment.metrics.map((metric) => ({
          title: metricColumn(metric),
          align: 'right' as const,
        }))
      : []),
  ];
}

type Heading = (text: string) => string;

function bestSection(details: ExperimentDetails, heading: Heading): string[] {
  const { experiment, best } = details;
  const title =
    best.length > 1 ? `Best assignments (Pareto front of ${best.length})` : 'Best assignments';
  if (best.length === 0) return [heading(title), '  none yet\n'];
  const rows = best.map((entry) => [
    entry.id,
    ...assignmentCells(experiment, entry.assignments),
    ...valueCells(experiment, entry.values),
  ]);
  return [heading(title), indent(formatTable(pointColumns(experiment, true), rows))];
}

function openSection(details: ExperimentDetails, heading: Heading): string[] {
  const { experiment, open } = details;
  if (open.length === 0) return [];
  const columns = [...pointColumns(experiment, false), { title: 'CREATED' }];
  const rows = open.map((suggestion) => [
    suggestion.id,
    ...assignmentCells(experiment, suggestion.assignments),
    timeOf(suggestion.created),
  ]);
  return [heading('Open suggestions'), indent(formatTable(columns, rows))];
}

function latestSection(details: ExperimentDetails, latest: number, heading: Heading): string[] {
  const { experiment, observations } = details;
  if (latest === 0 || observations.length === 0) return [];
  const shown = [...observations].sort(byCreation).slice(-latest);
  const columns = [...pointColumns(experiment, true), { title: 'FAILED' }, { title: 'CREATED' }];
  const rows = shown.map((observation) => [
    observation.id,
    ...assignmentCells(experiment, observation.assignments),
    ...valueCells(experiment, observation.values),
    observation.failed ? 'yes' : 'no',
    timeOf(observation.created),
  ]);
  const title = `Latest observations (${shown.length} of ${observations.length})`;
  return [heading(title), indent(formatTable(columns, rows))];
}
