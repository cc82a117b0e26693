import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/core';
import { openDatabase } from '../../src/db/orm.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { randomUUID } from 'node:crypto';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { ElderDirectory } from '../../src/tasks/elders/elder-directory.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Onboarding, parseElderName } from '../../src/tasks/family/onboarding.ts';
import { timezoneForTown, timezonesForRegion } from '../../src/tasks/family/city-timezones.ts';
import { MODES, testStorage, type TestStorage } from '../support/test-app.ts';

describe('reading onboarding answers', () => {
  it('takes a name from how people say it, and not a sentence', () => {
    expect(parseElderName("I'm Margaret")).toBe('Margaret');
    expect(parseElderName('my name is margaret smith')).toBe('Margaret Smith');
    expect(parseElderName('Mary-Jane')).toBe('Mary-Jane');
    expect(parseElderName("Hello, it's Joan.")).toBe('Joan');
    expect(parseElderName('hello')).toBeNull();
    expect(parseElderName("I'm on it")).toBeNull();
    expect(parseElderName('remind me to take my pills at 8')).toBeNull();
  });

  it('finds the timezone of a town offline, and of a country when the town is unknown', () => {
    expect(timezoneForTown('I live in Manchester')).toBe('Europe/London');
    expect(timezoneForTown('Zürich')).toBe('Europe/Zurich');
    expect(timezoneForTown('new york')).toBe('America/New_York');
    expect(timezoneForTown('Adelaide, Australia')).toBe('Australia/Adelaide');
    expect(timezoneForTown('Little Snoring')).toBeNull();
    expect(timezonesForRegion('Scotland')).toEqual(['Europe/London']);
    expect(timezonesForRegion('in the USA')).toHaveLength(7);
    expect(timezonesForRegion('Europe/Paris')).toEqual(['Europe/Paris']);
    expect(timezonesForRegion('Atlantis')).toEqual([]);
  });
});

describe.each(MODES)('onboarding a new elder in chat (%s database)', (mode) => {
  let storage: TestStorage;
  let orm: MikroORM;
  let onboarding: Onboarding;
  let seq = 0;
  // Tuesday 14 July 2026, 09:00 UTC: 10:00 in London (BST), 19:00 in Sydney.
  const clock = new FakeClock('2026-07-14T09:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    orm = await openDatabase(storage.database);
    onboarding = new Onboarding({ orm, clock, defaults: { timezone: 'Europe/London', locale: 'en-GB' } });
  });
  afterAll(async () => {
    await orm.close();
    await storage.cleanup();
  });

  const newElder = async (): Promise<string> => {
    const userId = `new-${++seq}`;
    const replies = await onboarding.registerAndStart({ channel: 'telegram', userId, chatId: `chat-${userId}` });
    expect(replies.map((r) => r.text)).toEqual([expect.stringMatching(/^Hello, I'm your assistant[\s\S]*\n\nFirst, what's your name\?$/)]);
    const account = await orm.em.fork().findOneOrFail(ChannelAccount, { externalUserId: userId });
    return account.elderId!;
  };
  const elder = (id: string) => orm.em.fork().findOneOrFail(Elder, { id });

  it('asks the name again when the answer is not one, then the town, and reads back its timezone', async () => {
    const id = await newElder();
    expect((await onboarding.answer(id, 'what?'))![0]!.text).toMatch(/didn't catch your name/);
    expect((await onboarding.answer(id, 'Margaret'))![0]!.text).toBe('Lovely to meet you, Margaret. Which town or city do you live in?');
    const readBack = (await onboarding.answer(id, 'Brighton'))![0]!;
    expect(readBack.text).toBe("So you're on London time (BST): it's 10:00 am on Tuesday there now. Is that right?");
    expect(readBack.buttons).toEqual([[{ label: 'Yes', data: 'onb:yes' }, { label: 'No', data: 'onb:no' }]]);
    expect((await onboarding.answer(id, 'yes'))![0]!.text).toMatch(/^Thank you, Margaret, you're all set/);
    expect(await elder(id)).toMatchObject({ name: 'Margaret', city: 'Brighton', timezone: 'Europe/London', onboardingStep: null });
    // Onboarding is over: ordinary messages go to the assistant, and a second yes changes nothing.
    expect(await onboarding.answer(id, 'remind me to call Sarah at 5pm')).toBeNull();
    expect((await onboarding.confirm(id, 'yes'))[0]!.text).toBe('That was already answered.');
  });

  it('asks for the country when the town is unknown, and offers its zones as buttons', async () => {
    const id = await newElder();
    await onboarding.answer(id, 'Joan');
    expect((await onboarding.answer(id, 'Wagga Wagga'))![0]!.text).toBe("I don't know Wagga Wagga yet. Which country or region do you live in?");
    const choice = (await onboarding.answer(id, 'Australia'))![0]!;
    expect(choice.text).toBe('Which of these is your time now?');
    expect(choice.buttons).toContainEqual([{ label: 'Sydney: 7:00 pm', data: 'onb:tz:Australia/Sydney' }]);
    expect((await onboarding.confirm(id, { zone: 'Australia/Sydney' }))[0]!.text).toMatch(/you're all set/);
    expect(await elder(id)).toMatchObject({ timezone: 'Australia/Sydney', city: 'Wagga Wagga', onboardingStep: null });
  });

  it('asks for the country when the elder says the timezone is wrong', async () => {
    const id = await newElder();
    await onboarding.answer(id, 'George');
    await onboarding.answer(id, 'Perth');
    expect((await onboarding.answer(id, 'no'))![0]!.text).toBe('Sorry about that. Which country or region do you live in?');
    const readBack = (await onboarding.answer(id, 'Scotland'))![0]!;
    expect(readBack.text).toMatch(/^So you're on London time/);
    await onboarding.confirm(id, 'yes');
    expect((await elder(id)).timezone).toBe('Europe/London');
  });

  it('starts on a first greeting on WhatsApp only: not on a request, nor for an elder who has written before', async () => {
    const { account } = await new ElderDirectory(orm, { timezone: 'Europe/London', locale: 'en-GB' }).registerElder({ channel: 'telegram', userId: `new-${++seq}`, chatId: 'c' });
    const elderId = account.elderId!;
    expect(await onboarding.startOnFirstGreeting(elderId, account.id, 'whatsapp', 'remind me to call Sarah at 5pm')).toBeNull();
    expect(await onboarding.startOnFirstGreeting(elderId, account.id, 'telegram', 'hello')).toBeNull();
    const em = orm.em.fork();
    for (const text of ['remind me to call Sarah at 5pm', 'hello']) {
      em.create(MessageLog, { id: randomUUID(), direction: 'in', channel: 'telegram', chatId: 'c', elderId, accountId: account.id, text, status: 'received', attempts: 0 });
    }
    await em.flush();
    expect(await onboarding.startOnFirstGreeting(elderId, account.id, 'whatsapp', 'hello')).toBeNull();
    await em.nativeDelete(MessageLog, { accountId: account.id, text: 'remind me to call Sarah at 5pm' });
    expect((await onboarding.startOnFirstGreeting(elderId, account.id, 'whatsapp', 'Good morning!'))?.[0]?.text).toMatch(/First, what's your name\?$/);
  });

  it('leaves a request made instead of an answer to the assistant, and keeps its question for after', async () => {
    const id = await newElder();
    expect(await onboarding.answer(id, 'remind me to put the bins out at 7')).toBeNull();
    expect(await onboarding.pendingQuestion(id)).toEqual({ text: 'Before I forget: what should I call you?' });
    await onboarding.answer(id, 'Edna');
    expect(await onboarding.answer(id, 'book a table at the Red Lion for 2 tomorrow at 1pm')).toBeNull();
    // A yes with no yes/no question of the onboarding open answers the assistant's read-back.
    expect(await onboarding.answer(id, 'yes')).toBeNull();
    expect(await onboarding.answer(id, 'thanks')).toBeNull();
    expect(await elder(id)).toMatchObject({ onboardingStep: 'city', city: null });
    expect(await onboarding.pendingQuestion(id)).toEqual({ text: 'So that I get your times right: which town or city do you live in? (Or say "skip".)' });
    // A town is an answer, even one the classifier might read as something else.
    expect((await onboarding.answer(id, 'Reading'))![0]!.text).toMatch(/^So you're on London time/);
    expect(await elder(id)).toMatchObject({ city: 'Reading', onboardingStep: 'confirm_timezone' });
    expect((await onboarding.answer(id, 'yes'))![0]!.text).toMatch(/you're all set/);
    expect(await onboarding.pendingQuestion(id)).toBeNull();
  });

  it('lets a yes answer the read-back asked after the timezone, and asks the timezone again with its buttons', async () => {
    const id = await newElder();
    await onboarding.answer(id, 'Edna');
    await onboarding.answer(id, 'Leeds');
    const account = await orm.em.fork().findOneOrFail(ChannelAccount, { elderId: id });
    const said = async (text: string, buttons: { label: string; data: string }[][] | null) => {
      const em = orm.em.fork();
      em.create(MessageLog, { id: randomUUID(), direction: 'out', channel: 'telegram', chatId: account.chatId, elderId: id, accountId: account.id, text, buttons, status: 'sent', attempts: 0, createdAt: new Date(Date.now() + ++seq) });
      await em.flush();
    };
    const again = (await onboarding.pendingQuestion(id))!;
    expect(again.text).toBe("So you're on London time (BST): it's 10:00 am on Tuesday there now. Is that right?");
    expect(again.buttons).toEqual([[{ label: 'Yes', data: 'onb:yes' }, { label: 'No', data: 'onb:no' }]]);
    await said(again.text, again.buttons ?? null);

    // She asked for a medicine instead; its read-back is the latest question, and it waits for her yes.
    const em = orm.em.fork();
    const task = em.create(Task, {
      id: randomUUID(), elderId: id, kind: 'add_medication', args: { medicine: 'heart pill', times: ['08:00'] }, status: 'pending_confirmation', attempts: 0, maxAttempts: 5,
      requestedByAccountId: account.id, replyChannel: 'telegram', replyChatId: account.chatId, idempotencyKey: `t-${randomUUID()}`,
    });
    await em.flush();
    await said('Heart pill every day at 8:00 am. Shall I add it?', [[{ label: 'Yes', data: `task:${task.id}:yes` }, { label: 'No', data: `task:${task.id}:no` }]]);
    expect(await onboarding.answer(id, 'yes', account.chatId)).toBeNull();
    expect((await elder(id)).onboardingStep).toBe('confirm_timezone');

    // Once that is answered (no yes of the assistant's waiting), her yes is the timezone's.
    await em.nativeUpdate(Task, { id: task.id }, { status: 'queued' });
    expect((await onboarding.answer(id, 'yes', account.chatId))![0]!.text).toMatch(/you're all set/);
    expect(await elder(id)).toMatchObject({ city: 'Leeds', onboardingStep: null });
  });

  it('lets the elder skip and keeps the default timezone', async () => {
    const id = await newElder();
    expect((await onboarding.answer(id, 'skip'))![0]!.text).toMatch(/I'll use London time for now/);
    expect(await elder(id)).toMatchObject({ timezone: 'Europe/London', onboardingStep: null });
  });
});
