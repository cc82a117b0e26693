import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { dispatchDueDoses } from '../../src/tasks/medicines/dose-dispatch.ts';
import { escalateUnansweredDoses } from '../../src/tasks/medicines/dose-escalation.ts';
import { sendDailySummaries } from '../../src/tasks/medicines/daily-summary.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import { DEFAULT_DOSE_NOTICES, doseNoticeSettings } from '../../src/tasks/family/notification-preferences.ts';
import type { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, anElder, outboxTo, runTaskHere } from '../support/factories.ts';
import { FamilyChat, type Person } from '../family/family-chat.ts';
import { aFamilyMember, aSchedule, appDelivery, at } from './medicine-factories.ts';

describe('reading stored dose-notice choices', () => {
  it('fills what the family did not choose with the defaults, and reads an unreadable value as the defaults', () => {
    expect(doseNoticeSettings(null)).toEqual({ taken: false, skipped: true, missed: true });
    expect(doseNoticeSettings({ taken: true })).toEqual({ taken: true, skipped: true, missed: true });
    expect(doseNoticeSettings({ missed: 'no' })).toEqual(DEFAULT_DOSE_NOTICES);
  });
});

describe.each(MODES)('what the family group is told about doses (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  let chat: FamilyChat;
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-11-24T06:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
    chat = new FamilyChat(app);
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
  const tick = async (now: string): Promise<void> => {
    clock.set(now);
    await dispatchDueDoses(app.orm, delivery, at(now), { lateWindowMinutes: 120 });
    await escalateUnansweredDoses(app.orm, delivery, at(now), {});
    await app.settle();
  };
  const texts = async (chatId: string): Promise<string[]> => (await outboxTo(app, chatId)).map((m) => m.text);
  // Replies written together share a creation time, so their order within one answer is not asserted.
  const lastReplies = async (chatId: string, n: number) => (await outboxTo(app, chatId)).slice(-n).map((m) => ({ text: m.text, buttons: m.buttons }));
  const settingsIn = (replies: { text: string; buttons: unknown }[]) => replies.find((r) => r.text.startsWith('What the family hears'));
  const person = (account: ChannelAccount): Person => ({ userId: account.externalUserId, displayName: account.displayName ?? 'Someone' });
  const doseOf = async (scheduleId: string, dueAt: string) => app.orm.em.fork().findOneOrFail(DoseEvent, { scheduleId, dueAt: at(dueAt) });
  const storedChoices = async (elder: Elder) => (await app.orm.em.fork().findOneOrFail(FamilyCircle, { elderId: elder.id })).doseNotices;

  /** An elder with a family group and one family member (Sarah) in it, and Metformin at 8:00 am. */
  const aFamily = async (name: string) => {
    const { elder, account } = await anElder(app.orm, { name });
    const { account: sarah, groupChatId } = await aFamilyMember(app.orm, elder, { name: 'Sarah', group: true });
    const schedule = await aSchedule(app.orm, elder, at('2026-11-24T06:00:00Z'));
    const circle = await app.orm.em.fork().findOneOrFail(FamilyCircle, { elderId: elder.id });
    return { elder, account, sarah, group: groupChatId!, schedule, circle };
  };

  it('by default tells the family group about a skipped or missed dose but not a taken one', async () => {
    const { elder, account, group, schedule } = await aFamily('Margaret');
    await tick('2026-11-24T08:00:00Z');
    await chat.press(person(account), `dose:${(await doseOf(schedule.id, '2026-11-24T08:00:00Z')).id}:taken`);
    await app.settle();
    expect(await texts(group)).toEqual([]);

    await tick('2026-11-25T08:00:00Z');
    await chat.press(person(account), `dose:${(await doseOf(schedule.id, '2026-11-25T08:00:00Z')).id}:skip`);
    await app.settle();
    expect(await texts(group)).toEqual(['Margaret is skipping the 8:00 am Metformin 500mg.']);

    // Unanswered: re-reminder at 8:30, the family told at 9:00, recorded missed at 10:00.
    for (const t of ['2026-11-26T08:00:00Z', '2026-11-26T08:30:00Z', '2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z']) await tick(t);
    expect((await texts(group)).slice(1)).toEqual([
      "Margaret hasn't confirmed their 8:00 am Metformin 500mg.",
      "Margaret didn't answer about the 8:00 am Metformin 500mg, so I've noted it as missed.",
    ]);
    expect(await storedChoices(elder)).toBeNull();
  });

  it('shows the settings on /notify in the family group, and after turning taken on the group hears every dose taken', async () => {
    const { elder, account, sarah, group, schedule, circle } = await aFamily('Margaret');
    await chat.say(person(sarah), '/notify', group);
    await app.settle();
    expect(await lastReplies(group, 1)).toEqual([
      {
        text:
          "What the family hears about Margaret's medicines straight away:\n" +
          'Tell the family when Margaret takes a dose: Off\nTell the family when Margaret skips a dose: On\nTell the family when Margaret misses a dose: On\n' +
          "I always tell you at once when Margaret hasn't answered a reminder, and every evening you get the day's summary. Press a button to change one.",
        buttons: [
          [{ label: 'Turn on: when Margaret takes a dose', data: `notify:${circle.id}:taken:on` }],
          [{ label: 'Turn off: when Margaret skips a dose', data: `notify:${circle.id}:skipped:off` }],
          [{ label: 'Turn off: when Margaret misses a dose', data: `notify:${circle.id}:missed:off` }],
        ],
      },
    ]);

    await chat.press(person(sarah), `notify:${circle.id}:taken:on`, group);
    await app.settle();
    const replies = await lastReplies(group, 2);
    expect(replies).toContainEqual({ text: "Done. From now on I'll tell the family when Margaret takes a dose.", buttons: null });
    const view = settingsIn(replies) as { text: string; buttons: unknown[][] } | undefined;
    expect(view!.text).toContain('Tell the family when Margaret takes a dose: On');
    expect(view!.buttons[0]).toEqual([{ label: 'Turn off: when Margaret takes a dose', data: `notify:${circle.id}:taken:off` }]);
    expect(await storedChoices(elder)).toEqual({ taken: true });

    // Taken with the button under the reminder …
    await tick('2026-11-24T08:00:00Z');
    await chat.press(person(account), `dose:${(await doseOf(schedule.id, '2026-11-24T08:00:00Z')).id}:taken`);
    await app.settle();
    expect((await texts(group)).at(-1)).toBe('Margaret has taken the 8:00 am Metformin 500mg.');
    // … and said in the chat ("I took my Metformin") the next day.
    await tick('2026-11-25T08:00:00Z');
    const task = await aConfirmedTask(app, { elder, account }, 'log_dose', { status: 'taken', medicine: 'Metformin' });
    // Runs it here whichever worker picks it up too: a task's effects commit once.
    expect(await runTaskHere(app, task.id)).toBe('succeeded');
    await app.settle();
    expect((await texts(group)).filter((t) => t.startsWith('Margaret has taken'))).toEqual(['Margaret has taken the 8:00 am Metformin 500mg.', 'Margaret has taken the 8:00 am Metformin 500mg.']);
    expect((await texts(sarah.chatId)).filter((t) => t.startsWith('Margaret has taken'))).toHaveLength(2);
  });

  it('after "/notify missed off" a missed dose is not told, but the unconfirmed dose still reaches the group', async () => {
    const { elder, sarah, group, schedule } = await aFamily('Margaret');
    await chat.say(person(sarah), '/notify missed off', group);
    await app.settle();
    expect((await lastReplies(group, 2)).map((r) => r.text)).toContain("Done. I won't tell the family when Margaret misses a dose any more. I'll still tell you at once when Margaret hasn't answered a reminder.");
    expect(await storedChoices(elder)).toEqual({ missed: false });

    for (const t of ['2026-11-24T08:00:00Z', '2026-11-24T08:30:00Z', '2026-11-24T09:00:00Z', '2026-11-24T10:00:00Z', '2026-11-24T11:00:00Z']) await tick(t);
    expect((await doseOf(schedule.id, '2026-11-24T08:00:00Z')).status).toBe('missed');
    const doseNews = (await texts(group)).filter((t) => t.includes('Metformin'));
    expect(doseNews).toEqual(["Margaret hasn't confirmed their 8:00 am Metformin 500mg."]);
    expect((await texts(sarah.chatId)).filter((t) => t.includes('Metformin'))).toEqual(["Margaret hasn't confirmed their 8:00 am Metformin 500mg."]);

    // After downtime a dose too old to remind is recorded missed: told by default, silent here.
    await tick('2026-11-26T11:00:00Z');
    expect((await doseOf(schedule.id, '2026-11-26T08:00:00Z')).status).toBe('missed');
    expect((await texts(group)).filter((t) => t.includes('Metformin'))).toEqual(doseNews);

    // The evening summary still says everything.
    clock.set('2026-11-26T20:00:00Z');
    await sendDailySummaries(app.orm, delivery, at('2026-11-26T20:00:00Z'));
    await app.settle();
    expect((await texts(group)).at(-1)).toBe("Margaret's Thursday 26 November:\nMetformin 500mg: 8:00 am missed");
  });

  it('always tells the family the answer to a dose they were told was unconfirmed, even with taken off', async () => {
    const { elder, account, group } = await aFamily('Margaret');
    for (const t of ['2026-11-24T08:00:00Z', '2026-11-24T08:30:00Z', '2026-11-24T09:00:00Z']) await tick(t);
    clock.set('2026-11-24T09:10:00Z');
    const task = await aConfirmedTask(app, { elder, account }, 'log_dose', { status: 'taken' });
    expect(await runTaskHere(app, task.id)).toBe('succeeded');
    await app.settle();
    expect(await texts(group)).toEqual(["Margaret hasn't confirmed their 8:00 am Metformin 500mg.", 'Good news: Margaret has now taken their 8:00 am Metformin 500mg.']);
  });

  it('tells the family group by default when doses were recorded missed after downtime', async () => {
    const { group, schedule } = await aFamily('Edith');
    await tick('2026-11-24T07:00:00Z');
    await tick('2026-11-25T11:00:00Z');
    expect((await doseOf(schedule.id, '2026-11-24T08:00:00Z')).status).toBe('missed');
    expect((await doseOf(schedule.id, '2026-11-25T08:00:00Z')).status).toBe('missed');
    expect(await texts(group)).toEqual([
      "2 of Edith's doses are noted as missed: I couldn't send the reminders in time. " +
        'Metformin 500mg due Tuesday 24 November at 8:00 am; Metformin 500mg due Wednesday 25 November at 8:00 am.',
    ]);
  });

  it('refuses a stranger and a removed family member kindly, and nothing changes', async () => {
    const { elder, sarah, group, circle } = await aFamily('Margaret');
    const other = await aFamily('Dorothy');
    const stranger: Person = { userId: 'stranger-notify', displayName: 'Mallory' };

    await chat.say(stranger, '/notify taken on', group);
    await chat.press(person(other.sarah), `notify:${circle.id}:taken:on`, group);
    await app.orm.em.fork().nativeUpdate(CaregiverLink, { accountId: sarah.id }, { removedAt: at('2026-11-24T05:00:00Z') });
    await chat.say(person(sarah), '/notify skipped off', group);
    await chat.press(person(sarah), `notify:${circle.id}:missed:off`, group);
    await app.settle();

    expect(await texts(group)).toEqual([NOT_LINKED_REPLY, NOT_LINKED_REPLY, NOT_LINKED_REPLY, NOT_LINKED_REPLY]);
    expect(await storedChoices(elder)).toBeNull();
  });

  it('says when a setting is already so, and asks for the family group when /notify is sent privately', async () => {
    const { elder, sarah, group, circle } = await aFamily('Margaret');
    await chat.press(person(sarah), `notify:${circle.id}:skipped:off`, group);
    await chat.press(person(sarah), `notify:${circle.id}:skipped:off`, group);
    await chat.say(person(sarah), '/notify skipped sometimes', group);
    await chat.say(person(sarah), '/notify');
    await app.settle();

    const replies = await texts(group);
    expect(replies.filter((t) => !t.startsWith('What the family hears')).sort()).toEqual([
      'Done. I won\'t tell the family when Margaret skips a dose any more.',
      'Sorry, I didn\'t understand that. To change one, press a button, or write like "/notify taken on" or "/notify missed off".',
      "That's already off: I don't tell the family when Margaret skips a dose.",
    ]);
    // Every answer shows the settings again, as they are now.
    const views = replies.filter((t) => t.startsWith('What the family hears'));
    expect(views).toHaveLength(3);
    for (const v of views) expect(v).toContain('Tell the family when Margaret skips a dose: Off');
    expect(await storedChoices(elder)).toEqual({ skipped: false });
    expect(await texts(sarah.chatId)).toEqual(['Please send /notify in your family group: these settings belong to the whole family.']);
  });
});
