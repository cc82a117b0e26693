import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/core';
import { openDatabase } from '../../src/db/orm.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { answerFamilyQuestion, classifyFamilyQuestion } from '../../src/tasks/family/family-questions.ts';
import { MODES, testStorage, type TestStorage } from '../support/test-app.ts';
import { aBooking, aFamilyMember, aMedicationSchedule, aPendingDose, aReminder, aVenue, anActivity, anElder } from '../support/factories.ts';

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
});

describe.each(MODES)('answering the family from the records (%s database)', (mode) => {
  let storage: TestStorage;
  let orm: MikroORM;

  beforeAll(async () => {
    storage = testStorage(mode);
    orm = await openDatabase(storage.database);
  });
  afterAll(async () => {
    await orm.close();
    await storage.cleanup();
  });

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
});
