import { performance } from 'node:perf_hooks';
import { createRandom, suggest, type ExperimentType, type SuggestResult } from '../engine/index.ts';
import { sameAssignments } from '../domain/space.ts';
import type { Assignments, ExperimentDef, SuggestionRecord } from '../domain/types.ts';
import { lockExperiment } from '../store/experiments.ts';
import { allObservations } from '../store/observations.ts';
import type { PrismaClient } from '../store/prisma.ts';
import {
  countSuggestions,
  createSuggestion,
  openSuggestions,
  type SuggestionSource,
  takeQueuedSuggestion,
} from '../store/suggestions.ts';
import { engineObservations, engineParameter } from './engine-input.ts';

// Serving the next suggestion: queued points first, oldest first; otherwise
// the optimizer's next point given every observation and every open
// suggestion; a random point when the optimizer fails. The optimizer runs
// outside any transaction; the insert re-checks, under the experiment's row
// lock, that no open suggestion already holds the same assignments.

export interface SuggestionServiceOptions {
  /** How long one optimizer call may take before it returns its best so far. */
  timeBudgetMs: number;
  logger: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
}

const sourceOf: Record<SuggestResult['diagnostics']['strategy'], SuggestionSource> = {
  random: 'random',
  grid: 'grid',
  'initial-design': 'optimizer',
  'gaussian-process': 'optimizer',
  'random-fallback': 'random',
  exhausted: 'grid',
};

/** A seed that differs for every suggestion of every experiment, and repeats on replay. */
const seedOf = (experimentId: string, serial: number) =>
  (Number(BigInt(experimentId) % 2_147_483_647n) * 7919 + serial * 104_729) | 0;

export class SuggestionService {
  private readonly warmStarts = new Map<string, unknown>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: SuggestionServiceOptions,
  ) {}

  async next(experiment: ExperimentDef): Promise<SuggestionRecord> {
    const queued = await this.fromQueue(experiment);
    if (queued) return queued;

    const serial = await countSuggestions(this.prisma, experiment.id);
    const plan = await this.plan(experiment, serial);
    return this.prisma.$transaction(async (tx) => {
      await lockExperiment(tx, experiment.id);
      const open = await openSuggestions(tx, experiment.id);
      let point = plan.point;
      let source = plan.source;
      if (open.some((suggestion) => sameAssignments(suggestion.assignments, point))) {
        // Another request took this point meanwhile: pick again around everything open.
        const retry = this.run(experiment, 'random', { serial: serial + 1, pending: open });
        point = retry.points[0] ?? point;
        source = 'random';
      }
      return createSuggestion(tx, {
        experimentId: experiment.id,
        assignments: point,
        metadata: null,
        source,
      });
    });
  }

  private async fromQueue(experiment: ExperimentDef): Promise<SuggestionRecord | null> {
    return this.prisma.$transaction(async (tx) => {
      await lockExperiment(tx, experiment.id);
      const queued = await takeQueuedSuggestion(tx, experiment.id);
      if (!queued) return null;
      return createSuggestion(tx, {
        experimentId: experiment.id,
        assignments: queued.assignments,
        metadata: queued.metadata,
        source: 'queued',
      });
    });
  }

  private async plan(experiment: ExperimentDef, serial: number) {
    const pending = await openSuggestions(this.prisma, experiment.id);
    const type: ExperimentType = experiment.development ? 'random' : experiment.type;
    const result = await this.runWithHistory(experiment, type, { serial, pending });
    const point = result.points[0] as Assignments | undefined;
    if (!point) throw new Error('the optimizer returned no point');
    return { point, source: sourceOf[result.diagnostics.strategy] };
  }

  private async runWithHistory(
    experiment: ExperimentDef,
    type: ExperimentType,
    context: { serial: number; pending: SuggestionRecord[] },
  ): Promise<SuggestResult> {
    const observations = await allObservations(this.prisma, experiment.id);
    return this.run(experiment, type, { ...context, observations });
  }

  private run(
    experiment: ExperimentDef,
    type: ExperimentType,
    context: {
      serial: number;
      pending: SuggestionRecord[];
      observations?: Awaited<ReturnType<typeof allObservations>>;
    },
  ): SuggestResult {
    const random = createRandom(seedOf(experiment.id, context.serial));
    const warmStart = this.warmStarts.get(experiment.id);
    const request = {
      type,
      parameters: experiment.parameters.map(engineParameter),
      observations: engineObservations(experiment, context.observations ?? [], random),
      pending: context.pending.map((suggestion) => suggestion.assignments),
      count: 1,
      random,
      clock: () => performance.now(),
      timeBudgetMs: this.options.timeBudgetMs,
      ...(warmStart === undefined ? {} : { warmStart }),
    };
    try {
      const result = suggest(request);
      if (result.state !== null && result.state !== undefined) {
        this.warmStarts.set(experiment.id, result.state);
      }
      this.options.logger.debug(
        { experiment: experiment.id, diagnostics: result.diagnostics },
        'suggested',
      );
      return result;
    } catch (error) {
      this.options.logger.warn({ err: error, experiment: experiment.id }, 'optimizer failed');
      return suggest({ ...request, type: 'random' });
    }
  }
}
