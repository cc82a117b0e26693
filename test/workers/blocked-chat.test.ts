import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aFamilyCircle, aFamilyMember, anElder, aReminder, unusedAgent } from '../support/factories.ts';

describe.each(MODES)('a chat that blocked the assistant (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let channel: FakeChannel;
  // Tuesday 24 November 2026, 10:00 in London.
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeEach(async () => {
    storage = testStorage(mode);
    channel = new FakeChannel();
    app = await startTestApp(storage, { clock, channels: [channel], agent: unusedAgent });
  });
  afterEach(async () => {
    await app.stop();
    await storage.cleanup();
  });

  /** Waits until no outbound message is still queued (scale mode delivers on BullMQ workers). */
  async function allDelivered(): Promise<void> {
    await app.settle();
    const deadline = Date.now() + 10_000;
    while ((await app.orm.em.fork().count(MessageLog, { direction: 'out', status: 'queued' })) > 0) {
      if (Date.now() > deadline) throw new Error('messages still queued');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("marks the elder's account inactive, fails the message without retrying, and tells the family once", async () => {
    const margaret = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, margaret.elder);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    await aReminder(app.orm, margaret.elder, margaret.account, '2026-11-24T09:59');
    await aReminder(app.orm, margaret.elder, margaret.account, '2026-11-24T09:58', { text: 'water the plants' });
    channel.blocked.add(margaret.account.chatId);

    await app.tick();
    await allDelivered();

    const em = app.orm.em.fork();
    expect((await em.findOneOrFail(ChannelAccount, { id: margaret.account.id })).active).toBe(false);
    const toMargaret = await em.find(MessageLog, { direction: 'out', chatId: margaret.account.chatId });
    expect(toMargaret.map((m) => [m.status, m.attempts])).toEqual([
      ['failed', 1],
      ['failed', 1],
    ]);
    const notice = /I can no longer reach Margaret on telegram/;
    expect(channel.to(circle.groupChatId).filter((m) => notice.test(m.text))).toHaveLength(1);
    expect(channel.to(sarah.account.chatId).filter((m) => notice.test(m.text))).toHaveLength(1);

    // She unblocks and writes again: her account is active again and she gets answers.
    channel.blocked.delete(margaret.account.chatId);
    await channel.say(margaret.account.externalUserId, '/start');
    expect((await app.orm.em.fork().findOneOrFail(ChannelAccount, { id: margaret.account.id })).active).toBe(true);
  });

  it('tells the elder when the family group removed the assistant, and leaves other chats alone', async () => {
    const margaret = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, margaret.elder);
    const other = await anElder(app.orm, { name: 'George' });
    channel.blocked.add(circle.groupChatId);
    const em = app.orm.em.fork();
    em.create(MessageLog, {
      id: crypto.randomUUID(), direction: 'out', channel: 'telegram', chatId: circle.groupChatId, elderId: margaret.elder.id,
      accountId: null, text: 'Margaret shared: a walk', buttons: null, photo: null, status: 'queued', idempotencyKey: null, attempts: 0, createdAt: new Date('2026-11-24T09:00:00Z'),
    });
    await em.flush();
    // The recovery sweep (scale) or the in-process loop (embedded) picks the queued row up.
    if (mode === 'scale') await app.tick();
    else await app.executor!.enqueueDeliveries();
    await allDelivered();

    expect(channel.to(margaret.account.chatId).map((m) => m.text)).toEqual(['I can no longer write in your family group. Please ask your family to add me again.']);
    const fresh = app.orm.em.fork();
    expect((await fresh.findOneOrFail(ChannelAccount, { id: margaret.account.id })).active).toBe(true);
    expect((await fresh.findOneOrFail(ChannelAccount, { id: other.account.id })).active).toBe(true);
  });
});
