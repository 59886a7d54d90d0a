// Generated from openapi/openapi.json by `npm run client:types`. Do not edit:
// change the server, run `npm run openapi`, then regenerate.

/** A flat object of at most 100 keys (each at most 100 characters) whose values are strings of at most 500 characters, finite numbers or null. */
export type MetadataInput = Record<string, string | number | null>;

export interface ErrorInput {
  /** What is wrong, naming the field */
  message: string;
  status: number;
}

/** An empty object */
export type EmptyInput = Record<string, unknown>;

export interface ParameterCreateInput {
  object?: 'parameter';
  name: string;
  type: 'double' | 'int' | 'categorical';
  bounds?: {
    object?: 'bounds';
    min: number;
    max: number;
  } | null;
  categorical_values?: Array<
    | string
    | {
        object?: 'categorical_value';
        name: string;
        enum_index?: number;
      }
  > | null;
  grid?: Array<number> | null;
  transformation?: 'log' | 'none' | null;
  default_value?: number | string | null;
  precision?: number | null;
  prior?: Record<string, unknown> | null;
  conditions?: Record<string, unknown> | null;
  tunable?: boolean;
}

export interface ExperimentCreateInput {
  name: string;
  type?: 'offline' | 'random' | 'grid';
  parameters: Array<ParameterCreateInput>;
  metrics?: Array<
    | string
    | {
        object?: 'metric';
        name: string;
        objective?: 'maximize' | 'minimize' | null;
        strategy?: 'optimize' | 'constraint' | 'store' | null;
        threshold?: number | null;
      }
  >;
  observation_budget?: number | null;
  parallel_bandwidth?: number | null;
  num_solutions?: number | null;
  suggestion_lease_seconds?: number | null;
  metadata?: MetadataInput | null;
  conditionals?: Array<unknown> | null;
  linear_constraints?: Array<unknown> | null;
  tasks?: Array<unknown> | null;
  project?: string | null;
}

export interface ExperimentUpdateInput {
  name?: string;
  metadata?: MetadataInput | null;
  observation_budget?: number | null;
  parallel_bandwidth?: number | null;
  suggestion_lease_seconds?: number | null;
  state?: 'active' | 'deleted';
  metrics?: Array<{
    object?: 'metric';
    name: string;
    objective?: 'maximize' | 'minimize' | null;
    strategy?: 'optimize' | 'constraint' | 'store' | null;
    threshold?: number | null;
  }>;
  parameters?: Array<ParameterCreateInput>;
  no_optimize?: boolean;
}

export interface ParameterInput {
  object: 'parameter';
  name: string;
  type: 'double' | 'int' | 'categorical';
  bounds: {
    object: 'bounds';
    min: number;
    max: number;
  } | null;
  categorical_values: Array<{
    object: 'categorical_value';
    name: string;
    enum_index: number;
  }> | null;
  grid?: Array<number>;
  transformation: 'log' | null;
  prior: null;
  default_value: number | string | null;
  conditions: Record<string, unknown>;
  precision: number | null;
}

export interface MetricInput {
  object: 'metric';
  name: string | null;
  objective: 'maximize' | 'minimize';
  strategy: 'optimize' | 'constraint' | 'store';
  threshold: number | null;
}

/** Parameter name to value: a number, or the category name */
export type AssignmentsInput = Record<string, number | string>;

export interface MetricEvaluationInput {
  object: 'metric_evaluation';
  name: string | null;
  value: number;
  value_stddev: number | null;
}

export interface ObservationInput {
  object: 'observation';
  /** Object id: a string of digits */
  id: string;
  /** Object id: a string of digits */
  experiment: string;
  suggestion: string | null;
  assignments: AssignmentsInput;
  values: Array<MetricEvaluationInput>;
  failed: boolean;
  metadata: MetadataInput | null;
  /** Seconds since the Unix epoch */
  created: number;
  task: null;
  value?: number | null;
  value_stddev?: number | null;
}

export interface ProgressInput {
  object: 'progress';
  observation_count: number;
  observation_budget_consumed: number;
  first_observation: ObservationInput | null;
  last_observation: ObservationInput | null;
  best_observation: ObservationInput | null;
}

export interface ExperimentInput {
  object: 'experiment';
  /** Object id: a string of digits */
  id: string;
  name: string;
  type: 'offline' | 'random' | 'grid';
  parameters: Array<ParameterInput>;
  metrics: Array<MetricInput>;
  conditionals: Array<never>;
  linear_constraints: Array<never>;
  tasks: null;
  observation_budget: number | null;
  parallel_bandwidth: number | null;
  num_solutions: number | null;
  suggestion_lease_seconds: number | null;
  metadata: MetadataInput | null;
  state: 'active' | 'deleted';
  development: boolean;
  progress: ProgressInput;
  /** Object id: a string of digits */
  client: string;
  project: null;
  /** Seconds since the Unix epoch */
  created: number;
  /** Seconds since the Unix epoch */
  updated: number;
}

/** A page of Experiment objects, newest first */
export interface ExperimentPageInput {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<ExperimentInput>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

export type ChosenAssignmentsInput = Record<string, number | string>;

/** Empty for the optimizer’s next point; with assignments, a point the user chose. */
export interface SuggestionCreateInput {
  assignments?: ChosenAssignmentsInput;
  metadata?: MetadataInput | null;
  no_optimize?: boolean;
}

export interface SuggestionUpdateInput {
  metadata?: MetadataInput | null;
}

export interface SuggestionInput {
  object: 'suggestion';
  /** Object id: a string of digits */
  id: string;
  /** Object id: a string of digits */
  experiment: string;
  assignments: AssignmentsInput;
  /** open until an observation cites it; expired when its lease ran out and its point was offered again (a late observation is still kept and closes it) */
  state: 'open' | 'closed' | 'expired';
  metadata: MetadataInput | null;
  /** Seconds since the Unix epoch */
  created: number;
  deleted: boolean;
  task: null;
  /** When the lease runs out; null when the experiment uses no leases */
  lease_expires: number | null;
  /** 1, or n + 1 when offered again after attempt n expired */
  attempt: number;
  /** The expired suggestion this one offers again */
  retry_of: string | null;
}

export interface LeaseRenewalInput {
  /** Length of the new lease; the experiment's suggestion_lease_seconds by default */
  seconds?: number;
}

export interface QueuedSuggestionCreateInput {
  assignments: ChosenAssignmentsInput;
  metadata?: MetadataInput | null;
  task?: null;
}

export interface QueuedSuggestionInput {
  object: 'queued_suggestion';
  /** Object id: a string of digits */
  id: string;
  /** Object id: a string of digits */
  experiment: string;
  assignments: AssignmentsInput;
  metadata: MetadataInput | null;
  /** Seconds since the Unix epoch */
  created: number;
  task: null;
}

/** Exactly one of suggestion or assignments; values unless failed. */
export interface ObservationCreateInput {
  suggestion?: number | string | null;
  assignments?: ChosenAssignmentsInput | null;
  values?: Array<{
    object?: 'metric_evaluation';
    name?: string | null;
    value: number;
    value_stddev?: number | null;
  }> | null;
  value?: number | null;
  value_stddev?: number | null;
  failed?: boolean | null;
  metadata?: MetadataInput | null;
  no_optimize?: boolean;
  task?: null;
}

export interface ObservationUpdateInput {
  suggestion?: number | string | null;
  assignments?: ChosenAssignmentsInput | null;
  values?: Array<{
    object?: 'metric_evaluation';
    name?: string | null;
    value: number;
    value_stddev?: number | null;
  }> | null;
  value?: number | null;
  value_stddev?: number | null;
  failed?: boolean | null;
  metadata?: MetadataInput | null;
  no_optimize?: boolean;
  task?: null;
}

/** At most 2500 observations, created all together or not at all. */
export interface ObservationBatchInput {
  observations: Array<ObservationCreateInput>;
  no_optimize?: boolean;
}

export interface BestAssignmentsInput {
  object: 'best_assignments';
  /** Object id: a string of digits */
  id: string;
  assignments: AssignmentsInput;
  values: Array<MetricEvaluationInput>;
  metadata: MetadataInput | null;
  task: null;
}

/** A page of Observation objects, newest first */
export interface ObservationPageInput {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<ObservationInput>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

export interface HealthInput {
  status: 'ok';
}

export interface TokenInput {
  object: 'token';
  /** Object id: a string of digits */
  id: string;
  /** The token itself: shown only when created */
  token: string | null;
  /** The first characters of the token, to tell tokens apart */
  hint: string;
  /** Object id: a string of digits */
  client: string;
  development: boolean;
  permissions: 'admin' | 'write';
  expires: number | null;
  /** Seconds since the Unix epoch */
  created: number;
  revoked: boolean;
  experiment: null;
  user: null;
}

export interface ClientInput {
  object: 'client';
  /** Object id: a string of digits */
  id: string;
  name: string;
  /** Seconds since the Unix epoch */
  created: number;
}

export interface TokenCreateInput {
  development?: boolean;
  permissions?: 'admin' | 'write';
  /** Epoch seconds after which the token stops working */
  expires?: number | null;
}

export interface TokenPageInput {
  object: 'pagination';
  count: number;
  data: Array<TokenInput>;
  paging: {
    before: null;
    after: null;
  };
}

/** A page of Suggestion objects, newest first */
export interface SuggestionPageInput {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<SuggestionInput>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

/** A page of QueuedSuggestion objects, newest first */
export interface QueuedSuggestionPageInput {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<QueuedSuggestionInput>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

/** A page of BestAssignments objects, newest first */
export interface BestAssignmentsPageInput {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<BestAssignmentsInput>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

/** A flat object of at most 100 keys (each at most 100 characters) whose values are strings of at most 500 characters, finite numbers or null. */
export type Metadata = Record<string, string | number | null>;

export interface Error {
  /** What is wrong, naming the field */
  message: string;
  status: number;
}

/** An empty object */
export type Empty = Record<string, never>;

export interface ParameterCreate {
  object?: 'parameter';
  name: string;
  type: 'double' | 'int' | 'categorical';
  bounds?: {
    object?: 'bounds';
    min: number;
    max: number;
  } | null;
  categorical_values?: Array<
    | string
    | {
        object?: 'categorical_value';
        name: string;
        enum_index?: number;
      }
  > | null;
  grid?: Array<number> | null;
  transformation?: 'log' | 'none' | null;
  default_value?: number | string | null;
  precision?: number | null;
  prior?: Record<string, unknown> | null;
  conditions?: Record<string, unknown> | null;
  tunable?: boolean;
}

export interface ExperimentCreate {
  name: string;
  type?: 'offline' | 'random' | 'grid';
  parameters: Array<ParameterCreate>;
  metrics?: Array<
    | string
    | {
        object?: 'metric';
        name: string;
        objective?: 'maximize' | 'minimize' | null;
        strategy?: 'optimize' | 'constraint' | 'store' | null;
        threshold?: number | null;
      }
  >;
  observation_budget?: number | null;
  parallel_bandwidth?: number | null;
  num_solutions?: number | null;
  suggestion_lease_seconds?: number | null;
  metadata?: Metadata | null;
  conditionals?: Array<unknown> | null;
  linear_constraints?: Array<unknown> | null;
  tasks?: Array<unknown> | null;
  project?: string | null;
}

export interface ExperimentUpdate {
  name?: string;
  metadata?: Metadata | null;
  observation_budget?: number | null;
  parallel_bandwidth?: number | null;
  suggestion_lease_seconds?: number | null;
  state?: 'active' | 'deleted';
  metrics?: Array<{
    object?: 'metric';
    name: string;
    objective?: 'maximize' | 'minimize' | null;
    strategy?: 'optimize' | 'constraint' | 'store' | null;
    threshold?: number | null;
  }>;
  parameters?: Array<ParameterCreate>;
  no_optimize?: boolean;
}

export interface Parameter {
  object: 'parameter';
  name: string;
  type: 'double' | 'int' | 'categorical';
  bounds: {
    object: 'bounds';
    min: number;
    max: number;
  } | null;
  categorical_values: Array<{
    object: 'categorical_value';
    name: string;
    enum_index: number;
  }> | null;
  grid?: Array<number>;
  transformation: 'log' | null;
  prior: null;
  default_value: number | string | null;
  conditions: Record<string, never>;
  precision: number | null;
}

export interface Metric {
  object: 'metric';
  name: string | null;
  objective: 'maximize' | 'minimize';
  strategy: 'optimize' | 'constraint' | 'store';
  threshold: number | null;
}

/** Parameter name to value: a number, or the category name */
export type Assignments = Record<string, number | string>;

export interface MetricEvaluation {
  object: 'metric_evaluation';
  name: string | null;
  value: number;
  value_stddev: number | null;
}

export interface Observation {
  object: 'observation';
  /** Object id: a string of digits */
  id: string;
  /** Object id: a string of digits */
  experiment: string;
  suggestion: string | null;
  assignments: Assignments;
  values: Array<MetricEvaluation>;
  failed: boolean;
  metadata: Metadata | null;
  /** Seconds since the Unix epoch */
  created: number;
  task: null;
  value?: number | null;
  value_stddev?: number | null;
}

export interface Progress {
  object: 'progress';
  observation_count: number;
  observation_budget_consumed: number;
  first_observation: Observation | null;
  last_observation: Observation | null;
  best_observation: Observation | null;
}

export interface Experiment {
  object: 'experiment';
  /** Object id: a string of digits */
  id: string;
  name: string;
  type: 'offline' | 'random' | 'grid';
  parameters: Array<Parameter>;
  metrics: Array<Metric>;
  conditionals: Array<never>;
  linear_constraints: Array<never>;
  tasks: null;
  observation_budget: number | null;
  parallel_bandwidth: number | null;
  num_solutions: number | null;
  suggestion_lease_seconds: number | null;
  metadata: Metadata | null;
  state: 'active' | 'deleted';
  development: boolean;
  progress: Progress;
  /** Object id: a string of digits */
  client: string;
  project: null;
  /** Seconds since the Unix epoch */
  created: number;
  /** Seconds since the Unix epoch */
  updated: number;
}

/** A page of Experiment objects, newest first */
export interface ExperimentPage {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<Experiment>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

export type ChosenAssignments = Record<string, number | string>;

/** Empty for the optimizer’s next point; with assignments, a point the user chose. */
export interface SuggestionCreate {
  assignments?: ChosenAssignments;
  metadata?: Metadata | null;
  no_optimize?: boolean;
}

export interface SuggestionUpdate {
  metadata?: Metadata | null;
}

export interface Suggestion {
  object: 'suggestion';
  /** Object id: a string of digits */
  id: string;
  /** Object id: a string of digits */
  experiment: string;
  assignments: Assignments;
  /** open until an observation cites it; expired when its lease ran out and its point was offered again (a late observation is still kept and closes it) */
  state: 'open' | 'closed' | 'expired';
  metadata: Metadata | null;
  /** Seconds since the Unix epoch */
  created: number;
  deleted: boolean;
  task: null;
  /** When the lease runs out; null when the experiment uses no leases */
  lease_expires: number | null;
  /** 1, or n + 1 when offered again after attempt n expired */
  attempt: number;
  /** The expired suggestion this one offers again */
  retry_of: string | null;
}

export interface LeaseRenewal {
  /** Length of the new lease; the experiment's suggestion_lease_seconds by default */
  seconds?: number;
}

export interface QueuedSuggestionCreate {
  assignments: ChosenAssignments;
  metadata?: Metadata | null;
  task?: null;
}

export interface QueuedSuggestion {
  object: 'queued_suggestion';
  /** Object id: a string of digits */
  id: string;
  /** Object id: a string of digits */
  experiment: string;
  assignments: Assignments;
  metadata: Metadata | null;
  /** Seconds since the Unix epoch */
  created: number;
  task: null;
}

/** Exactly one of suggestion or assignments; values unless failed. */
export interface ObservationCreate {
  suggestion?: unknown;
  assignments?: ChosenAssignments | null;
  values?: Array<{
    object?: 'metric_evaluation';
    name?: string | null;
    value: number;
    value_stddev?: number | null;
  }> | null;
  value?: number | null;
  value_stddev?: number | null;
  failed?: boolean | null;
  metadata?: Metadata | null;
  no_optimize?: boolean;
  task?: null;
}

export interface ObservationUpdate {
  suggestion?: unknown;
  assignments?: ChosenAssignments | null;
  values?: Array<{
    object?: 'metric_evaluation';
    name?: string | null;
    value: number;
    value_stddev?: number | null;
  }> | null;
  value?: number | null;
  value_stddev?: number | null;
  failed?: boolean | null;
  metadata?: Metadata | null;
  no_optimize?: boolean;
  task?: null;
}

/** At most 2500 observations, created all together or not at all. */
export interface ObservationBatch {
  observations: Array<ObservationCreate>;
  no_optimize?: boolean;
}

export interface BestAssignments {
  object: 'best_assignments';
  /** Object id: a string of digits */
  id: string;
  assignments: Assignments;
  values: Array<MetricEvaluation>;
  metadata: Metadata | null;
  task: null;
}

/** A page of Observation objects, newest first */
export interface ObservationPage {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<Observation>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

export interface Health {
  status: 'ok';
}

export interface Token {
  object: 'token';
  /** Object id: a string of digits */
  id: string;
  /** The token itself: shown only when created */
  token: string | null;
  /** The first characters of the token, to tell tokens apart */
  hint: string;
  /** Object id: a string of digits */
  client: string;
  development: boolean;
  permissions: 'admin' | 'write';
  expires: number | null;
  /** Seconds since the Unix epoch */
  created: number;
  revoked: boolean;
  experiment: null;
  user: null;
}

export interface Client {
  object: 'client';
  /** Object id: a string of digits */
  id: string;
  name: string;
  /** Seconds since the Unix epoch */
  created: number;
}

export interface TokenCreate {
  development?: boolean;
  permissions?: 'admin' | 'write';
  /** Epoch seconds after which the token stops working */
  expires?: number | null;
}

export interface TokenPage {
  object: 'pagination';
  count: number;
  data: Array<Token>;
  paging: {
    before: null;
    after: null;
  };
}

/** A page of Suggestion objects, newest first */
export interface SuggestionPage {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<Suggestion>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

/** A page of QueuedSuggestion objects, newest first */
export interface QueuedSuggestionPage {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<QueuedSuggestion>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

/** A page of BestAssignments objects, newest first */
export interface BestAssignmentsPage {
  object: 'pagination';
  /** Total over all pages */
  count: number;
  data: Array<BestAssignments>;
  paging: {
    /** Pass as `before` for the older page */
    before: string | null;
    /** Pass as `after` for the newer page */
    after: string | null;
  };
}

/** Every route under /v1, keyed "METHOD /path": its parameters, body and answer. */
export interface Routes {
  /** Create an experiment */
  'POST /experiments': {
    path: Record<string, never>;
    query: Record<string, never>;
    body: ExperimentCreateInput;
    response: Experiment;
  };
  /** List experiments, newest first */
  'GET /experiments': {
    path: Record<string, never>;
    query: {
      limit?: number;
      /** A paging marker from an earlier answer */
      before?: string;
      /** A paging marker from an earlier answer */
      after?: string;
      state?: 'active' | 'deleted' | 'all';
      search?: string;
    };
    body: undefined;
    response: ExperimentPage;
  };
  /** Create an experiment for the token's client */
  'POST /clients/{client}/experiments': {
    path: {
      client: string;
    };
    query: Record<string, never>;
    body: ExperimentCreateInput;
    response: Experiment;
  };
  /** List the token's client's experiments */
  'GET /clients/{client}/experiments': {
    path: {
      client: string;
    };
    query: {
      limit?: number;
      /** A paging marker from an earlier answer */
      before?: string;
      /** A paging marker from an earlier answer */
      after?: string;
      state?: 'active' | 'deleted' | 'all';
      search?: string;
    };
    body: undefined;
    response: ExperimentPage;
  };
  /** Fetch an experiment with its progress */
  'GET /experiments/{id}': {
    path: {
      id: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: Experiment;
  };
  /** Change the named fields of an experiment */
  'PUT /experiments/{id}': {
    path: {
      id: string;
    };
    query: Record<string, never>;
    body: ExperimentUpdateInput;
    response: Experiment;
  };
  /** Delete an experiment (soft: a PUT with state "active" revives it) */
  'DELETE /experiments/{id}': {
    path: {
      id: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: Empty;
  };
  /** Create a suggestion: the optimizer’s next point, or one the user chose */
  'POST /experiments/{id}/suggestions': {
    path: {
      id: string;
    };
    query: Record<string, never>;
    body: SuggestionCreateInput;
    response: Suggestion;
  };
  /** List suggestions, newest first */
  'GET /experiments/{id}/suggestions': {
    path: {
      id: string;
    };
    query: {
      limit?: number;
      /** A paging marker from an earlier answer */
      before?: string;
      /** A paging marker from an earlier answer */
      after?: string;
      state?: 'open' | 'closed' | 'all';
      id?: string;
    };
    body: undefined;
    response: SuggestionPage;
  };
  /** Delete suggestions: with state=open, every open one; without, all */
  'DELETE /experiments/{id}/suggestions': {
    path: {
      id: string;
    };
    query: {
      state?: 'open' | 'closed' | 'all';
      no_optimize?: string;
    };
    body: undefined;
    response: Empty;
  };
  /** Renew the lease of an open suggestion while its training runs */
  'POST /experiments/{id}/suggestions/{suggestion}/lease': {
    path: {
      id: string;
      suggestion: string;
    };
    query: Record<string, never>;
    body: LeaseRenewalInput;
    response: Suggestion;
  };
  /** Fetch a suggestion */
  'GET /experiments/{id}/suggestions/{suggestion}': {
    path: {
      id: string;
      suggestion: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: Suggestion;
  };
  /** Change a suggestion’s metadata */
  'PUT /experiments/{id}/suggestions/{suggestion}': {
    path: {
      id: string;
      suggestion: string;
    };
    query: Record<string, never>;
    body: SuggestionUpdateInput;
    response: Suggestion;
  };
  /** Delete a suggestion */
  'DELETE /experiments/{id}/suggestions/{suggestion}': {
    path: {
      id: string;
      suggestion: string;
    };
    query: {
      state?: 'open' | 'closed' | 'all';
      no_optimize?: string;
    };
    body: undefined;
    response: Empty;
  };
  /** Queue a point to be suggested before the optimizer’s */
  'POST /experiments/{id}/queued_suggestions': {
    path: {
      id: string;
    };
    query: Record<string, never>;
    body: QueuedSuggestionCreateInput;
    response: QueuedSuggestion;
  };
  /** List waiting queued suggestions, newest first */
  'GET /experiments/{id}/queued_suggestions': {
    path: {
      id: string;
    };
    query: {
      limit?: number;
      /** A paging marker from an earlier answer */
      before?: string;
      /** A paging marker from an earlier answer */
      after?: string;
    };
    body: undefined;
    response: QueuedSuggestionPage;
  };
  /** Fetch a queued suggestion */
  'GET /experiments/{id}/queued_suggestions/{queued}': {
    path: {
      id: string;
      queued: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: QueuedSuggestion;
  };
  /** Delete a queued suggestion */
  'DELETE /experiments/{id}/queued_suggestions/{queued}': {
    path: {
      id: string;
      queued: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: Empty;
  };
  /** Report a result */
  'POST /experiments/{id}/observations': {
    path: {
      id: string;
    };
    query: Record<string, never>;
    body: ObservationCreateInput;
    response: Observation;
  };
  /** List observations, newest first */
  'GET /experiments/{id}/observations': {
    path: {
      id: string;
    };
    query: {
      limit?: number;
      /** A paging marker from an earlier answer */
      before?: string;
      /** A paging marker from an earlier answer */
      after?: string;
    };
    body: undefined;
    response: ObservationPage;
  };
  /** Delete every observation of the experiment */
  'DELETE /experiments/{id}/observations': {
    path: {
      id: string;
    };
    query: {
      no_optimize?: string;
    };
    body: undefined;
    response: Empty;
  };
  /** Report up to 2500 results, all or nothing */
  'POST /experiments/{id}/observations/batch': {
    path: {
      id: string;
    };
    query: Record<string, never>;
    body: ObservationBatchInput;
    response: ObservationPage;
  };
  /** Fetch an observation */
  'GET /experiments/{id}/observations/{observation}': {
    path: {
      id: string;
      observation: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: Observation;
  };
  /** Change the given fields of an observation */
  'PUT /experiments/{id}/observations/{observation}': {
    path: {
      id: string;
      observation: string;
    };
    query: Record<string, never>;
    body: ObservationUpdateInput;
    response: Observation;
  };
  /** Delete an observation */
  'DELETE /experiments/{id}/observations/{observation}': {
    path: {
      id: string;
      observation: string;
    };
    query: {
      no_optimize?: string;
    };
    body: undefined;
    response: Empty;
  };
  /** The best observation, or the Pareto front for two optimized metrics */
  'GET /experiments/{id}/best_assignments': {
    path: {
      id: string;
    };
    query: {
      limit?: number;
      /** A paging marker from an earlier answer */
      before?: string;
      /** A paging marker from an earlier answer */
      after?: string;
    };
    body: undefined;
    response: BestAssignmentsPage;
  };
  /** The calling token */
  'GET /tokens/self': {
    path: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: Token;
  };
  /** The calling token's client */
  'GET /clients/{client}': {
    path: {
      client: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: Client;
  };
  /** Create a token for the client (admin tokens only); its value is shown once */
  'POST /clients/{client}/tokens': {
    path: {
      client: string;
    };
    query: Record<string, never>;
    body: TokenCreateInput;
    response: Token;
  };
  /** List the client's tokens (admin tokens only), never their values */
  'GET /clients/{client}/tokens': {
    path: {
      client: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: TokenPage;
  };
  /** Revoke a token of the client (admin tokens only) */
  'DELETE /clients/{client}/tokens/{token}': {
    path: {
      client: string;
      token: string;
    };
    query: Record<string, never>;
    body: undefined;
    response: Empty;
  };
}
