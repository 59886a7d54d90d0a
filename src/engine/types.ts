// The optimizer's interface. The engine is pure computation: it is handed
// everything it needs (space, history, a seeded random source, a clock) and
// returns points with diagnostics. The service maps its storage onto these
// types and back.

/** A number or a category name, keyed by parameter name. */
export type Assignments = Record<string, number | string>;

export interface NumericParameter {
  name: string;
  type: 'double' | 'int';
  /** Inclusive bounds. For a grid parameter, the smallest and largest grid value. */
  min: number;
  max: number;
  /** Search in log space (double only; min > 0). */
  log: boolean;
  /** When set, the only admissible values, sorted ascending and distinct. */
  grid: number[] | null;
}

export interface CategoricalParameter {
  name: string;
  type: 'categorical';
  /** Category names in their enum order. */
  categories: string[];
}

export type Parameter = NumericParameter | CategoricalParameter;

export interface EngineObservation {
  assignments: Assignments;
  /** The value to MAXIMIZE (the service negates minimized metrics); null when failed. */
  value: number | null;
  /** Reported standard deviation of the value, when known. */
  noise: number | null;
  failed: boolean;
}

/** Returns a uniform number in [0, 1). */
export type RandomSource = () => number;

/** Returns milliseconds from an arbitrary origin; used only to respect timeBudgetMs. */
export type Clock = () => number;

export type ExperimentType = 'offline' | 'random' | 'grid';

export interface SuggestRequest {
  type: ExperimentType;
  parameters: Parameter[];
  observations: EngineObservation[];
  /** Open suggestions (and other points already handed out but not yet observed). */
  pending: Assignments[];
  /** How many new points are wanted (at least 1). */
  count: number;
  random: RandomSource;
  clock: Clock;
  /** Soft limit on the work; when it runs out the best point so far is returned. */
  timeBudgetMs: number;
  /** State returned by an earlier call on the same experiment, to warm-start the fit. */
  warmStart?: unknown;
}

export type Strategy =
  'random' | 'grid' | 'initial-design' | 'gaussian-process' | 'random-fallback' | 'exhausted';

export interface SuggestDiagnostics {
  strategy: Strategy;
  /** Fitted GP hyperparameters, when a GP was fitted. */
  hyperparameters: Record<string, number | number[]> | null;
  logLikelihood: number | null;
  jitter: number | null;
  elapsedMs: number;
  /** True when the time budget cut the fit or the search short. */
  timedOut: boolean;
  notes: string[];
}

export interface SuggestResult {
  /** Valid assignments: integers are integers, categories are names, bounds hold. */
  points: Assignments[];
  diagnostics: SuggestDiagnostics;
  /** Opaque, JSON-serializable state to pass back as warmStart next time. */
  state: unknown;
}
