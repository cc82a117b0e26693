import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { TaskQueue } from '../tasks/task-service.ts';
import type { DeliveryQueue } from '../messaging/outbox.ts';
import type { Task } from '../tasks/task.entity.ts';
import type { MessageLog } from '../messaging/message-log.entity.ts';
import { TaskBusyError, TaskRetryError } from '../tasks/task-errors.ts';
import type { TaskRunner } from './task-runner.ts';
import { DeliveryRetryError, type MessageDelivery } from './message-delivery.ts';
import type { Logger } from '../lib/logger.ts';

/** The queue that carries task ids to the workers. */
export const TASK_QUEUE = 'tasks';
/**
 * The queue that carries outbound message ids for one channel to the processes that send on it. A terminal
 * chat is owned by one process, so each terminal chat has its own queue.
 */
export const deliveryQueueName = (channel: string, chatId: string): string =>
  channel === 'terminal' ? `outbound-terminal-${chatId.replace(/[^A-Za-z0-9_-]/g, '_')}` : `outbound-${channel}`;

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

/** Puts outbound message ids on their channel's BullMQ queue. */
export class BullDeliveryQueue implements DeliveryQueue {
  private readonly settings: QueueSettings;
  private readonly queues = new Map<string, Queue<IdJob>>();

  constructor(settings: QueueSettings) {
    this.settings = settings;
  }

  async enqueueDeliveries(messages: Pick<MessageLog, 'id' | 'channel' | 'chatId'>[]): Promise<void> {
    const byQueue = new Map<string, string[]>();
    for (const m of messages) {
      const name = deliveryQueueName(m.channel, m.chatId);
      byQueue.set(name, [...(byQueue.get(name) ?? []), m.id]);
    }
    for (const [name, ids] of byQueue) {
      await this.queueFor(name).addBulk(
        ids.map((id) => ({
          name: 'send',
          data: { id },
          opts: { jobId: id, attempts: 20, backoff: { type: 'fromError' }, removeOnComplete: true, removeOnFail: true },
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

/** Starts a BullMQ worker that sends a channel's outbound messages (one chat's, for an exclusive channel). */
export function startDeliveryWorker(
  settings: QueueSettings,
  channel: { name: string; exclusiveChatId?: string },
  delivery: MessageDelivery,
  logger: Logger,
  options: { concurrency?: number; limiter?: { max: number; duration: number } } = {},
): Worker<IdJob> {
  const { concurrency = 5, limiter } = options;
  const worker = new Worker<IdJob>(deliveryQueueName(channel.name, channel.exclusiveChatId ?? ''), async (job: Job<IdJob>) => delivery.deliver(job.data.id), {
    ...settings,
    concurrency,
    ...(limiter ? { limiter } : {}),
    settings: { backoffStrategy: (_attempts, _type, err) => retryDelay(err) },
  });
  worker.on('error', (err) => logger.error({ err: err.message, channel: channel.name }, 'delivery worker error'));
  return worker;
}
