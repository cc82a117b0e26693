import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { TelegramChannel } from '../../src/bots/telegram/telegram-channel.ts';
import type { App } from '../../src/app.ts';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeTelegramServer, aTelegramUser, type TgMessage, type TgUser } from '../support/fake-telegram-server.ts';

// A new elder's first contact on Telegram, through the real adapter and app: the Start button onboards her.
describe.each(MODES)('a new elder on Telegram (%s)', (mode) => {
  let storage: TestStorage;
  let fake: FakeTelegramServer;
  let app: App;
  // Wednesday 2 December 2026, 10:00 in London.
  const clock = new FakeClock('2026-12-02T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    fake = await FakeTelegramServer.start();
    const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger: createLogger('silent'), pollTimeoutSeconds: 1 });
    app = await startTestApp(storage, { clock, channels: [channel] });
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
    await storage.cleanup();
  });

  /** Says something and waits for the bot's next message in that chat. */
  async function say(user: TgUser, text: string): Promise<TgMessage> {
    const before = fake.messagesTo(user.id).length;
    fake.userSays(user, text);
    return fake.waitForMessage(user.id, (m) => fake.messagesTo(user.id).indexOf(m) >= before);
  }

  it('asks her name and town after the Start button, reads back her timezone and keeps it after her yes', async () => {
    const dorothy = aTelegramUser({ first_name: 'Dot' });
    expect((await say(dorothy, '/start')).text).toMatch(/what's your name\?$/);
    expect((await say(dorothy, 'Dorothy')).text).toMatch(/Dorothy.*town/is);
    const readBack = await say(dorothy, 'Sydney');
    expect(readBack.text).toMatch(/Sydney/);
    const yes = readBack.reply_markup!.inline_keyboard.flat().find((b) => b.text === 'Yes')!;
    const before = fake.messagesTo(dorothy.id).length;
    fake.userPresses(dorothy, readBack, yes.callback_data!);
    await fake.waitForMessage(dorothy.id, (m) => fake.messagesTo(dorothy.id).indexOf(m) >= before);
    const account = await app.orm.em.fork().findOneOrFail(ChannelAccount, { channel: 'telegram', externalUserId: String(dorothy.id) });
    const elder = await app.orm.em.fork().findOneOrFail(Elder, { id: account.elderId! });
    expect(elder).toMatchObject({ name: 'Dorothy', timezone: 'Australia/Sydney', onboardingStep: null });
    // Her times are now Sydney's: 10:00 UTC is 9:00 pm there.
    const reminder = await say(dorothy, 'remind me to call Jim tomorrow at 9am');
    expect(reminder.text).toMatch(/Thursday 3 December at 9:00 am/);
  });
});
