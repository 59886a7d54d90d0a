// The service's own view of its objects, independent of storage and wire.
// Ids are decimal strings; the store converts them to and from 64-bit integers.

export type Scalar = string | number | null;
export type Metadata = Record<string, Scalar>;
export type AssignmentValue = number | string;
export type Assignments = Record<string, AssignmentValue>;

export type ExperimentType = 'offline' | 'random' | 'grid';
export type ExperimentState = 'active' | 'deleted';
export type ParameterType = 'double' | 'int' | 'categorical';
export type Objective = 'maximize' | 'minimize';
export type Strategy = 'optimize' | 'constraint' | 'store';

export interface ParameterDef {
  name: string;
  type: ParameterType;
  bounds: { min: number; max: number } | null;
  /** Category names in enum order (enum_index = position + 1). */
  categoricalValues: string[] | null;
  grid: number[] | null;
  log: boolean;
  defaultValue: AssignmentValue | null;
  precision: number | null;
}

export interface MetricDef {
  id: string;
  /** Null for the legacy single unnamed metric. */
  name: string | null;
  objective: Objective;
  strategy: Strategy;
  threshold: number | null;
}

export interface ExperimentDef {
  id: string;
  clientId: string;
  name: string;
  type: ExperimentType;
  state: ExperimentState;
  development: boolean;
  observationBudget: number | null;
  parallelBandwidth: number | null;
  numSolutions: number | null;
  /** Leases for suggestions, in seconds; null when the experiment does not use them. */
  leaseSeconds: number | null;
  metadata: Metadata | null;
  parameters: ParameterDef[];
  /** Sorted by name, as the wire shows them. */
  metrics: MetricDef[];
  created: Date;
  updated: Date;
  /** Moves with every change to the definition; observations leave it alone. */
  revision: number;
}

export interface MetricValue {
  metricId: string;
  value: number;
  valueStddev: number | null;
}

export interface ObservationRecord {
  id: string;
  experimentId: string;
  suggestionId: string | null;
  assignments: Assignments;
  failed: boolean;
  metadata: Metadata | null;
  values: MetricValue[];
  created: Date;
}

/** What the optimizer reads of an observation. */
export type ModelObservation = Pick<ObservationRecord, 'id' | 'assignments' | 'failed' | 'values'>;

/** `expired`: its lease ran out and its point was offered again. */
export type SuggestionState = 'open' | 'closed' | 'expired';

export interface SuggestionRecord {
  id: string;
  experimentId: string;
  assignments: Assignments;
  state: SuggestionState;
  deleted: boolean;
  metadata: Metadata | null;
  created: Date;
  /** When the worker's lease runs out, for experiments that use leases. */
  leaseExpires: Date | null;
  /** 1 for a new point; n + 1 when the point is offered again after attempt n's lease ran out. */
  attempt: number;
  retryOf: string | null;
}

export interface QueuedSuggestionRecord {
  id: string;
  experimentId: string;
  assignments: Assignments;
  metadata: Metadata | null;
  created: Date;
}

export interface ClientRecord {
  id: string;
  name: string;
  created: Date;
}

export interface TokenRecord {
  id: string;
  clientId: string;
  hint: string;
  development: boolean;
  admin: boolean;
  created: Date;
  expires: Date | null;
  revoked: Date | null;
}
