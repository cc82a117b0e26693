import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { PermanentTaskError, TaskBusyError, TaskRetryError } from '../../src/tasks/task-errors.ts';
import { TaskRunner } from '../../src/workers/task-runner.ts';
import { TaskHandlerRegistry } from '../../src/tasks/task-handler.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder, unusedAgent } from '../support/factories.ts';

describe.each(MODES)('task runner (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode, { TASK_LEASE_MS: '1000' });
    // A front process: no BullMQ worker, so the test drives the runner by hand.
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  async function queuedReminderTask(): Promise<{ task: Task; elderId: string }> {
    const { elder, account } = await anElder(app.orm);
    const task = await app.tasks.propose({
      elder,
      kind: 'set_reminder',
      args: { text: 'call Sarah', at: '2026-11-25T17:00' },
      requestedByAccountId: account.id,
      replyChannel: 'telegram',
      replyChatId: account.chatId,
    });
    expect(await app.tasks.confirm(task.id)).toBe(true);
    return { task, elderId: elder.id };
  }

  it('queues a task once when yes is pressed twice', async () => {
    const { task } = await queuedReminderTask();
    expect(await app.tasks.confirm(task.id)).toBe(false);
    expect(await app.tasks.cancel(task.id)).toBe(false);
  });

  it('creates one reminder when the same job is delivered twice in a row', async () => {
    const { task, elderId } = await queuedReminderTask();
    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect(await app.runner.run(task.id)).toBe('skipped');
    const em = app.orm.em.fork();
    expect(await em.count(Reminder, { elderId })).toBe(1);
    expect(await em.count(MessageLog, { elderId, direction: 'out' })).toBe(1);
    const done = await em.findOneOrFail(Task, { id: task.id });
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(1);
  });

  it('creates one reminder when two workers get the same job at once', async () => {
    const { task, elderId } = await queuedReminderTask();
    const outcomes = await Promise.allSettled([app.runner.run(task.id), app.runner.run(task.id)]);
    const succeeded = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'succeeded');
    expect(succeeded).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(TaskBusyError);
    expect(await app.orm.em.fork().count(Reminder, { elderId })).toBe(1);
  });

  it('finishes the task of a worker that died mid-task, once, after its lease ran out', async () => {
    const { task, elderId } = await queuedReminderTask();
    // The dead worker claimed the task (attempt 1) and never committed its work.
    const em = app.orm.em.fork();
    await em.nativeUpdate(Task, { id: task.id }, { status: 'running', attempts: 1, leaseExpiresAt: new Date(clock.now().getTime() + 1000) });
    await expect(app.runner.run(task.id)).rejects.toBeInstanceOf(TaskBusyError);
    clock.advance(1500);
    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect(await app.runner.run(task.id)).toBe('skipped');
    const done = await em.fork().findOneOrFail(Task, { id: task.id });
    expect(done.attempts).toBe(2);
    expect(await em.fork().count(Reminder, { elderId })).toBe(1);
  });

  it('fails a task whose time has passed and tells the elder simply', async () => {
    const { elder, account } = await anElder(app.orm);
    const task = await app.tasks.propose({
      elder,
      kind: 'set_reminder',
      args: { text: 'feed the cat', at: '2026-11-20T09:00' },
      requestedByAccountId: account.id,
      replyChannel: 'telegram',
      replyChatId: account.chatId,
    });
    await app.tasks.confirm(task.id);
    expect(await app.runner.run(task.id)).toBe('failed');
    const em = app.orm.em.fork();
    const failed = await em.findOneOrFail(Task, { id: task.id });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/has passed/);
    const told = await em.find(MessageLog, { elderId: elder.id, direction: 'out' });
    expect(told.map((m) => m.text)).toEqual(['Sorry, I could not set your reminder. That time has already passed. Nothing has been done.']);
    expect(await em.count(Reminder, { elderId: elder.id })).toBe(0);
  });

  it('retries a failing task with growing backoff, then fails it for good and tells the elder', async () => {
    const { elder, account } = await anElder(app.orm);
    let calls = 0;
    const flaky = new TaskHandlerRegistry().register({
      kind: 'flaky',
      label: 'ring the surgery',
      schema: z.object({}),
      readBack: () => 'Ring the surgery?',
      execute: async () => {
        calls++;
        throw new Error('partner timed out');
      },
    });
    const sent: string[] = [];
    const runner = new TaskRunner({ orm: app.orm, handlers: flaky, delivery: { enqueueDeliveries: async (rows) => void sent.push(...rows.map((r) => r.id)) }, clock, logger: createLogger('silent'), leaseMs: 1000, backoffMs: 100 });
    const em = app.orm.em.fork();
    const task = em.create(Task, { id: randomUUID(), elderId: elder.id, kind: 'flaky', args: {}, status: 'queued', attempts: 0, maxAttempts: 3, idempotencyKey: `k-${randomUUID()}`, replyChannel: 'telegram', replyChatId: account.chatId });
    await em.flush();
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      const err = await runner.run(task.id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskRetryError);
      delays.push((err as TaskRetryError).delayMs);
    }
    expect(delays).toEqual([100, 200]);
    expect(await runner.run(task.id)).toBe('failed');
    expect(calls).toBe(3);
    const failed = await em.fork().findOneOrFail(Task, { id: task.id });
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('partner timed out');
    const told = await em.fork().find(MessageLog, { elderId: elder.id, direction: 'out' });
    expect(told.map((m) => m.text)).toEqual(['Sorry, I could not ring the surgery. Something went wrong on my side. Nothing has been done.']);
    expect(sent).toHaveLength(1);
  });

  it('refuses arguments that do not fit the tool and saves nothing', async () => {
    const { elder, account } = await anElder(app.orm);
    const request = { elder, kind: 'set_reminder', requestedByAccountId: account.id, replyChannel: 'telegram' as const, replyChatId: account.chatId };
    await expect(app.tasks.propose({ ...request, args: { text: '', at: '2026-11-25T17:00' } })).rejects.toThrow(/text/);
    await expect(app.tasks.propose({ ...request, args: { text: 'x', at: 'tomorrow' } })).rejects.toThrow(/at/);
    expect(await app.orm.em.fork().count(Task, { elderId: elder.id })).toBe(0);
  });

  it('commits tasks ready together in one transaction, and a failing one decides only for itself', async () => {
    const { elder, account } = await anElder(app.orm);
    const executions = new Map<string, number>();
    // Each run writes a reminder (the side effect) and replies; the one named "boom" fails after writing.
    const grouped = new TaskHandlerRegistry().register({
      kind: 'note',
      label: 'note it',
      schema: z.object({ text: z.string() }),
      groupCommit: true,
      readBack: () => 'Note it?',
      execute: async (args, ctx) => {
        executions.set(args.text, (executions.get(args.text) ?? 0) + 1);
        ctx.em.create(Reminder, {
          id: randomUUID(), elderId: ctx.elder.id, taskId: ctx.task.id, text: args.text, localAt: '2026-11-25T17:00', timezone: 'Europe/London', repeat: null,
          status: 'active', nextFireAt: new Date('2026-11-25T17:00:00Z'), lastFiredAt: null, channel: 'telegram', chatId: account.chatId,
        });
        if (args.text === 'boom') throw new PermanentTaskError('boom', 'That did not work.');
        return { result: { text: args.text }, reply: `Noted: ${args.text}` };
      },
    });
    const runner = new TaskRunner({ orm: app.orm, handlers: grouped, delivery: { enqueueDeliveries: async () => undefined }, clock, logger: createLogger('silent'), leaseMs: 1000, backoffMs: 100 });
    const em = app.orm.em.fork();
    const texts = ['a', 'b', 'c', 'boom', 'd', 'e'];
    const tasks = texts.map((text) =>
      em.create(Task, { id: randomUUID(), elderId: elder.id, kind: 'note', args: { text }, status: 'queued', attempts: 0, maxAttempts: 3, idempotencyKey: `k-${randomUUID()}`, replyChannel: 'telegram', replyChatId: account.chatId }),
    );
    await em.flush();

    const outcomes = await Promise.all(tasks.map((t) => runner.run(t.id)));
    expect(outcomes).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded']);
    // "boom" rolled the shared transaction back, so each ran again alone (those after it had not run yet).
    expect(Object.fromEntries(executions)).toEqual({ a: 2, b: 2, c: 2, boom: 2, d: 1, e: 1 });
    const fresh = app.orm.em.fork();
    expect((await fresh.find(Reminder, { elderId: elder.id })).map((r) => r.text).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const rows = await fresh.find(Task, { id: { $in: tasks.map((t) => t.id) } });
    expect(rows.filter((t) => t.status === 'succeeded').map((t) => t.result?.text).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const replies = (await fresh.find(MessageLog, { elderId: elder.id, direction: 'out' })).map((m) => m.text).sort();
    expect(replies).toEqual(['Noted: a', 'Noted: b', 'Noted: c', 'Noted: d', 'Noted: e', 'Sorry, I could not note it. That did not work. Nothing has been done.']);

    // Without a failure, one transaction serves them all and each runs once.
    executions.clear();
    const more = ['f', 'g', 'h'].map((text) =>
      em.create(Task, { id: randomUUID(), elderId: elder.id, kind: 'note', args: { text }, status: 'queued', attempts: 0, maxAttempts: 3, idempotencyKey: `k-${randomUUID()}`, replyChannel: 'telegram', replyChatId: account.chatId }),
    );
    await em.flush();
    expect(await Promise.all(more.map((t) => runner.run(t.id)))).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect([...executions.values()]).toEqual([1, 1, 1]);
  });
});
