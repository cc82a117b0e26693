import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { createTaskHandlers } from '../../src/tasks/task-handlers.ts';
import { TaskService } from '../../src/tasks/task-service.ts';
import { NothingToConfirmError } from '../../src/tasks/task-errors.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, aFamilyCircle, aFamilyMember, aMedicationSchedule, anElder, aPendingDose, outboxTo, unusedAgent } from '../support/factories.ts';

const handlers = createTaskHandlers();
const readBack = (kind: string, args: Record<string, unknown>, elder: Elder): string => {
  const handler = handlers.get(kind)!;
  return handler.readBack(handler.schema.parse(args), elder);
};

describe.each(MODES)('medicine tasks (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  // Tuesday 24 November 2026, 10:00 in London (UTC+0 in winter).
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    // A front process: no BullMQ worker, so each test drives the runner by hand.
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  const lastTextTo = async (chatId: string): Promise<string | undefined> => (await outboxTo(app, chatId)).at(-1)?.text;

  describe('add_medication', () => {
    it('reads a twice-daily medicine back with its dose and times', async () => {
      const { elder } = await anElder(app.orm);
      expect(readBack('add_medication', { medicine: 'Metformin', dose: '500mg', times: ['20:00', '08:00'] }, elder)).toBe(
        'Metformin 500mg every day at 8:00 am and 8:00 pm. Shall I add it?',
      );
    });

    it('starts the read-back with a capital however she wrote the name', async () => {
      const { elder } = await anElder(app.orm);
      expect(readBack('add_medication', { medicine: 'heart pill', times: ['08:00'] }, elder)).toBe('Heart pill every day at 8:00 am. Shall I add it?');
    });

    it('reads back the weekdays, the dates and the notes of a short course', async () => {
      const { elder } = await anElder(app.orm);
      const args = { medicine: 'Amoxicillin', times: ['09:00'], days: ['fri', 'mon', 'wed'], start_date: '2026-11-25', end_date: '2026-12-01', notes: 'with food' };
      expect(readBack('add_medication', args, elder)).toBe(
        'Amoxicillin every Monday, Wednesday and Friday at 9:00 am, from Wednesday 25 November to Tuesday 1 December (with food). Shall I add it?',
      );
    });

    it("adds the schedule once, in the elder's timezone, with its first dose at 8:00 am New York time", async () => {
      const who = await anElder(app.orm, { timezone: 'America/New_York' });
      const task = await aConfirmedTask(app, who, 'add_medication', { medicine: 'Metformin', dose: '500mg', times: ['08:00', '20:00'], notes: 'with food' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      const schedules = await app.orm.em.fork().find(MedicationSchedule, { elderId: who.elder.id });
      expect(schedules).toHaveLength(1);
      const [schedule] = schedules as [MedicationSchedule];
      expect(schedule).toMatchObject({ taskId: task.id, medicine: 'Metformin', dose: '500mg', times: ['08:00', '20:00'], days: null, timezone: 'America/New_York', status: 'active', notes: 'with food' });
      // 10:00 UTC is 5:00 am in New York (UTC-5): the first dose is 8:00 am local, 13:00 UTC.
      expect(schedule.nextDoseAt?.toISOString()).toBe('2026-11-24T13:00:00.000Z');
      expect(await lastTextTo(who.account.chatId)).toBe("Added. I'll remind you to take your Metformin 500mg, starting Tuesday 24 November at 8:00 am.");
    });

    it('starts a weekday schedule on its first allowed day after its start date', async () => {
      const who = await anElder(app.orm);
      const task = await aConfirmedTask(app, who, 'add_medication', { medicine: 'Methotrexate', times: ['09:00'], days: ['fri'], start_date: '2026-11-25' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      const schedule = await app.orm.em.fork().findOneOrFail(MedicationSchedule, { taskId: task.id });
      expect(schedule.days).toEqual(['fri']);
      expect(schedule.startDate).toBe('2026-11-25');
      expect(schedule.nextDoseAt?.toISOString()).toBe('2026-11-27T09:00:00.000Z');
    });

    it('tells the elder simply when the course has already ended, and adds nothing', async () => {
      const who = await anElder(app.orm);
      const task = await aConfirmedTask(app, who, 'add_medication', { medicine: 'Amoxicillin', times: ['09:00'], start_date: '2026-11-10', end_date: '2026-11-17' });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(who.account.chatId)).toBe('Sorry, I could not add your medicine. There is no dose left in those dates to remind you of. Nothing has been done.');
      expect(await app.orm.em.fork().count(MedicationSchedule, { elderId: who.elder.id })).toBe(0);
    });
  });

  describe('log_dose', () => {
    it('reads back a dose taken or skipped, with or without the medicine', async () => {
      const { elder } = await anElder(app.orm);
      expect(readBack('log_dose', { medicine: 'Metformin', status: 'taken' }, elder)).toBe('You took your Metformin. Shall I note it?');
      expect(readBack('log_dose', { medicine: 'Metformin', status: 'skipped' }, elder)).toBe("You're skipping your Metformin. Shall I note it?");
      expect(readBack('log_dose', { status: 'taken' }, elder)).toBe('You took your medicine. Shall I note it?');
    });

    it('marks the latest waiting dose of the named medicine as taken, once, and leaves the others waiting', async () => {
      const who = await anElder(app.orm);
      const metformin = await aMedicationSchedule(app.orm, who.elder);
      const aspirin = await aMedicationSchedule(app.orm, who.elder, { medicine: 'Aspirin', dose: '75mg', times: ['09:00'] });
      const lastNight = await aPendingDose(app.orm, metformin, new Date('2026-11-23T20:00:00Z'), '20:00');
      const thisMorning = await aPendingDose(app.orm, metformin, new Date('2026-11-24T08:00:00Z'), '08:00');
      const aspirinDose = await aPendingDose(app.orm, aspirin, new Date('2026-11-24T09:00:00Z'), '09:00');

      const task = await aConfirmedTask(app, who, 'log_dose', { medicine: 'metformin tablets', status: 'taken' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      const em = app.orm.em.fork();
      const taken = await em.findOneOrFail(DoseEvent, { id: thisMorning.id });
      expect(taken).toMatchObject({ status: 'taken', nextActionAt: null });
      expect(taken.answeredAt?.toISOString()).toBe('2026-11-24T10:00:00.000Z');
      expect((await em.findOneOrFail(DoseEvent, { id: lastNight.id })).status).toBe('pending');
      expect((await em.findOneOrFail(DoseEvent, { id: aspirinDose.id })).status).toBe('pending');
      expect(await em.count(DoseEvent, { elderId: who.elder.id })).toBe(3);
      expect(await lastTextTo(who.account.chatId)).toBe("Well done. I've noted your 8:00 am Metformin 500mg as taken.");
    });

    it('answers every dose reminded at the latest time when the elder says "my pills"', async () => {
      const who = await anElder(app.orm);
      const metformin = await aMedicationSchedule(app.orm, who.elder, { times: ['08:00'] });
      const aspirin = await aMedicationSchedule(app.orm, who.elder, { medicine: 'Aspirin', dose: '75mg', times: ['08:00'] });
      await aPendingDose(app.orm, metformin, new Date('2026-11-24T08:00:00Z'), '08:00');
      await aPendingDose(app.orm, aspirin, new Date('2026-11-24T08:00:00Z'), '08:00');

      const task = await aConfirmedTask(app, who, 'log_dose', { medicine: 'my pills', status: 'taken' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.orm.em.fork().count(DoseEvent, { elderId: who.elder.id, status: 'taken' })).toBe(2);
      expect(await lastTextTo(who.account.chatId)).toBe("Well done. I've noted your 8:00 am Aspirin 75mg and Metformin 500mg as taken.");
    });

    it('counts a pill for each dose taken and warns the elder and family once when the medicine runs low', async () => {
      const who = await anElder(app.orm);
      const circle = await aFamilyCircle(app.orm, who.elder);
      // Twice a day with 11 pills: 5.5 days left; one more dose leaves 10, five days, on the warning line.
      const schedule = await aMedicationSchedule(app.orm, who.elder, { times: ['08:00', '20:00'], pillCount: 11 });
      await aPendingDose(app.orm, schedule, new Date('2026-11-24T08:00:00Z'), '08:00');

      const task = await aConfirmedTask(app, who, 'log_dose', { medicine: 'Metformin', status: 'taken' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');
      expect((await app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id })).pillCount).toBe(10);
      const elderTexts = (await outboxTo(app, who.account.chatId)).map((m) => m.text);
      expect(elderTexts.filter((t) => /order a refill/.test(t))).toEqual(['You have 10 doses of Metformin 500mg left, enough for about 5 days. It\'s time to order a refill.']);
      expect((await outboxTo(app, circle.groupChatId)).map((m) => m.text).filter((t) => /order a refill/.test(t))).toHaveLength(1);
    });

    it('records a dose taken just before its time as that dose, so its reminder is not sent afterwards', async () => {
      const who = await anElder(app.orm);
      const schedule = await aMedicationSchedule(app.orm, who.elder, { times: ['11:00'], nextDoseAt: new Date('2026-11-24T11:00:00Z') });
      const task = await aConfirmedTask(app, who, 'log_dose', { medicine: 'Metformin', status: 'taken' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      const doses = await app.orm.em.fork().find(DoseEvent, { scheduleId: schedule.id });
      expect(doses).toHaveLength(1);
      expect(doses[0]!.dueAt.toISOString()).toBe('2026-11-24T11:00:00.000Z');
      expect(doses[0]).toMatchObject({ localTime: '11:00', status: 'taken', nextActionAt: null });
      expect(await lastTextTo(who.account.chatId)).toBe("Well done. I've noted your 11:00 am Metformin 500mg as taken.");
    });

    it('records a dose at the current time when no dose is waiting or near', async () => {
      const who = await anElder(app.orm);
      const schedule = await aMedicationSchedule(app.orm, who.elder, { times: ['20:00'], nextDoseAt: new Date('2026-11-24T20:00:00Z') });
      const task = await aConfirmedTask(app, who, 'log_dose', { status: 'taken' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      const doses = await app.orm.em.fork().find(DoseEvent, { scheduleId: schedule.id });
      expect(doses).toHaveLength(1);
      expect(doses[0]!.dueAt.toISOString()).toBe('2026-11-24T10:00:00.000Z');
      expect(doses[0]).toMatchObject({ localTime: '10:00', status: 'taken' });
    });

    it('tells the family circle and every linked person, but nobody else, when a dose is skipped', async () => {
      const who = await anElder(app.orm);
      const circle = await aFamilyCircle(app.orm, who.elder);
      const daughter = await aFamilyMember(app.orm, who.elder, { name: 'Sarah' });
      const carer = await aFamilyMember(app.orm, who.elder, { role: 'caregiver', channel: 'whatsapp', name: 'Priya' });
      const removed = await aFamilyMember(app.orm, who.elder, { removed: true });
      const inactive = await aFamilyMember(app.orm, who.elder, { inactive: true });
      const other = await anElder(app.orm, { name: 'Albert' });
      const otherCircle = await aFamilyCircle(app.orm, other.elder);
      const otherFamily = await aFamilyMember(app.orm, other.elder);
      const schedule = await aMedicationSchedule(app.orm, who.elder);
      const dose = await aPendingDose(app.orm, schedule, new Date('2026-11-24T08:00:00Z'), '08:00');

      const task = await aConfirmedTask(app, who, 'log_dose', { medicine: 'Metformin', status: 'skipped' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      expect((await app.orm.em.fork().findOneOrFail(DoseEvent, { id: dose.id })).status).toBe('skipped');
      expect(await lastTextTo(who.account.chatId)).toBe("Okay, I've noted that you're skipping your 8:00 am Metformin 500mg.");
      const told = await app.orm.em.fork().find(MessageLog, { elderId: who.elder.id, direction: 'out', text: 'Margaret is skipping the 8:00 am Metformin 500mg.' });
      expect(told.map((m) => `${m.channel}:${m.chatId}`).sort()).toEqual(
        [`telegram:${circle.groupChatId}`, `telegram:${daughter.account.chatId}`, `whatsapp:${carer.account.chatId}`].sort(),
      );
      for (const m of told) expect(m.idempotencyKey).toMatch(new RegExp(`^family:${task.id}:dose-skipped:`));
      for (const chatId of [removed.account.chatId, inactive.account.chatId, otherCircle.groupChatId, otherFamily.account.chatId]) {
        expect(await outboxTo(app, chatId)).toEqual([]);
      }
    });

    it('does not tell the family when a dose is taken', async () => {
      const who = await anElder(app.orm);
      const circle = await aFamilyCircle(app.orm, who.elder);
      const schedule = await aMedicationSchedule(app.orm, who.elder);
      await aPendingDose(app.orm, schedule, new Date('2026-11-24T08:00:00Z'), '08:00');
      const task = await aConfirmedTask(app, who, 'log_dose', { status: 'taken' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await outboxTo(app, circle.groupChatId)).toEqual([]);
    });

    it('tells the elder kindly when the medicine was stopped between the read-back and her yes, and records nothing', async () => {
      const who = await anElder(app.orm);
      const aspirin = await aMedicationSchedule(app.orm, who.elder, { medicine: 'Aspirin', dose: '75mg', times: ['09:00'] });
      const task = await aConfirmedTask(app, who, 'log_dose', { medicine: 'Aspirin', status: 'taken' });
      await app.orm.em.fork().nativeUpdate(MedicationSchedule, { id: aspirin.id }, { status: 'stopped' });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(who.account.chatId)).toBe('Sorry, I could not note your dose. Aspirin 75mg is not on your list of medicines right now. Nothing has been done.');
      expect(await app.orm.em.fork().count(DoseEvent, { elderId: who.elder.id })).toBe(0);
      expect((await app.orm.em.fork().findOneOrFail(Task, { id: task.id })).status).toBe('failed');
    });

    it('tells an elder whose only medicine was removed before her yes that her list is empty', async () => {
      const who = await anElder(app.orm);
      const only = await aMedicationSchedule(app.orm, who.elder);
      const task = await aConfirmedTask(app, who, 'log_dose', { status: 'skipped' });
      await app.orm.em.fork().nativeDelete(MedicationSchedule, { id: only.id });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(who.account.chatId)).toBe("Sorry, I could not note your dose. You don't have any medicines on your list yet. Nothing has been done.");
    });

    describe('before the read-back', () => {
      // What the elder is told instead of "Shall I note it?" when no yes could lead to a noted dose.
      const proposed = async (who: Awaited<ReturnType<typeof anElder>>, args: Record<string, unknown>): Promise<string> => {
        const tasks = new TaskService({ orm: app.orm, handlers, queue: { enqueueTasks: async () => undefined }, clock, maxAttempts: 5 });
        try {
          const task = await tasks.propose({ elder: who.elder, kind: 'log_dose', args, requestedByAccountId: who.account.id, replyChannel: who.account.channel, replyChatId: who.account.chatId });
          return readBack('log_dose', task.args, who.elder);
        } catch (err) {
          if (err instanceof NothingToConfirmError) return `refused: ${err.elderMessage}`;
          throw err;
        }
      };
      const pendingProposals = async (who: Awaited<ReturnType<typeof anElder>>): Promise<number> =>
        app.orm.em.fork().count(Task, { elderId: who.elder.id, kind: 'log_dose', status: 'pending_confirmation' });

      it('tells an elder with no medicines how to add one, and asks for no yes', async () => {
        const who = await anElder(app.orm);
        expect(await proposed(who, { status: 'taken' })).toBe(
          'refused: You don\'t have any medicines on your list yet. To add one, tell me its name and time, like "my heart pill at 8 am every day".',
        );
        expect(await pendingProposals(who)).toBe(0);
      });

      it('names the medicines on her list when the one she said is not there', async () => {
        const who = await anElder(app.orm);
        await aMedicationSchedule(app.orm, who.elder);
        await aMedicationSchedule(app.orm, who.elder, { medicine: 'Aspirin', dose: '75mg', times: ['09:00'] });
        await aMedicationSchedule(app.orm, who.elder, { medicine: 'Warfarin', dose: '3mg', times: ['18:00'], status: 'stopped' });
        expect(await proposed(who, { medicine: 'Thyronorm', status: 'taken' })).toBe(
          "refused: I can't find Thyronorm on your list of medicines. Your list has Aspirin 75mg and Metformin 500mg.",
        );
        expect(await pendingProposals(who)).toBe(0);
      });

      it('says a paused medicine has no dose to note', async () => {
        const who = await anElder(app.orm);
        await aMedicationSchedule(app.orm, who.elder, { status: 'paused' });
        expect(await proposed(who, { medicine: 'metformin', status: 'taken' })).toBe('refused: Metformin 500mg is paused at the moment, so there is no dose to note.');
        expect(await proposed(who, { status: 'skipped' })).toBe('refused: Your medicine is paused at the moment, so there is no dose to note.');
      });

      it('still reads back a dose that was reminded before its medicine was paused', async () => {
        const who = await anElder(app.orm);
        const schedule = await aMedicationSchedule(app.orm, who.elder, { status: 'paused' });
        await aPendingDose(app.orm, schedule, new Date('2026-11-24T08:00:00Z'), '08:00');
        expect(await proposed(who, { status: 'taken' })).toBe('You took your medicine. Shall I note it?');
      });

      it('reads back the medicine by its name on her list', async () => {
        const who = await anElder(app.orm);
        await aMedicationSchedule(app.orm, who.elder);
        await aMedicationSchedule(app.orm, who.elder, { medicine: 'Aspirin', dose: '75mg', times: ['09:00'] });
        expect(await proposed(who, { medicine: 'my metformin', status: 'taken' })).toBe('You took your Metformin 500mg. Shall I note it?');
        expect(await proposed(who, { medicine: 'the pills', status: 'skipped' })).toBe("You're skipping your pills. Shall I note it?");
      });
    });

    it('asks which medicine when nothing is waiting and several could be meant', async () => {
      const who = await anElder(app.orm);
      await aMedicationSchedule(app.orm, who.elder);
      await aMedicationSchedule(app.orm, who.elder, { medicine: 'Aspirin', dose: '75mg', times: ['09:00'] });
      const task = await aConfirmedTask(app, who, 'log_dose', { status: 'taken' });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(who.account.chatId)).toBe('Sorry, I could not note your dose. Which medicine was it: Aspirin 75mg or Metformin 500mg? Nothing has been done.');
      expect(await app.orm.em.fork().count(DoseEvent, { elderId: who.elder.id })).toBe(0);
    });
  });
});
