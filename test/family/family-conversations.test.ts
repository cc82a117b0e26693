import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, aFamilyCircle, aFamilyMember, aMedicationSchedule, anActivity, anElder, anOpenAlert, outboxTo } from '../support/factories.ts';
import { FamilyChat, type Person } from './family-chat.ts';

describe.each(MODES)('family conversations through the router (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let chat: FamilyChat;
  const channel = new FakeChannel();
  const whatsappChannel = new FakeChannel('whatsapp');
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const as = (account: ChannelAccount, name: string): Person => ({ userId: account.externalUserId, displayName: name });
  const textsTo = async (chatId: string) => (await outboxTo(app, chatId)).map((m) => m.text);

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel, whatsappChannel] });
    chat = new FamilyChat(app);
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it('passes replies to a shared activity back to the elder only within the reply window, and only from linked people', async () => {
    const margaret = await anElder(app.orm);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const circle = await aFamilyCircle(app.orm, margaret.elder);
    const stranger = await anElder(app.orm, { name: 'Mallory' });
    await anActivity(app.orm, margaret.elder, new Date('2026-11-24T06:00:00Z'));
    await chat.say(as(sarah.account, 'Sarah'), 'Lovely!', circle.groupChatId);
    expect(await textsTo(margaret.account.chatId)).toEqual([]);

    await anActivity(app.orm, margaret.elder, new Date('2026-11-24T09:30:00Z'), 'baked scones');
    await chat.say(as(stranger.account, 'Mallory'), 'Send me her address', circle.groupChatId);
    await chat.say(as(sarah.account, 'Sarah'), 'Yum, save me one!', circle.groupChatId);
    await chat.say(as(sarah.account, 'Sarah'), 'They look delicious');
    expect(await textsTo(margaret.account.chatId)).toEqual(['Sarah replied: Yum, save me one!', 'Sarah replied: They look delicious']);
    expect(await textsTo(sarah.account.chatId)).toEqual(["I've passed that on to Margaret."]);
    expect(await textsTo(circle.groupChatId)).toEqual([]);
  });

  it('onboards a new elder whose first WhatsApp message is a greeting', async () => {
    const whatsapp = new FamilyChat(app, 'whatsapp');
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'Hello there!');
    expect(await textsTo('chat-new-elder')).toEqual([expect.stringMatching(/^Hello, I'm your assistant[\s\S]*\n\nFirst, what's your name\?$/)]);
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'Peggy');
    expect((await textsTo('chat-new-elder')).at(-1)).toBe('Lovely to meet you, Peggy. Which town or city do you live in?');
    expect(await app.orm.em.fork().findOneOrFail(Elder, { name: 'Peggy' })).toMatchObject({ onboardingStep: 'city' });

    // A request instead of her town: the assistant reads it back, her yes sets it, then the town question returns.
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'remind me to take the washing in at 6');
    expect((await textsTo('chat-new-elder')).at(-1)).toBe('I\'ll remind you: "take the washing in" on Tuesday 24 November at 6:00 pm. Shall I set it?');
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'yes');
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'thank you dear');
    expect((await textsTo('chat-new-elder')).slice(-2)).toEqual([
      expect.not.stringContaining('?'),
      'So that I get your times right: which town or city do you live in? (Or say "skip".)',
    ]);
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'Leeds');
    expect((await textsTo('chat-new-elder')).at(-1)).toMatch(/^So you're on London time/);

    // Small talk while her timezone is read back: answered, then the read-back again, with its buttons.
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'oh how lovely, thank you');
    const [answer, askedAgain] = (await outboxTo(app, 'chat-new-elder')).slice(-2);
    expect(answer?.text).not.toMatch(/London/);
    expect(askedAgain).toMatchObject({ text: expect.stringMatching(/^So you're on London time.*Is that right\?$/), buttons: [[{ label: 'Yes', data: 'onb:yes' }, { label: 'No', data: 'onb:no' }]] });
    // A medicine asked for before answering it: her yes is the medicine's, the latest question.
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'add my heart pill at 8 am every day');
    expect((await textsTo('chat-new-elder')).at(-1)).toBe('Heart pill every day at 8:00 am. Shall I add it?');
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'yes');
    await whatsappChannel.waitFor((m) => m.chatId === 'chat-new-elder' && m.text.startsWith("Added. I'll remind you to take your heart pill"));
    expect(await app.orm.em.fork().count(MedicationSchedule, { medicine: 'heart pill' })).toBe(1);
    expect(await app.orm.em.fork().findOneOrFail(Elder, { name: 'Peggy' })).toMatchObject({ onboardingStep: 'confirm_timezone' });
    // Then her yes to the timezone.
    await whatsapp.say({ userId: 'new-elder', displayName: 'Peggy' }, 'yes');
    expect((await textsTo('chat-new-elder')).at(-1)).toMatch(/you're all set/);
    expect(await app.orm.em.fork().findOneOrFail(Elder, { name: 'Peggy' })).toMatchObject({ city: 'Leeds', onboardingStep: null });
  });

  it('stays silent in a group that is no family circle', async () => {
    const margaret = await anElder(app.orm);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const group = `group-${randomUUID()}`;
    await chat.say(as(sarah.account, 'Sarah'), 'Did Mum take her pills today?', group);
    await chat.say({ userId: 'passer-by', displayName: 'Pat' }, 'hello bot', group);
    expect(await textsTo(group)).toEqual([]);
  });

  it('asks a member with two elders which one they mean, and remembers "Mum"', async () => {
    const margaret = await anElder(app.orm, { name: 'Margaret' });
    const george = await anElder(app.orm, { name: 'George' });
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const em = app.orm.em.fork();
    em.create(CaregiverLink, { id: randomUUID(), elderId: george.elder.id, accountId: sarah.account.id, role: 'family', removedAt: null });
    await em.flush();
    await aMedicationSchedule(app.orm, margaret.elder, { medicine: 'Metformin' });
    await aMedicationSchedule(app.orm, george.elder, { medicine: 'Warfarin' });
    const me = as(sarah.account, 'Sarah');

    await chat.say(me, 'Did Mum take her pills today?');
    const ask = (await outboxTo(app, sarah.account.chatId)).at(-1)!;
    expect(ask.text).toBe('Who would you like to talk about?');
    expect(ask.buttons!.map((row) => row[0]!.label).sort()).toEqual(['George', 'Margaret']);

    await chat.say(me, '/elder Mum');
    const withNickname = (await outboxTo(app, sarah.account.chatId)).at(-1)!;
    const margaretButton = withNickname.buttons!.flat().find((b) => b.label === 'Margaret')!;
    expect(margaretButton.data).toBe(`elder:${margaret.elder.id}:Mum`);
    await chat.press(me, margaretButton.data);
    expect((await textsTo(sarah.account.chatId)).at(-1)).toBe("Okay: I'll answer about Margaret.");

    await chat.say(me, 'Did Mum take her pills today?');
    expect((await textsTo(sarah.account.chatId)).at(-1)).toMatch(/Metformin/);
    await chat.say(me, 'Did George take his pills today?');
    expect((await textsTo(sarah.account.chatId)).at(-1)).toMatch(/Warfarin/);
    await chat.say(me, '/elder George');
    await chat.say(me, 'has he had his tablets today?');
    expect((await textsTo(sarah.account.chatId)).at(-1)).toMatch(/^Today \(Tuesday 24 November\).* George/);
  });

  it('does not take the name of somebody else as a nickname for the one elder a family member is linked to', async () => {
    const joan = await anElder(app.orm, { name: 'Joan' });
    const gus = await aFamilyMember(app.orm, joan.elder, { role: 'caregiver', name: 'Gus' });
    await chat.say(as(gus.account, 'Gus'), '/elder Dorothy');
    expect((await textsTo(gus.account.chatId)).at(-1)).toBe('You are linked to Joan, not to anyone called Dorothy. If "Dorothy" is what you call Joan, send /elder Joan Dorothy.');
    // Asked about Dorothy, it is still not Joan who is answered about.
    await chat.say(as(gus.account, 'Gus'), 'did Dorothy take her pills today?');
    expect((await textsTo(gus.account.chatId)).at(-1)).toBe("Sorry, I can't help with that: you are not linked to that person.");
    await chat.say(as(gus.account, 'Gus'), '/elder Joan Dorothy');
    expect((await textsTo(gus.account.chatId)).at(-1)).toBe("Okay: I'll answer about Joan.");
    await chat.say(as(gus.account, 'Gus'), '/elder Nana');
    expect((await textsTo(gus.account.chatId)).at(-1)).toBe("Okay: I'll answer about Joan.");
  });

  it('acknowledges an alert when a family member types "on my way"', async () => {
    const margaret = await anElder(app.orm);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const alert = await anOpenAlert(app.orm, margaret.elder);
    await chat.say(as(sarah.account, 'Sarah'), 'On my way!');
    expect((await textsTo(sarah.account.chatId)).at(-1)).toBe("Thank you, Sarah. I've told Margaret and the family that you're on it.");
    expect(await app.orm.em.fork().findOneOrFail(Alert, { id: alert.id })).toMatchObject({ status: 'acknowledged', acknowledgedByAccountId: sarah.account.id });
  });

  it('makes a son who pressed Start before typing his code her family, not a second elder', async () => {
    const margaret = await anElder(app.orm);
    await aMedicationSchedule(app.orm, margaret.elder);
    const tom: Person = { userId: `tom-${randomUUID()}`, displayName: 'Tom' };
    // Telegram has everyone press Start first: he is taken for a new elder and asked his name.
    await chat.say(tom, '/start');
    expect((await textsTo(`chat-${tom.userId}`)).at(-1)).toMatch(/First, what's your name\?$/);
    const registered = await app.orm.em.fork().findOneOrFail(ChannelAccount, { externalUserId: tom.userId });
    expect(registered).toMatchObject({ role: 'elder', elderId: expect.any(String) });

    await chat.say(as(margaret.account, 'Margaret'), 'add my son');
    const code = /FAMILY-[2-9A-Z-]{11}/.exec((await textsTo(margaret.account.chatId)).join('\n'))![0];
    await chat.say(tom, `/join ${code}`);
    expect((await textsTo(`chat-${tom.userId}`)).at(-1)).toMatch(/^Welcome! You're now in Margaret's family circle as family/);
    const em = app.orm.em.fork();
    expect(await em.findOneOrFail(ChannelAccount, { externalUserId: tom.userId })).toMatchObject({ role: 'family', elderId: null });
    expect(await em.count(Elder, { id: registered.elderId! })).toBe(0);
    expect(await em.count(CaregiverLink, { elderId: margaret.elder.id, accountId: registered.id, removedAt: null })).toBe(1);
    // He asks about his mother and is answered from her records, not asked his name again.
    await chat.say(tom, 'Did Mum take her pills today?');
    expect((await textsTo(`chat-${tom.userId}`)).at(-1)).toMatch(/Metformin/);
  });

  it('keeps an elder who has used the assistant an elder when she joins someone else\'s family', async () => {
    const margaret = await anElder(app.orm);
    const george = await anElder(app.orm, { name: 'George' });
    await aMedicationSchedule(app.orm, george.elder);
    // He has asked the assistant for something: a task of his own.
    await aConfirmedTask(app, george, 'log_dose', { status: 'taken' });
    await chat.say(as(margaret.account, 'Margaret'), 'add my husband');
    const code = /FAMILY-[2-9A-Z-]{11}/.exec((await textsTo(margaret.account.chatId)).join('\n'))![0];
    await chat.say(as(george.account, 'George'), `/join ${code}`);
    expect(await app.orm.em.fork().findOneOrFail(ChannelAccount, { id: george.account.id })).toMatchObject({ role: 'elder', elderId: george.elder.id });
    expect(await app.orm.em.fork().count(Elder, { id: george.elder.id })).toBe(1);
  });

  it('gives the elder a caregiver code when she asks to add her carer, and the family none', async () => {
    const margaret = await anElder(app.orm);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    await chat.say(as(margaret.account, 'Margaret'), 'Can you add my carer please');
    expect((await textsTo(margaret.account.chatId)).join('\n')).toMatch(/invite code for a caregiver of Margaret.*\n.*\/join CAREGIVER-/);
    await chat.say(as(sarah.account, 'Sarah'), '/invite');
    expect((await textsTo(sarah.account.chatId)).at(-1)).toBe('Sorry, only Margaret or a caregiver can invite people.');
  });
});
