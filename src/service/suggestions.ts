import { performance } from 'node:perf_hooks';
import { createRandom, suggest, type ExperimentType, type SuggestResult } from '../engine/index.ts';
import { assignmentsKey } from '../domain/space.ts';
import type { Assignments, ExperimentDef, SuggestionRecord } from '../domain/types.ts';
import { findExperimentById } from '../store/experiments.ts';
import { allObservations, countObservations } from '../store/observations.ts';
import { claimPoolEntry, type PoolEntry, writePool } from '../store/pool.ts';
import type { PrismaClient } from '../store/prisma.ts';
import {
  claimExpiredSuggestion,
  countSuggestions,
  createSuggestion,
  openSuggestions,
  type NewSuggestion,
  type SuggestionSource,
  takeQueuedSuggestion,
} from '../store/suggestions.ts';
import { engineObservations, engineParameter } from './engine-input.ts';
import type { OptimizerJob } from './optimizer-worker.ts';

// Serving the next suggestion, in the contract's order: queued points first,
// then points whose lease ran out, then the optimizer's. The optimizer's
// points come from a pool computed in the background (worker threads) and
// stored in the database, so a request only claims the next entry. Two open
// optimizer suggestions never share a point: the database's unique open key
// refuses the second, and the request takes the next entry instead.

export interface SuggestionServiceOptions {
  /** Runs optimizer jobs off the request loop. */
  run(job: OptimizerJob): Promise<SuggestResult>;
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
const MAX_POOL = 64;
const MAX_WARM_STARTS = 1000;

/** A seed that differs for every call on every experiment, and repeats on replay. */
const seedOf = (experimentId: string, serial: number) =>
  (Number(BigInt(experimentId) % 2_147_483_647n) * 7919 + serial * 104_729) | 0;

export class SuggestionService {
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly warmStarts = new Map<string, unknown>();
  private closed = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: SuggestionServiceOptions,
  ) {}

  async next(experiment: ExperimentDef): Promise<SuggestionRecord> {
    const served =
      (await this.fromQueue(experiment)) ??
      (await this.fromExpired(experiment)) ??
      (await this.fromPool(experiment, { wait: true }));
    return served ?? this.fallback(experiment);
  }

  /** Observations changed: the pool is out of date; recompute it in the background. */
  observationsChanged(experimentId: string): void {
    void this.refresh(experimentId);
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

  private create(experiment: ExperimentDef, input: Omit<NewSuggestion, 'experimentId'>) {
    return createSuggestion(this.prisma, {
      experimentId: experiment.id,
      leaseSeconds: experiment.leaseSeconds,
      ...input,
    });
  }

  private async fromQueue(experiment: ExperimentDef): Promise<SuggestionRecord | null> {
    const queued = await takeQueuedSuggestion(this.prisma, experiment.id);
    if (!queued) return null;
    const { assignments, metadata } = queued;
    return this.create(experiment, { assignments, metadata, source: 'queued' });
  }

  /** A point whose lease ran out is offered again, with its attempt counted. */
  private async fromExpired(experiment: ExperimentDef): Promise<SuggestionRecord | null> {
    if (experiment.leaseSeconds === null) return null;
    const expired = await claimExpiredSuggestion(this.prisma, experiment.id);
    if (!expired) return null;
    this.options.logger.debug(
      { experiment: experiment.id, suggestion: expired.id },
      'lease expired',
    );
    return this.create(experiment, {
      assignments: expired.assignments,
      metadata: expired.metadata,
      source: 'retry',
      openKey: assignmentsKey(expired.assignments),
      attempt: expired.attempt + 1,
      retryOf: expired.id,
    });
  }

  private async fromPool(
    experiment: ExperimentDef,
    options: { wait: boolean },
  ): Promise<SuggestionRecord | null> {
    const [observed, open] = await Promise.all([
      countObservations(this.prisma, experiment.id),
      openSuggestions(this.prisma, experiment.id),
    ]);
    // A pool fewer observations behind than the workers running in parallel is
    // as fresh as parallel work allows.
    const parallel = Math.max(experiment.parallelBandwidth ?? 1, open.length + 1);
    let stale: PoolEntry | null = null;
    for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
      const entry = await claimPoolEntry(this.prisma, experiment.id);
      if (!entry) break;
      if (observed - entry.version > parallel - 1) {
        stale = entry;
        break;
      }
      const created = await this.fromEntry(experiment, entry);
      if (created) return created;
    }

    const refresh = this.refresh(experiment.id);
    // Sequential work waits for the point that uses its latest observation;
    // parallel workers take a quick point and leave the optimizer running.
    if (options.wait && !(parallel > 1 && observed > 0)) {
      await withTimeout(refresh, this.options.timeBudgetMs * 2);
      const fresh = await this.fromPool(experiment, { wait: false });
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
      openKey: assignmentsKey(entry.assignments),
    });
  }

  /** A random point, never an error: the optimizer failed, was too slow, or the space is full. */
  private async fallback(experiment: ExperimentDef): Promise<SuggestionRecord> {
    const pending = await openSuggestions(this.prisma, experiment.id);
    const serial = await countSuggestions(this.prisma, experiment.id);
    for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
      const result = suggest({
        type: experiment.type === 'grid' ? 'grid' : 'random',
        parameters: experiment.parameters.map(engineParameter),
        observations: [],
        pending: pending.map((suggestion) => suggestion.assignments),
        count: 1,
        random: createRandom(seedOf(experiment.id, serial + attempt)),
        clock: () => performance.now(),
        timeBudgetMs: this.options.timeBudgetMs,
      });
      const point = result.points[0] as Assignments;
      const created = await this.create(experiment, {
        assignments: point,
        metadata: null,
        source: experiment.type === 'grid' ? 'grid' : 'random',
        openKey: assignmentsKey(point),
      });
      if (created) return created;
    }
    // Every point tried is open already: the space is (nearly) exhausted, so a repeat is allowed.
    const again = pending[0]?.assignments ?? {};
    const created = await this.create(experiment, {
      assignments: again,
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
    const run = this.refreshLoop(experimentId).finally(() => this.refreshing.delete(experimentId));
    this.refreshing.set(experimentId, run);
    return run;
  }

  private async refreshLoop(experimentId: string): Promise<void> {
    do {
      this.dirty.delete(experimentId);
      try {
        await this.computePool(experimentId);
      } catch (error) {
        this.options.logger.error({ err: error, experiment: experimentId }, 'pool refresh failed');
        return;
      }
    } while (this.dirty.has(experimentId) && !this.closed);
  }

  private async computePool(experimentId: string): Promise<void> {
    const experiment = await findExperimentById(this.prisma, experimentId);
    if (!experiment || experiment.state === 'deleted') return;
    const [observations, pending, serial] = await Promise.all([
      allObservations(this.prisma, experimentId),
      openSuggestions(this.prisma, experimentId),
      countSuggestions(this.prisma, experimentId),
    ]);
    const parallel = Math.max(experiment.parallelBandwidth ?? 1, pending.length + 1);
    const size = Math.min(MAX_POOL, Math.max(4, parallel + 2));
    const seed = seedOf(experimentId, serial + observations.length * 7);
    const warmStart = this.warmStarts.get(experimentId);
    const job: OptimizerJob = {
      type: (experiment.development ? 'random' : experiment.type) satisfies ExperimentType,
      parameters: experiment.parameters.map(engineParameter),
      observations: engineObservations(experiment, observations, createRandom(seed ^ 0x5bd1e995)),
      pending: pending.map((suggestion) => suggestion.assignments),
      count: size,
      seed,
      timeBudgetMs: this.options.timeBudgetMs,
      ...(warmStart === undefined ? {} : { warmStart }),
    };
    const result = await this.options.run(job);
    this.remember(experimentId, result.state);
    await writePool(this.prisma, experimentId, observations.length, result.points);
    this.options.logger.debug(
      { experiment: experimentId, size, diagnostics: result.diagnostics },
      'pool computed',
    );
  }

  private remember(experimentId: string, state: unknown): void {
    if (state === null || state === undefined) return;
    this.warmStarts.delete(experimentId);
    this.warmStarts.set(experimentId, state);
    if (this.warmStarts.size > MAX_WARM_STARTS) {
      const oldest = this.warmStarts.keys().next().value;
      if (oldest !== undefined) this.warmStarts.delete(oldest);
    }
  }
}

function poolSource(experiment: ExperimentDef): SuggestionSource {
  if (experiment.development || experiment.type === 'random') return 'random';
  return experiment.type === 'grid' ? 'grid' : 'optimizer';
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}
