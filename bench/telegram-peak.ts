/**
 * Two Telegram parts about delivery lanes, through the real app against the fake Bot API with Telegram's limits
 * (30 bulk messages/s per bot; replies to a chat that just wrote not held to it; ~1/s per chat):
 *  (peak) `--reminders` (3,000) reminders due in the same minute, each to its own elder, drained at the bot's
 *      30/s; `--inject-after` (2 s) into the drain an elder writes that she has fallen (her family must get the
 *      alert) and another elder asks a question (he must get the answer). Targets: alert to family ≤ 2 s, the
 *      answer ≤ 2 s, drain ≥ 28/s, 0 × 429, every reminder delivered exactly once.
 *  (first-replies) `--new-chats` (60) people who never wrote before write at once (as to `npm start`):
 *      every first reply p99 < 1 s, 0 × 429.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { Elder } from '../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../src/tasks/elders/channel-account.entity.ts';
import { CaregiverLink } from '../src/tasks/family/caregiver-link.entity.ts';
import { Reminder } from '../src/tasks/reminders/reminder.entity.ts';
import type { BenchResult } from '../src/cli/bench.ts';
import type { App } from '../src/app.ts';
import { aTelegramUser, type RecordedCall, type TgUser } from '../test/support/fake-telegram-server.ts';
import { percentile, startRun, waitUntil } from './telegram-support.ts';

type Mode = 'scale' | 'embedded';

/** What (peak) measured. */
export interface PeakFigures {
  reminders: number;
  delivered: number;
  /** Reminder chats that got more than one message (must be 0). */
  duplicates: number;
  drainRate: number;
  drainSeconds: number;
  alertMs: number;
  answerMs: number;
  tooMany: number;
}

const TIMEZONE = 'Europe/London';

/** Saves elders with a Telegram chat each (the chat id is the person's id, as in a private chat). */
async function seedElders(app: App, people: TgUser[], name: string): Promise<Elder[]> {
  const elders: Elder[] = [];
  for (let i = 0; i < people.length; i += 500) {
    const em = app.orm.em.fork();
    for (const person of people.slice(i, i + 500)) {
      const elder = em.create(Elder, { id: randomUUID(), name, timezone: TIMEZONE, locale: 'en-GB', onboardingStep: null });
      em.create(ChannelAccount, { id: randomUUID(), channel: 'telegram', externalUserId: String(person.id), chatId: String(person.id), displayName: name, role: 'elder', elderId: elder.id, active: true });
      elders.push(elder);
    }
    await em.flush();
  }
  return elders;
}

/** A reminder for each elder, due a second ago (the minute's sweep finds them all at once). */
async function seedReminders(app: App, elders: Elder[], people: TgUser[]): Promise<void> {
  const due = new Date(Date.now() - 1000);
  const localAt = DateTime.fromJSDate(due, { zone: TIMEZONE }).toFormat("yyyy-LL-dd'T'HH:mm");
  for (let i = 0; i < elders.length; i += 500) {
    const em = app.orm.em.fork();
    for (const [k, elder] of elders.slice(i, i + 500).entries()) {
      const person = people[i + k]!;
      em.create(Reminder, {
        id: randomUUID(),
        elderId: elder.id,
        taskId: null,
        text: 'take your 8 o’clock tablets with breakfast',
        localAt,
        timezone: TIMEZONE,
        repeat: null,
        status: 'active',
        nextFireAt: due,
        lastFiredAt: null,
        channel: 'telegram',
        chatId: String(person.id),
      });
    }
    await em.flush();
  }
}

/** Links a daughter (her own private chat) to the elder. */
async function linkDaughter(app: App, elder: Elder, daughter: TgUser): Promise<void> {
  const em = app.orm.em.fork();
  const account = em.create(ChannelAccount, { id: randomUUID(), channel: 'telegram', externalUserId: String(daughter.id), chatId: String(daughter.id), displayName: 'Sarah', role: 'family', elderId: null, active: true });
  em.create(CaregiverLink, { id: randomUUID(), elderId: elder.id, accountId: account.id, role: 'family', removedAt: null });
  await em.flush();
}

/** (peak): the morning's reminders drain at the bot's 30/s while an emergency and a question come in. */
export async function peak(mode: Mode, reminders: number, injectAfterMs: number): Promise<PeakFigures> {
  const run = await startRun(mode, false);
  try {
    const { app, fake } = run;
    const people = Array.from({ length: reminders }, () => aTelegramUser());
    const elders = await seedElders(app, people, 'Margaret');
    await seedReminders(app, elders, people);
    const [fallen, asking, daughter] = [aTelegramUser({ first_name: 'Edna' }), aTelegramUser({ first_name: 'George' }), aTelegramUser({ first_name: 'Sarah' })];
    const [edna] = await seedElders(app, [fallen], 'Edna');
    await seedElders(app, [asking], 'George');
    await linkDaughter(app, edna!, daughter);

    const reminderChats = new Set(people.map((p) => String(p.id)));
    const perChat = new Map<string, number>();
    const sent: number[] = [];
    const firstTo = new Map<string, number>();
    fake.onCall = (c: RecordedCall) => {
      if (c.method !== 'sendMessage' || c.status !== 200) return;
      const chat = String(c.params.chat_id);
      if (!firstTo.has(chat)) firstTo.set(chat, c.at);
      if (!reminderChats.has(chat)) return;
      perChat.set(chat, (perChat.get(chat) ?? 0) + 1);
      sent.push(c.at);
    };
    const ticked = performance.now();
    // The minute's sweep: every due reminder is written to the outbox and handed to delivery in batches.
    const sweeping = app.tick();
    await waitUntil(() => sent.length > 0, 60_000);
    await waitUntil(() => performance.now() - sent[0]! >= injectAfterMs, 60_000);
    const injected = performance.now();
    fake.userSays(fallen, "I've fallen in the hall and I can't get up");
    fake.userSays(asking, 'What have I got on tomorrow?');
    await waitUntil(() => firstTo.has(String(daughter.id)) && firstTo.has(String(asking.id)), 60_000);
    await sweeping;
    await waitUntil(() => sent.length >= reminders, 60_000 + (reminders / 25) * 1000);
    // A moment longer, to see any reminder sent twice.
    await new Promise((r) => setTimeout(r, 1500));
    const steady = sent.filter((t) => t >= sent[0]! + 1000);
    return {
      reminders,
      delivered: perChat.size,
      duplicates: [...perChat.values()].filter((n) => n > 1).length,
      drainRate: steady.length > 1 ? (steady.length - 1) / ((steady.at(-1)! - steady[0]!) / 1000) : 0,
      drainSeconds: ((sent.at(-1) ?? ticked) - ticked) / 1000,
      alertMs: (firstTo.get(String(daughter.id)) ?? Number.NaN) - injected,
      answerMs: (firstTo.get(String(asking.id)) ?? Number.NaN) - injected,
      tooMany: fake.calls.filter((c) => c.status === 429).length,
    };
  } finally {
    await run.cleanup();
  }
}

/** What (first-replies) measured. */
export interface FirstReplyFigures {
  chats: number;
  answered: number;
  p50: number;
  p99: number;
  max: number;
  tooMany: number;
}

/** (first-replies): many people who never wrote before write at once; each first reply's latency. */
export async function firstReplies(mode: Mode, chats: number): Promise<FirstReplyFigures> {
  const run = await startRun(mode, false);
  try {
    const { fake } = run;
    const people = Array.from({ length: chats }, () => aTelegramUser());
    const pushed = new Map<string, number>();
    const answered = new Map<string, number>();
    fake.onCall = (c: RecordedCall) => {
      if (c.method !== 'sendMessage' || c.status !== 200) return;
      const chat = String(c.params.chat_id);
      if (pushed.has(chat) && !answered.has(chat)) answered.set(chat, c.at);
    };
    // The app has been running for a while, as `npm start` would have: a few people talked to it first.
    const earlier = Array.from({ length: 5 }, () => aTelegramUser());
    for (const person of earlier) fake.userSays(person, 'Hello');
    await waitUntil(() => earlier.every((p) => fake.messagesTo(p.id).length > 0), 30_000);
    for (const [i, person] of people.entries()) {
      pushed.set(String(person.id), performance.now());
      // Telegram's Start button for some, a greeting for the others.
      fake.userSays(person, i % 2 === 0 ? '/start' : 'Hello');
    }
    await waitUntil(() => answered.size >= chats, 30_000);
    const latencies = [...answered.entries()].map(([chat, at]) => at - pushed.get(chat)!).sort((a, b) => a - b);
    return {
      chats,
      answered: answered.size,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      tooMany: fake.calls.filter((c) => c.status === 429).length,
    };
  } finally {
    await run.cleanup();
  }
}

/** The rows of one (peak) run. */
export function peakRows(mode: Mode, f: PeakFigures): BenchResult[] {
  const row = (metric: string, value: number, unit: string, target?: string): BenchResult => ({ bench: 'telegram', metric: `(peak, ${mode}) ${metric}`, value, unit, ...(target ? { target } : {}) });
  return [
    row(`${f.reminders} reminders due in one minute: delivered`, f.delivered, `of ${f.reminders}`, `${f.reminders}`),
    row('reminders delivered more than once', f.duplicates, 'chats', '0'),
    row('drain rate', f.drainRate, 'msgs/s', '>= 28'),
    row('drain time (sweep to last reminder)', f.drainSeconds, 's'),
    row('emergency → alert reaches the family', f.alertMs, 'ms', '<= 2000'),
    row("another elder's question → the answer", f.answerMs, 'ms', '<= 2000'),
    row('429 answers from the Bot API', f.tooMany, 'count', '0'),
  ];
}

/** The rows of one (first-replies) run. */
export function firstReplyRows(mode: Mode, f: FirstReplyFigures): BenchResult[] {
  const row = (metric: string, value: number, unit: string, target?: string): BenchResult => ({ bench: 'telegram', metric: `(first replies, ${mode}) ${metric}`, value, unit, ...(target ? { target } : {}) });
  return [
    row(`${f.chats} new chats writing at once: answered`, f.answered, `of ${f.chats}`, `${f.chats}`),
    row('first reply p50', f.p50, 'ms'),
    row('first reply p99', f.p99, 'ms', '< 1000'),
    row('first reply max', f.max, 'ms'),
    row('429 answers from the Bot API', f.tooMany, 'count', '0'),
  ];
}
