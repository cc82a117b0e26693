import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { dispatchDueDoses } from '../../src/tasks/medicines/dose-dispatch.ts';
import { registerMedicineFeatures } from '../../src/tasks/medicines/register-medicine-features.ts';
import { parseClockTime } from '../../src/tasks/medicines/medicine-changes.ts';
import { ButtonActionRegistry, ChatCommandRegistry, type Actor } from '../../src/tasks/button-actions.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder } from '../support/factories.ts';
import { aFamilyMember, aSchedule, actorOf, appDelivery } from './medicine-factories.ts';

describe.each(MODES)('changing medicines by chat (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  const buttons = new ButtonActionRegistry();
  const commands = new ChatCommandRegistry();
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-12-01T06:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
    registerMedicineFeatures({ orm: app.orm, clock, delivery, buttons, commands });
  });
  afterAll(async () => {
    await delivery.close();
    await app.stop();
    await storage.cleanup();
  });

  const press = (data: string, actor: Actor) => buttons.find(data)!.handle(data, actor);
  const scheduleNow = (id: string) => app.orm.em.fork().findOneOrFail(MedicationSchedule, { id });
  const dispatch = () => dispatchDueDoses(app.orm, delivery, clock.now(), { lateWindowMinutes: 120 });
  const doseCount = async (scheduleId: string) => app.orm.em.fork().count(DoseEvent, { scheduleId });

  it('lists the medicines with Pause and Stop buttons, and reads a pause back before doing it', async () => {
    clock.set('2026-12-01T06:00:00Z');
    const { elder, account } = await anElder(app.orm);
    const schedule = await aSchedule(app.orm, elder, clock.now());
    const match = commands.match('/medicines')!;
    const replies = await match.command.handle(match.args, { channel: 'telegram', userId: account.externalUserId, chatId: account.chatId, chatType: 'private' }, actorOf(account, elder));
    expect(replies[1]?.text).toContain('Metformin');
    expect(replies[1]?.buttons?.[0]?.map((b) => b.data)).toEqual([`med:pause:${schedule.id}`, `med:stop:${schedule.id}`]);
    const question = await press(`med:pause:${schedule.id}`, actorOf(account, elder));
    expect(question[0]?.text).toMatch(/^Pause Metformin/);
    expect((await scheduleNow(schedule.id)).status).toBe('active');
    const no = await press(`med:pause:${schedule.id}:no`, actorOf(account, elder));
    expect(no[0]?.text).toContain('left');
    expect((await scheduleNow(schedule.id)).status).toBe('active');
  });

  it('sends no dose while a medicine is paused', async () => {
    clock.set('2026-12-02T06:00:00Z');
    const { elder, account } = await anElder(app.orm);
    const schedule = await aSchedule(app.orm, elder, clock.now());
    await press(`med:pause:${schedule.id}:yes`, actorOf(account, elder));
    expect((await scheduleNow(schedule.id)).status).toBe('paused');
    for (const hour of ['08:00', '20:00']) {
      clock.set(`2026-12-02T${hour}:00Z`);
      await dispatch();
    }
    clock.set('2026-12-03T08:00:00Z');
    await dispatch();
    expect(await doseCount(schedule.id)).toBe(0);
  });

  it('resumes with the next dose at its local time from now, and tells the family', async () => {
    clock.set('2026-12-04T06:00:00Z');
    const { elder, account } = await anElder(app.orm, { timezone: 'America/New_York' });
    const { groupChatId } = await aFamilyMember(app.orm, elder, { role: 'caregiver', name: 'Nurse Ann', group: true });
    const schedule = await aSchedule(app.orm, elder, clock.now(), { times: ['09:00'] });
    await press(`med:pause:${schedule.id}:yes`, actorOf(account, elder));
    // Resumed on 5 December at 10:00 New York time: today's 09:00 has passed, so the next is tomorrow's.
    clock.set('2026-12-05T15:00:00Z');
    const done = await press(`med:resume:${schedule.id}:yes`, actorOf(account, elder));
    const after = await scheduleNow(schedule.id);
    expect(after.status).toBe('active');
    expect(after.nextDoseAt?.toISOString()).toBe('2026-12-06T14:00:00.000Z');
    expect(done[0]?.text).toContain('Sunday 6 December at 9:00');
    const group = await app.orm.em.fork().find(MessageLog, { chatId: groupChatId!, direction: 'out' });
    expect(group.map((m) => m.text)).toEqual(['Margaret paused Metformin 500mg. No reminders until it is resumed.', 'Margaret resumed Metformin 500mg.']);
    clock.set('2026-12-06T14:00:00Z');
    await dispatch();
    expect(await doseCount(schedule.id)).toBe(1);
  });

  it('lets a caregiver stop a medicine, but not a family member or a stranger', async () => {
    clock.set('2026-12-07T06:00:00Z');
    const { elder } = await anElder(app.orm);
    const caregiver = (await aFamilyMember(app.orm, elder, { role: 'caregiver', name: 'Ann' })).account;
    const family = (await aFamilyMember(app.orm, elder, { role: 'family', name: 'Tom' })).account;
    const em = app.orm.em.fork();
    const strangerId = randomUUID();
    const stranger = em.create(ChannelAccount, { id: randomUUID(), channel: 'telegram', externalUserId: strangerId, chatId: `chat-${strangerId}`, role: 'family', elderId: null, active: true });
    await em.flush();
    const schedule = await aSchedule(app.orm, elder, clock.now());

    for (const outsider of [family, stranger]) {
      expect(await press(`med:stop:${schedule.id}:yes`, actorOf(outsider, null))).toEqual([{ text: NOT_LINKED_REPLY }]);
      expect(await press(`med:pause:${schedule.id}`, actorOf(outsider, null))).toEqual([{ text: NOT_LINKED_REPLY }]);
    }
    expect((await scheduleNow(schedule.id)).status).toBe('active');
    const listed = await commands.match('/medicines')!.command.handle('', { channel: 'telegram', userId: family.externalUserId, chatId: family.chatId, chatType: 'private' }, actorOf(family, null));
    expect(listed[0]?.text).toContain('only Margaret or a caregiver');

    const done = await press(`med:stop:${schedule.id}:yes`, actorOf(caregiver, null));
    expect(done[0]?.text).toBe('Done. Metformin 500mg is stopped.');
    const after = await scheduleNow(schedule.id);
    expect(after.status).toBe('stopped');
    expect(after.nextDoseAt).toBeNull();
    expect(await press(`med:resume:${schedule.id}:yes`, actorOf(caregiver, null))).toEqual([{ text: 'Metformin 500mg is already stopped.' }]);
    const elderChat = await app.orm.em.fork().find(MessageLog, { elderId: elder.id, direction: 'out', text: 'Ann stopped Metformin 500mg. No more reminders for it.' });
    expect(elderChat.length).toBeGreaterThanOrEqual(2);
  });

  it('lets a caregiver move a medicine to a new time from the family group, after a read-back', async () => {
    clock.set('2026-12-08T06:00:00Z');
    const { elder, account } = await anElder(app.orm);
    const { account: caregiver, groupChatId } = await aFamilyMember(app.orm, elder, { role: 'caregiver', name: 'Ann', group: true });
    const schedule = await aSchedule(app.orm, elder, clock.now(), { medicine: 'Aspirin', dose: null });
    const inGroup = actorOf(caregiver, null, { chatId: groupChatId!, chatType: 'group' });
    const sender = { channel: 'telegram' as const, userId: caregiver.externalUserId, chatId: groupChatId!, chatType: 'group' as const };
    const match = commands.match('/medtime the aspirin 9pm')!;
    const [question] = await match.command.handle(match.args, sender, inGroup);
    expect(question?.text).toBe('Move Aspirin from 8:00 am to 9:00 pm, every day it is due?');
    expect((await scheduleNow(schedule.id)).times).toEqual(['08:00']);
    const done = await press(question!.buttons![0]![0]!.data, inGroup);
    expect(done[0]?.text).toBe('Done. Aspirin is now at 9:00 pm. Next dose Tuesday 8 December at 9:00 pm.');
    const after = await scheduleNow(schedule.id);
    expect(after.times).toEqual(['21:00']);
    expect(after.nextDoseAt?.toISOString()).toBe('2026-12-08T21:00:00.000Z');
    const told = await app.orm.em.fork().find(MessageLog, { chatId: account.chatId, direction: 'out' });
    expect(told.map((m) => m.text)).toContain('Ann moved Aspirin to 9:00 pm.');
  });

  it('reads clock times the way people write them', () => {
    expect(['9pm', '9:30 am', '21:00', '0930', '12am', '12 pm', '9', '25:00'].map(parseClockTime)).toEqual(['21:00', '09:30', '21:00', '09:30', '00:00', '12:00', null, null]);
  });
});
