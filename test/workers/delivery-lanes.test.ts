import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { OutboxBatch, outboundRow, type DeliveryQueue, type OutboundDraft, type OutboundRef } from '../../src/messaging/outbox.ts';
import { requeueStrandedWork } from '../../src/workers/recovery.ts';
import { openDatabase } from '../../src/db/orm.ts';
import { ChannelPacedError } from '../../src/bots/channel-errors.ts';
import { BullDeliveryQueue, queueSettings } from '../../src/workers/bullmq-queues.ts';
import { MODES, REDIS_URL, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { TimedChannel } from '../support/timed-channel.ts';
import { anElder, unusedAgent } from '../support/factories.ts';

/** Waits (in real time: delivery is asynchronous) until the check holds. */
async function waitUntil(check: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const reminders = (n: number, prefix = 'reminder'): OutboundDraft[] =>
  Array.from({ length: n }, (_, i) => ({ channel: 'telegram', chatId: `${prefix}-chat-${i}`, text: `${prefix} ${i}`, lane: 'reminder' }));

describe.each(MODES)('delivery lanes (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let channel: TimedChannel;
  let queue: DeliveryQueue & { close?(): Promise<void> };
  const clock = new FakeClock('2026-11-24T08:00:00Z');

  beforeEach(async () => {
    // The bulk limiter lifted: these tests are about the order lanes are served in, not the bot-wide rate.
    storage = testStorage(mode, { TELEGRAM_SENDS_PER_SECOND: '100000' });
    channel = new TimedChannel({ sendMs: 10 });
    app = await startTestApp(storage, { clock, channels: [channel], agent: unusedAgent });
    queue = app.executor ?? new BullDeliveryQueue(queueSettings(REDIS_URL, storage.config.REDIS_PREFIX));
  });
  afterEach(async () => {
    if (queue instanceof BullDeliveryQueue) await queue.close();
    await app.stop();
    await storage.cleanup();
  });

  /** Writes messages to the outbox in one transaction and hands them to the delivery queue, as the app's code does. */
  async function write(drafts: OutboundDraft[]): Promise<MessageLog[]> {
    const em = app.orm.em.fork();
    const batch = new OutboxBatch();
    const rows = drafts.map((d) => batch.stage(em, d));
    await em.flush();
    await batch.dispatch(queue);
    return rows;
  }

  it('sends an alert written behind 500 reminders next, before every reminder not already in flight', async () => {
    await write(reminders(500));
    await waitUntil(() => channel.sent.length >= 20, 20_000, '20 reminders sent');
    await write([{ channel: 'telegram', chatId: 'family-group', text: 'URGENT: Margaret needs help', lane: 'alert' }]);
    // Counted once the alert is written and queued (the write itself takes longer on a busy machine, and the senders go on meanwhile).
    const sentBefore = channel.sent.length;
    await waitUntil(() => channel.texts().includes('URGENT: Margaret needs help'), 20_000, 'the alert');
    const at = channel.texts().indexOf('URGENT: Margaret needs help');
    // Only the reminders already in flight (a pool's worth) went out between the alert's queueing and its sending.
    expect(at - sentBefore).toBeLessThanOrEqual(12);
    expect(channel.sent.find((m) => m.text.startsWith('URGENT'))!.lane).toBe('alert');
    await waitUntil(() => channel.sent.length === 501, 30_000, 'every message');
    expect(new Set(channel.texts()).size).toBe(501);
  });

  it('sends an escalation ahead of waiting reminders, and reminders ahead of digests written with them', async () => {
    const digests: OutboundDraft[] = Array.from({ length: 100 }, (_, i) => ({ channel: 'telegram', chatId: `digest-chat-${i}`, text: `digest ${i}`, lane: 'digest' }));
    await write([...digests, ...reminders(300)]);
    await waitUntil(() => channel.sent.length >= 20, 20_000, '20 sent');
    await write([{ channel: 'telegram', chatId: 'daughter', text: "Margaret hasn't confirmed her 8:00 am Metformin.", lane: 'escalation' }]);
    const sentBefore = channel.sent.length;
    await waitUntil(() => channel.sent.length === 401, 30_000, 'every message');
    const texts = channel.texts();
    expect(texts.indexOf("Margaret hasn't confirmed her 8:00 am Metformin.") - sentBefore).toBeLessThanOrEqual(12);
    // Digests written first still wait for the reminders (but for the few taken before the reminders were in).
    const firstReminders = texts.slice(0, 300).filter((t) => t.startsWith('reminder')).length;
    expect(firstReminders).toBeGreaterThanOrEqual(290);
  });

  it('keeps the order within one chat: a reply carries along the reminder written before it, in its own lane', async () => {
    await write(reminders(300, 'backlog'));
    await waitUntil(() => channel.sent.length >= 10, 20_000, '10 sent');
    await write([{ channel: 'telegram', chatId: 'margaret', text: 'Reminder: call Sarah.', lane: 'reminder' }]);
    await write([{ channel: 'telegram', chatId: 'margaret', text: 'You said: hello', lane: 'reply' }]);
    await waitUntil(() => channel.to('margaret').length === 2, 20_000, 'both messages to Margaret');
    expect(channel.to('margaret').map((m) => [m.text, m.lane])).toEqual([
      ['Reminder: call Sarah.', 'reply'],
      ['You said: hello', 'reply'],
    ]);
    // Her messages did not wait for the backlog.
    expect(channel.texts().filter((t) => t.startsWith('backlog')).length).toBeLessThan(250);
    await waitUntil(() => channel.sent.length === 302, 30_000, 'every message');
    expect(channel.to('margaret')).toHaveLength(2);
  });

  it("sends a task's answer in the reply lane ahead of a backlog of reminders", async () => {
    await write(reminders(2000));
    await waitUntil(() => channel.sent.length >= 10, 20_000, '10 sent');
    const { elder, account } = await anElder(app.orm);
    const task = await app.tasks.propose({ elder, kind: 'set_reminder', args: { text: 'call Sarah', at: '2026-11-25T17:00' }, requestedByAccountId: account.id, replyChannel: 'telegram', replyChatId: account.chatId });
    const confirmed = performance.now();
    await app.tasks.confirm(task.id);
    await waitUntil(() => channel.to(account.chatId).length > 0, 20_000, 'the answer');
    expect(performance.now() - confirmed).toBeLessThan(1500);
    expect(channel.to(account.chatId)[0]!.lane).toBe('reply');
    expect(channel.texts().filter((t) => t.startsWith('reminder')).length).toBeLessThan(1500);
  });

  it("sends many elders' reminders in the order they were written, which is their due-time order", async () => {
    await write(reminders(200));
    await waitUntil(() => channel.sent.length === 200, 30_000, 'every reminder');
    const positions = channel.texts().map((t) => Number(t.split(' ')[1]));
    // In order but for the sends in flight together finishing in a different order.
    for (const [i, written] of positions.entries()) expect(Math.abs(written - i)).toBeLessThanOrEqual(8);
  });

  it('goes on with other chats while a family group that had its share of messages waits', async () => {
    channel.refuse = (m) => (m.chatId === '-100-busy-group' ? new ChannelPacedError('the group had its 20 messages this minute', 60_000) : undefined);
    const group: OutboundDraft[] = Array.from({ length: 30 }, (_, i) => ({ channel: 'telegram', chatId: '-100-busy-group', text: `group news ${i}`, lane: 'digest' }));
    const others: OutboundDraft[] = Array.from({ length: 30 }, (_, i) => ({ channel: 'telegram', chatId: `family-${i}`, text: `summary ${i}`, lane: 'digest' }));
    await write([...group, ...others]);
    await waitUntil(() => channel.sent.length === 30, 10_000, "the other families' summaries");
    expect(channel.to('-100-busy-group')).toHaveLength(0);
    // The group's messages wait in the outbox for their turn; none was given up.
    expect(await app.orm.em.fork().count(MessageLog, { chatId: '-100-busy-group', status: 'queued', attempts: 0 })).toBe(30);
  });
});

describe.each(MODES)('a restart with messages waiting in every lane (%s)', (mode) => {
  let storage: TestStorage;
  const apps: App[] = [];
  // A minute ahead of the rows' creation times: the recovery sweep at start takes the rows written before its now.
  const clock = new FakeClock(new Date(Date.now() + 60_000));

  beforeEach(() => {
    storage = testStorage(mode, { TELEGRAM_SENDS_PER_SECOND: '100000' });
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    await storage.cleanup();
  });

  it('hands waiting messages back to the queue in their lanes when the recovery sweep finds them', async () => {
    const orm = await openDatabase(storage.database);
    try {
      const em = orm.em.fork();
      const lanes = ['alert', 'escalation', 'reply', 'reminder', 'digest'] as const;
      const rows = lanes.map((lane) => em.create(MessageLog, { ...outboundRow({ channel: 'telegram', chatId: `${lane}-chat`, text: lane, lane }), createdAt: new Date(clock.now().getTime() - 120_000) }));
      await em.flush();
      const handed: OutboundRef[] = [];
      await requeueStrandedWork(orm, { enqueueTasks: async () => undefined }, { enqueueDeliveries: async (refs) => void handed.push(...refs) }, clock.now());
      expect(handed.map((r) => [r.id, r.lane]).sort()).toEqual(rows.map((r) => [r.id, r.lane]).sort());
    } finally {
      await orm.close();
    }
  });

  it('sends every waiting message once after the restart (and a flushed Redis), in its lane, and none already sent again', async () => {
    const down = new TimedChannel();
    const first = await startTestApp(storage, { clock, channels: [down], agent: unusedAgent });
    apps.push(first);
    const queue = first.executor ?? new BullDeliveryQueue(queueSettings(REDIS_URL, storage.config.REDIS_PREFIX));
    const write = async (drafts: OutboundDraft[]): Promise<MessageLog[]> => {
      const em = first.orm.em.fork();
      const batch = new OutboxBatch();
      const rows = drafts.map((d) => batch.stage(em, d));
      await em.flush();
      await batch.dispatch(queue);
      return rows;
    };
    await write([{ channel: 'telegram', chatId: 'already', text: 'sent before the restart', lane: 'reply' }]);
    await waitUntil(() => down.sent.length === 1, 10_000, 'the first message');

    // Telegram stops taking messages; every lane fills up.
    down.refuse = () => new ChannelPacedError('held', 60_000);
    const lanes = ['alert', 'escalation', 'reply', 'reminder', 'digest'] as const;
    const written = await write(lanes.flatMap((lane) => [1, 2].map((n) => ({ channel: 'telegram' as const, chatId: `${lane}-${n}`, text: `${lane} ${n}`, lane }))));
    if (queue instanceof BullDeliveryQueue) await queue.close();
    await first.stop();
    apps.length = 0;
    // Two more were claimed by a sender that crashed: one claim has run out, one is still live for a minute.
    const orm = await openDatabase(storage.database);
    const em = orm.em.fork();
    em.create(MessageLog, { ...outboundRow({ channel: 'telegram', chatId: 'stale-claim', text: 'claimed by a crashed sender' }), sendingUntil: new Date(clock.now().getTime() - 1000) });
    em.create(MessageLog, { ...outboundRow({ channel: 'telegram', chatId: 'live-claim', text: 'claimed a moment ago' }), sendingUntil: new Date(clock.now().getTime() + 60_000) });
    await em.flush();
    await orm.close();
    if (mode === 'scale') {
      const { Redis } = await import('ioredis');
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${storage.config.REDIS_PREFIX}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }

    const up = new TimedChannel();
    const second = await startTestApp(storage, { clock, channels: [up], agent: unusedAgent });
    apps.push(second);
    await waitUntil(() => up.sent.length === 11, 20_000, 'the waiting messages').catch((err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(up.texts())}`);
    });
    expect(up.texts()).not.toContain('claimed a moment ago');
    // The live claim runs out a minute later; then it is sent too.
    clock.advance(61_000);
    await waitUntil(() => up.sent.length === 12, 20_000, 'the message whose claim ran out');

    expect(up.texts()).not.toContain('sent before the restart');
    expect(up.texts().sort()).toEqual([...written.map((r) => r.text), 'claimed a moment ago', 'claimed by a crashed sender'].sort());
    for (const row of written) expect(up.sent.find((m) => m.text === row.text)!.lane).toBe(row.lane);
    const rows = await second.orm.em.fork().find(MessageLog, { id: { $in: written.map((r) => r.id) } });
    expect(rows.map((r) => [r.text, r.lane, r.status]).sort()).toEqual(written.map((r) => [r.text, r.lane, 'sent']).sort());
    await new Promise((r) => setTimeout(r, 300));
    expect(up.sent).toHaveLength(12);
  });
});
