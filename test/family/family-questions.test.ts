import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { chooseElder } from '../../src/tasks/family/family-members.ts';
import { answerFamilyQuestion, classifyFamilyQuestion } from '../../src/tasks/family/family-questions.ts';
import { MODES, startTestApp, testStorage, type TestStorage, useTestDatabase } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aBooking, aFamilyCircle, aFamilyMember, aMedicationSchedule, aPendingDose, aReminder, aVenue, anActivity, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { FamilyChat } from './family-chat.ts';

describe('reading family questions', () => {
  it('knows a question about medicines, plans or an appointment, and nothing else', () => {
    expect(classifyFamilyQuestion('did Mum take her pills today?')).toEqual({ kind: 'doses', day: 'today' });
    expect(classifyFamilyQuestion('Has Dad had his tablets yesterday')).toEqual({ kind: 'doses', day: 'yesterday' });
    expect(classifyFamilyQuestion("what's Mum doing this week?")).toEqual({ kind: 'plans', range: 'week' });
    expect(classifyFamilyQuestion('anything on tomorrow?')).toEqual({ kind: 'plans', range: 'tomorrow' });
    expect(classifyFamilyQuestion('when is her hair appointment?')).toEqual({ kind: 'appointment', keywords: ['hair'] });
    expect(classifyFamilyQuestion('Lovely! Was it sunny?')).toBeNull();
    expect(classifyFamilyQuestion('lovely photo')).toBeNull();
  });

  it("leaves the elder's names, relationship words and possessives out of what an appointment is searched by", () => {
    expect(classifyFamilyQuestion("When is Margaret's next booking?")).toEqual({ kind: 'appointment', keywords: [], bookingsOnly: true, named: ['Margaret'] });
    expect(classifyFamilyQuestion("when is mum's next booking?")).toEqual({ kind: 'appointment', keywords: [], bookingsOnly: true });
    expect(classifyFamilyQuestion("Where's Gran's hair appointment on Thursday?")).toEqual({ kind: 'appointment', keywords: ['hair'] });
    expect(classifyFamilyQuestion('When\u2019s Auntie Dot\u2019s dentist appointment?')).toEqual({ kind: 'appointment', keywords: ['dentist'], named: ['Dot'] });
    expect(classifyFamilyQuestion("When Is Mum's Next Appointment?")).toEqual({ kind: 'appointment', keywords: [] });
  });

  it('names a person asked about as the subject or by a possessive, and no relationship word, day or place', () => {
    expect(classifyFamilyQuestion('Did Dorothy take her pills today?')?.named).toEqual(['Dorothy']);
    expect(classifyFamilyQuestion('Has Dorothy Smith had her tablets yesterday')?.named).toEqual(['Dorothy Smith']);
    expect(classifyFamilyQuestion("What's Dorothy up to this week?")?.named).toEqual(['Dorothy']);
    expect(classifyFamilyQuestion("Dorothy's pills today?")?.named).toEqual(['Dorothy']);
    expect(classifyFamilyQuestion('Did June take her tablets?')?.named).toEqual(['June']);
    for (const ordinary of ['Did Mum take her pills today?', 'Is Tuesday busy?', 'When is her table at Olive Garden?', 'Is Olive Garden booked for Friday?', "When is Mum's lunch at Luigi's?", "What's on Friday?", 'Did I book her hair?', 'Has Grandad had his insulin?']) {
      const question = classifyFamilyQuestion(ordinary);
      expect({ ordinary, named: question?.named }).toEqual({ ordinary, named: undefined });
    }
  });
});

describe.each(MODES)('answering the family from the records (%s database)', (mode) => {
  const orm = useTestDatabase(mode);

  it("answers about today's doses by the elder's own calendar day, not the server's", async () => {
    const { elder } = await anElder(orm, { name: 'Dorothy', timezone: 'America/New_York' });
    const sarah = await aFamilyMember(orm, elder);
    const pills = await aMedicationSchedule(orm, elder, { medicine: 'Aspirin', dose: '75mg', times: ['08:00', '20:00'] });
    const morning = await aPendingDose(orm, pills, new Date('2026-11-24T13:00:00Z'), '08:00');
    await aPendingDose(orm, pills, new Date('2026-11-25T01:00:00Z'), '20:00');
    await orm.em.fork().nativeUpdate(DoseEvent, { id: morning.id }, { status: 'taken' });
    // 22:30 on Tuesday in New York is already Wednesday in UTC.
    const now = new Date('2026-11-25T03:30:00Z');
    const answer = await answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: elder.id, question: { kind: 'doses', day: 'today' }, now });
    expect(answer).toBe(['Today (Tuesday 24 November) Dorothy has taken 1 of 2 doses due so far.', '• 8:00 am Aspirin 75mg: taken', '• 8:00 pm Aspirin 75mg: not confirmed yet'].join('\n'));
  });

  it('does not count a dose from before the medicine was added (never sent) as due', async () => {
    const who = await anElder(orm, { name: 'Edna' });
    const sarah = await aFamilyMember(orm, who.elder);
    // Added at 10:00 with doses at 8:00 and 20:00: this morning's was never sent.
    await aMedicationSchedule(orm, who.elder, { medicine: 'Metformin', dose: '500mg', times: ['08:00', '20:00'] });
    const now = new Date('2026-11-24T10:00:00Z');
    const answer = await answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: who.elder.id, question: { kind: 'doses', day: 'today' }, now });
    expect(answer).toBe(['Today (Tuesday 24 November) nothing was due yet for Edna.', '• 8:00 pm Metformin 500mg: due later'].join('\n'));
  });

  it("lists the week's bookings and reminders in local time, with what she shared lately", async () => {
    const who = await anElder(orm, { name: 'Margaret' });
    const sarah = await aFamilyMember(orm, who.elder);
    const salon = await aVenue(orm, { name: 'Curl Up & Dye', kind: 'salon' });
    await aBooking(orm, who.elder, salon, '2026-11-27T10:30', { service: 'wash and set' });
    await aBooking(orm, who.elder, salon, '2026-12-10T10:30', { service: 'perm' });
    await aReminder(orm, who.elder, who.account, '2026-11-25T17:00', { text: 'call Sarah' });
    await anActivity(orm, who.elder, new Date('2026-11-23T15:00:00Z'), 'baked scones');
    const now = new Date('2026-11-24T10:00:00Z');
    const answer = await answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: who.elder.id, question: { kind: 'plans', range: 'week' }, now });
    expect(answer).toBe(
      [
        "Margaret's plans in the next 7 days:",
        '• Wednesday 25 November at 5:00 pm: call Sarah',
        '• Friday 27 November at 10:30 am: wash and set at Curl Up & Dye (confirmed)',
        'Shared lately: baked scones (Monday).',
      ].join('\n'),
    );
    const hair = await answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: who.elder.id, question: classifyFamilyQuestion('when is her hair appointment?')!, now });
    expect(hair).toBe("Margaret's next hair appointment is on Friday 27 November at 10:30 am: wash and set at Curl Up & Dye (confirmed).");
    const dentist = await answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: who.elder.id, question: classifyFamilyQuestion('when is the dentist?')!, now });
    expect(dentist).toBe("I can't find a dentist appointment for Margaret in the bookings or reminders.");
  });

  it("finds Margaret's next booking whether she is asked about by name, nickname, relationship or possessive", async () => {
    const who = await anElder(orm, { name: 'Margaret Hill' });
    const sarah = await aFamilyMember(orm, who.elder);
    const now = new Date('2026-11-24T10:00:00Z');
    await chooseElder(orm, { actorAccountId: sarah.account.id, elderId: who.elder.id, nickname: 'Peggy', now });
    const salon = await aVenue(orm, { name: 'Curl Up & Dye', kind: 'salon' });
    await aBooking(orm, who.elder, salon, '2026-11-27T10:30', { service: 'wash and set' });
    await aReminder(orm, who.elder, who.account, '2026-12-02T09:00', { text: 'dentist check-up' });
    const ask = async (text: string) => answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: who.elder.id, question: classifyFamilyQuestion(text)!, now });
    const booking = "Margaret Hill's next booking is on Friday 27 November at 10:30 am: wash and set at Curl Up & Dye (confirmed).";
    for (const text of ["When is Margaret's next booking?", "when is margaret's next booking?", 'When is Mrs Hill booked?', "When is Mum's next booking?"]) {
      expect({ text, answer: await ask(text) }).toEqual({ text, answer: booking });
    }
    const appointment = "Margaret Hill's next appointment is on Friday 27 November at 10:30 am: wash and set at Curl Up & Dye (confirmed).";
    for (const text of ["When is Peggy's next appointment?", "when is peggy's next appointment?"]) {
      expect({ text, answer: await ask(text) }).toEqual({ text, answer: appointment });
    }
    expect(await ask("When is Margaret's dentist appointment?")).toBe("Margaret Hill's next dentist appointment is on Wednesday 2 December at 9:00 am: dentist check-up.");
    expect(await ask("When is Peggy's hair appointment?")).toBe("Margaret Hill's next hair appointment is on Friday 27 November at 10:30 am: wash and set at Curl Up & Dye (confirmed).");
  });

  it('says it cannot find an appointment, with "an", when the elder has none', async () => {
    const who = await anElder(orm, { name: 'Edith' });
    const sarah = await aFamilyMember(orm, who.elder);
    const answer = await answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: who.elder.id, question: classifyFamilyQuestion("When is Edith's next booking?")!, now: new Date('2026-11-24T10:00:00Z') });
    expect(answer).toBe("I can't find a booking for Edith in the bookings.");
  });

  it('answers a question about a booking from the bookings only, even when a reminder comes sooner', async () => {
    const who = await anElder(orm, { name: 'Margaret' });
    const sarah = await aFamilyMember(orm, who.elder);
    const now = new Date('2026-11-24T10:00:00Z');
    await aReminder(orm, who.elder, who.account, '2026-11-25T15:00', { text: 'water the tomatoes' });
    const ask = async (text: string) => answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: who.elder.id, question: classifyFamilyQuestion(text)!, now });
    expect(await ask("When is Margaret's next booking?")).toBe("I can't find a booking for Margaret in the bookings.");
    const olive = await aVenue(orm, { name: 'Olive Garden' });
    await aBooking(orm, who.elder, olive, '2026-11-27T19:00', { partySize: 2 });
    expect(await ask("When is Margaret's next booking?")).toBe("Margaret's next booking is on Friday 27 November at 7:00 pm: at Olive Garden (confirmed).");
    expect(await ask('when is her next reservation?')).toBe("Margaret's next booking is on Friday 27 November at 7:00 pm: at Olive Garden (confirmed).");
    // "Appointment" may be a reminder ("water the tomatoes" is no appointment, but a dentist reminder would be).
    expect(await ask("When is Margaret's next appointment?")).toBe("Margaret's next appointment is on Wednesday 25 November at 3:00 pm: water the tomatoes.");
  });

  it('tells a caregiver linked only to Margaret that they are not linked to Dorothy, and still answers about Margaret', async () => {
    const margaret = await anElder(orm, { name: 'Margaret' });
    const dorothy = await anElder(orm, { name: 'Dorothy' });
    const carer = await aFamilyMember(orm, margaret.elder, { role: 'caregiver', name: 'Priya' });
    await aFamilyMember(orm, dorothy.elder, { name: 'Tom' });
    const now = new Date('2026-11-24T10:00:00Z');
    for (const who of [margaret, dorothy]) {
      const pills = await aMedicationSchedule(orm, who.elder, { medicine: who === margaret ? 'Aspirin' : 'Warfarin', dose: '75mg', times: ['08:00'] });
      await aPendingDose(orm, pills, new Date('2026-11-24T08:00:00Z'), '08:00');
      await aBooking(orm, who.elder, await aVenue(orm, { name: 'Olive Garden' }), '2026-11-27T12:30');
    }
    const ask = async (text: string) => answerFamilyQuestion(orm, { actorAccountId: carer.account.id, elderId: margaret.elder.id, question: classifyFamilyQuestion(text)!, now });
    for (const text of ['Did Dorothy take her pills today?', "When is Dorothy's next booking?", "What's Dorothy up to this week?", 'Has Dorothy Smith had her tablets yesterday?', 'Did Auntie Dot take her meds?']) {
      expect({ text, answer: await ask(text) }).toEqual({ text, answer: NOT_LINKED_REPLY });
    }
    const margaretsDoses = ['Today (Tuesday 24 November) Margaret has taken 0 of 1 dose due so far.', '• 8:00 am Aspirin 75mg: not confirmed yet'].join('\n');
    expect(await ask('Did Margaret take her pills today?')).toBe(margaretsDoses);
    expect(await ask('Did Mum take her pills today?')).toBe(margaretsDoses);
    expect(await ask('When is her table at Olive Garden?')).toBe("Margaret's next table booking is on Friday 27 November at 12:30 pm: at Olive Garden (confirmed).");
    expect(await ask('Is Tuesday busy?')).toMatch(/^Margaret's plans in the next 7 days:\n/);
  });

  it('tells someone linked to two elders where to ask when a question about one names the other', async () => {
    const margaret = await anElder(orm, { name: 'Margaret' });
    const dorothy = await anElder(orm, { name: 'Dorothy' });
    const sarah = await aFamilyMember(orm, margaret.elder);
    const em = orm.em.fork();
    em.create(CaregiverLink, { id: randomUUID(), elderId: dorothy.elder.id, accountId: sarah.account.id, role: 'family', removedAt: null });
    await em.flush();
    const answer = await answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId: margaret.elder.id, question: classifyFamilyQuestion('Did Dorothy take her pills today?')!, now: new Date('2026-11-24T10:00:00Z') });
    expect(answer).toBe('I can only answer about Margaret here. To ask about Dorothy, send me /elder in a private chat, choose who you mean, then ask again.');
  });
});

describe.each(MODES)('family questions through the router (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let chat: FamilyChat;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent });
    chat = new FamilyChat(app);
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it("answers a caregiver's question about someone they are not linked to with the not-linked reply, privately and in the family group", async () => {
    const margaret = await anElder(app.orm, { name: 'Margaret' });
    const carer = await aFamilyMember(app.orm, margaret.elder, { role: 'caregiver', name: 'Priya' });
    const circle = await aFamilyCircle(app.orm, margaret.elder);
    const priya = { userId: carer.account.externalUserId, displayName: 'Priya' };
    await chat.say(priya, 'Did Dorothy take her pills today?');
    await chat.say(priya, 'did Mum take her pills today?');
    await chat.say(priya, "When is Dorothy's next booking?", circle.groupChatId);
    expect((await outboxTo(app, carer.account.chatId)).map((m) => m.text)).toEqual([NOT_LINKED_REPLY, 'Today (Tuesday 24 November) Margaret had no medicines due.']);
    expect((await outboxTo(app, circle.groupChatId)).map((m) => m.text)).toEqual([NOT_LINKED_REPLY]);
  });
});
