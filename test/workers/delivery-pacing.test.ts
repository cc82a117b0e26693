import { describe, it, expect, afterEach } from '@jest/globals';
import { FakeClock, systemClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { OutboxBatch, type OutboundDraft } from '../../src/messaging/outbox.ts';
import { ChannelPacedError } from '../../src/bots/channel-errors.ts';
import { TelegramChannel } from '../../src/bots/telegram/telegram-channel.ts';
import { BullDeliveryQueue, queueSettings } from '../../src/workers/bullmq-queues.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { MODES, REDIS_URL, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { TimedChannel } from '../support/timed-channel.ts';
import { FakeTelegramServer, TELEGRAM_FAKE_LIMITS, aTelegramUser } from '../support/fake-telegram-server.ts';
import { anElder, aReminder, unusedAgent } from '../support/factories.ts';

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(MODES)('delivery under a 429 storm from Telegram (%s)', (mode) => {
  let storage: TestStorage;
  let app: App | undefined;
  let fake: FakeTelegramServer;

  afterEach(async () => {
    await app?.stop();
    await fake.close();
    await storage.cleanup();
  });

  it('delivers every reminder exactly once after the storm, pauses bulk instead of hammering, and counts the 429s', async () => {
    storage = testStorage(mode);
    fake = await FakeTelegramServer.start(TELEGRAM_FAKE_LIMITS);
    const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger: createLogger('silent') });
    app = await startTestApp(storage, { clock: systemClock, channels: [channel], agent: unusedAgent });
    const queue = app.executor ?? new BullDeliveryQueue(queueSettings(REDIS_URL, storage.config.REDIS_PREFIX));
    const chats = Array.from({ length: 60 }, () => String(aTelegramUser().id));
    // Telegram floods the bot with 429s (retry after 1 s) for the next two seconds.
    fake.tooManyRequestsFor(2000, 1);
    const em = app.orm.em.fork();
    const batch = new OutboxBatch();
    const drafts: OutboundDraft[] = chats.map((chatId, i) => ({ channel: 'telegram', chatId, text: `Reminder ${i}: take your tablets.`, lane: 'reminder' }));
    for (const d of drafts) batch.stage(em, d);
    await em.flush();
    await batch.dispatch(queue);
    await waitUntil(() => chats.every((chatId) => fake.messagesTo(chatId).length > 0), 30_000, 'every reminder');
    if (queue instanceof BullDeliveryQueue) await queue.close();
    await new Promise((r) => setTimeout(r, 300));

    for (const chatId of chats) expect(fake.messagesTo(chatId)).toHaveLength(1);
    const refused = fake.calls.filter((c) => c.status === 429).length;
    expect(refused).toBeGreaterThan(0);
    // Without the pause every reminder would be refused again each second of the storm.
    expect(refused).toBeLessThan(30);
    // A 429 is not the message's fault: each was sent at its first counted attempt.
    const rows = await app.orm.em.fork().find(MessageLog, { chatId: { $in: chats } });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    const counted = await app.metrics.registry.getSingleMetricAsString('assistant_rate_limited_total');
    expect(counted).toMatch(/assistant_rate_limited_total\{channel="telegram",method="sendMessage"\} [1-9]/);
  });
});

describe.each(MODES)('a reminder held up in the queue (%s)', (mode) => {
  let storage: TestStorage;
  let app: App | undefined;

  afterEach(async () => {
    await app?.stop();
    await storage.cleanup();
  });

  it('says when it was due once it goes out more than LATE_NOTICE_MINUTES late, and its lateness is measured', async () => {
    storage = testStorage(mode, { LATE_NOTICE_MINUTES: '5' });
    const clock = new FakeClock('2026-11-24T08:00:00Z');
    const channel = new TimedChannel({ sendMs: 1 });
    app = await startTestApp(storage, { clock, channels: [channel], agent: unusedAgent });
    const held = await anElder(app.orm);
    const onTime = await anElder(app.orm, { name: 'George' });
    await aReminder(app.orm, held.elder, held.account, '2026-11-24T08:00', { text: 'call Sarah' });
    await aReminder(app.orm, onTime.elder, onTime.account, '2026-11-24T08:00', { text: 'water the plants' });
    // Margaret's chat cannot be sent to for now (a paced chat, a slow platform): her reminder waits in the queue.
    let holding = true;
    channel.refuse = (m) => (holding && m.chatId === held.account.chatId ? new ChannelPacedError('held', 100) : undefined);
    await app.tick();
    await waitUntil(() => channel.to(onTime.account.chatId).length === 1, 10_000, "George's reminder");
    expect(channel.to(onTime.account.chatId)[0]!.text).toBe('Reminder: water the plants.');

    clock.advance(7 * 60_000);
    holding = false;
    await waitUntil(() => channel.to(held.account.chatId).length === 1, 10_000, "Margaret's reminder");
    expect(channel.to(held.account.chatId)[0]!.text).toBe('Reminder: call Sarah. (This was due at 8:00 am.)');
    // The row is marked sent just after the channel took the message.
    const sentRow = async (): Promise<MessageLog | null> => app!.orm.em.fork().findOne(MessageLog, { chatId: held.account.chatId, direction: 'out', status: 'sent' });
    await waitUntil(async () => (await sentRow()) !== null, 10_000, 'the row marked sent');
    const row = await sentRow();
    expect(row).toMatchObject({ status: 'sent', text: 'Reminder: call Sarah. (This was due at 8:00 am.)', attempts: 1 });

    const latenessNow = (): Promise<string> => app!.metrics.registry.getSingleMetricAsString('assistant_reminder_lateness_seconds');
    await waitUntil(async () => (await latenessNow()).includes('assistant_reminder_lateness_seconds_count 2'), 5000, 'both lateness figures');
    const lateness = await latenessNow();
    expect(lateness).toContain('assistant_reminder_lateness_seconds_bucket{le="1"} 1');
    expect(lateness).toContain('assistant_reminder_lateness_seconds_bucket{le="300"} 1');
    expect(lateness).toContain('assistant_reminder_lateness_seconds_bucket{le="600"} 2');
    expect(lateness).toContain('assistant_reminder_lateness_seconds_count 2');
  });
});
