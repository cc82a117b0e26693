import { describe, it, expect, afterEach } from '@jest/globals';
import { TelegramChannel, type TelegramChannelOptions } from '../../src/bots/telegram/telegram-channel.ts';
import type { RateLimitEvent } from '../../src/bots/channel-port.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { FakeTelegramServer, TELEGRAM_FAKE_LIMITS, aTelegramUser, type FakeLimits } from '../support/fake-telegram-server.ts';

const logger = createLogger('silent');

describe('sending in lanes to Telegram', () => {
  let fake: FakeTelegramServer;
  let channel: TelegramChannel | undefined;

  const start = async (limits: FakeLimits, options: Partial<TelegramChannelOptions> = {}): Promise<TelegramChannel> => {
    fake = await FakeTelegramServer.start(limits);
    channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger, ...options });
    return channel;
  };
  afterEach(async () => {
    await channel?.stop();
    channel = undefined;
    await fake.close();
  });

  const tooMany = () => fake.calls.filter((c) => c.status === 429).length;

  it('does not hold replies to people who just wrote to the bot-wide rate, only bulk', async () => {
    // The bot-wide rate scaled down to 5 a second.
    const bot = { max: 5, windowMs: 1000 };
    const tg = await start({ ...TELEGRAM_FAKE_LIMITS, bot }, { limits: { bot } });
    const writers = Array.from({ length: 20 }, () => aTelegramUser());
    for (const person of writers) fake.userSays(person, 'hello');
    let started = performance.now();
    await Promise.all(writers.map((person) => tg.send({ chatId: String(person.id), text: 'Hello! What can I do for you?', lane: 'reply' })));
    const replies = performance.now() - started;
    started = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => tg.send({ chatId: String(aTelegramUser().id), text: 'Reminder: call Sarah.', lane: 'reminder' })));
    const bulk = performance.now() - started;
    expect(replies).toBeLessThan(800);
    // 20 at 5 a second: the first 5 at once, then the rest over three more seconds.
    expect(bulk).toBeGreaterThanOrEqual(2900);
    expect(tooMany()).toBe(0);
  });

  it("gives an alert waiting among bulk sends the bot-wide rate's next turn", async () => {
    const bot = { max: 2, windowMs: 500 };
    const tg = await start({ ...TELEGRAM_FAKE_LIMITS, bot }, { limits: { bot } });
    const bulk = Array.from({ length: 10 }, (_, i) => tg.send({ chatId: String(aTelegramUser().id), text: `Reminder ${i}`, lane: 'reminder' }));
    const family = aTelegramUser();
    const alert = tg.send({ chatId: String(family.id), text: 'URGENT: Margaret needs help', lane: 'alert' });
    await Promise.all([...bulk, alert]);
    const order = fake.callsOf('sendMessage').filter((c) => c.status === 200).map((c) => String(c.params.text));
    // The first two reminders took the window before the alert came; the alert had the next turn.
    expect(order.indexOf('URGENT: Margaret needs help')).toBeLessThanOrEqual(2);
    expect(tooMany()).toBe(0);
  });

  it("pauses bulk for Telegram's retry_after after a 429 while replies go on, and tells who listens", async () => {
    const tg = await start(TELEGRAM_FAKE_LIMITS);
    const events: RateLimitEvent[] = [];
    tg.onRateLimited((event) => events.push(event));
    const first = String(aTelegramUser().id);
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, first);
    await expect(tg.send({ chatId: first, text: 'Reminder: call Sarah.' })).rejects.toMatchObject({ name: 'ChannelRateLimitedError', method: 'sendMessage', retryAfterMs: 1000 });
    expect(events).toEqual([{ method: 'sendMessage', retryAfterMs: 1000, chatId: first }]);

    const writer = aTelegramUser();
    fake.userSays(writer, 'are you there?');
    const started = performance.now();
    const bulk = tg.send({ chatId: String(aTelegramUser().id), text: 'Reminder: water the plants.' }).then(() => performance.now() - started);
    const reply = tg.send({ chatId: String(writer.id), text: 'Yes, I am here.', lane: 'reply' }).then(() => performance.now() - started);
    expect(await reply).toBeLessThan(500);
    expect(await bulk).toBeGreaterThanOrEqual(900);
  });

  it('sends bulk as paid broadcasts at the paid rate, and alerts and replies without the fee', async () => {
    const tg = await start(TELEGRAM_FAKE_LIMITS, { paidBroadcast: { perSecond: 200 } });
    const started = performance.now();
    await Promise.all(Array.from({ length: 100 }, (_, i) => tg.send({ chatId: String(aTelegramUser().id), text: `Reminder ${i}`, lane: 'reminder' })));
    // At the free 30 a second, 100 take more than three seconds.
    expect(performance.now() - started).toBeLessThan(2000);
    const writer = aTelegramUser();
    fake.userSays(writer, 'hello');
    await tg.send({ chatId: String(writer.id), text: 'Hello!', lane: 'reply' });
    await tg.send({ chatId: String(aTelegramUser().id), text: 'URGENT: Margaret needs help', lane: 'alert' });
    const sends = fake.callsOf('sendMessage');
    expect(sends.filter((c) => String(c.params.text).startsWith('Reminder')).every((c) => c.params.allow_paid_broadcast === true)).toBe(true);
    expect(sends.filter((c) => !String(c.params.text).startsWith('Reminder')).map((c) => c.params.allow_paid_broadcast)).toEqual([undefined, undefined]);
    expect(tooMany()).toBe(0);
  });
});
