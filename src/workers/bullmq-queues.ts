import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { TaskQueue } from '../tasks/task-service.ts';
import type { DeliveryQueue, OutboundRef } from '../messaging/outbox.ts';
import type { Task } from '../tasks/task.entity.ts';
import { DEFAULT_LANE, LANE_RANK, isBulkLane, type Lane } from '../messaging/lanes.ts';
import { TaskBusyError, TaskRetryError } from '../tasks/task-errors.ts';
import type { TaskRunner } from './task-runner.ts';
import { DeliveryRetryError, type MessageDelivery } from './message-delivery.ts';
import type { Logger } from '../lib/logger.ts';

/** The queue that carries task ids to the workers. */
export const TASK_QUEUE = 'tasks';
/**
 * The queue that carries outbound message ids of a lane to the processes that send on the channel: one for
 * alerts and replies (`outbound-telegram`), one for bulk (`outbound-telegram-bulk`, which the bot-wide rate
 * limiter holds). A terminal chat is owned by one process, so each terminal chat has one queue of its own.
 */
export const deliveryQueueName = (channel: string, chatId: string, lane: Lane = DEFAULT_LANE): string => {
  if (channel === 'terminal') return `outbound-terminal-${chatId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return isBulkLane(lane) ? `outbound-${channel}-bulk` : `outbound-${channel}`;
};

/** Jobs carry ids only; the database holds everything else. */
interface IdJob {
  id: string;
}

/** Where the queues live: a Redis connection and a key prefix (one per deployment, or per test). */
export interface QueueSettings {
  connection: ConnectionOptions;
  prefix: string;
}

/** Queue settings for a Redis URL (workers need maxRetriesPerRequest: null). */
export function queueSettings(url: string, prefix: string): QueueSettings {
  return { connection: { url, maxRetriesPerRequest: null }, prefix };
}

const retryDelay = (err: Error | undefined): number => {
  if (err instanceof TaskRetryError || err instanceof DeliveryRetryError) return err.delayMs;
  if (err && 'delayMs' in err && typeof err.delayMs === 'number') return err.delayMs;
  return 5000;
};

// The database decides when a task has failed for good; BullMQ only needs enough attempts to get there,
// plus room for "busy" bounces while a dead worker's lease runs out.
const JOB_ATTEMPTS = 200;

// A killed worker's jobs come back after its locks expire (lockDuration) and the next stalled check:
// about 15-20 s instead of BullMQ's default 30-60 s. Live workers renew their locks every 7.5 s.
const STALL_DETECTION = { lockDuration: 15_000, stalledInterval: 5_000, maxStalledCount: 100 };

/** Puts task ids on the BullMQ task queue; the job id is the task id, so adding twice is a no-op. */
export class BullTaskQueue implements TaskQueue {
  readonly queue: Queue<IdJob>;

  constructor(settings: QueueSettings) {
    this.queue = new Queue<IdJob>(TASK_QUEUE, settings);
  }

  async enqueueTasks(tasks: Pick<Task, 'id' | 'kind'>[], delayMs?: number): Promise<void> {
    await this.queue.addBulk(
      tasks.map((t) => ({
        name: t.kind,
        data: { id: t.id },
        opts: {
          jobId: t.id,
          attempts: JOB_ATTEMPTS,
          backoff: { type: 'fromError' },
          removeOnComplete: true,
          removeOnFail: true,
          ...(delayMs ? { delay: delayMs } : {}),
        },
      })),
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

// Retries of a send are bounded by the delivery (attempts in the database), not by BullMQ; a job that still runs
// out is re-queued by the recovery sweep, as the row is still queued.
const DELIVERY_JOB_ATTEMPTS = 200;

/**
 * Puts outbound message ids on their channel's BullMQ queues, in their lanes: the job id is the message id (so
 * adding twice is a no-op) and the job priority is the lane's rank, so BullMQ hands out an alert before a
 * reply and an escalation before the morning's reminders, and reminders in the order they were written.
 */
export class BullDeliveryQueue implements DeliveryQueue {
  private readonly settings: QueueSettings;
  private readonly queues = new Map<string, Queue<IdJob>>();

  constructor(settings: QueueSettings) {
    this.settings = settings;
  }

  async enqueueDeliveries(messages: OutboundRef[]): Promise<void> {
    const byQueue = new Map<string, { id: string; lane: Lane }[]>();
    for (const m of messages) {
      const lane = m.lane ?? DEFAULT_LANE;
      const name = deliveryQueueName(m.channel, m.chatId, lane);
      const jobs = byQueue.get(name) ?? [];
      jobs.push({ id: m.id, lane });
      byQueue.set(name, jobs);
    }
    for (const [name, jobs] of byQueue) {
      await this.queueFor(name).addBulk(
        jobs.map(({ id, lane }) => ({
          name: 'send',
          data: { id },
          opts: {
            jobId: id,
            priority: LANE_RANK[lane],
            attempts: DELIVERY_JOB_ATTEMPTS,
            backoff: { type: 'fromError' },
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
  }

  private queueFor(name: string): Queue<IdJob> {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue<IdJob>(name, this.settings);
      this.queues.set(name, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

/** Starts a BullMQ worker that runs tasks by id. */
export function startTaskWorker(settings: QueueSettings, runner: TaskRunner, concurrency: number, logger: Logger): Worker<IdJob> {
  const worker = new Worker<IdJob>(
    TASK_QUEUE,
    async (job: Job<IdJob>) => {
      try {
        return await runner.run(job.data.id);
      } catch (err) {
        if (err instanceof TaskBusyError) throw new TaskRetryError(err.message, 5000);
        throw err;
      }
    },
    { ...settings, concurrency, ...STALL_DETECTION, settings: { backoffStrategy: (_attempts, _type, err) => retryDelay(err) } },
  );
  worker.on('error', (err) => logger.error({ err: err.message }, 'task worker error'));
  return worker;
}

/**
 * A send limit across every process as BullMQ takes it: `perSecond` jobs per one-second window. Telegram allows
 * a bot 30 messages/s (TELEGRAM_SENDS_PER_SECOND). A window rather than one job per 1000/perSecond ms: BullMQ's
 * limiter holds the whole worker back once tripped, so evenly spaced slots delay every second reply of a pair
 * by up to a slot (p99 ~150 ms at 50 inbound msgs/s); the channel's own pacer smooths bursts within the window.
 */
export function sendsPerSecond(perSecond: number): { max: number; duration: number } {
  return { max: Math.max(1, perSecond), duration: 1000 };
}

/** The delivery workers of one channel in one process. */
export interface DeliveryWorkers {
  workers: Worker<IdJob>[];
  /** Pauses the bulk queue across every process for `ms` (after a 429): bulk waits, alerts and replies go on. */
  slowBulk: (ms: number) => Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the BullMQ workers that send a channel's outbound messages: one for alerts and replies (held only to the
 * channel's per-chat pacing) and one for bulk, held by `bulkLimiter` across every process when given (Telegram's
 * bot-wide rate). A bulk send refused with a 429 pauses the bulk queue for Telegram's wait and goes back to the
 * front of its lane (BullMQ's manual rate limit), using up no attempt. A terminal chat has one queue and worker.
 */
export function startDeliveryWorkers(
  settings: QueueSettings,
  channel: { name: string; exclusiveChatId?: string },
  delivery: MessageDelivery,
  logger: Logger,
  options: { concurrency?: number; bulkConcurrency?: number; bulkLimiter?: { max: number; duration: number } } = {},
): DeliveryWorkers {
  const { concurrency = 10, bulkConcurrency = 5, bulkLimiter } = options;
  const common = { ...settings, settings: { backoffStrategy: (_attempts: number, _type: string | undefined, err: Error | undefined) => retryDelay(err) } };
  const onError = (err: Error): void => logger.error({ err: err.message, channel: channel.name }, 'delivery worker error');
  const direct = new Worker<IdJob>(deliveryQueueName(channel.name, channel.exclusiveChatId ?? '', 'reply'), async (job: Job<IdJob>) => delivery.deliver(job.data.id), {
    ...common,
    concurrency,
  });
  direct.on('error', onError);
  if (channel.exclusiveChatId !== undefined) return { workers: [direct], slowBulk: async () => undefined, close: () => direct.close() };

  const bulkName = deliveryQueueName(channel.name, '', DEFAULT_LANE);
  const bulkQueue = new Queue<IdJob>(bulkName, settings);
  const slowBulk = async (ms: number): Promise<void> => {
    // The manual rate limit only holds a queue whose workers have a limiter.
    if (bulkLimiter) await bulkQueue.rateLimit(ms);
  };
  const bulk = new Worker<IdJob>(
    bulkName,
    async (job: Job<IdJob>) => {
      try {
        return await delivery.deliver(job.data.id);
      } catch (err) {
        if (bulkLimiter && err instanceof DeliveryRetryError && err.rateLimited) {
          await slowBulk(err.delayMs);
          throw Worker.RateLimitError();
        }
        throw err;
      }
    },
    { ...common, concurrency: bulkConcurrency, ...(bulkLimiter ? { limiter: bulkLimiter } : {}) },
  );
  bulk.on('error', onError);
  return {
    workers: [direct, bulk],
    slowBulk,
    async close() {
      await Promise.all([direct.close(), bulk.close()]);
      await bulkQueue.close();
    },
  };
}
