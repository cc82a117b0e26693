import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { InviteCode } from '../../src/tasks/family/invite-code.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aBooking, aFamilyMember, aMedicationSchedule, aPendingDose, aVenue, anActivity, anElder, anOpenAlert, outboxTo } from '../support/factories.ts';
import { ElderChoice } from '../../src/tasks/family/elder-choice.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { FamilyChat, type Person } from './family-chat.ts';

const CODE = /(?:FAMILY|CAREGIVER)-[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}/;
const margaret: Person = { userId: 'margaret', displayName: 'Maggie' };
const sarah: Person = { userId: 'sarah', displayName: 'Sarah' };
const mallory: Person = { userId: 'mallory', displayName: 'Mallory' };
const GROUP = 'group-smiths';

describe.each(MODES)('the family story: elder, daughter and a stranger (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let chat: FamilyChat;
  const channel = new FakeChannel();
  // Tuesday 24 November 2026, 10:00 in London (UTC+0 in winter).
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const sent = (chatId: string, pattern: RegExp) => channel.waitFor((m) => m.chatId === chatId && pattern.test(m.text));
  const codeIn = async (chatId: string, after: number): Promise<string> => {
    const message = await channel.waitFor((m) => m.chatId === chatId && CODE.test(m.text) && channel.sent.indexOf(m) >= after);
    return CODE.exec(message.text)![0];
  };

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    chat = new FamilyChat(app);
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it('onboards the elder in chat: name, town, and the timezone read back for a yes', async () => {
    await chat.say(margaret, '/start');
    const intro = await sent('chat-margaret', /^Hello, I'm your assistant/);
    const [about, question] = intro.text.split('\n\n');
    expect(about!.split(/(?<=\.) /)).toHaveLength(2);
    expect(about).toContain('Your family will see your reminders and any alerts');
    expect(question).toBe("First, what's your name?");

    await chat.say(margaret, "I'm Margaret");
    await sent('chat-margaret', /Lovely to meet you, Margaret\. Which town/);
    await chat.say(margaret, 'I live in Manchester');
    const readBack = await sent('chat-margaret', /London time \(GMT\): it's 10:00 am on Tuesday there now\. Is that right\?/);
    await chat.press(margaret, readBack.buttons![0]![0]!.data);
    await sent('chat-margaret', /Thank you, Margaret, you're all set/);

    const elder = await app.orm.em.fork().findOneOrFail(Elder, { name: 'Margaret' });
    expect(elder).toMatchObject({ timezone: 'Europe/London', city: 'Manchester', onboardingStep: null });
  });

  it('gives the elder a family invite code, which the daughter redeems once and a stranger cannot reuse', async () => {
    const before = channel.sent.length;
    await chat.say(margaret, 'add my daughter');
    await sent('chat-margaret', /invite code for a family member of Margaret\. It works once, for the next 24 hours/);
    const code = await codeIn('chat-margaret', before);
    expect(code).toMatch(/^FAMILY-/);

    await chat.say(sarah, `/join ${code}`);
    await sent('chat-sarah', /^Welcome! You're now in Margaret's family circle as family/);
    await sent('chat-margaret', /^Sarah has joined your family circle\.$/);

    await chat.say(mallory, `/join ${code}`);
    await sent('chat-mallory', /that code doesn't work/);
    const em = app.orm.em.fork();
    expect(await em.count(CaregiverLink, {})).toBe(1);
    expect(await em.count(ChannelAccount, { externalUserId: 'mallory' })).toBe(0);
    // Only the hash is stored.
    const stored = await em.find(InviteCode, {});
    expect(JSON.stringify(stored)).not.toContain(code.slice(-3));
  });

  it('links the family group with /link and a second code', async () => {
    const before = channel.sent.length;
    await chat.say(margaret, '/invite');
    const code = await codeIn('chat-margaret', before);
    await chat.say(sarah, `/link ${code}`, GROUP);
    await sent(GROUP, /^This group is now Margaret's family circle/);
    const circle = await app.orm.em.fork().findOneOrFail(FamilyCircle, { groupChatId: GROUP });
    expect(circle.channel).toBe('telegram');
  });

  it("shares the elder's activity with the group and sends a reply in the group back to her", async () => {
    await chat.say(margaret, 'I went for a walk in the park this morning');
    const readBack = await sent('chat-margaret', /Shall I share it\?/);
    await chat.press(margaret, readBack.buttons![0]![0]!.data);
    await app.settle();
    await sent(GROUP, /^Margaret shared: .*walk in the park/);

    await chat.say(sarah, 'Lovely! Was it sunny?', GROUP);
    await sent('chat-margaret', /^Sarah replied: Lovely! Was it sunny\?$/);
  });

  it('answers the family from the records in her local time, in the group and privately', async () => {
    const elder = await app.orm.em.fork().findOneOrFail(Elder, { name: 'Margaret' });
    const schedule = await aMedicationSchedule(app.orm, elder, { medicine: 'Metformin', dose: '500mg', times: ['08:00', '20:00'] });
    const dose = await aPendingDose(app.orm, schedule, new Date('2026-11-24T08:00:00Z'), '08:00');
    await app.orm.em.fork().nativeUpdate(DoseEvent, { id: dose.id }, { status: 'taken' });
    const salon = await aVenue(app.orm, { name: 'Curl Up & Dye', kind: 'salon' });
    await aBooking(app.orm, elder, salon, '2026-11-27T10:30', { service: 'wash and set' });

    await chat.say(sarah, 'Did Mum take her pills today?', GROUP);
    const doses = await sent(GROUP, /^Today \(Tuesday 24 November\) Margaret has taken 1 of 1 dose due so far/);
    expect(doses.text).toContain('• 8:00 am Metformin 500mg: taken');
    expect(doses.text).toContain('• 8:00 pm Metformin 500mg: due later');

    await chat.say(sarah, "What's Mum doing this week?");
    const week = await sent('chat-sarah', /^Margaret's plans in the next 7 days:/);
    expect(week.text).toContain('• Friday 27 November at 10:30 am: wash and set at Curl Up & Dye (confirmed)');

    await chat.say(sarah, 'When is her hair appointment?');
    await sent('chat-sarah', /^Margaret's next hair appointment is on Friday 27 November at 10:30 am: wash and set at Curl Up & Dye \(confirmed\)\.$/);
  });

  it('repeats an emergency to the family every few minutes until the daughter presses "I\'m on it"', async () => {
    await chat.say(margaret, "Help, I've fallen and I can't get up");
    await app.settle();
    const first = await sent('chat-sarah', /^URGENT: Margaret needs help/);
    await sent(GROUP, /^URGENT: Margaret needs help/);
    const ack = first.buttons![0]![0]!;
    expect(ack).toEqual({ label: "I'm on it", data: expect.stringMatching(/^ack:/) });

    clock.set('2026-11-24T10:03:00Z');
    await app.tick();
    await app.settle();
    await sent('chat-sarah', /^URGENT, still unanswered: Margaret needs help/);

    // A stranger pressing the button (a forwarded message) changes nothing.
    await chat.say(mallory, '/start');
    await chat.press(mallory, ack.data);
    await sent('chat-mallory', /you are not linked to that person/);
    expect((await app.orm.em.fork().findOneOrFail(Alert, { id: ack.data.slice(4) })).status).toBe('open');

    await chat.press(sarah, ack.data);
    await sent('chat-sarah', /^Thank you, Sarah\. I've told Margaret and the family that you're on it\.$/);
    await sent('chat-margaret', /^Sarah has seen your alert and is on it\.$/);
    await sent(GROUP, /^Sarah is on it: Margaret's alert/);
    await chat.press(sarah, ack.data);
    await sent('chat-sarah', /^You're already on it/);

    clock.set('2026-11-24T10:10:00Z');
    await app.tick();
    await app.settle();
    await new Promise((r) => setTimeout(r, 200));
    const repeats = (await outboxTo(app, 'chat-sarah')).filter((m) => m.text.startsWith('URGENT, still unanswered'));
    expect(repeats).toHaveLength(1);
  });

  it('refuses every family question, command and button from a stranger, another family and a removed caregiver, and changes nothing', async () => {
    const em = app.orm.em.fork();
    const elder = await em.findOneOrFail(Elder, { name: 'Margaret' });
    const joan = await anElder(app.orm, { name: 'Joan' });
    const olly = (await aFamilyMember(app.orm, joan.elder, { name: 'Olly' })).account;
    const carol = (await aFamilyMember(app.orm, elder, { role: 'caregiver', removed: true, name: 'Carol' })).account;
    const alert = await anOpenAlert(app.orm, elder, { nextNotifyAt: new Date('2026-11-24T11:00:00Z') });
    await anActivity(app.orm, elder, clock.now());
    const minute = Math.floor(clock.now().getTime() / 60_000);
    const snapshot = async () => {
      const f = app.orm.em.fork();
      return JSON.stringify({
        elder: await f.findOne(Elder, { id: elder.id }),
        links: await f.find(CaregiverLink, { elderId: elder.id }, { orderBy: { id: 'asc' } }),
        codes: await f.count(InviteCode, { elderId: elder.id }),
        choices: await f.find(ElderChoice, { elderId: elder.id }, { orderBy: { id: 'asc' } }),
        circle: await f.findOne(FamilyCircle, { elderId: elder.id }),
        alert: await f.findOne(Alert, { id: alert.id }),
        toMargaret: await f.count(MessageLog, { chatId: 'chat-margaret', direction: 'out' }),
        toGroup: await f.count(MessageLog, { chatId: GROUP, direction: 'out' }),
      });
    };
    const before = await snapshot();
    const intruders: Person[] = [
      mallory,
      { userId: olly.externalUserId, displayName: 'Olly' },
      { userId: carol.externalUserId, displayName: 'Carol' },
      { userId: 'never-wrote', displayName: 'Nobody' },
    ];
    const privately = [
      'Did Margaret take her pills today?',
      "What's Margaret doing this week?",
      "When is Margaret's hair appointment?",
      '/invite',
      '/invite caregiver for Margaret',
      '/export',
      '/remove Sarah',
      '/elder Margaret',
      "I'm on it",
    ];
    const buttons = [`ack:${alert.id}`, `elder:${elder.id}:Mum`, `forget:yes:${elder.id}:${minute}`, 'onb:yes'];
    for (const person of intruders) {
      for (const text of privately) await chat.say(person, text);
      for (const data of buttons) await chat.press(person, data);
      await chat.say(person, 'Did Mum take her pills today?', GROUP);
      await chat.say(person, 'Lovely!', GROUP);
    }
    await app.settle();
    await new Promise((r) => setTimeout(r, 300));

    expect(await snapshot()).toBe(before);
    for (const person of intruders) {
      const replies = (await outboxTo(app, `chat-${person.userId}`)).map((m) => m.text).join('\n');
      expect(replies).not.toMatch(/Metformin|Curl Up|wash and set|walk in the park|fell in the kitchen/);
    }
    // Carol and Olly are told plainly; the group heard nothing from any of them.
    expect((await outboxTo(app, `chat-${carol.externalUserId}`)).some((m) => /not linked/.test(m.text))).toBe(true);
  });
});
