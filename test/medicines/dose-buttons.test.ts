import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { dispatchDueDoses } from '../../src/tasks/medicines/dose-dispatch.ts';
import { escalateUnansweredDoses } from '../../src/tasks/medicines/dose-escalation.ts';
import { doseButtonActions } from '../../src/tasks/medicines/dose-buttons.ts';
import { ButtonActionRegistry } from '../../src/tasks/button-actions.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder } from '../support/factories.ts';
import { aFamilyMember, aSchedule, actorOf, appDelivery, at } from './medicine-factories.ts';

describe.each(MODES)('dose buttons (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  const buttons = new ButtonActionRegistry();
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-12-01T06:00:00Z');
  let day = 0;

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
    for (const action of doseButtonActions({ orm: app.orm, delivery, clock, refillWarnDays: 5 })) buttons.register(action);
  });
  afterEach(async () => {
    await app.orm.em.fork().nativeUpdate(MedicationSchedule, { status: 'active' }, { status: 'stopped' });
  });
  afterAll(async () => {
    await delivery.close();
    await app.stop();
    await storage.cleanup();
  });

  /** Presses a button as the registry would route it. */
  const press = (data: string, actor: Parameters<NonNullable<ReturnType<ButtonActionRegistry['find']>>['handle']>[1]) => buttons.find(data)!.handle(data, actor);
  /** A dose of a new 08:00 schedule, sent on a day of its own; returns the dose and its schedule. */
  const aSentDose = async (elder: Elder, overrides: Parameters<typeof aSchedule>[3] = {}) => {
    const date = `2026-12-${String(++day).padStart(2, '0')}`;
    const schedule = await aSchedule(app.orm, elder, at(`${date}T00:00:00Z`), overrides);
    clock.set(`${date}T08:00:00Z`);
    await dispatchDueDoses(app.orm, delivery, clock.now(), { lateWindowMinutes: 120 });
    const dose = await app.orm.em.fork().findOneOrFail(DoseEvent, { scheduleId: schedule.id });
    return { dose, schedule, date };
  };
  const doseNow = (id: string) => app.orm.em.fork().findOneOrFail(DoseEvent, { id });
  const texts = async (chatId: string) => (await app.orm.em.fork().find(MessageLog, { chatId, direction: 'out' }, { orderBy: { createdAt: 'asc' } })).map((m) => m.text);

  it('marks the dose taken on Taken, and a second press changes nothing', async () => {
    const { elder, account } = await anElder(app.orm);
    const { dose } = await aSentDose(elder);
    clock.advance(5 * 60_000);
    expect(await press(`dose:${dose.id}:taken`, actorOf(account, elder))).toEqual([{ text: "Well done. I've noted your 8:00 am Metformin 500mg as taken." }]);
    expect(await doseNow(dose.id)).toMatchObject({ status: 'taken', answeredAt: clock.now(), nextActionAt: null });
    expect(await press(`dose:${dose.id}:taken`, actorOf(account, elder))).toEqual([{ text: 'That dose is already noted as taken.' }]);
    expect(await press(`dose:${dose.id}:skip`, actorOf(account, elder))).toEqual([{ text: 'That dose is already noted as taken.' }]);
    expect((await doseNow(dose.id)).status).toBe('taken');
  });

  it('takes one answer when Taken is pressed twice at the same moment, and counts one pill', async () => {
    const { elder, account } = await anElder(app.orm);
    const { dose, schedule } = await aSentDose(elder, { pillCount: 30 });
    const replies = await Promise.all([press(`dose:${dose.id}:taken`, actorOf(account, elder)), press(`dose:${dose.id}:taken`, actorOf(account, elder))]);
    expect(replies.map((r) => r[0]!.text).sort()).toEqual(['That dose is already noted as taken.', "Well done. I've noted your 8:00 am Metformin 500mg as taken."]);
    expect((await app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id })).pillCount).toBe(29);
  });

  it('marks the dose skipped on Skip', async () => {
    const { elder, account } = await anElder(app.orm);
    const { dose } = await aSentDose(elder);
    expect(await press(`dose:${dose.id}:skip`, actorOf(account, elder))).toEqual([{ text: "Okay, I've noted that you're skipping your 8:00 am Metformin 500mg." }]);
    expect((await doseNow(dose.id)).status).toBe('skipped');
    expect(await press(`dose:${dose.id}:taken`, actorOf(account, elder))).toEqual([{ text: 'That dose is already noted as skipped.' }]);
  });

  it('snoozes once for ten minutes when Snooze is pressed twice', async () => {
    const { elder, account } = await anElder(app.orm);
    const { dose } = await aSentDose(elder);
    clock.advance(60_000);
    expect(await press(`dose:${dose.id}:snooze`, actorOf(account, elder))).toEqual([{ text: "Okay, I'll remind you again in 10 minutes." }]);
    expect(await press(`dose:${dose.id}:snooze`, actorOf(account, elder))).toEqual([{ text: "I'll remind you again in a few minutes." }]);
    expect(await doseNow(dose.id)).toMatchObject({ status: 'pending', snoozes: 1, remindedAt: null, nextActionAt: new Date(clock.now().getTime() + 10 * 60_000) });
  });

  it('refuses a dose button pressed by anyone but the elder of that dose', async () => {
    const { elder } = await anElder(app.orm);
    const stranger = await anElder(app.orm, { name: 'Edith' });
    const { account: daughter } = await aFamilyMember(app.orm, elder);
    const { dose } = await aSentDose(elder);
    expect(await press(`dose:${dose.id}:taken`, actorOf(stranger.account, stranger.elder))).toEqual([{ text: 'Sorry, that button is not for you.' }]);
    expect(await press(`dose:${dose.id}:skip`, actorOf(daughter, null))).toEqual([{ text: 'Sorry, that button is not for you.' }]);
    expect((await doseNow(dose.id)).status).toBe('pending');
  });

  it('says a malformed or unknown dose button no longer works', async () => {
    const { elder, account } = await anElder(app.orm);
    const gone = 'dose:00000000-0000-4000-8000-000000000000:taken';
    for (const data of ['dose:nonsense', 'dose:00000000-0000-4000-8000-000000000000:eat', gone, 'dosecheck:42']) {
      expect(await press(data, actorOf(account, elder))).toEqual([{ text: 'Sorry, that button no longer works. What would you like to do?' }]);
    }
  });

  describe('when the family has been told', () => {
    const tellFamily = async (date: string) => {
      clock.set(`${date}T08:30:00Z`);
      await escalateUnansweredDoses(app.orm, delivery, clock.now());
      clock.set(`${date}T09:00:00Z`);
      await escalateUnansweredDoses(app.orm, delivery, clock.now());
    };

    it('names the first family member who will check to the group, and tells later presses who it is', async () => {
      const { elder } = await anElder(app.orm, { name: 'Margaret' });
      const sarah = await aFamilyMember(app.orm, elder, { name: 'Sarah', group: true });
      const tom = await aFamilyMember(app.orm, elder, { name: 'Tom', group: true });
      const stranger = await aFamilyMember(app.orm, (await anElder(app.orm)).elder, { name: 'Nosy' });
      const { dose, date } = await aSentDose(elder);
      await tellFamily(date);
      const group = { chatId: sarah.groupChatId!, chatType: 'group' as const };

      expect(await press(`dosecheck:${dose.id}`, actorOf(sarah.account, null, group))).toEqual([]);
      await app.settle();
      expect(await texts(sarah.groupChatId!)).toEqual(["Margaret hasn't confirmed their 8:00 am Metformin 500mg.", 'Sarah is checking on Margaret.']);
      await channel.waitFor((m) => m.chatId === sarah.groupChatId && m.text === 'Sarah is checking on Margaret.');
      expect(await press(`dosecheck:${dose.id}`, actorOf(tom.account, null, group))).toEqual([{ text: 'Sarah is already checking.' }]);
      expect(await press(`dosecheck:${dose.id}`, actorOf(sarah.account, null, group))).toEqual([{ text: "You've already said you'll check." }]);
      expect(await press(`dosecheck:${dose.id}`, actorOf(stranger.account, null, group))).toEqual([{ text: NOT_LINKED_REPLY }]);
      expect(await texts(sarah.groupChatId!)).toHaveLength(2);
      // Tom also heard privately, so he hears who is checking there too; Sarah is not told about herself.
      expect((await texts(tom.account.chatId)).at(-1)).toBe('Sarah is checking on Margaret.');
      expect(await texts(sarah.account.chatId)).toEqual(["Margaret hasn't confirmed their 8:00 am Metformin 500mg."]);
    });

    it('tells the others privately when there is no family group', async () => {
      const { elder } = await anElder(app.orm, { name: 'Arthur' });
      const sarah = await aFamilyMember(app.orm, elder, { name: 'Sarah' });
      const tom = await aFamilyMember(app.orm, elder, { name: 'Tom' });
      const { dose, date } = await aSentDose(elder);
      await tellFamily(date);
      expect(await press(`dosecheck:${dose.id}`, actorOf(sarah.account, null))).toEqual([]);
      expect((await texts(sarah.account.chatId)).at(-1)).toBe("Thank you. I've told the others you're checking on Arthur.");
      expect((await texts(tom.account.chatId)).at(-1)).toBe('Sarah is checking on Arthur.');
    });

    it('refuses "I\'ll check" from a family member whose link was removed', async () => {
      const { elder } = await anElder(app.orm);
      const sarah = await aFamilyMember(app.orm, elder, { name: 'Sarah', group: true });
      const { dose, date } = await aSentDose(elder);
      await tellFamily(date);
      await app.orm.em.fork().nativeUpdate(CaregiverLink, { accountId: sarah.account.id }, { removedAt: clock.now() });
      expect(await press(`dosecheck:${dose.id}`, actorOf(sarah.account, null, { chatId: sarah.groupChatId!, chatType: 'group' }))).toEqual([{ text: NOT_LINKED_REPLY }]);
    });

    it('tells the family when the elder answers after all, and "I\'ll check" is then not needed', async () => {
      const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
      const sarah = await aFamilyMember(app.orm, elder, { name: 'Sarah', group: true });
      const { dose, date } = await aSentDose(elder);
      await tellFamily(date);
      await press(`dose:${dose.id}:taken`, actorOf(account, elder));
      expect((await texts(sarah.groupChatId!)).at(-1)).toBe('Good news: Margaret has now taken their 8:00 am Metformin 500mg.');
      expect(await press(`dosecheck:${dose.id}`, actorOf(sarah.account, null, { chatId: sarah.groupChatId!, chatType: 'group' }))).toEqual([
        { text: "No need: Margaret's dose is already noted as taken." },
      ]);
    });
  });

  describe('refills', () => {
    it('warns the elder and the family once when the pills left last five days, and again after a refill', async () => {
      const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
      const { groupChatId } = await aFamilyMember(app.orm, elder, { group: true });
      // Twice a day: five days is ten doses.
      const { dose, schedule } = await aSentDose(elder, { times: ['08:00', '20:00'], pillCount: 11 });
      await press(`dose:${dose.id}:taken`, actorOf(account, elder));
      const refill = "It's time to order a refill.";
      expect((await texts(account.chatId)).filter((t) => t.includes(refill))).toEqual([`You have 10 doses of Metformin 500mg left, enough for about 5 days. ${refill}`]);
      expect((await texts(groupChatId!)).filter((t) => t.includes(refill))).toEqual([`Margaret has 10 doses of Metformin 500mg left, enough for about 5 days. ${refill}`]);
      await channel.waitFor((m) => m.chatId === account.chatId && m.text.includes(refill));

      const takeNext = async (at: string): Promise<void> => {
        clock.set(at);
        await dispatchDueDoses(app.orm, delivery, clock.now(), { lateWindowMinutes: 120 });
        const next = await app.orm.em.fork().findOneOrFail(DoseEvent, { scheduleId: schedule.id, status: 'pending' });
        await press(`dose:${next.id}:taken`, actorOf(account, elder));
      };
      const date = dose.dueAt.toISOString().slice(0, 10);
      await takeNext(`${date}T20:00:00Z`);
      expect((await app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id })).pillCount).toBe(9);
      expect((await texts(account.chatId)).filter((t) => t.includes(refill))).toHaveLength(1);

      // The family refills (to 11 here); the warning comes again when the count next reaches ten.
      await app.orm.em.fork().nativeUpdate(MedicationSchedule, { id: schedule.id }, { pillCount: 11 });
      const nextDay = new Date(dose.dueAt.getTime() + 86_400_000).toISOString().slice(0, 10);
      await takeNext(`${nextDay}T08:00:00Z`);
      expect((await texts(account.chatId)).filter((t) => t.includes(refill))).toHaveLength(2);
      expect((await texts(groupChatId!)).filter((t) => t.includes(refill))).toHaveLength(2);
    });

    it('counts nothing for a medicine without a pill count', async () => {
      const { elder, account } = await anElder(app.orm);
      const { dose, schedule } = await aSentDose(elder);
      await press(`dose:${dose.id}:taken`, actorOf(account, elder));
      expect((await app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id })).pillCount).toBeNull();
      expect(await texts(account.chatId)).toHaveLength(1);
    });
  });
});
