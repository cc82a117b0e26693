import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';

describe.each(MODES)('a reminder from chat to delivery (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let second: App | undefined;
  const channel = new FakeChannel();
  // Tuesday 24 November 2026, 10:00 in London (UTC+0 in winter).
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const settle = async (): Promise<void> => {
    await app.settle();
  };

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
  });
  afterAll(async () => {
    await second?.stop();
    await app.stop();
    await storage.cleanup();
  });

  it('reads the reminder back with Yes/No buttons, sets it on yes, and delivers it at 5 pm local time once', async () => {
    await channel.say('margaret', 'remind me to call Sarah tomorrow at 5pm');
    const readBack = await channel.waitFor((m) => m.text.includes('Shall I set it?'));
    expect(readBack.chatId).toBe('chat-margaret');
    expect(readBack.text).toContain('Wednesday 25 November at 5:00 pm');
    expect(readBack.buttons?.[0]?.map((b) => b.label)).toEqual(['Yes', 'No']);

    await channel.press('margaret', readBack.buttons![0]![0]!.data);
    await settle();
    const confirmed = await channel.waitFor((m) => m.text.startsWith('All set.'));
    expect(confirmed.text).toContain('call Sarah');
    expect(confirmed.text).toContain('Wednesday 25 November at 5:00 pm');

    // Pressing Yes again (an elder double-tapping) changes nothing.
    await channel.press('margaret', readBack.buttons![0]![0]!.data);
    await channel.waitFor((m) => m.text === 'That was already answered.');
    const em = app.orm.em.fork();
    expect(await em.count(Task, { kind: 'set_reminder', status: 'succeeded' })).toBe(1);
    expect(await em.count(Reminder, {})).toBe(1);

    // A minute before: nothing. At 17:00 London time: the reminder, once, even with two schedulers.
    clock.set('2026-11-25T16:59:00Z');
    await app.tick();
    await settle();
    expect(channel.sent.filter((m) => m.text.startsWith('Reminder:'))).toHaveLength(0);

    clock.set('2026-11-25T17:00:00Z');
    if (mode === 'scale') second = await startTestApp(storage, { clock, channels: [], role: 'worker' });
    await Promise.all([app.tick(), second?.tick()]);
    await settle();
    const fired = await channel.waitFor((m) => m.text.startsWith('Reminder:'));
    expect(fired).toEqual({ chatId: 'chat-margaret', text: 'Reminder: call Sarah.', lane: 'reminder' });
    await app.tick();
    await settle();
    await new Promise((r) => setTimeout(r, 200));
    expect(channel.sent.filter((m) => m.text.startsWith('Reminder:'))).toHaveLength(1);
  });

  it('cancels on no, and nothing is set', async () => {
    await channel.say('margaret', 'remind me to water the plants on friday at 9am');
    const readBack = await channel.waitFor((m) => m.text.includes('water the plants') && m.text.includes('Shall I set it?'));
    await channel.say('margaret', 'no thanks');
    await channel.waitFor((m) => m.text === "Okay, I won't do that.");
    const em = app.orm.em.fork();
    expect(await em.count(Reminder, { text: { $like: '%plants%' } })).toBe(0);
    expect(readBack.buttons).toBeDefined();
  });

  it('handles a redelivered update once', async () => {
    const before = channel.sent.length;
    await channel.say('margaret', 'thank you dear', 'same-update');
    await channel.say('margaret', 'thank you dear', 'same-update');
    await settle();
    await new Promise((r) => setTimeout(r, 200));
    expect(channel.sent.length - before).toBe(1);
  });
});
