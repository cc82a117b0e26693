import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { REDIS_URL, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder, unusedAgent } from '../support/factories.ts';

describe('Redis emptied while tasks are queued (scale mode)', () => {
  let storage: TestStorage;
  let front: App;
  let worker: App | undefined;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage('scale');
    front = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
  });
  afterAll(async () => {
    await worker?.stop();
    await front.stop();
    await storage.cleanup();
  });

  it('rebuilds the queue from the database: every task runs once, none is lost', async () => {
    const { elder, account } = await anElder(front.orm);
    for (let i = 0; i < 20; i++) {
      const task = await front.tasks.propose({
        elder,
        kind: 'set_reminder',
        args: { text: `reminder ${i}`, at: '2026-11-25T09:00' },
        requestedByAccountId: account.id,
        replyChannel: 'telegram',
        replyChatId: account.chatId,
      });
      await front.tasks.confirm(task.id);
    }
    // Everything this deployment had in Redis is gone (a restart without persistence, or FLUSHALL).
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${storage.config.REDIS_PREFIX}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    redis.disconnect();

    worker = await startTestApp(storage, { clock, channels: [], role: 'worker' });
    const deadline = Date.now() + 15_000;
    const em = front.orm.em.fork();
    while ((await em.fork().count(Task, { elderId: elder.id, status: 'succeeded' })) < 20 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await em.fork().count(Task, { elderId: elder.id, status: 'succeeded' })).toBe(20);
    expect(await em.fork().count(Reminder, { elderId: elder.id })).toBe(20);

    // A second recovery pass (the minute sweep) adds nothing and runs nothing again.
    await worker.tick();
    await new Promise((r) => setTimeout(r, 300));
    expect(await em.fork().count(Reminder, { elderId: elder.id })).toBe(20);
    const tasks = await em.fork().find(Task, { elderId: elder.id }, { fields: ['attempts'] });
    expect(tasks.every((t) => t.attempts === 1)).toBe(true);
  });
});
