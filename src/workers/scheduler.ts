import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../lib/logger.ts';

/** One periodic sweep: a name for the logs and the work, given the tick's instant. */
export interface Sweep {
  name: string;
  run(now: Date): Promise<unknown>;
}

/**
 * Runs the sweeps on a node-cron schedule (every minute by default) with one timer per process. Sweeps are
 * safe to run in several processes at once; a tick that is still running when the next fires is skipped.
 */
export class Scheduler {
  private readonly sweeps: Sweep[];
  private readonly now: () => Date;
  private readonly logger: Logger;
  private job: ScheduledTask | undefined;
  private running: Promise<void> | undefined;

  constructor(deps: { sweeps: Sweep[]; now: () => Date; logger: Logger }) {
    this.sweeps = deps.sweeps;
    this.now = deps.now;
    this.logger = deps.logger;
  }

  /** Runs every sweep once, now; returns when all finished. */
  async tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const now = this.now();
      for (const sweep of this.sweeps) {
        try {
          const result = await sweep.run(now);
          this.logger.debug({ sweep: sweep.name, result }, 'sweep done');
        } catch (err) {
          this.logger.error({ sweep: sweep.name, err: err instanceof Error ? err.message : String(err) }, 'sweep failed');
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(expression: string): void {
    this.job = cron.schedule(expression, () => void this.tick(), { noOverlap: true });
  }

  async stop(): Promise<void> {
    await this.job?.stop();
    await this.running;
  }
}
