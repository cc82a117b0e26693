import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { systemClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { DateTime } from 'luxon';
import { aBookableVenue } from '../bookings/booking-factories.ts';
import { PG_URL, REDIS_URL, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { anElder, unusedAgent } from '../support/factories.ts';

// A thousand tasks: reminders and table bookings at a venue with its own reservation book, spread over a few elders.
const TASKS = 1000;
const BOOKINGS = 300;
const ELDERS = 10;

/** Starts a real `npm run worker` process on the test's schema and Redis prefix. */
function startWorker(storage: TestStorage): ChildProcess {
  const db = storage.database;
  if (db.kind !== 'postgresql') throw new Error('scale mode only');
  return spawn(process.execPath, ['src/cli/worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: db.schema ?? '',
      REDIS_URL,
      REDIS_PREFIX: storage.config.REDIS_PREFIX,
      TASK_LEASE_MS: '1500',
      WORKER_CONCURRENCY: '4',
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
}

describe('a worker process killed mid-run (scale mode)', () => {
  let storage: TestStorage;
  let app: App;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    storage = testStorage('scale');
    app = await startTestApp(storage, { clock: systemClock, channels: [], agent: unusedAgent, role: 'front' });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await app.stop();
    await storage.cleanup();
  });

  const counts = async (): Promise<Record<string, number>> => {
    const rows = await app.orm.em.fork().find(Task, {}, { fields: ['status'] });
    const by: Record<string, number> = {};
    for (const r of rows) by[r.status] = (by[r.status] ?? 0) + 1;
    return by;
  };

  const until = async (check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out; tasks: ${JSON.stringify(await counts())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('leaves every task (bookings and reminders) succeeded exactly once after kill -9 and a replacement worker', async () => {
    const elders = await Promise.all(Array.from({ length: ELDERS }, () => anElder(app.orm)));
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 1000 });
    const firstDay = DateTime.now().setZone('Europe/London').plus({ days: 2 }).startOf('day');
    for (let i = 0; i < TASKS; i++) {
      const { elder, account } = elders[i % ELDERS]!;
      // Each elder books 7 pm on a day of their own (ten elders a day), so none is refused for capacity or read as a move.
      const start = firstDay.plus({ days: Math.floor(i / ELDERS), hours: 19 }).toFormat("yyyy-MM-dd'T'HH:mm");
      const task = await app.tasks.propose({
        elder,
        ...(i < BOOKINGS ? { kind: 'book_restaurant', args: { venue: venue.name, party_size: 2, start } } : { kind: 'set_reminder', args: { text: `reminder ${i}`, at: '2030-01-01T09:00' } }),
        requestedByAccountId: account.id,
        replyChannel: 'telegram',
        replyChatId: account.chatId,
      });
      await app.tasks.confirm(task.id);
    }
    const first = startWorker(storage);
    workers.push(first);
    await until(async () => ((await counts())['succeeded'] ?? 0) >= 100, 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const afterKill = await counts();
    expect(afterKill['succeeded'] ?? 0).toBeLessThan(TASKS);

    workers.push(startWorker(storage));
    await until(async () => ((await counts())['succeeded'] ?? 0) + ((await counts())['failed'] ?? 0) === TASKS, 150_000);

    const em = app.orm.em.fork();
    const elderIds = elders.map((e) => e.elder.id);
    expect(await counts()).toEqual({ succeeded: TASKS });
    // Side effects counted: one reservation per booking task, one reminder per reminder task, one reply per task.
    const bookings = await em.find(Booking, { elderId: { $in: elderIds } }, { fields: ['taskId', 'status'] });
    expect(bookings).toHaveLength(BOOKINGS);
    expect(new Set(bookings.map((b) => b.taskId)).size).toBe(BOOKINGS);
    expect(bookings.every((b) => b.status === 'confirmed')).toBe(true);
    expect(await em.count(Reminder, { elderId: { $in: elderIds } })).toBe(TASKS - BOOKINGS);
    expect(await em.count(MessageLog, { elderId: { $in: elderIds }, direction: 'out', idempotencyKey: { $like: 'task-reply:%' } })).toBe(TASKS);
    const tasks = await em.find(Task, { elderId: { $in: elderIds } }, { fields: ['attempts'] });
    expect(Math.max(...tasks.map((t) => t.attempts))).toBeLessThanOrEqual(2);
  }, 240_000);
});
