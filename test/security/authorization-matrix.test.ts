import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { EntityName, MikroORM } from '@mikro-orm/core';
import { wrap } from '@mikro-orm/core';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { InviteCode } from '../../src/tasks/family/invite-code.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { doseButtons } from '../../src/tasks/medicines/dose-messages.ts';
import { ackButton } from '../../src/tasks/family/alert-sweep.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aBooking, aFamilyCircle, aFamilyMember, anElder, anOpenAlert, aPendingDose, aReminder, outboxTo } from '../support/factories.ts';
import { aBookableVenue } from '../bookings/booking-factories.ts';
import { aSchedule } from '../medicines/medicine-factories.ts';
import { FamilyChat, type Person } from '../family/family-chat.ts';

/**
 * One table of every chat command, caregiver request in plain words, family question and button that touches an
 * elder's data, tried by everyone around her: through the real message router, as people write in chat.
 * MATRIX_DEBUG=1 prints every cell's reply.
 */

/** The columns: who tries. */
const WHO = ['stranger', 'otherFamily', 'removedCaregiver', 'deactivated', 'family', 'caregiver', 'elder'] as const;
type Who = (typeof WHO)[number];

/** What a person does: writes words, or presses a button whose data came from Margaret's own chats. */
type Act = { say: string } | { press: string };

/** Margaret and everyone around her, with her data. */
interface World {
  margaret: { elder: Elder; account: ChannelAccount };
  groupChatId: string;
  accounts: Record<Exclude<Who, 'stranger' | 'elder'>, ChannelAccount> & { bystander: ChannelAccount };
  venueName: string;
  scheduleId: string;
  doseId: string;
  alertId: string;
  bookingReference: string;
  /** Button data copied from Margaret's chats, fetched once per world. */
  copied: Map<string, string>;
}

/** A row: where it is tried, what is done, who may, and what an allowed attempt is answered. */
interface Row {
  name: string;
  where: 'private' | 'group';
  act: (w: World) => Promise<Act>;
  /** Who may (the deactivated member is derived: see `expected`). */
  allowed: Who[];
  /** A reply the allowed actor sees: the read-back, confirmation or answer. */
  reply: RegExp | ((w: World) => RegExp);
  /** An allowed attempt changes Margaret's data in a way later rows would notice: it gets a fresh Margaret. */
  fresh?: boolean;
  /** Every attempt gets a fresh Margaret (the row needs her own conversation to be clean). */
  isolated?: boolean;
  /** The allowed reply comes from a queued task (in-process or on the BullMQ worker): wait for it. */
  queued?: boolean;
}

/**
 * Cells whose behaviour today is not what it should be, each with what happens instead (reported on issue 8).
 * Each must still disagree with its expectation: when it is fixed the test fails until the entry is removed.
 * Every other cell must agree.
 */
const KNOWN_GAPS: Record<string, string> = {};

const HERBS = ['Rosemary', 'Juniper', 'Saffron', 'Bramble', 'Clover', 'Hazel', 'Willow', 'Sorrel', 'Fennel', 'Mallow', 'Yarrow', 'Betony'];
const PLACES = ['Kitchen', 'Table', 'Brasserie', 'Dining Room', 'Grill'];

const SOMETHING_WRONG = 'Sorry, something went wrong on my side. Please try again in a minute.';

describe.each(MODES)('the authorization matrix through the chat router (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let chat: FamilyChat;
  let shared: World;
  let strangers = 0;
  let worlds = 0;
  // Tuesday 24 November 2026, 10:00 in London.
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const person = (account: ChannelAccount): Person => ({ userId: account.externalUserId, displayName: account.displayName ?? 'Margaret' });

  async function aWorld(): Promise<World> {
    const orm = app.orm;
    const margaret = await anElder(orm);
    const circle = await aFamilyCircle(orm, margaret.elder);
    const family = await aFamilyMember(orm, margaret.elder, { name: 'Sarah' });
    const caregiver = await aFamilyMember(orm, margaret.elder, { role: 'caregiver', name: 'Ann' });
    const removedCaregiver = await aFamilyMember(orm, margaret.elder, { role: 'caregiver', removed: true, name: 'Carol' });
    const deactivated = await aFamilyMember(orm, margaret.elder, { inactive: true, name: 'Dora' });
    const bystander = await aFamilyMember(orm, margaret.elder, { name: 'Frank' });
    const joan = await anElder(orm, { name: 'Joan' });
    const otherFamily = await aFamilyMember(orm, joan.elder, { role: 'caregiver', name: 'Gus' });
    // A venue name in words, as people write it, different in every world.
    const venue = await aBookableVenue(orm, { name: `${HERBS[worlds % HERBS.length]} ${PLACES[Math.floor(worlds / HERBS.length) % PLACES.length]}` });
    worlds += 1;
    const schedule = await aSchedule(orm, margaret.elder, clock.now(), { medicine: 'Lisinopril', dose: '10mg', times: ['21:00'] });
    const dose = await aPendingDose(orm, schedule, new Date('2026-11-24T09:00:00Z'), '09:00');
    const booking = await aBooking(orm, margaret.elder, venue, '2026-11-27T19:00');
    await aReminder(orm, margaret.elder, margaret.account, '2026-11-25T15:00', { text: 'water the tomatoes' });
    const alert = await anOpenAlert(orm, margaret.elder, { description: 'fell in the garden', nextNotifyAt: new Date('2026-11-24T10:05:00Z') });
    return {
      margaret,
      groupChatId: circle.groupChatId,
      accounts: {
        family: family.account,
        caregiver: caregiver.account,
        removedCaregiver: removedCaregiver.account,
        deactivated: deactivated.account,
        otherFamily: otherFamily.account,
        bystander: bystander.account,
      },
      venueName: venue.name,
      scheduleId: schedule.id,
      doseId: dose.id,
      alertId: alert.id,
      bookingReference: booking.reference,
      copied: new Map(),
    };
  }

  /** Margaret does something in her own chat (or her group) and the data of the button she is shown is kept. */
  async function copyFromMargaret(w: World, key: string, text: string, label: RegExp, group = false): Promise<string> {
    const known = w.copied.get(key);
    if (known) return known;
    const chatId = group ? w.groupChatId : w.margaret.account.chatId;
    const before = (await outboxTo(app, chatId)).length;
    if (text.startsWith('press:')) await chat.press(person(w.margaret.account), text.slice('press:'.length), group ? chatId : undefined);
    else await chat.say(person(w.margaret.account), text, group ? chatId : undefined);
    await app.settle();
    const received = (await outboxTo(app, chatId)).slice(before);
    const button = received.flatMap((m) => (m.buttons ?? []).flat()).find((b) => label.test(b.label));
    if (!button) throw new Error(`Margaret was not shown a ${label} button after "${text}": ${received.map((m) => m.text).join(' | ')}`);
    w.copied.set(key, button.data);
    return button.data;
  }

  const say = (text: string) => async (): Promise<Act> => ({ say: text });

  const ROWS: Row[] = [
    // Chat commands.
    // The elder's /start (re)starts her onboarding, so she tries it on a fresh Margaret.
    { name: '/start', where: 'private', act: say('/start'), allowed: ['family', 'caregiver', 'elder'], reply: /linked to Margaret|what's your name\?/, fresh: true },
    { name: '/invite', where: 'private', act: say('/invite'), allowed: ['caregiver', 'elder'], reply: /invite code for a family member of Margaret/ },
    { name: '/invite caregiver', where: 'private', act: say('/invite caregiver'), allowed: ['caregiver', 'elder'], reply: /invite code for a caregiver of Margaret/ },
    { name: '/join with a guessed code', where: 'private', act: say('/join FAMILY-ABC-DEF-GHJ'), allowed: [], reply: /^$/ },
    { name: '/link with a guessed code in the family group', where: 'group', act: say('/link FAMILY-ABC-DEF-GHJ'), allowed: [], reply: /^$/ },
    { name: '/elder Margaret', where: 'private', act: say('/elder Margaret'), allowed: ['family', 'caregiver'], reply: /I'll answer about Margaret/ },
    { name: '/remove (who is linked)', where: 'private', act: say('/remove'), allowed: ['family', 'caregiver', 'elder'], reply: /Linked now: .*Frank/ },
    { name: '/remove Frank', where: 'private', act: say('/remove Frank'), allowed: ['caregiver', 'elder'], reply: /Frank is no longer in Margaret's family circle/, fresh: true },
    { name: '/export', where: 'private', act: say('/export'), allowed: ['caregiver', 'elder'], reply: /everything I keep about Margaret/ },
    { name: '/medicines', where: 'private', act: say('/medicines'), allowed: ['caregiver', 'elder'], reply: /Lisinopril/ },
    { name: '/medtime Lisinopril 8pm', where: 'private', act: say('/medtime Lisinopril 8pm'), allowed: ['caregiver', 'elder'], reply: /Move Lisinopril 10mg from 9:00 pm to 8:00 pm/ },
    { name: '/meddose Lisinopril 20mg', where: 'private', act: say('/meddose Lisinopril 20mg'), allowed: ['caregiver', 'elder'], reply: /Change Lisinopril from 10mg to 20mg for Margaret/ },
    { name: '/notify in the family group', where: 'group', act: say('/notify'), allowed: ['family', 'caregiver', 'elder'], reply: /What the family hears about Margaret's medicines/ },
    { name: '/notify taken on in the family group', where: 'group', act: say('/notify taken on'), allowed: ['family', 'caregiver', 'elder'], reply: /I'll tell the family when Margaret takes a dose/, fresh: true },
    { name: '/summary in the family group', where: 'group', act: say('/summary'), allowed: ['family', 'caregiver', 'elder'], reply: /Margaret's daily summary comes at/ },
    { name: '/summary 7pm in the family group', where: 'group', act: say('/summary 7pm'), allowed: ['family', 'caregiver', 'elder'], reply: /The daily summary will come at 7:00 pm/ },
    {
      name: '/addvenue',
      where: 'private',
      act: say("/addvenue Rosa's Trattoria, restaurant, 12 High St, 020 7946 0000"),
      allowed: ['family', 'caregiver', 'elder'],
      reply: /Rosa's Trattoria/,
    },
    { name: '/help', where: 'private', act: say('/help'), allowed: ['family', 'caregiver', 'elder'], reply: /^(?:You're linked to Margaret|Just write to me in your own words)/ },
    { name: '/help in the family group', where: 'group', act: say('/help'), allowed: ['family', 'caregiver', 'elder'], reply: /^This is (?:Margaret's family circle|your family group)/ },
    { name: '/forget (the read-back only)', where: 'private', act: say('/forget'), allowed: ['family', 'caregiver', 'elder'], reply: /Shall I go ahead\?/ },
    { name: '/view', where: 'private', act: say('/view'), allowed: ['family', 'caregiver', 'elder'], reply: /^Here is Margaret's week\./ },
    { name: '/view in the family group', where: 'group', act: say('/view'), allowed: ['family', 'caregiver', 'elder'], reply: /^Margaret's week, for everyone in this group\./ },

    // Caregiver requests in plain words. Allowed attempts take a fresh Margaret: a read-back waiting in her own
    // conversation would take her next words as a change to it.
    { name: 'add a medicine for Margaret', where: 'private', act: say('add Donepezil 5mg for Margaret at 9pm'), allowed: ['caregiver', 'elder'], reply: /Donepezil 5mg every day at 9:00 pm\. Shall I add it\?/, fresh: true },
    {
      name: 'book a table for Margaret',
      where: 'private',
      act: async (w) => ({ say: `book a table for Margaret at ${w.venueName} for 2 on saturday at 7pm` }),
      allowed: ['caregiver', 'elder'],
      reply: (w) => new RegExp(`${w.venueName}, 2 people, Saturday 28 November at 7:00 pm`),
      fresh: true,
    },
    {
      name: 'cancel the booking for Margaret',
      where: 'private',
      act: async (w) => ({ say: `cancel the booking at ${w.venueName} for Margaret` }),
      allowed: ['caregiver', 'elder'],
      reply: (w) => new RegExp(`cancel your booking at ${w.venueName}`),
      fresh: true,
    },
    {
      name: "cancel Margaret's booking",
      where: 'private',
      act: async (w) => ({ say: `cancel Margaret's booking at ${w.venueName}` }),
      allowed: ['caregiver', 'elder'],
      reply: (w) => new RegExp(`cancel your booking at ${w.venueName}`),
      fresh: true,
    },
    { name: "move Margaret's dinner", where: 'private', act: async (w) => ({ say: `move Margaret's dinner at ${w.venueName} to 8pm` }), allowed: ['caregiver', 'elder'], reply: (w) => new RegExp(`Move your table at ${w.venueName} from Friday 27 November at 7:00 pm to Friday 27 November at 8:00 pm`), fresh: true },
    { name: 'remind Margaret (the time first)', where: 'private', act: say('remind Margaret tomorrow at 10am to call the surgery'), allowed: ['caregiver', 'elder'], reply: /I'll remind you: ".*call the surgery" on Wednesday 25 November at 10:00 am/, fresh: true },
    { name: 'remind Margaret (the time last)', where: 'private', act: say('remind Margaret to call the surgery tomorrow at 10am'), allowed: ['caregiver', 'elder'], reply: /I'll remind you: ".*call the surgery" on Wednesday 25 November at 10:00 am/, fresh: true },

    // Family questions.
    { name: 'did Margaret take her pills today?', where: 'private', act: say('did Margaret take her pills today?'), allowed: ['family', 'caregiver', 'elder'], reply: /Margaret has taken 0 of 1 dose|Lisinopril/, fresh: true },
    { name: "when is Margaret's next booking?", where: 'private', act: say("when is Margaret's next booking?"), allowed: ['family', 'caregiver', 'elder'], reply: (w) => new RegExp(`Friday 27 November.*(${w.venueName}|7:00 pm)`), fresh: true },

    // Buttons that belong to Margaret's data.
    { name: 'the dose Taken button', where: 'private', act: async (w) => ({ press: doseButtons(w.doseId)[0]!.find((b) => b.label === 'Taken')!.data }), allowed: ['elder'], reply: /Lisinopril/, fresh: true },
    { name: 'the dose Skip button', where: 'private', act: async (w) => ({ press: doseButtons(w.doseId)[0]!.find((b) => b.label === 'Skip')!.data }), allowed: ['elder'], reply: /Lisinopril/, fresh: true },
    {
      name: 'a /notify toggle',
      where: 'group',
      act: async (w) => ({ press: await copyFromMargaret(w, 'notify', '/notify', /Turn on: when Margaret takes a dose/, true) }),
      allowed: ['family', 'caregiver', 'elder'],
      reply: /I'll tell the family when Margaret takes a dose/,
      fresh: true,
    },
    {
      name: 'the /summary Yes',
      where: 'group',
      act: async (w) => ({ press: await copyFromMargaret(w, 'summary', '/summary 7pm', /^Yes$/, true) }),
      allowed: ['family', 'caregiver', 'elder'],
      reply: /Done\. The daily summary will come at 7:00 pm/,
      fresh: true,
    },
    {
      name: 'the /medicines Pause button',
      where: 'private',
      act: async (w) => ({ press: await copyFromMargaret(w, 'pause', '/medicines', /Pause/) }),
      allowed: ['caregiver', 'elder'],
      reply: /Pause Lisinopril/,
    },
    {
      name: 'the Yes under Pause',
      where: 'private',
      act: async (w) => ({ press: await copyFromMargaret(w, 'pause-yes', `press:${await copyFromMargaret(w, 'pause', '/medicines', /Pause/)}`, /^Yes$/) }),
      allowed: ['caregiver', 'elder'],
      reply: /Done\. Lisinopril 10mg is paused/,
      fresh: true,
    },
    {
      name: 'the Yes under Stop',
      where: 'private',
      act: async (w) => ({ press: await copyFromMargaret(w, 'stop-yes', `press:${await copyFromMargaret(w, 'stop', '/medicines', /Stop/)}`, /^Yes$/) }),
      allowed: ['caregiver', 'elder'],
      reply: /Done\. Lisinopril 10mg is stopped/,
      fresh: true,
    },
    {
      name: 'the /medtime Yes',
      where: 'private',
      act: async (w) => ({ press: await copyFromMargaret(w, 'medtime', '/medtime Lisinopril 8pm', /^Yes$/) }),
      allowed: ['caregiver', 'elder'],
      reply: /Done\. Lisinopril 10mg is now at 8:00 pm/,
      fresh: true,
    },
    {
      name: 'the /meddose Yes',
      where: 'private',
      act: async (w) => ({ press: await copyFromMargaret(w, 'meddose', '/meddose Lisinopril 20mg', /^Yes$/) }),
      allowed: ['caregiver', 'elder'],
      reply: /Done\. Lisinopril is now 20mg/,
      fresh: true,
    },
    { name: "the alert's I'm on it", where: 'private', act: async (w) => ({ press: ackButton(w.alertId)[0]![0]!.data }), allowed: ['family', 'caregiver'], reply: /I've told Margaret and the family that you're on it/, fresh: true },
    {
      name: "the Yes under Margaret's booking cancellation",
      where: 'private',
      act: async (w) => ({ press: await copyFromMargaret(w, 'cancel', `cancel my booking at ${w.venueName}`, /^Yes/) }),
      allowed: ['elder'],
      reply: /[Cc]ancelled/,
      isolated: true,
      queued: true,
    },
    {
      name: "the Yes, delete under Margaret's /forget",
      where: 'private',
      act: async (w) => ({ press: await copyFromMargaret(w, 'forget', '/forget', /^Yes, delete$/) }),
      allowed: ['elder'],
      reply: /deleted/i,
      fresh: true,
    },
    { name: 'the elder choice button for Margaret', where: 'private', act: async (w) => ({ press: `elder:${w.margaret.elder.id}` }), allowed: ['family', 'caregiver', 'elder'], reply: /I'll answer about Margaret/ },
  ];

  /**
   * What a cell should be. A deactivated account is one that blocked the bot: writing or pressing in its own
   * private chat shows it is reachable again and reactivates it (a family member again); in the group it stays
   * deactivated and is refused.
   */
  function expected(row: Row, who: Who): 'allowed' | 'refused' {
    if (who === 'deactivated') return row.where === 'private' && row.allowed.includes('family') ? 'allowed' : 'refused';
    return row.allowed.includes(who) ? 'allowed' : 'refused';
  }

  /** Everything kept about Margaret, as comparable JSON. */
  async function snapshot(w: World): Promise<string> {
    const em = app.orm.em.fork();
    const elderId = w.margaret.elder.id;
    const rows = async (entity: EntityName<object>, where: object) =>
      (await em.find(entity, where as never)).map((r) => JSON.stringify(wrap(r).toPOJO())).sort();
    return JSON.stringify({
      elder: await rows(Elder as EntityName<object>, { id: elderId }),
      accounts: await rows(ChannelAccount as EntityName<object>, { elderId }),
      tasks: await rows(Task as EntityName<object>, { elderId }),
      schedules: await rows(MedicationSchedule as EntityName<object>, { elderId }),
      doses: await rows(DoseEvent as EntityName<object>, { elderId }),
      bookings: await rows(Booking as EntityName<object>, { elderId }),
      reminders: await rows(Reminder as EntityName<object>, { elderId }),
      alerts: await rows(Alert as EntityName<object>, { elderId }),
      links: await rows(CaregiverLink as EntityName<object>, { elderId }),
      circle: await rows(FamilyCircle as EntityName<object>, { elderId }),
      invites: await rows(InviteCode as EntityName<object>, { elderId }),
    });
  }

  /** Chats that hear about Margaret: her own, her group, and her linked people's. */
  const margaretsChats = (w: World): string[] => [
    w.margaret.account.chatId,
    w.groupChatId,
    w.accounts.family.chatId,
    w.accounts.caregiver.chatId,
    w.accounts.bystander.chatId,
    w.accounts.deactivated.chatId,
  ];

  async function outCount(orm: MikroORM, chatIds: string[]): Promise<number> {
    return orm.em.fork().count(MessageLog, { chatId: { $in: chatIds }, direction: 'out' });
  }

  /** The person in a column: the stranger is someone new every time, who has never written before. */
  function actorOf(w: World, who: Who): Person {
    if (who === 'stranger') return { userId: `stranger-${++strangers}-${w.margaret.elder.id.slice(0, 8)}`, displayName: 'Steve' };
    if (who === 'elder') return person(w.margaret.account);
    return person(w.accounts[who]);
  }

  /** Replies to one chat that contain `pattern`, waiting a little for work done by a queued task. */
  async function repliesUntil(chatId: string, seen: Set<string>, pattern: RegExp | null): Promise<MessageLog[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      await app.settle();
      const replies = (await outboxTo(app, chatId)).filter((m) => !seen.has(m.id));
      if (!pattern || replies.some((m) => pattern.test(m.text)) || Date.now() > deadline) return replies;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Tries one cell; returns what disagreed with the expectation, or null. */
  async function tryCell(row: Row, who: Who): Promise<string | null> {
    const outcome = expected(row, who);
    const w = row.isolated || (outcome === 'allowed' && row.fresh) ? await aWorld() : shared;
    if (who === 'deactivated') await app.orm.em.fork().nativeUpdate(ChannelAccount, { id: w.accounts.deactivated.id }, { active: false });
    const act = await row.act(w);
    const actor = actorOf(w, who);
    const chatId = row.where === 'group' ? w.groupChatId : `chat-${actor.userId}`;
    const elsewhere = margaretsChats(w).filter((c) => c !== chatId);
    const before = await snapshot(w);
    const heardBefore = await outCount(app.orm, elsewhere);
    // By id, not by count: /forget deletes the elder's earlier messages.
    const ownBefore = new Set((await outboxTo(app, chatId)).map((m) => m.id));
    const group = row.where === 'group' ? w.groupChatId : undefined;
    if ('say' in act) await chat.say(actor, act.say, group);
    else await chat.press(actor, act.press, group);
    const wanted = typeof row.reply === 'function' ? row.reply(w) : row.reply;
    const replies = await repliesUntil(chatId, ownBefore, outcome === 'allowed' && row.queued ? wanted : null);
    const said = replies.map((m) => m.text).join(' | ') || '(no reply)';
    if (process.env.MATRIX_DEBUG) console.log(`${row.name} × ${who} (${outcome}): ${said}`);
    const cell = `${row.name} × ${who}: expected ${outcome}`;
    if (replies.some((m) => m.text === SOMETHING_WRONG)) return `${cell}, the router failed: ${said}`;
    if (outcome === 'allowed') return replies.some((m) => wanted.test(m.text)) ? null : `${cell}, replied: ${said}`;

    const after = await snapshot(w);
    if (after !== before) return `${cell}, but Margaret's data changed (${changedParts(before, after)}); replied: ${said}`;
    const heard = (await outCount(app.orm, elsewhere)) - heardBefore;
    if (heard > 0) return `${cell}, but ${heard} message(s) reached Margaret's chats; replied: ${said}`;
    // A private attempt is always answered; in a group the bot stays silent to people it does not know.
    if (row.where === 'private' && replies.length === 0) return `${cell}, but nobody answered`;
    const typed = 'say' in act ? act.say : '';
    const secrets = ['Lisinopril', 'water the tomatoes', 'fell in the garden', w.bookingReference, w.venueName].filter((s) => !typed.includes(s));
    const leaked = secrets.filter((s) => replies.some((m) => m.text.includes(s)));
    if (leaked.length > 0) return `${cell}, but the reply told them ${leaked.join(', ')}: ${said}`;
    // Asked for Margaret, someone linked to another elder must not be offered it for their own elder instead.
    if (who === 'otherFamily' && typed.includes('Margaret') && replies.some((m) => m.text.startsWith('For Joan:'))) return `${cell}, but it was proposed for Joan: ${said}`;
    return null;
  }

  function changedParts(before: string, after: string): string {
    const a = JSON.parse(before) as Record<string, string[]>;
    const b = JSON.parse(after) as Record<string, string[]>;
    return Object.keys(a)
      .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
      .join(', ');
  }

  beforeAll(async () => {
    // The family view on, so that /view hands out links (to whom is part of the matrix).
    storage = testStorage(mode, { PUBLIC_BASE_URL: 'https://view.example.org', FAMILY_VIEW_SECRET: 'a secret of at least thirty-two characters!' });
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()] });
    chat = new FamilyChat(app);
    shared = await aWorld();
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s: only the people who may are let through, and everyone else changes nothing', async (_name, row) => {
    const disagreements: string[] = [];
    for (const who of WHO) {
      const problem = await tryCell(row, who);
      const gap = KNOWN_GAPS[`${row.name} × ${who}`];
      if (problem && !gap) disagreements.push(problem);
      if (!problem && gap) disagreements.push(`${row.name} × ${who} now behaves as it should (was: ${gap}): remove it from KNOWN_GAPS`);
    }
    expect(disagreements).toEqual([]);
  }, 60_000);
});
