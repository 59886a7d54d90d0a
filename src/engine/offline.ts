import { maximizeAcquisition, type AcquisitionResult } from './acquisition.ts';
import { diagnostics } from './diagnostics.ts';
import { fitHyperparameters } from './fit.ts';
import {
  addPoint,
  posterior,
  predict,
  thetaSize,
  trainingMeans,
  type GpData,
  type Posterior,
} from './gp.ts';
import {
  initialDesignPoints,
  initialDesignSize,
  readState,
  type EngineState,
} from './initial-design.ts';
import { randomInt } from './random.ts';
import {
  excludedNear,
  LOG_EI_EXHAUSTED,
  shouldExplore,
  stallLength,
  stallSteps,
} from './stagnation.ts';
import { encode, pointKey, type Space } from './space.ts';
import { transformOutputs } from './transform.ts';
import type { Assignments, SuggestDiagnostics, SuggestRequest, SuggestResult } from './types.ts';

export interface OfflineInput {
  request: SuggestRequest;
  space: Space;
  count: number;
  start: number;
}

/** Above this many observations the hyperparameters are fitted on a subset. */
const MAX_FIT_POINTS = 120;
/** Points kept in every fit subset: the best ones, where the optimum's detail matters. */
const FIT_TOP = 20;

/**
 * Above this many observations the model is built on a subset: a posterior
 * costs n^3 to factorize and n^2 for each prediction's variance, so thousands
 * of observations would take minutes, and a few hundred well chosen ones
 * describe the surface as well for choosing the next point.
 */
export const MAX_MODEL_POINTS = 400;
/** Kept in every model subset: the latest observations (the stall count reads them)... */
const MODEL_RECENT = 150;
/** ...and the best ones, where the optimum's detail matters. */
const MODEL_TOP = 50;

/** Bayesian optimization: a Sobol initial design, then the GP and log-EI. */
export function suggestOffline(input: OfflineInput): SuggestResult {
  const { request, space, count } = input;
  const successes = request.observations.filter(isSuccess);
  const seen = request.observations.length + request.pending.length;
  if (seen < initialDesignSize(space) || successes.length === 0) {
    const design = initialDesignPoints(space, request, count);
    const d = diagnostics('initial-design', request, input.start);
    d.notes.push(`initial design of ${initialDesignSize(space)} points`);
    if (successes.length === 0 && seen > 0) d.notes.push('no successful observation yet');
    return { points: design.points, diagnostics: d, state: design.state };
  }
  return suggestWithModel(input);
}

/**
 * At most MAX_MODEL_POINTS observations, in their order: the latest
 * MODEL_RECENT, the best MODEL_TOP successes, and a random sample of the rest.
 */
export function modelObservations<T extends SuggestRequest['observations'][number]>(
  observations: readonly T[],
  random: () => number,
): T[] {
  const n = observations.length;
  if (n <= MAX_MODEL_POINTS) return [...observations];
  const keep = new Set<number>();
  for (let i = n - MODEL_RECENT; i < n; i++) keep.add(i);
  const ranked = observations
    .map((o, i) => ({ i, value: isSuccess(o) ? (o.value as number) : -Infinity }))
    .sort((a, b) => b.value - a.value);
  for (const { i } of ranked.slice(0, MODEL_TOP)) keep.add(i);
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !keep.has(i));
  for (let i = rest.length - 1; i > 0 && keep.size < MAX_MODEL_POINTS; i--) {
    const j = randomInt(random, i + 1);
    [rest[i], rest[j]] = [rest[j] as number, rest[i] as number];
    keep.add(rest[i] as number);
  }
  if (keep.size < MAX_MODEL_POINTS && rest[0] !== undefined) keep.add(rest[0]);
  return [...keep].sort((a, b) => a - b).map((i) => observations[i] as T);
}

function isSuccess(o: SuggestRequest['observations'][number]): boolean {
  return !o.failed && typeof o.value === 'number' && Number.isFinite(o.value);
}

function suggestWithModel(input: OfflineInput): SuggestResult {
  const { request, space } = input;
  const deadline = input.start + request.timeBudgetMs;
  const expired = (): boolean => request.clock() >= deadline;
  const state = readState(request.warmStart, request.random);
  const modelled = modelObservations(request.observations, request.random);
  const data = trainingData(space, modelled);
  const d = diagnostics('gaussian-process', request, input.start);

  const fitted = fitModel(data, state, request, expired);
  d.timedOut ||= fitted.stopped;
  let post = fitted.post;
  describeModel(d, post, data.n);

  const used = new Set<string>();
  for (const o of request.observations) used.add(pointKey(space, o.assignments));
  for (const a of request.pending) {
    used.add(pointKey(space, a));
    post = believe(post, encode(space, a));
  }

  const points: Assignments[] = [];
  const top = incumbents(data, 5);
  let nextState = fitted.state;
  for (let k = 0; k < input.count; k++) {
    let result = acquire(input, globalModel(data, post, top), used, expired);
    if (k === 0 && result.logEi < LOG_EI_EXHAUSTED) {
      const away = awayModel(input, modelled, data, { post, state: fitted.state }, expired);
      if (away !== null) {
        d.notes.push(away.note);
        nextState = away.state ?? nextState;
        result = acquire(input, away, used, expired);
      }
    }
    d.timedOut ||= result.timedOut;
    if (result.duplicate) d.notes.push('every point of the space has been used; repeating one');
    points.push(result.point);
    used.add(pointKey(space, result.point));
    post = believe(post, result.features);
  }
  return { points, diagnostics: d, state: nextState };
}

interface TrainingData extends GpData {
  /** The first `successes` rows are successes; the rest are failed, imputed. */
  successes: number;
}

function acquire(
  input: OfflineInput,
  model: AcquisitionModel,
  used: Set<string>,
  expired: () => boolean,
): AcquisitionResult {
  const { request, space } = input;
  const n = model.post.data.n;
  return maximizeAcquisition({
    space,
    post: model.post,
    best: model.best,
    random: request.random,
    used,
    incumbents: model.incumbents,
    expired,
    candidates: candidateCount(n, space.dim),
    refine: n > 300 ? { starts: 3, iterations: 20 } : { starts: 5, iterations: 40 },
    ...(model.excluded === undefined ? {} : { excluded: model.excluded }),
  });
}

interface AcquisitionModel {
  post: Posterior;
  best: number;
  incumbents: Float64Array[];
  excluded?: (u: Float64Array) => boolean;
  note: string;
  /** The engine state with this model's hyperparameters, when it has its own. */
  state?: EngineState;
}

function globalModel(data: TrainingData, post: Posterior, top: Float64Array[]): AcquisitionModel {
  return { post, best: incumbentValue(post, data.successes), incumbents: top, note: '' };
}

/**
 * After a stall (see stagnation.ts), a model of the rest of the space: the
 * observations outside the incumbent's neighbourhood, with their own output
 * transform and hyperparameters, so that the dense sampling of one basin sets
 * neither the lengthscales nor the incumbent that EI must beat elsewhere.
 * Null when this step should not explore or too few observations lie outside.
 */
function awayModel(
  input: OfflineInput,
  observations: SuggestRequest['observations'],
  data: TrainingData,
  global: { post: Posterior; state: EngineState },
  expired: () => boolean,
): AcquisitionModel | null {
  const { request, space } = input;
  // A pending point, believed at the mean, is expected to gain nothing.
  const stall = stallLength(data.y, data.successes) + request.pending.length;
  if (!shouldExplore(stall, space.dim)) return null;
  const outside = outsideConverged(space, observations, global.post);
  if (outside === null) return null;
  const { rest, excluded } = outside;

  const fitted = fitAway(rest, global.state, request.random, expired);
  let away = fitted.post;
  for (const a of request.pending) {
    const u = encode(space, a);
    if (!excluded(u)) away = believe(away, u);
  }
  return {
    post: away,
    best: incumbentValue(away, rest.successes),
    incumbents: incumbents(rest, 5),
    excluded,
    note: `no progress in ${stall} observations; searching away from the best`,
    state: fitted.state,
  };
}

/** The away model's fit, on the same refit schedule as the global one (see fitModel). */
function fitAway(
  rest: TrainingData,
  state: EngineState,
  random: () => number,
  expired: () => boolean,
): { post: Posterior; state: EngineState } {
  const cached = state.awayHyperparameters;
  const warm =
    cached !== undefined && cached.length === thetaSize(rest.D) ? Float64Array.from(cached) : null;
  const fittedAt = warm === null ? 0 : (state.awayFittedAt ?? 0);
  const interval = rest.n < 20 ? 1 : Math.ceil(rest.n / 10);
  const due = warm === null || Math.abs(rest.n - fittedAt) >= interval;
  const theta = due
    ? fitHyperparameters(fitSubset(rest, random), {
        random,
        warm,
        restarts: warm === null ? 1 : 0,
        maxIterations: 50,
        shouldStop: expired,
      }).theta
    : warm;
  const post = factorize(rest, theta);
  const next: EngineState = {
    ...state,
    awayHyperparameters: Array.from(post.theta),
    awayFittedAt: due ? rest.n : fittedAt,
  };
  return { post, state: next };
}

/**
 * The observations outside every converged basin: the incumbent's neighbourhood,
 * then, while the best of what remains has stalled too, that one's neighbourhood,
 * and so on (at most MAX_BASINS), so that a basin left behind is not refined again.
 */
function outsideConverged(
  space: Space,
  observations: SuggestRequest['observations'],
  post: Posterior,
): { rest: TrainingData; excluded: (u: Float64Array) => boolean } | null {
  const regions: ((u: Float64Array) => boolean)[] = [];
  const excluded = (u: Float64Array): boolean => regions.some((inside) => inside(u));
  let rest = trainingData(space, observations);
  for (let basin = 0; basin < MAX_BASINS; basin++) {
    const center = incumbents(rest, 1)[0];
    if (center === undefined) return null;
    if (basin > 0 && stallLength(rest.y, rest.successes) < stallSteps(space.dim)) break;
    regions.push(excludedNear(post, center));
    const outside = observations.filter((o) => !excluded(encode(space, o.assignments)));
    const next = trainingData(space, outside);
    if (next.successes < MIN_AWAY_POINTS + space.dim) {
      regions.pop();
      return basin === 0 ? null : { rest, excluded };
    }
    rest = next;
  }
  return { rest, excluded };
}

const MAX_BASINS = 3;

/** Observations outside the incumbent's neighbourhood needed, beyond one per dimension. */
const MIN_AWAY_POINTS = 4;

function trainingData(space: Space, observations: SuggestRequest['observations']): TrainingData {
  const ok = observations.filter(isSuccess);
  const failed = observations.filter((o) => !isSuccess(o));
  const transformed = transformOutputs(
    ok.map((o) => o.value as number),
    ok.map((o) => o.noise),
    failed.length,
  );
  const D = space.dim;
  const n = ok.length + failed.length;
  const X = new Float64Array(n * D);
  [...ok, ...failed].forEach((o, i) => X.set(encode(space, o.assignments), i * D));
  return { X, n, D, y: transformed.y, knownNoise: transformed.noise, successes: ok.length };
}

interface FittedModel {
  post: Posterior;
  state: EngineState;
  stopped: boolean;
}

/**
 * The refit schedule: a full MAP fit (previous fit, prior mode and random restarts)
 * when there is no previous fit or enough observations have come in since it
 * (every observation below 20, then every tenth of n), and otherwise the previous
 * hyperparameters as they are, so that most calls cost one factorization.
 */
function fitModel(
  data: TrainingData,
  state: EngineState,
  request: SuggestRequest,
  expired: () => boolean,
): FittedModel {
  const size = thetaSize(data.D);
  const warm =
    state.hyperparameters !== undefined && state.hyperparameters.length === size
      ? Float64Array.from(state.hyperparameters)
      : null;
  const fittedAt = warm === null ? 0 : (state.fittedAt ?? 0);
  const interval = data.n < 20 ? 1 : Math.ceil(data.n / 10);
  const due = warm === null || Math.abs(data.n - fittedAt) >= interval;

  let theta: Float64Array | null = warm;
  let stopped = false;
  if (due) {
    const result = fitHyperparameters(fitSubset(data, request.random), {
      random: request.random,
      warm,
      restarts: warm === null ? 3 : 1,
      maxIterations: 50,
      shouldStop: expired,
    });
    theta = result.theta;
    stopped = result.stopped;
  }
  const post = factorize(data, theta);
  const next: EngineState = {
    ...state,
    hyperparameters: Array.from(post.theta),
    fittedAt: due ? data.n : fittedAt,
  };
  return { post, state: next, stopped };
}

function factorize(data: TrainingData, theta: Float64Array | null): Posterior {
  const fallback = Float64Array.from({ length: thetaSize(data.D) }, (_, i) =>
    i < data.D ? Math.log(0.5) : i === data.D ? 0 : Math.log(1e-2),
  );
  const post = (theta === null ? null : posterior(data, theta)) ?? posterior(data, fallback);
  if (post === null) throw new Error('covariance matrix is not positive definite even with jitter');
  return post;
}

/** At most MAX_FIT_POINTS rows: the best FIT_TOP and a random sample of the others. */
function fitSubset(data: TrainingData, random: () => number): GpData {
  if (data.n <= MAX_FIT_POINTS) return data;
  const order = Array.from({ length: data.n }, (_, i) => i).sort(
    (a, b) => (data.y[b] as number) - (data.y[a] as number),
  );
  const rest = order.slice(FIT_TOP);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [rest[i], rest[j]] = [rest[j] as number, rest[i] as number];
  }
  const chosen = [...order.slice(0, FIT_TOP), ...rest.slice(0, MAX_FIT_POINTS - FIT_TOP)];
  const D = data.D;
  const X = new Float64Array(chosen.length * D);
  chosen.forEach((row, i) => X.set(data.X.subarray(row * D, row * D + D), i * D));
  return {
    X,
    n: chosen.length,
    D,
    y: Float64Array.from(chosen, (row) => data.y[row] as number),
    knownNoise: Float64Array.from(chosen, (row) => data.knownNoise[row] as number),
  };
}

/** Kriging believer (Ginsbourger, Le Riche and Carraro, 2010): condition on the mean there. */
function believe(post: Posterior, u: Float64Array): Posterior {
  return addPoint(post, u, predict(post, u).mu) ?? post;
}

/** The EI incumbent: the best posterior mean at a successful observation (robust to noise). */
function incumbentValue(post: Posterior, successes: number): number {
  const means = trainingMeans(post);
  let best = -Infinity;
  for (let i = 0; i < successes; i++) best = Math.max(best, means[i] as number);
  return best;
}

function incumbents(data: TrainingData, count: number): Float64Array[] {
  const D = data.D;
  return Array.from({ length: data.successes }, (_, i) => i)
    .sort((a, b) => (data.y[b] as number) - (data.y[a] as number))
    .slice(0, count)
    .map((row) => data.X.slice(row * D, row * D + D));
}

/** Fewer global candidates as each prediction gets dearer (O(n^2) for the variance). */
function candidateCount(n: number, D: number): number {
  const byDimension = 150 * (D + 2);
  return Math.max(256, Math.min(byDimension, 2000, Math.floor(1e7 / (n * (n / 2 + D) + 1))));
}

function describeModel(d: SuggestDiagnostics, post: Posterior, n: number): void {
  const D = post.data.D;
  d.hyperparameters = {
    lengthscales: Array.from(post.theta.subarray(0, D), Math.exp),
    signalVariance: post.signal,
    noiseVariance: post.noise,
    mean: post.mean,
  };
  d.logLikelihood = post.logLikelihood;
  d.jitter = post.jitter;
  d.notes.push(`gp on ${n} observations`);
}
