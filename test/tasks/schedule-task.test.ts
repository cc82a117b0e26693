import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import type { Agent, AgentDecision } from '../../src/agent/agent.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import type { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { aBooking, aMedicationSchedule, anElder, aPendingDose, aReminder, aVenue, outboxTo } from '../support/factories.ts';

describe.each(MODES)('get_schedule (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  const channel = new FakeChannel();
  // Tuesday 24 November 2026, 10:00 in London (UTC+0 in winter).
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const script: AgentDecision[] = [];
  const scriptedAgent: Agent = {
    respond: async () => {
      const next = script.shift();
      if (!next) throw new Error('the agent was asked more than the test scripted');
      return next;
    },
  };

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel], agent: scriptedAgent, role: 'front' });
    await app.executor?.stop();
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  /** Asks as the assistant does for a read-only tool: saved and run at once, no yes needed. Returns the answer. */
  async function ask(who: { elder: Elder; account: ChannelAccount }, args: Record<string, unknown>): Promise<string> {
    const task = await app.tasks.submit({ elder: who.elder, kind: 'get_schedule', args, requestedByAccountId: who.account.id, replyChannel: 'telegram', replyChatId: who.account.chatId }, { inline: true });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    return (await outboxTo(app, who.account.chatId)).at(-1)!.text;
  }

  it("answers at once when asked in chat, without a read-back or a yes", async () => {
    const who = await anElder(app.orm);
    await aMedicationSchedule(app.orm, who.elder, { times: ['18:00'] });
    script.push({ kind: 'tool', tool: 'get_schedule', args: { date: '2026-11-24' }, confidence: 1 });
    await channel.say(who.account.externalUserId, 'what do I have today?');
    const sent = await outboxTo(app, who.account.chatId);
    expect(sent.map((m) => m.text)).toEqual(['Today, Tuesday 24 November, you have:\n- 6:00 pm: Metformin 500mg']);
    expect(sent[0]!.buttons).toBeNull();
    const tasks = await app.orm.em.fork().find(Task, { elderId: who.elder.id });
    expect(tasks.map((t) => [t.kind, t.status])).toEqual([['get_schedule', 'succeeded']]);
  });

  it('lists reminders, medicine doses and bookings of a day in local time order, and nothing of other days or people', async () => {
    const who = await anElder(app.orm);
    const other = await anElder(app.orm, { name: 'Albert' });
    await aMedicationSchedule(app.orm, who.elder, { times: ['08:00', '20:00'] });
    await aMedicationSchedule(app.orm, who.elder, { medicine: 'Amoxicillin', dose: null, times: ['12:00'], days: ['mon', 'fri'] });
    await aMedicationSchedule(app.orm, who.elder, { medicine: 'Vitamin D', dose: null, times: ['09:30'], startDate: '2026-11-26' });
    await aMedicationSchedule(app.orm, who.elder, { medicine: 'Ibuprofen', dose: null, times: ['13:00'], endDate: '2026-11-20' });
    await aMedicationSchedule(app.orm, who.elder, { medicine: 'Paused pill', dose: null, times: ['14:00'], status: 'paused' });
    await aMedicationSchedule(app.orm, who.elder, { medicine: 'Eye drops', dose: null, times: ['21:00'], notes: 'both eyes' });
    await aReminder(app.orm, who.elder, who.account, '2026-11-25T17:00', { text: 'call Sarah' });
    await aReminder(app.orm, who.elder, who.account, '2026-11-20T09:00', { text: 'water the plants', repeat: 'daily' });
    await aReminder(app.orm, who.elder, who.account, '2026-11-18T10:00', { text: 'bin day', repeat: 'weekly' });
    await aReminder(app.orm, who.elder, who.account, '2026-11-19T10:00', { text: 'choir', repeat: 'weekly' });
    await aReminder(app.orm, who.elder, who.account, '2026-11-25T15:00', { text: 'cancelled thing', status: 'cancelled' });
    await aReminder(app.orm, who.elder, who.account, '2026-11-26T15:00', { text: 'not that day' });
    const olive = await aVenue(app.orm, { name: 'Olive Garden' });
    const tonys = await aVenue(app.orm, { name: "Tony's", kind: 'salon' });
    await aBooking(app.orm, who.elder, olive, '2026-11-25T19:00', { partySize: 4 });
    await aBooking(app.orm, who.elder, tonys, '2026-11-25T11:00', { status: 'requested', partySize: null, service: 'haircut' });
    await aBooking(app.orm, who.elder, olive, '2026-11-25T13:00', { status: 'cancelled' });
    await aBooking(app.orm, who.elder, olive, '2026-11-26T19:00');
    await aBooking(app.orm, other.elder, olive, '2026-11-25T18:00');
    await aMedicationSchedule(app.orm, other.elder, { medicine: 'Warfarin', times: ['18:30'] });

    expect(await ask(who, { date: '2026-11-25' })).toBe(
      [
        'Tomorrow, Wednesday 25 November, you have:',
        '- 8:00 am: Metformin 500mg',
        '- 9:00 am: Reminder: water the plants',
        '- 10:00 am: Reminder: bin day',
        "- 11:00 am: Haircut at Tony's (waiting for your family to confirm)",
        '- 5:00 pm: Reminder: call Sarah',
        '- 7:00 pm: Table for 4 at Olive Garden',
        '- 8:00 pm: Metformin 500mg',
        '- 9:00 pm: Eye drops (both eyes)',
      ].join('\n'),
    );
  });

  it("says times in the elder's own timezone", async () => {
    const who = await anElder(app.orm, { timezone: 'Asia/Kolkata' });
    await aMedicationSchedule(app.orm, who.elder, { medicine: 'Thyroxine', dose: null, times: ['07:00'] });
    const venue = await aVenue(app.orm, { name: 'Spice Garden', timezone: 'Asia/Kolkata' });
    await aBooking(app.orm, who.elder, venue, '2026-12-01T19:30', { partySize: 2 });
    expect(await ask(who, { date: '2026-12-01' })).toBe(['On Tuesday 1 December you have:', '- 7:00 am: Thyroxine', '- 7:30 pm: Table for 2 at Spice Garden'].join('\n'));
  });

  it('says kindly that a day is empty', async () => {
    const who = await anElder(app.orm);
    expect(await ask(who, { date: '2026-12-25' })).toBe('You have nothing planned on Friday 25 December. Enjoy a quiet day.');
    expect(await ask(who, { date: '2026-11-24' })).toBe('You have nothing planned today, Tuesday 24 November. Enjoy a quiet day.');
  });

  it('with no date, says the next medicine dose and the next reminder or booking, whichever comes first', async () => {
    const who = await anElder(app.orm);
    await aMedicationSchedule(app.orm, who.elder, { times: ['08:00', '20:00'], nextDoseAt: new Date('2026-11-24T08:00:00Z') });
    await aReminder(app.orm, who.elder, who.account, '2026-11-25T17:00', { text: 'call Sarah' });
    const olive = await aVenue(app.orm, { name: 'Olive Garden' });
    await aBooking(app.orm, who.elder, olive, '2026-11-25T12:30', { partySize: 2 });
    expect(await ask(who, {})).toBe(
      ['Your next medicine: Metformin 500mg, on Tuesday 24 November at 8:00 pm.', 'Your next booking: Table for 2 at Olive Garden, on Wednesday 25 November at 12:30 pm.'].join('\n'),
    );
  });

  it('with no date, names the next reminder and says when there is no medicine', async () => {
    const who = await anElder(app.orm);
    await aReminder(app.orm, who.elder, who.account, '2026-11-20T09:00', { text: 'water the plants', repeat: 'daily' });
    expect(await ask(who, {})).toBe(['You have no medicines on your list.', 'Your next reminder: "water the plants", on Wednesday 25 November at 9:00 am.'].join('\n'));
  });

  it("says how each of today's doses went, so \"did I take my pills?\" is answered from the same list, leaving out doses never sent", async () => {
    const who = await anElder(app.orm);
    const metformin = await aMedicationSchedule(app.orm, who.elder, { times: ['07:00', '08:00', '09:00', '20:00'] });
    const seven = await aPendingDose(app.orm, metformin, new Date('2026-11-24T07:00:00Z'), '07:00');
    const eight = await aPendingDose(app.orm, metformin, new Date('2026-11-24T08:00:00Z'), '08:00');
    await aPendingDose(app.orm, metformin, new Date('2026-11-24T09:00:00Z'), '09:00');
    // 6:00 am was never sent (no dose event): the medicine did not exist yet, so it is not listed.
    await app.orm.em.fork().nativeUpdate(MedicationSchedule, { id: metformin.id }, { times: ['06:00', '07:00', '08:00', '09:00', '20:00'] });
    await app.orm.em.fork().nativeUpdate(DoseEvent, { id: seven.id }, { status: 'taken' });
    await app.orm.em.fork().nativeUpdate(DoseEvent, { id: eight.id }, { status: 'skipped' });
    await aReminder(app.orm, who.elder, who.account, '2026-11-24T15:00', { text: 'call Sarah' });
    expect(await ask(who, { date: '2026-11-24', about: 'medicines' })).toBe(
      [
        'Today, Tuesday 24 November, you have:',
        '- 7:00 am: Metformin 500mg (taken)',
        '- 8:00 am: Metformin 500mg (skipped)',
        '- 9:00 am: Metformin 500mg (not confirmed yet)',
        '- 8:00 pm: Metformin 500mg',
      ].join('\n'),
    );
    // Without a topic the reminder is listed too; tomorrow's doses have no state yet.
    expect(await ask(who, { date: '2026-11-24' })).toContain('- 3:00 pm: Reminder: call Sarah');
    expect(await ask(who, { date: '2026-11-25', about: 'medicines' })).not.toMatch(/taken|skipped|confirmed/);
    expect(await ask(who, { date: '2026-11-24', about: 'bookings' })).toBe('You have no bookings today, Tuesday 24 November.');
  });

  it('with no date and a topic, answers only about that: the next booking even when a reminder comes sooner', async () => {
    const who = await anElder(app.orm);
    await aMedicationSchedule(app.orm, who.elder, { times: ['20:00'] });
    await aReminder(app.orm, who.elder, who.account, '2026-11-25T09:00', { text: 'water the tomatoes' });
    const olive = await aVenue(app.orm, { name: 'Olive Garden' });
    await aBooking(app.orm, who.elder, olive, '2026-11-27T19:00', { partySize: 2 });
    expect(await ask(who, { about: 'bookings' })).toBe('Your next booking: Table for 2 at Olive Garden, on Friday 27 November at 7:00 pm.');
    expect(await ask(who, { about: 'reminders' })).toBe('Your next reminder: "water the tomatoes", on Wednesday 25 November at 9:00 am.');
    expect(await ask(who, { about: 'medicines' })).toBe('Your next medicine: Metformin 500mg, on Tuesday 24 November at 8:00 pm.');
    const nobody = await anElder(app.orm);
    expect(await ask(nobody, { about: 'bookings' })).toBe('You have no bookings coming up.');
  });

  it('with no date and nothing planned, says the schedule is clear', async () => {
    const who = await anElder(app.orm);
    expect(await ask(who, {})).toBe('You have nothing coming up. Your schedule is clear.');
  });

  it('over a week, lists what is still to come grouped by day in local time, and a medicine taken at the same times every day once', async () => {
    const who = await anElder(app.orm);
    await aMedicationSchedule(app.orm, who.elder, { times: ['08:00', '20:00'] });
    await aMedicationSchedule(app.orm, who.elder, { medicine: 'Alendronic acid', dose: '70mg', times: ['07:00'], days: ['thu'] });
    await aReminder(app.orm, who.elder, who.account, '2026-11-26T17:00', { text: 'call Sarah' });
    await aReminder(app.orm, who.elder, who.account, '2026-11-24T09:00', { text: 'this one is over' });
    const olive = await aVenue(app.orm, { name: 'Olive Garden' });
    await aBooking(app.orm, who.elder, olive, '2026-11-28T19:00', { partySize: 4 });
    expect(await ask(who, { date: '2026-11-24', until: '2026-11-29' })).toBe(
      [
        'From Tuesday 24 November to Sunday 29 November you have:',
        'Every day: Metformin 500mg at 8:00 am and 8:00 pm',
        'Thursday 26 November:',
        '- 7:00 am: Alendronic acid 70mg',
        '- 5:00 pm: Reminder: call Sarah',
        'Saturday 28 November:',
        '- 7:00 pm: Table for 4 at Olive Garden',
      ].join('\n'),
    );
  });

  it("over a span, names tomorrow as tomorrow and lists a medicine by day when its times change, in the elder's own timezone", async () => {
    const who = await anElder(app.orm, { timezone: 'America/New_York' });
    await aMedicationSchedule(app.orm, who.elder, { medicine: 'Warfarin', dose: '3mg', times: ['18:00'], endDate: '2026-11-25' });
    // 10:00 UTC is 5:00 am in New York: today's 6:00 pm dose is still to come.
    expect(await ask(who, { date: '2026-11-24', until: '2026-11-26' })).toBe(
      ['From Tuesday 24 November to Thursday 26 November you have:', 'Today, Tuesday 24 November:', '- 6:00 pm: Warfarin 3mg', 'Tomorrow, Wednesday 25 November:', '- 6:00 pm: Warfarin 3mg'].join('\n'),
    );
  });

  it('says kindly that a span is empty, or empty of the one thing asked about', async () => {
    const who = await anElder(app.orm);
    expect(await ask(who, { date: '2026-11-30', until: '2026-12-06' })).toBe('You have nothing planned from Monday 30 November to Sunday 6 December.');
    await aReminder(app.orm, who.elder, who.account, '2026-12-01T10:00', { text: 'call Sarah' });
    expect(await ask(who, { date: '2026-11-30', until: '2026-12-06', about: 'medicines' })).toBe('You have no medicine doses from Monday 30 November to Sunday 6 December.');
  });
});
