// The parts of the API's objects that the experiment commands read (see openapi/openapi.json).
// The client's full types fit these shapes; the pure modules of the command line need no more.

export interface WireParameter {
  name: string;
  type: 'double' | 'int' | 'categorical';
  bounds: { min: number; max: number } | null;
  categorical_values: { name: string; enum_index: number }[] | null;
  grid?: number[];
  transformation: 'log' | null;
}

export interface WireMetric {
  name: string | null;
  objective: 'maximize' | 'minimize';
  strategy: 'optimize' | 'constraint' | 'store';
  threshold: number | null;
}

export type WireMetadata = Record<string, string | number | null>;

export interface WireValue {
  name: string | null;
  value: number;
  value_stddev: number | null;
}

export interface WireObservation {
  id: string;
  suggestion: string | null;
  assignments: Record<string, number | string>;
  values: WireValue[];
  failed: boolean;
  metadata: WireMetadata | null;
  created: number;
}

export interface WireExperiment {
  id: string;
  name: string;
  type: 'offline' | 'random' | 'grid';
  state: 'active' | 'deleted';
  development: boolean;
  parameters: WireParameter[];
  metrics: WireMetric[];
  observation_budget: number | null;
  parallel_bandwidth: number | null;
  progress: {
    observation_count: number;
    observation_budget_consumed: number;
    best_observation: WireObservation | null;
  };
  created: number;
  updated: number;
}

export interface WireBestAssignments {
  id: string;
  assignments: Record<string, number | string>;
  values: WireValue[];
}

/** What one row of an import sends: the batch route's observation. */
export interface NewObservation {
  assignments: Record<string, number | string>;
  values?: { name: string | null; value: number; value_stddev?: number }[];
  failed?: boolean;
  metadata?: WireMetadata;
}

export interface WireSuggestion {
  id: string;
  assignments: Record<string, number | string>;
  created: number;
}
