import { describe, it, expect, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { startTestApp, testStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder, unusedAgent } from '../support/factories.ts';

describe('the embedded mode after a crash', () => {
  const storage = testStorage('embedded');
  afterAll(() => storage.cleanup());

  it('runs at the next start the tasks that were queued or running when the process died', async () => {
    const clock = new FakeClock('2026-11-24T10:00:00Z');
    const first = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent });
    await first.executor!.stop();
    const { elder, account } = await anElder(first.orm);
    const request = { elder, kind: 'set_reminder', requestedByAccountId: account.id, replyChannel: 'telegram' as const, replyChatId: account.chatId };
    const queued = await first.tasks.propose({ ...request, args: { text: 'queued one', at: '2026-11-25T09:00' } });
    await first.tasks.confirm(queued.id);
    const running = await first.tasks.propose({ ...request, args: { text: 'running one', at: '2026-11-25T10:00' } });
    await first.tasks.confirm(running.id);
    // The process died while running the second task: claimed, lease still in the future.
    await first.orm.em.fork().nativeUpdate(Task, { id: running.id }, { status: 'running', attempts: 1, leaseExpiresAt: new Date(clock.now().getTime() + 60_000) });
    await first.stop();

    clock.advance(61_000);
    const channel = new FakeChannel();
    const second = await startTestApp(storage, { clock, channels: [channel], agent: unusedAgent });
    await second.settle();
    const em = second.orm.em.fork();
    expect((await em.find(Task, { elderId: elder.id }, { orderBy: { createdAt: 'asc' } })).map((t) => t.status)).toEqual(['succeeded', 'succeeded']);
    expect(await em.count(Reminder, { elderId: elder.id })).toBe(2);
    expect(channel.sent.filter((m) => m.text.startsWith('All set.'))).toHaveLength(2);
    await second.stop();
  });
});
