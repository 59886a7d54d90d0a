import type { ExperimentDef } from '../domain/types.ts';
import { readExperiment } from '../store/experiments.ts';
import type { Sql } from '../store/sql.ts';

// Experiment definitions kept in memory for the two requests every worker
// sends, suggestions and observations. A kept definition may be out of date
// when another process changed it; the writes made from it name its revision
// and change nothing when the stored one moved on, so the caller reloads and
// checks its input again (see StaleExperiment).

export class ExperimentCache {
  private readonly entries = new Map<string, ExperimentDef>();
  /** First loads in flight: the requests that find the same experiment missing share one. */
  private readonly loading = new Map<string, Promise<ExperimentDef | null>>();

  constructor(
    private readonly sql: Sql,
    private readonly max = 1000,
  ) {}

  /** The kept definition, or the stored one; null when there is none. */
  async get(id: string): Promise<ExperimentDef | null> {
    const kept = this.entries.get(id);
    if (kept) {
      // The newest use goes last, so the first entry is the one used longest ago.
      this.entries.delete(id);
      this.entries.set(id, kept);
      return kept;
    }
    const running = this.loading.get(id);
    if (running) return running;
    const load = this.reload(id).finally(() => {
      if (this.loading.get(id) === load) this.loading.delete(id);
    });
    this.loading.set(id, load);
    return load;
  }

  async reload(id: string): Promise<ExperimentDef | null> {
    const stored = await readExperiment(this.sql, id);
    this.entries.delete(id);
    if (stored === null) return null;
    this.entries.set(id, stored);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return stored;
  }

  forget(id: string): void {
    this.entries.delete(id);
    this.loading.delete(id);
  }
}

/** A write made from a definition whose revision is no longer the stored one. */
export class StaleExperiment extends Error {
  override readonly name = 'StaleExperiment';

  constructor(readonly experimentId: string) {
    super(`experiment ${experimentId} changed since it was read`);
  }
}
