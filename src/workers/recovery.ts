import type { MikroORM } from '@mikro-orm/core';
import { Task } from '../tasks/task.entity.ts';
import { MessageLog } from '../messaging/message-log.entity.ts';
import type { TaskQueue } from '../tasks/task-service.ts';
import type { DeliveryQueue } from '../messaging/outbox.ts';

/**
 * Hands the queue everything the database says should be in it: queued tasks that are due, tasks whose
 * worker died (lease expired), and outbound messages still waiting (in their lanes). Job ids are the row ids, so what is
 * already queued is not added twice. This is how a flushed Redis or a crash between commit and enqueue
 * loses nothing.
 */
export async function requeueStrandedWork(orm: MikroORM, tasks: TaskQueue, delivery: DeliveryQueue, now: Date, messageGraceMs = 30_000): Promise<{ tasks: number; messages: number }> {
  const em = orm.em.fork();
  const stranded = await em.find(
    Task,
    {
      $or: [
        { status: 'queued', $or: [{ runAfter: null }, { runAfter: { $lte: now } }] },
        { status: 'running', leaseExpiresAt: { $lt: now } },
      ],
      // Unfinished tasks are found through their partial index; finished ones are never read here.
      finishedAt: null,
    },
    { fields: ['id', 'kind'], limit: 10_000 },
  );
  if (stranded.length > 0) await tasks.enqueueTasks(stranded);
  const waiting = await em.find(
    MessageLog,
    { direction: 'out', status: 'queued', createdAt: { $lt: new Date(now.getTime() - messageGraceMs) } },
    // With its lane, so an alert goes back to the front of the queue it came from.
    { fields: ['id', 'channel', 'chatId', 'lane'], limit: 10_000 },
  );
  if (waiting.length > 0) await delivery.enqueueDeliveries(waiting);
  return { tasks: stranded.length, messages: waiting.length };
}
