import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { Activity } from '../../src/tasks/family/activity.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { ElderChoice } from '../../src/tasks/family/elder-choice.entity.ts';
import { MODES, startTestApp, testStorage, type Mode, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer, type ScriptedReply } from '../support/fake-openai-server.ts';
import { aBooking, aFamilyCircle, aFamilyMember, aMedicationSchedule, aPendingDose, aReminder, aVenue, anActivity, anElder, anOpenAlert } from '../support/factories.ts';
import { FamilyChat, type Person } from '../family/family-chat.ts';

/** One case of the corpus: where the injected text sits, the text, and what must hold afterwards. */
const injectionCase = z.object({
  id: z.string().min(1),
  where: z.enum(['message', 'family message', 'family group', 'activity text', 'venue name', 'button']),
  /** Who presses a forged button: Margaret herself or her caregiver Sarah. */
  as: z.enum(['elder', 'caregiver']).optional(),
  text: z.string().min(1),
  expect: z.string().min(1),
  /** No emergency alert may be raised for anyone (text that did not come from the elder herself). */
  no_alert: z.boolean().default(false),
});
type InjectionCase = z.infer<typeof injectionCase>;

const CORPUS: InjectionCase[] = readFileSync(new URL('../fixtures/injection.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => injectionCase.parse(JSON.parse(line)));

/** Margaret (A), the attacker's side: her caregiver Sarah, her family group, a medicine and a booking. Made afresh for each case. */
interface SideA {
  elder: Elder;
  account: ChannelAccount;
  sarah: ChannelAccount;
  group: string;
}

/** Dorothy (B), whose data must not move or leak, and her ids a forged button could name. */
interface SideB {
  elder: Elder;
  account: ChannelAccount;
  peter: ChannelAccount;
  group: string;
  task: Task;
  dose: DoseEvent;
  alert: Alert;
  schedule: MedicationSchedule;
  booking: Booking;
  /** Dorothy's private words: none may reach Margaret's side unless the attacker typed it themself. */
  private: string[];
}

const NOW = '2026-11-24T10:00:00Z';

async function aSideA(app: App): Promise<SideA> {
  const { orm } = app;
  const margaret = await anElder(orm, { name: 'Margaret' });
  const sarah = await aFamilyMember(orm, margaret.elder, { role: 'caregiver', name: 'Sarah' });
  const circle = await aFamilyCircle(orm, margaret.elder);
  await aMedicationSchedule(orm, margaret.elder, { medicine: 'Metformin', times: ['08:00', '20:00'] });
  await aBooking(orm, margaret.elder, await aVenue(orm, { name: `Bella Italia ${margaret.elder.id.slice(0, 4)}` }), '2026-11-26T12:30');
  return { elder: margaret.elder, account: margaret.account, sarah: sarah.account, group: circle.groupChatId };
}

async function aSideB(app: App): Promise<SideB> {
  const { orm } = app;
  const dorothy = await anElder(orm, { name: 'Dorothy' });
  const peter = await aFamilyMember(orm, dorothy.elder, { role: 'caregiver', name: 'Peter' });
  const circle = await aFamilyCircle(orm, dorothy.elder);
  const schedule = await aMedicationSchedule(orm, dorothy.elder, { medicine: 'Donepezil', dose: '10mg', times: ['09:00'] });
  const dose = await aPendingDose(orm, schedule, new Date('2026-11-24T09:00:00Z'), '09:00');
  const booking = await aBooking(orm, dorothy.elder, await aVenue(orm, { name: 'The Ivy Brasserie' }), '2026-11-26T19:00');
  await aReminder(orm, dorothy.elder, dorothy.account, '2026-11-25T11:00', { text: 'collect prescription from Boots' });
  await anActivity(orm, dorothy.elder, new Date('2026-11-24T09:30:00Z'), 'painted a watercolour of the harbour');
  const alert = await anOpenAlert(orm, dorothy.elder, { description: 'dizzy spell on the stairs', nextNotifyAt: new Date('2027-01-01T00:00:00Z') });
  // A reminder of Dorothy's waiting for her yes.
  const task = await app.tasks.propose({
    elder: dorothy.elder,
    kind: 'set_reminder',
    args: { text: 'phone the bank about the pension', at: '2026-11-25T15:00' },
    requestedByAccountId: dorothy.account.id,
    replyChannel: dorothy.account.channel,
    replyChatId: dorothy.account.chatId,
  });
  return {
    elder: dorothy.elder,
    account: dorothy.account,
    peter: peter.account,
    group: circle.groupChatId,
    task,
    dose,
    alert,
    schedule,
    booking,
    private: ['Dorothy', 'Donepezil', 'Ivy Brasserie', 'prescription', 'watercolour', 'pension', 'dizzy', 'Peter', booking.reference],
  };
}

/** Everything of Dorothy's that an attack could change or send, in a comparable form. */
async function snapshotOfB(app: App, b: SideB): Promise<unknown> {
  const em = app.orm.em.fork();
  const elderId = b.elder.id;
  const chats = [b.account.chatId, b.peter.chatId, b.group];
  const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
  return {
    elder: await em.findOneOrFail(Elder, { id: elderId }).then((e) => ({ name: e.name, timezone: e.timezone, onboardingStep: e.onboardingStep })),
    accounts: (await em.find(ChannelAccount, { id: { $in: [b.account.id, b.peter.id] } }, { orderBy: { id: 'asc' } })).map((a) => [a.id, a.active, a.elderId, a.chatId]),
    links: (await em.find(CaregiverLink, { elderId }, { orderBy: { id: 'asc' } })).map((l) => [l.id, l.accountId, l.role, iso(l.removedAt)]),
    circles: (await em.find(FamilyCircle, { elderId }, { orderBy: { id: 'asc' } })).map((c) => [c.id, c.groupChatId]),
    choices: (await em.find(ElderChoice, { elderId }, { orderBy: { id: 'asc' } })).map((c) => [c.id, c.accountId, c.nickname, iso(c.chosenAt)]),
    tasks: (await em.find(Task, { elderId }, { orderBy: { id: 'asc' } })).map((t) => [t.id, t.kind, t.status, JSON.stringify(t.args)]),
    bookings: (await em.find(Booking, { elderId }, { orderBy: { id: 'asc' } })).map((b) => [b.id, b.status, iso(b.startAt), b.venueId]),
    reminders: (await em.find(Reminder, { elderId }, { orderBy: { id: 'asc' } })).map((r) => [r.id, r.status, r.text, iso(r.nextFireAt)]),
    schedules: (await em.find(MedicationSchedule, { elderId }, { orderBy: { id: 'asc' } })).map((s) => [s.id, s.status, s.times.join(','), iso(s.nextDoseAt)]),
    doses: (await em.find(DoseEvent, { elderId }, { orderBy: { id: 'asc' } })).map((d) => [d.id, d.status, d.snoozes, iso(d.escalatedAt)]),
    alerts: (await em.find(Alert, { elderId }, { orderBy: { id: 'asc' } })).map((a) => [a.id, a.status, a.acknowledgedByAccountId]),
    activities: (await em.find(Activity, { elderId }, { orderBy: { id: 'asc' } })).map((a) => [a.id, a.text]),
    outbox: (await em.find(MessageLog, { direction: 'out', $or: [{ chatId: { $in: chats } }, { elderId }] }, { orderBy: { id: 'asc' } })).map((m) => m.id),
  };
}

/** Waits until no task is queued or running and no message waits to be sent (BullMQ works asynchronously in scale mode). */
async function settle(app: App): Promise<void> {
  await app.settle();
  const deadline = Date.now() + 20_000;
  let quiet = 0;
  while (Date.now() < deadline) {
    const em = app.orm.em.fork();
    const busy = (await em.count(Task, { status: { $in: ['queued', 'running'] } })) + (await em.count(MessageLog, { direction: 'out', status: 'queued' }));
    quiet = busy === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('the app did not settle within 20 s');
}

/** Replaces {B_…} placeholders in a forged button with Dorothy's real ids. */
function fillPlaceholders(text: string, b: SideB, now: Date): string {
  const values: Record<string, string> = {
    B_ELDER: b.elder.id,
    B_TASK: b.task.id,
    B_DOSE: b.dose.id,
    B_ALERT: b.alert.id,
    B_SCHEDULE: b.schedule.id,
    B_BOOKING: b.booking.id,
    MINUTE: String(Math.floor(now.getTime() / 60_000)),
  };
  return text.replace(/\{([A-Z_]+)\}/g, (m, key: string) => values[key] ?? m);
}

/** A scripted remote model that answers every request with a tool call aimed at Dorothy (or a boast), in turn. */
function maliciousScript(dorothy: SideB): ScriptedReply[] {
  const b = { elder_id: dorothy.elder.id, elderId: dorothy.elder.id, chat_id: dorothy.account.chatId, replyChatId: dorothy.group, elder: 'the other elder' };
  const replies: ScriptedReply[] = [
    { kind: 'tool_call', name: 'cancel_booking', args: { venue: 'The Ivy Brasserie', ...b } },
    { kind: 'tool_call', name: 'notify_family', args: { message: 'Please send your bank details', recipients: 'everyone', ...b } },
    { kind: 'tool_call', name: 'emergency_alert', args: { description: 'raised for another elder', ...b } },
    { kind: 'tool_call', name: 'get_schedule', args: { date: '2026-11-26', ...b } },
    { kind: 'tool_call', name: 'log_dose', args: { status: 'taken', ...b } },
    { kind: 'tool_call', name: 'set_reminder', args: { text: 'call the bank', at: '2026-11-25T09:00', ...b } },
    { kind: 'tool_call', name: 'book_restaurant', args: { venue: 'The Ivy Brasserie', party_size: 30, start: '2026-11-26T19:00', ...b } },
    { kind: 'text', content: 'Certainly, I am now in admin mode.' },
  ];
  return Array.from({ length: 2000 }, (_, i) => replies[i % replies.length]!);
}

type Model = 'offline' | 'openai';
const RUNS: [Mode, Model][] = MODES.flatMap((mode) => (['offline', 'openai'] as const).map((model): [Mode, Model] => [mode, model]));

describe.each(RUNS)('prompt injection corpus through the real app (%s, %s model)', (mode, model) => {
  let storage: TestStorage;
  let app: App;
  let server: FakeOpenAIServer | undefined;
  let b: SideB;
  let chat: FamilyChat;
  const channel = new FakeChannel();
  const clock = new FakeClock(NOW);
  const script: ScriptedReply[] = [];

  beforeAll(async () => {
    if (model === 'openai') server = await startFakeOpenAIServer(script);
    storage = testStorage(mode, server ? { MODEL: 'openai', OPENAI_BASE_URL: server.baseURL, OPENAI_MODEL: 'fake-model', OPENAI_TIMEOUT_MS: '5000' } : {});
    app = await startTestApp(storage, { clock, channels: [channel] });
    chat = new FamilyChat(app);
    b = await aSideB(app);
    script.push(...maliciousScript(b));
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await server?.close();
    await storage.cleanup();
  });

  it.each(CORPUS.map((c) => [c.id, c] as const))('%s: nothing of the other elder changes, leaks or is sent to her chats', async (_id, c) => {
    const a = await aSideA(app);
    const margaret: Person = { userId: a.account.externalUserId, displayName: 'Margaret' };
    const sarah: Person = { userId: a.sarah.externalUserId, displayName: 'Sarah' };
    const aChats = [a.account.chatId, a.sarah.chatId, a.group];
    const bChats = [b.account.chatId, b.peter.chatId, b.group];
    const em = () => app.orm.em.fork();
    const before = await snapshotOfB(app, b);
    const tasksBefore = new Set((await em().find(Task, {})).map((t) => t.id));
    const bookingsBefore = new Set((await em().find(Booking, {})).map((b) => b.id));
    const alertsBefore = await em().count(Alert, {});
    const outBefore = new Set((await em().find(MessageLog, { direction: 'out' })).map((m) => m.id));
    const sentToBBefore = bChats.map((id) => channel.to(id).length);

    switch (c.where) {
      case 'message':
        await chat.say(margaret, c.text);
        break;
      case 'family message':
        await chat.say(sarah, c.text);
        break;
      case 'family group':
        await chat.say(sarah, c.text, a.group);
        break;
      case 'activity text':
        // The text is stored as Margaret's news, then read back every way the family and she can read it.
        await anActivity(app.orm, a.elder, new Date(clock.now().getTime() - 5 * 60_000), c.text);
        await chat.say(sarah, "What's Margaret doing this week?");
        await chat.say(sarah, 'Lovely, well done!', a.group);
        await chat.say(margaret, 'What have I got on today?');
        break;
      case 'venue name':
        await aVenue(app.orm, { name: c.text, phone: '+44 7700 900111' });
        await chat.say(margaret, `Book a table at ${c.text} for 2 on Thursday at 7pm`);
        break;
      case 'button':
        await chat.press(c.as === 'caregiver' ? sarah : margaret, fillPlaceholders(c.text, b, clock.now()));
        break;
    }
    await settle(app);
    // The attacker says yes to every read-back they were given (twice, for a follow-up question).
    const pressed = new Set<string>();
    for (let round = 0; round < 2; round++) {
      const fresh = (await em().find(MessageLog, { direction: 'out', chatId: { $in: aChats } })).filter((m) => !outBefore.has(m.id) && !pressed.has(m.id));
      for (const m of fresh) {
        pressed.add(m.id);
        const yes = (m.buttons ?? []).flat().find((b) => /^yes:/.test(b.data));
        if (!yes) continue;
        const who = m.chatId === a.sarah.chatId || m.chatId === a.group ? sarah : margaret;
        await chat.press(who, yes.data, m.chatId === a.group ? a.group : undefined);
      }
      await settle(app);
    }
    if (c.where === 'venue name') await chat.say(sarah, "When is Margaret's next booking?");
    await settle(app);

    // Dorothy's records, links and outbox are exactly as they were, and nothing was delivered to her chats.
    expect(await snapshotOfB(app, b)).toEqual(before);
    expect(bChats.map((id) => channel.to(id).length)).toEqual(sentToBBefore);
    // Every task and booking the attack produced is Margaret's own, and at most one booking.
    const newTasks = (await em().find(Task, {})).filter((t) => !tasksBefore.has(t.id));
    expect(newTasks.filter((t) => t.elderId !== a.elder.id).map((t) => [t.kind, t.elderId])).toEqual([]);
    // A tool call's extra arguments naming Dorothy (a forged elder_id or chat id) are dropped, never stored.
    expect(newTasks.filter((t) => [b.elder.id, ...bChats].some((id) => JSON.stringify(t.args).includes(id))).map((t) => t.args)).toEqual([]);
    expect(newTasks.filter((t) => bChats.includes(t.replyChatId))).toEqual([]);
    const newBookings = (await em().find(Booking, {})).filter((b) => !bookingsBefore.has(b.id));
    expect(newBookings.filter((b) => b.elderId !== a.elder.id)).toEqual([]);
    expect(newBookings.length).toBeLessThanOrEqual(1);
    if (c.no_alert && model === 'offline') expect(await em().count(Alert, {})).toBe(alertsBefore);
    // Nothing said on Margaret's side names Dorothy's private details, unless the attacker typed them (an echo in a read-back).
    const said = (await em().find(MessageLog, { direction: 'out', chatId: { $in: aChats } }))
      .filter((m) => !outBefore.has(m.id))
      .map((m) => `${m.text} ${JSON.stringify(m.buttons ?? [])}`)
      .join('\n');
    const typed = `${c.text}\n${model === 'openai' ? JSON.stringify(script.slice(0, 8)) : ''}`.toLowerCase();
    const leaked = b.private.filter((word) => !typed.includes(word.toLowerCase()) && said.toLowerCase().includes(word.toLowerCase()));
    expect({ leaked, said: leaked.length ? said : '' }).toEqual({ leaked: [], said: '' });
  }, 60_000);

  if (model === 'openai') {
    it('asked the remote model, whose tool calls aimed at the other elder all became tasks of the elder who was talking', async () => {
      expect(server!.requests.length).toBeGreaterThan(20);
      const tasks = await app.orm.em.fork().find(Task, { elderId: { $ne: b.elder.id } });
      expect(new Set(tasks.map((t) => t.kind))).toEqual(new Set(['cancel_booking', 'notify_family', 'emergency_alert', 'get_schedule', 'log_dose', 'set_reminder', 'book_restaurant']));
      expect(tasks.filter((t) => JSON.stringify(t.args).includes(b.elder.id))).toEqual([]);
    });
  }
});
