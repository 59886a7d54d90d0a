import { performance } from 'node:perf_hooks';
import {
  createRandom,
  quickPoint,
  suggest,
  type ExperimentType,
  type SuggestResult,
} from '../engine/index.ts';
import { assignmentsKey } from '../domain/space.ts';
import type { Assignments, ExperimentDef, SuggestionRecord } from '../domain/types.ts';
import { readExperiment } from '../store/experiments.ts';
import { type ObservationSnapshot, readObservationSnapshot } from '../store/observations.ts';
import { type PoolEntry, writePool } from '../store/pool.ts';
import type { PrismaClient } from '../store/prisma.ts';
import { Batcher } from '../store/batcher.ts';
import type { Sql } from '../store/sql.ts';
import {
  claimExpiredSuggestion,
  claimPooledSuggestions,
  createSuggestion,
  type NewSuggestion,
  type PoolClaim,
  readPending,
  type ServingFacts,
  type SuggestionSource,
  takeQueuedSuggestion,
} from '../store/suggestions.ts';
import { StaleExperiment } from './experiment-cache.ts';
import { engineObservations, engineParameter } from './engine-input.ts';
import type { RunOptions } from './optimizer-threads.ts';
import type { OptimizerJob } from './optimizer-worker.ts';

// Serving the next suggestion, in the contract's order: queued points first,
// then points whose lease ran out, then the optimizer's. The optimizer's
// points come from a pool computed in the background (worker threads) and
// stored in the database, so a request usually runs one statement: it reads
// what serving depends on, claims an entry and makes it a suggestion; requests
// that arrive together share one such statement. Two open optimizer
// suggestions never share a point: the database's unique open key refuses the
// second, and the request takes the next entry instead.
//
// A pool is recomputed after observations arrive while workers draw from it,
// at most one computation per experiment at a time; for parallel experiments
// with a pause as long as the last computation between two, so that an
// experiment's optimizer takes at most half a thread.

export interface SuggestionServiceOptions {
  /**
   * Runs optimizer jobs off the request loop; `urgent` ones (a request waits
   * for them) before the others.
   */
  run(job: OptimizerJob, options?: RunOptions): Promise<SuggestResult>;
  /** How long one optimizer call may take before it returns its best so far. */
  timeBudgetMs: number;
  logger: {
    warn(obj: object, msg: string): void;
    debug(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

/** Pool entries tried before falling back; each failed try is a point another request holds. */
const CLAIM_TRIES = 8;
/** The most requests one claim statement serves. */
const MAX_CLAIM_BATCH = 64;
const MAX_POOL = 64;
const MAX_WARM_STARTS = 1000;
/**
 * How many time budgets a single worker waits for the computation that uses
 * its latest observation: its own, and one already running on the thread
 * (urgent jobs go first, but do not stop one that has started), with room
 * for the reading and writing around them. Then it gets a quick point.
 */
const SEQUENTIAL_WAIT_BUDGETS = 4;
/** Experiments whose observations stay in memory between refreshes (the most recently refreshed). */
const MAX_SNAPSHOTS = 32;
/** The best points kept per experiment for the quick path. */
const INCUMBENTS = 4;

/** A seed that differs for every call on every experiment, and repeats on replay. */
const seedOf = (experimentId: string, serial: number) =>
  (Number(BigInt(experimentId) % 2_147_483_647n) * 7919 + serial * 104_729) | 0;

/** Experiments remembered as drawn from; beyond this many the oldest are forgotten. */
const MAX_DEMAND = 10_000;
/** How long a refresh waits before it starts, gathering the observations of a burst. */
const REFRESH_DELAY_MS = 25;
/**
 * Then it waits for a gap this long between workers' requests, so that its
 * reading (the one part of a refresh on the request loop) does not delay a
 * burst of them, but no longer than QUIET_WAIT_MS in all.
 */
const QUIET_MS = 5;
const QUIET_WAIT_MS = 250;
/** How long after its last suggestion an experiment's pool is still kept fresh. */
const DEMAND_MS = 10 * 60_000;

export class SuggestionService {
  private readonly claims: Batcher<ExperimentDef, PoolClaim | null>;
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly warmStarts = new Map<string, unknown>();
  /** The observations each experiment's last refresh read, at its definition's revision. */
  private readonly snapshots = new Map<
    string,
    { revision: number; snapshot: ObservationSnapshot }
  >();
  /** The best points of each experiment's last pool computation, best first, for the quick path. */
  private readonly incumbents = new Map<string, Assignments[]>();
  /** When each experiment's workers last asked for a suggestion (performance.now()). */
  private readonly demand = new Map<string, number>();
  private fallbacks = 0;
  /** Experiments whose workers used their last pool up before the next one was ready. */
  private readonly outrun = new Set<string>();
  /** Pool sizes grown for such experiments. */
  private readonly poolSizes = new Map<string, number>();
  /** When a worker last asked for a suggestion or reported (performance.now()). */
  private lastRequest = -Infinity;
  private closed = false;

  constructor(
    private readonly db: { prisma: PrismaClient; sql: Sql },
    private readonly options: SuggestionServiceOptions,
  ) {
    this.claims = new Batcher((batch) => this.claimAll(batch), MAX_CLAIM_BATCH);
  }

  /** The next suggestion; throws StaleExperiment when `experiment` is no longer current. */
  async next(experiment: ExperimentDef): Promise<SuggestionRecord> {
    this.lastRequest = performance.now();
    this.noteDemand(experiment.id);
    const first = await this.claim(experiment);
    if (first.suggestion) return this.served(experiment, first);
    const { facts } = first;
    const served =
      (facts.queued ? await this.fromQueue(experiment) : null) ??
      (facts.expired ? await this.fromExpired(experiment) : null) ??
      (await this.fromPool(experiment, facts, {
        wait: true,
        // A claim held back by a queued point or an expired lease took no entry.
        first: facts.queued || facts.expired ? null : first,
      }));
    return served ?? this.fallback(experiment, facts);
  }

  /**
   * Claims a pool entry. Requests for the same experiment that arrive while
   * a claim statement runs wait for it and then share the next one, which
   * takes an entry for each of them (see Batcher).
   */
  private async claim(experiment: ExperimentDef): Promise<PoolClaim> {
    const claim = await this.claims.submit(`${experiment.id}@${experiment.revision}`, experiment);
    if (claim === null) throw new StaleExperiment(experiment.id);
    return claim;
  }

  private async claimAll(batch: ExperimentDef[]): Promise<Array<PoolClaim | null>> {
    const [experiment] = batch;
    if (!experiment) return [];
    const claims = await claimPooledSuggestions(this.db.sql, {
      experiment,
      source: poolSource(experiment),
      count: batch.length,
      serveStale: true,
    });
    return claims ?? batch.map(() => null);
  }

  /**
   * A suggestion made from a pool entry. An entry older than the parallel
   * workers allow was served because the workers should not wait; the pool
   * is recomputed for the next ones.
   */
  private served(experiment: ExperimentDef, claim: PoolClaim): SuggestionRecord {
    if (claim.entry && claim.entry.behind > parallelOf(experiment, claim.facts) - 1)
      void this.refresh(experiment.id);
    return claim.suggestion as SuggestionRecord;
  }

  /** A new experiment: its first pool (the initial design) is ready before workers ask. */
  prepare(experimentId: string): void {
    void this.refresh(experimentId);
  }

  /**
   * Observations changed: the pool is out of date. Recomputed now when
   * workers draw from it; otherwise (an import, say) the next request does.
   */
  observationsChanged(experimentId: string): void {
    this.lastRequest = performance.now();
    const asked = this.demand.get(experimentId);
    if (asked !== undefined && performance.now() - asked < DEMAND_MS)
      void this.refresh(experimentId);
  }

  private noteDemand(experimentId: string): void {
    keepNewest(this.demand, experimentId, performance.now(), MAX_DEMAND);
  }

  /**
   * Waits a little for the background work in flight; no new work starts
   * afterwards. A pool is only a cache of the optimizer's work, so a refresh
   * cut short loses nothing: the next request computes it again.
   */
  async close(waitMs = 5000): Promise<void> {
    this.closed = true;
    const work = Promise.allSettled([...this.refreshing.values()]).then(() => undefined);
    await withTimeout(work, waitMs);
  }

  /**
   * Makes a suggestion of a point chosen for `experiment`; null when its open
   * key is taken. Throws StaleExperiment when the definition moved on.
   */
  private async create(
    experiment: ExperimentDef,
    input: Omit<NewSuggestion, 'experimentId'>,
    options: { guarded: boolean } = { guarded: true },
  ): Promise<SuggestionRecord | null> {
    const made = await createSuggestion(this.db.sql, {
      experimentId: experiment.id,
      leaseSeconds: experiment.leaseSeconds,
      revision: options.guarded ? experiment.revision : null,
      ...input,
    });
    if (!made.current) throw new StaleExperiment(experiment.id);
    return made.suggestion;
  }

  private async fromQueue(experiment: ExperimentDef): Promise<SuggestionRecord | null> {
    const queued = await takeQueuedSuggestion(this.db.prisma, experiment.id);
    if (!queued) return null;
    const { assignments, metadata } = queued;
    // Taken from the queue already: offered whatever the definition is now.
    return this.create(experiment, { assignments, metadata, source: 'queued' }, { guarded: false });
  }

  /** A point whose lease ran out is offered again, with its attempt counted. */
  private async fromExpired(experiment: ExperimentDef): Promise<SuggestionRecord | null> {
    if (experiment.leaseSeconds === null) return null;
    const expired = await claimExpiredSuggestion(this.db.prisma, experiment.id);
    if (!expired) return null;
    this.options.logger.debug(
      { experiment: experiment.id, suggestion: expired.id },
      'lease expired',
    );
    return this.create(
      experiment,
      {
        assignments: expired.assignments,
        metadata: expired.metadata,
        source: 'retry',
        openKey: assignmentsKey(expired.assignments),
        attempt: expired.attempt + 1,
        retryOf: expired.id,
      },
      { guarded: false },
    );
  }

  private async fromPool(
    experiment: ExperimentDef,
    facts: ServingFacts,
    options: { wait: boolean; first: PoolClaim | null },
  ): Promise<SuggestionRecord | null> {
    // A pool fewer observations behind than the workers running in parallel is
    // as fresh as parallel work allows (the claim statement applies the same rule).
    const parallel = parallelOf(experiment, facts);
    let stale: PoolEntry | null = null;
    for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
      const claim = (attempt === 0 ? options.first : null) ?? (await this.claim(experiment));
      if (claim.suggestion) return this.served(experiment, claim);
      if (!claim.entry) {
        // Used up (or never computed) before the next one was ready.
        if (facts.observed) this.outrun.add(experiment.id);
        break;
      }
      if (claim.entry.behind > parallel - 1) {
        stale = claim.entry;
        break;
      }
      // The entry's point is open already: take the next one.
    }

    const refresh = this.refresh(experiment.id);
    // Sequential work waits for the point that uses its latest observation;
    // parallel workers take a quick point and leave the optimizer running.
    if (options.wait && !(parallel > 1 && facts.observed)) {
      await withTimeout(refresh, this.options.timeBudgetMs * SEQUENTIAL_WAIT_BUDGETS);
      const fresh = await this.fromPool(experiment, facts, { wait: false, first: null });
      if (fresh) return fresh;
    }
    // The optimizer is busy: a point chosen from slightly older data beats a random one.
    return stale ? this.fromEntry(experiment, stale) : null;
  }

  private fromEntry(experiment: ExperimentDef, entry: PoolEntry) {
    return this.create(experiment, {
      assignments: entry.assignments,
      metadata: null,
      source: poolSource(experiment),
      openKey: entry.key,
    });
  }

  /**
   * A point without the model, never an error: the optimizer failed, was too
   * slow, or the space is full. The engine's quick path where the last pool
   * computation left the best points seen, a random (or the next grid) point
   * otherwise.
   */
  private async fallback(
    experiment: ExperimentDef,
    facts: ServingFacts,
  ): Promise<SuggestionRecord> {
    const grid = experiment.type === 'grid';
    // Only a grid needs the open points, to step past them; a random point that
    // repeats an open one is refused by the open key and drawn again.
    const { pending, serial } = grid
      ? await readPending(this.db.sql, experiment.id)
      : { pending: [], serial: facts.open + this.fallbacks++ * CLAIM_TRIES };
    const parameters = experiment.parameters.map(engineParameter);
    // The optimizer's experiments take the engine's quick path: mostly a step from
    // one of the best points its last computation saw, sometimes a uniform draw.
    const incumbents =
      poolSource(experiment) === 'optimizer' ? (this.incumbents.get(experiment.id) ?? []) : [];
    for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
      const random = createRandom(seedOf(experiment.id, serial + attempt));
      const point = (
        grid || incumbents.length === 0
          ? suggest({
              type: grid ? 'grid' : 'random',
              parameters,
              observations: [],
              pending,
              count: 1,
              random,
              clock: () => performance.now(),
              timeBudgetMs: this.options.timeBudgetMs,
            }).points[0]
          : quickPoint({ parameters, incumbents, random })
      ) as Assignments;
      const created = await this.create(experiment, {
        assignments: point,
        metadata: null,
        source: grid ? 'grid' : incumbents.length > 0 ? 'quick' : 'random',
        openKey: assignmentsKey(point),
      });
      if (created) return created;
    }
    // Every point tried is open already: the space is (nearly) exhausted, so a repeat is allowed.
    const open =
      pending.length > 0 ? pending : (await readPending(this.db.sql, experiment.id)).pending;
    const created = await this.create(experiment, {
      assignments: open[0] ?? {},
      metadata: null,
      source: 'random',
    });
    if (!created) throw new Error('a suggestion without an open key was refused');
    return created;
  }

  /** Recomputes the experiment's pool; concurrent calls coalesce into one more run. */
  private refresh(experimentId: string): Promise<void> {
    const running = this.refreshing.get(experimentId);
    if (running) {
      this.dirty.add(experimentId);
      return running;
    }
    if (this.closed) return Promise.resolve();
    // A short pause first: a burst of requests is answered before the
    // refresh's reading takes the event loop, and observations arriving
    // meanwhile join this computation.
    const run = sleep(REFRESH_DELAY_MS)
      .then(() => this.quiet())
      .then(() => this.refreshLoop(experimentId))
      .finally(() => this.refreshing.delete(experimentId));
    this.refreshing.set(experimentId, run);
    return run;
  }

  private async refreshLoop(experimentId: string): Promise<void> {
    do {
      this.dirty.delete(experimentId);
      let computed: { ms: number; parallel: boolean } | null;
      try {
        computed = await this.computePool(experimentId);
      } catch (error) {
        this.options.logger.error({ err: error, experiment: experimentId }, 'pool refresh failed');
        return;
      }
      // Parallel workers keep sending observations, so there is always a next
      // computation. A pause as long as the last one keeps each experiment's
      // optimizer to half a thread: the request loop, Postgres and the
      // workers' reports keep a core's worth of room on a small machine.
      if (computed?.parallel && this.dirty.has(experimentId) && !this.closed) {
        await sleep(computed.ms);
      }
    } while (this.dirty.has(experimentId) && !this.closed);
  }

  private async computePool(
    experimentId: string,
  ): Promise<{ ms: number; parallel: boolean } | null> {
    const started = performance.now();
    const experiment = await readExperiment(this.db.sql, experimentId);
    if (!experiment || experiment.state === 'deleted') return null;
    const [observations, { pending, serial }] = await Promise.all([
      this.readObservations(experiment),
      readPending(this.db.sql, experimentId),
    ]);
    const parallel = Math.max(experiment.parallelBandwidth ?? 1, pending.length + 1);
    // Room for every worker to take a point while the next pool is computed.
    const size = this.poolSize(experimentId, Math.min(MAX_POOL, Math.max(4, 2 * parallel + 2)));
    const seed = seedOf(experimentId, serial + observations.length * 7);
    const warmStart = this.warmStarts.get(experimentId);
    const job: OptimizerJob = {
      type: (experiment.development ? 'random' : experiment.type) satisfies ExperimentType,
      parameters: experiment.parameters.map(engineParameter),
      observations: engineObservations(experiment, observations, createRandom(seed ^ 0x5bd1e995)),
      pending,
      count: size,
      seed,
      timeBudgetMs: this.options.timeBudgetMs,
      ...(warmStart === undefined ? {} : { warmStart }),
    };
    this.keepIncumbents(experimentId, job.observations);
    const read = performance.now();
    // A single worker waits for this computation; parallel ones take quick points meanwhile.
    const result = await this.options.run(job, { urgent: parallel === 1 });
    const ran = performance.now();
    this.remember(experimentId, result.state);
    const candidates = result.points.map((point) => ({
      assignments: point,
      key: assignmentsKey(point),
    }));
    const computedFrom = {
      count: observations.length,
      lastObservationId: observations.at(-1)?.id ?? null,
    };
    await writePool(this.db.sql, experiment, computedFrom, candidates);
    this.options.logger.debug(
      {
        experiment: experimentId,
        size,
        observations: observations.length,
        ms: { read: read - started, run: ran - read, write: performance.now() - ran },
        diagnostics: result.diagnostics,
      },
      'pool computed',
    );
    return { ms: performance.now() - started, parallel: parallel > 1 };
  }

  /**
   * The experiment's observations, reading only those reported since the
   * last refresh when none of the earlier ones changed (one read of every
   * observation a refresh costs Postgres and the request loop tens of
   * milliseconds at thousands of them).
   */
  private async readObservations(experiment: ExperimentDef) {
    const kept = this.snapshots.get(experiment.id);
    const known = kept?.revision === experiment.revision ? kept.snapshot : null;
    const snapshot = await readObservationSnapshot(this.db.sql, experiment.id, known);
    keepNewest(
      this.snapshots,
      experiment.id,
      { revision: experiment.revision, snapshot },
      MAX_SNAPSHOTS,
    );
    return snapshot.rows;
  }

  /**
   * The pool's size: room for two points a worker, doubled (up to MAX_POOL)
   * each time the workers used a pool up before the next was ready, so that
   * fast workers get more of the model's points (further down its batch)
   * instead of random ones.
   */
  private poolSize(experimentId: string, base: number): number {
    const grown = this.poolSizes.get(experimentId) ?? base;
    const size = this.outrun.delete(experimentId) ? Math.min(MAX_POOL, grown * 2) : grown;
    const kept = Math.max(base, size);
    keepNewest(this.poolSizes, experimentId, kept, MAX_DEMAND);
    return kept;
  }

  /** Resolves at the first gap of QUIET_MS between requests, or after QUIET_WAIT_MS. */
  private async quiet(): Promise<void> {
    const until = performance.now() + QUIET_WAIT_MS;
    for (;;) {
      const now = performance.now();
      const gap = now - this.lastRequest;
      if (gap >= QUIET_MS || now >= until || this.closed) return;
      await sleep(Math.min(QUIET_MS - gap, until - now) + 0.5);
    }
  }

  private keepIncumbents(experimentId: string, observations: OptimizerJob['observations']): void {
    const best = observations
      .filter((observation) => observation.value !== null)
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
      .slice(0, INCUMBENTS)
      .map((observation) => observation.assignments);
    if (best.length === 0) this.incumbents.delete(experimentId);
    else keepNewest(this.incumbents, experimentId, best, MAX_WARM_STARTS);
  }

  private remember(experimentId: string, state: unknown): void {
    if (state === null || state === undefined) return;
    keepNewest(this.warmStarts, experimentId, state, MAX_WARM_STARTS);
  }
}

function poolSource(experiment: ExperimentDef): SuggestionSource {
  if (experiment.development || experiment.type === 'random') return 'random';
  return experiment.type === 'grid' ? 'grid' : 'optimizer';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sets `key` as the newest entry of `map`, forgetting the oldest beyond `max` entries. */
function keepNewest<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** Workers running in parallel: the experiment's bandwidth, or more when more points are open. */
const parallelOf = (experiment: ExperimentDef, facts: ServingFacts) =>
  Math.max(experiment.parallelBandwidth ?? 1, facts.open + 1);

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}
