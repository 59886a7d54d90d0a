import { byCreation } from './best-so-far.ts';
import { formatCsv } from './csv.ts';
import type { WireExperiment, WireMetric, WireObservation } from './wire.ts';

// The CSV layout of an experiment's observations, written by `experiment export` and read by
// `experiment import`: one column per parameter, named after it; one per metric with its value
// (`value` for the unnamed metric of the legacy form); `<metric>_stddev` where some value has a
// standard deviation; `failed`; `suggestion` and `created` for the record; `metadata` as JSON
// where some observation has any. The observation's `id` comes first.

export const stddevSuffix = '_stddev';

export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

export const metricColumn = (metric: WireMetric): string => metric.name ?? 'value';

/** Every column of the layout, for export and for naming what import accepts. */
export function allColumns(experiment: WireExperiment): string[] {
  return [
    'id',
    ...experiment.parameters.map((parameter) => parameter.name),
    ...experiment.metrics.map(metricColumn),
    ...experiment.metrics.map((metric) => metricColumn(metric) + stddevSuffix),
    'failed',
    'suggestion',
    'created',
    'metadata',
  ];
}

/** A parameter that shares its name with a metric or a fixed column cannot round trip. */
export function checkLayout(experiment: WireExperiment): void {
  const seen = new Set<string>();
  for (const column of allColumns(experiment)) {
    if (seen.has(column)) {
      throw new LayoutError(
        `the experiment has two columns named ${JSON.stringify(column)} (a parameter, a metric ` +
          `or one of id, failed, suggestion, created, metadata), so CSV cannot tell them apart; ` +
          `use --format json`,
      );
    }
    seen.add(column);
  }
}

const valueOf = (observation: WireObservation, metric: WireMetric) =>
  observation.values.find((entry) => entry.name === metric.name);

/** Seconds since the epoch as ISO 8601 in UTC, to the second. */
export const timeOf = (seconds: number): string =>
  new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** The observations as CSV, oldest first. Numbers are written so that reading them back is exact. */
export function observationsToCsv(
  experiment: WireExperiment,
  observations: readonly WireObservation[],
): string {
  checkLayout(experiment);
  const ordered = [...observations].sort(byCreation);
  const withStddev = experiment.metrics.filter((metric) =>
    ordered.some((observation) => valueOf(observation, metric)?.value_stddev != null),
  );
  const withMetadata = ordered.some((o) => o.metadata && Object.keys(o.metadata).length > 0);

  const header = [
    'id',
    ...experiment.parameters.map((parameter) => parameter.name),
    ...experiment.metrics.map(metricColumn),
    ...withStddev.map((metric) => metricColumn(metric) + stddevSuffix),
    'failed',
    'suggestion',
    'created',
    ...(withMetadata ? ['metadata'] : []),
  ];
  const rows = ordered.map((observation) => [
    observation.id,
    ...experiment.parameters.map((parameter) => cell(observation.assignments[parameter.name])),
    ...experiment.metrics.map((metric) => cell(valueOf(observation, metric)?.value)),
    ...withStddev.map((metric) => cell(valueOf(observation, metric)?.value_stddev)),
    String(observation.failed),
    observation.suggestion ?? '',
    timeOf(observation.created),
    ...(withMetadata ? [metadataCell(observation)] : []),
  ]);
  return formatCsv([header, ...rows]);
}

const cell = (value: number | string | null | undefined): string =>
  value === null || value === undefined ? '' : String(value);

function metadataCell(observation: WireObservation): string {
  const metadata = observation.metadata;
  return metadata && Object.keys(metadata).length > 0 ? JSON.stringify(metadata) : '';
}
