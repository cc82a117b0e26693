import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { dispatchDueDoses } from '../../src/tasks/medicines/dose-dispatch.ts';
import { escalateUnansweredDoses } from '../../src/tasks/medicines/dose-escalation.ts';
import { doseButtonActions } from '../../src/tasks/medicines/dose-buttons.ts';
import { familyChatsOf } from '../../src/tasks/medicines/dose-recipients.ts';
import { findFamilyChats } from '../../src/tasks/family/family-notifier.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder } from '../support/factories.ts';
import { aFamilyMember, aSchedule, actorOf, appDelivery, at } from './medicine-factories.ts';

describe.each(MODES)('unanswered doses escalate (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-11-24T06:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
  });
  afterEach(async () => {
    await app.orm.em.fork().nativeUpdate(MedicationSchedule, { status: 'active' }, { status: 'stopped' });
    await app.orm.em.fork().nativeUpdate(DoseEvent, { status: 'pending' }, { status: 'skipped', nextActionAt: null });
  });
  afterAll(async () => {
    await delivery.close();
    await app.stop();
    await storage.cleanup();
  });

  /** Runs both medicine sweeps at an instant, as the scheduler's tick does. */
  const tick = async (now: string) => {
    clock.set(now);
    await dispatchDueDoses(app.orm, delivery, at(now), { lateWindowMinutes: 120 });
    const counts = await escalateUnansweredDoses(app.orm, delivery, at(now), {});
    await app.settle();
    // Scale mode delivers on BullMQ workers: let them send before the clock moves on (a reminder still waiting
    // when the clock has moved past its time would, rightly, say it was late).
    const deadline = Date.now() + 10_000;
    while ((await app.orm.em.fork().count(MessageLog, { direction: 'out', status: 'queued' })) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return counts;
  };
  const texts = async (chatId: string) => (await app.orm.em.fork().find(MessageLog, { chatId, direction: 'out' }, { orderBy: { createdAt: 'asc' } })).map((m) => m.text);
  const doseOf = async (scheduleId: string) => app.orm.em.fork().findOneOrFail(DoseEvent, { scheduleId });

  it('reminds once more after 30 minutes, tells the family group after 30 more, then records the dose missed', async () => {
    const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
    const { account: sarah, groupChatId } = await aFamilyMember(app.orm, elder, { name: 'Sarah', group: true });
    const schedule = await aSchedule(app.orm, elder, at('2026-11-24T06:00:00Z'));

    await tick('2026-11-24T08:00:00Z');
    await tick('2026-11-24T08:29:00Z');
    expect(await texts(account.chatId)).toEqual(['Time for your Metformin 500mg (8:00 am).']);

    expect(await tick('2026-11-24T08:30:00Z')).toEqual({ remindedAgain: 1, familyTold: 0, missed: 0 });
    await tick('2026-11-24T08:31:00Z');
    expect(await texts(account.chatId)).toEqual(['Time for your Metformin 500mg (8:00 am).', 'Just checking: have you taken your 8:00 am Metformin 500mg?']);
    expect(await texts(groupChatId!)).toEqual([]);

    expect(await tick('2026-11-24T09:00:00Z')).toEqual({ remindedAgain: 0, familyTold: 1, missed: 0 });
    const told = await channel.waitFor((m) => m.chatId === groupChatId);
    const dose = await doseOf(schedule.id);
    expect(told).toEqual({ chatId: groupChatId, text: "Margaret hasn't confirmed their 8:00 am Metformin 500mg.", buttons: [[{ label: "I'll check", data: `dosecheck:${dose.id}` }]], lane: 'escalation' });
    expect(dose).toMatchObject({ status: 'pending', escalatedAt: at('2026-11-24T09:00:00Z'), nextActionAt: at('2026-11-24T10:00:00Z') });
    // Everyone who hears family news hears it in the same chats: the group and each linked person's own chat.
    expect(await texts(sarah.chatId)).toEqual(["Margaret hasn't confirmed their 8:00 am Metformin 500mg."]);

    await tick('2026-11-24T09:59:00Z');
    expect((await doseOf(schedule.id)).status).toBe('pending');
    expect(await tick('2026-11-24T10:00:00Z')).toEqual({ remindedAgain: 0, familyTold: 0, missed: 1 });
    expect(await doseOf(schedule.id)).toMatchObject({ status: 'missed', nextActionAt: null });
    await tick('2026-11-24T11:00:00Z');
    expect(await texts(account.chatId)).toHaveLength(2);
    // The family hears about missed doses by default (their /notify settings), once.
    expect(await texts(groupChatId!)).toEqual(["Margaret hasn't confirmed their 8:00 am Metformin 500mg.", "Margaret didn't answer about the 8:00 am Metformin 500mg, so I've noted it as missed."]);
  });

  it('tells each linked family member privately when the elder has no family group', async () => {
    const { elder } = await anElder(app.orm, { name: 'Arthur' });
    const sarah = await aFamilyMember(app.orm, elder, { name: 'Sarah' });
    const tom = await aFamilyMember(app.orm, elder, { name: 'Tom', role: 'caregiver' });
    await aSchedule(app.orm, elder, at('2026-11-25T06:00:00Z'), { medicine: 'Amlodipine', dose: '5mg', times: ['09:15'] });
    await tick('2026-11-25T09:15:00Z');
    await tick('2026-11-25T09:45:00Z');
    await tick('2026-11-25T10:15:00Z');
    for (const { account } of [sarah, tom]) expect(await texts(account.chatId)).toEqual(["Arthur hasn't confirmed their 9:15 am Amlodipine 5mg."]);
  });

  it('tells the family in the same chats as the family notifier, for a whole batch of elders at once', async () => {
    const withGroup = await anElder(app.orm);
    await aFamilyMember(app.orm, withGroup.elder, { group: true });
    await aFamilyMember(app.orm, withGroup.elder, { name: 'Tom' });
    const withoutGroup = await anElder(app.orm);
    const removed = await aFamilyMember(app.orm, withoutGroup.elder, { name: 'Gone' });
    await aFamilyMember(app.orm, withoutGroup.elder, { name: 'Stays', role: 'caregiver' });
    await app.orm.em.fork().nativeUpdate(CaregiverLink, { accountId: removed.account.id }, { removedAt: clock.now() });
    const nobody = await anElder(app.orm);
    const em = app.orm.em.fork();
    const batch = await familyChatsOf(em, [withGroup.elder.id, withoutGroup.elder.id, nobody.elder.id]);
    for (const { elder } of [withGroup, withoutGroup, nobody]) expect(batch.get(elder.id)).toEqual(await findFamilyChats(em, elder.id));
    expect(batch.get(withGroup.elder.id)).toHaveLength(3);
    expect(batch.get(withoutGroup.elder.id)).toHaveLength(1);
  });

  it('leaves an answered dose alone', async () => {
    const { elder, account } = await anElder(app.orm);
    await aFamilyMember(app.orm, elder, { group: true });
    const schedule = await aSchedule(app.orm, elder, at('2026-11-26T06:00:00Z'));
    await tick('2026-11-26T08:00:00Z');
    const [answer] = doseButtonActions({ orm: app.orm, delivery, clock });
    await answer!.handle(`dose:${(await doseOf(schedule.id)).id}:taken`, actorOf(account, elder));
    expect(await tick('2026-11-26T08:30:00Z')).toEqual({ remindedAgain: 0, familyTold: 0, missed: 0 });
    expect(await tick('2026-11-26T09:30:00Z')).toEqual({ remindedAgain: 0, familyTold: 0, missed: 0 });
    expect(await doseOf(schedule.id)).toMatchObject({ status: 'taken', nextActionAt: null });
  });

  it('brings a snoozed reminder back after 10 minutes, then tells the family if still unanswered', async () => {
    const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
    const { groupChatId } = await aFamilyMember(app.orm, elder, { group: true });
    const schedule = await aSchedule(app.orm, elder, at('2026-11-27T06:00:00Z'));
    await tick('2026-11-27T08:00:00Z');
    clock.set('2026-11-27T08:02:00Z');
    const [answer] = doseButtonActions({ orm: app.orm, delivery, clock });
    const replies = await answer!.handle(`dose:${(await doseOf(schedule.id)).id}:snooze`, actorOf(account, elder));
    expect(replies).toEqual([{ text: "Okay, I'll remind you again in 10 minutes." }]);

    expect(await tick('2026-11-27T08:11:00Z')).toEqual({ remindedAgain: 0, familyTold: 0, missed: 0 });
    expect(await tick('2026-11-27T08:12:00Z')).toEqual({ remindedAgain: 1, familyTold: 0, missed: 0 });
    const again = await channel.waitFor((m) => m.chatId === account.chatId && m.text.startsWith('Here is'));
    expect(again.text).toBe('Here is your reminder again: Metformin 500mg (8:00 am).');
    expect(again.buttons?.[0]?.map((b) => b.label)).toEqual(['Taken', 'Snooze 10 min', 'Skip']);
    expect(await tick('2026-11-27T08:42:00Z')).toEqual({ remindedAgain: 0, familyTold: 1, missed: 0 });
    expect(await texts(groupChatId!)).toEqual(["Margaret hasn't confirmed their 8:00 am Metformin 500mg."]);
  });

  it('escalates each dose once when two sweeps run at the same moment', async () => {
    const elders = await Promise.all(Array.from({ length: 10 }, () => anElder(app.orm)));
    for (const { elder } of elders) await aSchedule(app.orm, elder, at('2026-11-28T06:00:00Z'));
    await tick('2026-11-28T08:00:00Z');
    clock.set('2026-11-28T08:30:00Z');
    const counts = await Promise.all([
      escalateUnansweredDoses(app.orm, delivery, at('2026-11-28T08:30:00Z'), { batchSize: 3 }),
      escalateUnansweredDoses(app.orm, delivery, at('2026-11-28T08:30:00Z'), { batchSize: 3 }),
    ]);
    expect(counts[0].remindedAgain + counts[1].remindedAgain).toBe(10);
    for (const { account } of elders) expect(await texts(account.chatId)).toHaveLength(2);
  });
});
