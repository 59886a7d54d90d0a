// Keeps a suggestion's lease alive while its trial runs.
import { ApiError } from './errors.ts';

/** Answers after which renewing again cannot help: closed, expired, gone, or no leases. */
const finalStatuses = new Set([400, 404, 409]);

/**
 * Renews a lease in the background until stopped. It renews at a third of the
 * lease length, so that two renewals in a row may be lost (or slowed by retries)
 * before the lease runs out. Renewals run on the event loop: a trial that computes
 * for long stretches without awaiting anything delays them.
 */
export class LeaseKeeper {
  readonly intervalMs: number;
  renewals = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly renew: () => Promise<unknown>,
    leaseSeconds: number,
    private readonly warn: (message: string, error: unknown) => void,
  ) {
    this.intervalMs = Math.max(50, (leaseSeconds * 1000) / 3);
    this.schedule();
  }

  stop(): void {
    // A renewal in flight may still be retrying; the trial need not wait for it.
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    // A keeper left running must not hold the process open on its own.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.renew();
      this.renewals += 1;
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof ApiError && error.status !== null && finalStatuses.has(error.status)) {
        this.warn(`lease renewal stopped: ${error.message}`, error);
        return;
      }
      this.warn('lease renewal failed, trying again', error);
    }
    if (!this.stopped) this.schedule();
  }
}
