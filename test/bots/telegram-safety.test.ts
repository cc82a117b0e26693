import { randomUUID } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { TelegramChannel } from '../../src/bots/telegram/telegram-channel.ts';
import type { App } from '../../src/app.ts';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { CheckIn } from '../../src/tasks/family/check-in.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeTelegramServer, aTelegramUser, type TgMessage, type TgUser } from '../support/fake-telegram-server.ts';

// The safety screen's answers through the real Telegram adapter, the fake Bot API and a fake clock.
describe.each(MODES)('safety answers on Telegram (%s)', (mode) => {
  let storage: TestStorage;
  let fake: FakeTelegramServer;
  let app: App;
  // Thursday 3 December 2026, 10:00 in London.
  const clock = new FakeClock('2026-12-03T10:00:00Z');
  const later = (minutes: number): void => clock.set(new Date(clock.now().getTime() + minutes * 60_000).toISOString());

  beforeAll(async () => {
    storage = testStorage(mode, { CHECKIN_MINUTES: '5' });
    fake = await FakeTelegramServer.start();
    const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger: createLogger('silent'), pollTimeoutSeconds: 1 });
    app = await startTestApp(storage, { clock, channels: [channel] });
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
    await storage.cleanup();
  });

  /** An elder on Telegram with her daughter Sarah linked, both real Telegram users of the fake. */
  async function anElderWithDaughter(name = 'Margaret'): Promise<{ elder: Elder; her: TgUser; sarah: TgUser }> {
    const her = aTelegramUser({ first_name: name });
    const sarah = aTelegramUser({ first_name: 'Sarah' });
    const em = app.orm.em.fork();
    const elder = em.create(Elder, { id: randomUUID(), name, timezone: 'Europe/London', locale: 'en-GB', onboardingStep: null, city: null, proposedTimezone: null });
    em.create(ChannelAccount, { id: randomUUID(), channel: 'telegram', externalUserId: String(her.id), chatId: String(her.id), displayName: name, role: 'elder', elderId: elder.id, active: true });
    const account = em.create(ChannelAccount, { id: randomUUID(), channel: 'telegram', externalUserId: String(sarah.id), chatId: String(sarah.id), displayName: 'Sarah', role: 'family', elderId: null, active: true });
    em.create(CaregiverLink, { id: randomUUID(), elderId: elder.id, accountId: account.id, role: 'family', removedAt: null });
    await em.flush();
    return { elder, her, sarah };
  }

  /** Says something and waits for the bot's next message in her chat. */
  async function say(user: TgUser, text: string): Promise<TgMessage> {
    const before = fake.messagesTo(user.id).length;
    fake.userSays(user, text);
    return fake.waitForMessage(user.id, (m) => fake.messagesTo(user.id).indexOf(m) >= before);
  }

  async function press(user: TgUser, message: TgMessage, label: string): Promise<TgMessage> {
    const button = message.reply_markup!.inline_keyboard.flat().find((b) => b.text === label)!;
    const before = fake.messagesTo(user.id).length;
    fake.userPresses(user, message, button.callback_data!);
    return fake.waitForMessage(user.id, (m) => fake.messagesTo(user.id).indexOf(m) >= before);
  }

  async function sweep(): Promise<void> {
    await app.tick();
    await app.settle();
  }

  const labels = (m: TgMessage): string[] => m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

  it('checks in on "I feel a bit off" with two buttons, and tells her daughter when she stays silent for CHECKIN_MINUTES', async () => {
    const { elder, her, sarah } = await anElderWithDaughter();
    const question = await say(her, 'I feel a bit off');
    expect(question.text).toBe("I'm a little worried about you. Do you need help now? If I don't hear from you in 5 minutes, I'll let Sarah know.");
    expect(labels(question)).toEqual(['Get help now', "I'm OK"]);
    expect(fake.messagesTo(sarah.id)).toHaveLength(0);

    later(4);
    await sweep();
    expect(fake.messagesTo(sarah.id)).toHaveLength(0);

    later(1);
    await sweep();
    const told = await fake.waitForMessage(sarah.id, (m) => /has not answered/.test(m.text ?? ''));
    expect(told.text).toBe('URGENT: Margaret told me "I feel a bit off" and has not answered my check-in for 5 minutes. Please check on Margaret now.');
    expect(labels(told)).toEqual(["I'm on it"]);
    const toHer = await fake.waitForMessage(her.id, (m) => /haven't heard from you/.test(m.text ?? ''));
    expect(toHer.text).toBe("I haven't heard from you, so I've told your family. If you need help, call 999.");

    // Escalated once: the next sweeps only repeat the alert until someone is on it.
    await sweep();
    expect(fake.messagesTo(sarah.id).filter((m) => /has not answered my check-in/.test(m.text ?? ''))).toHaveLength(1);
    expect(await app.orm.em.fork().findOneOrFail(CheckIn, { elderId: elder.id })).toMatchObject({ status: 'escalated' });
    expect(await app.orm.em.fork().findOneOrFail(Alert, { elderId: elder.id })).toMatchObject({ kind: 'silent_check_in', status: 'open' });
  });

  it('records "I\'m OK" and never pages the family', async () => {
    const { elder, her, sarah } = await anElderWithDaughter('Dorothy');
    const question = await say(her, 'my chest feels funny');
    expect(labels(question)).toEqual(['Get help now', "I'm OK"]);
    const answer = await press(her, question, "I'm OK");
    expect(answer.text).toBe("I'm glad you're OK. If anything changes, just tell me.");
    expect(await app.orm.em.fork().findOneOrFail(CheckIn, { elderId: elder.id })).toMatchObject({ status: 'ok' });
    later(10);
    await sweep();
    expect(fake.messagesTo(sarah.id)).toHaveLength(0);
    expect(await app.orm.em.fork().count(Alert, { elderId: elder.id })).toBe(0);
  });

  it('takes a typed "I\'m fine" as her answer to the check-in', async () => {
    const { elder, her, sarah } = await anElderWithDaughter('Edith');
    await say(her, "something's not right");
    expect((await say(her, "I'm fine now, thank you")).text).toBe("I'm glad you're OK. If anything changes, just tell me.");
    later(10);
    await sweep();
    expect(fake.messagesTo(sarah.id)).toHaveLength(0);
    expect(await app.orm.em.fork().findOneOrFail(CheckIn, { elderId: elder.id })).toMatchObject({ status: 'ok' });
  });

  it('raises the alert at once when she presses "Get help now"', async () => {
    const { her, sarah } = await anElderWithDaughter('Joan');
    const question = await say(her, 'I feel a bit dizzy');
    const answer = await press(her, question, 'Get help now');
    expect(answer.text).toBe("I've told Sarah. If you can, call 999 now.");
    const told = await fake.waitForMessage(sarah.id, () => true);
    expect(told.text).toBe('URGENT: Joan needs help: "I feel a bit dizzy". Please check on Joan now.');
  });

  it('alerts at once for a clear emergency, naming who was told and the number to call', async () => {
    const { her, sarah } = await anElderWithDaughter('Vera');
    const reply = await say(her, 'my face has dropped on one side and my words are coming out wrong');
    expect(reply.text).toBe("I've told Sarah. If you can, call 999 now.");
    expect((await fake.waitForMessage(sarah.id, () => true)).text).toMatch(/^URGENT: Vera needs help/);
  });

  it('answers despair kindly with a helpline first, and tells the family gently', async () => {
    const { her, sarah } = await anElderWithDaughter('Irene');
    const reply = await say(her, "I don't want to be here any more");
    expect(reply.text).toBe(
      "I'm so sorry you're feeling like this. You matter, and you don't have to face it alone. You can talk to Samaritans any time on 116 123. I've let Sarah know, so they can be with you.",
    );
    const told = await fake.waitForMessage(sarah.id, () => true);
    expect(told.text).toBe('Irene told me: "I don\'t want to be here any more". Irene may be feeling very low. Please get in touch with Irene soon, and stay with Irene if you can.');
    expect(told.text).not.toMatch(/URGENT/);
  });

  it('alerts for another person in danger, telling her to call an ambulance', async () => {
    const { her, sarah } = await anElderWithDaughter('Mavis');
    const reply = await say(her, 'my husband has collapsed');
    expect(reply.text).toBe("I've told Sarah. Call 999 now for an ambulance.");
    expect((await fake.waitForMessage(sarah.id, () => true)).text).toBe('URGENT: someone with Mavis needs help. Mavis wrote: "my husband has collapsed". Please call Mavis now.');
  });

  it('alerts for danger at home, telling her to get out first', async () => {
    const { her, sarah } = await anElderWithDaughter('Nora');
    expect((await say(her, 'I can smell gas in the kitchen')).text).toBe("I've told Sarah. Don't touch any switches; get outside if you can, then call 999.");
    await fake.waitForMessage(sarah.id, (m) => /^URGENT: Nora needs help/.test(m.text ?? ''));
    const { her: olive } = await anElderWithDaughter('Olive');
    expect((await say(olive, "there's somebody trying to get in through my back door")).text).toBe("I've told Sarah. If you can, lock yourself in a room and call 999.");
  });
});
