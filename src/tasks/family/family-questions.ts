import type { MikroORM } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { Elder } from '../elders/elder.entity.ts';
import { DoseEvent } from '../medicines/dose-event.entity.ts';
import { MedicationSchedule } from '../medicines/medication-schedule.entity.ts';
import { nextDoseAfter, NOT_SENT_YET_MS } from '../medicines/dose-schedule.ts';
import { Reminder } from '../reminders/reminder.entity.ts';
import { Booking } from '../bookings/booking.entity.ts';
import { Venue } from '../bookings/venue.entity.ts';
import { Activity } from './activity.entity.ts';
import { CAN_SEE, NOT_LINKED_REPLY, requireLink } from './access.ts';
import { linkedEldersOf } from './family-members.ts';
import { instantToLocal, sayClockTime, sayLocalDateTime } from '../../lib/local-time.ts';
import { DATE_WORDS, NOT_NAMES, PLACE_BEFORE, POSSESSED, RELATIONSHIP, TITLES, isNameLike, namesOfElder, unpossess } from '../../lib/person-words.ts';

/**
 * What a family member or caregiver asked about an elder. `named` holds the people the question names by a
 * capitalised name ("Did Dorothy take her pills?"), when it names any besides relationship words like "Mum".
 */
export type FamilyQuestion = (
  | { kind: 'doses'; day: 'today' | 'yesterday' }
  | { kind: 'plans'; range: 'today' | 'tomorrow' | 'week' }
  | { kind: 'appointment'; keywords: string[]; bookingsOnly?: boolean }
) & { named?: string[] };

const QUESTION = /\?\s*$|^(?:did|has|have|had|is|are|was|were|what|what's|whats|when|when's|where|how|any|anything|does|do|will|tell me|can you tell|could you tell)\b/i;
const DOSES = /\b(?:pills?|tablets?|medicines?|medication|meds|doses?|insulin|inhaler|capsules?)\b/i;
const APPOINTMENT = /\b(?:appointments?|appt|bookings?|booked|reservations?|hair|hairdresser'?s?|salon|barber'?s?|dentist|doctor'?s?|gp|nails?|lunch|dinner|table)\b/i;
const PLANS = /\b(?:week|weekend|doing|plans?|up to|schedule|diary|busy|today|tomorrow|on)\b/i;
const words = (list: string): Set<string> => new Set(list.split(' '));
/** Verbs that follow a person as the subject: "did Dorothy take", "is Dorothy going", "what's Dorothy up to". */
const PERSON_VERBS = words('take taken taking took have had having get got getting go gone going went do doing done eat eaten eating see seen seeing need needs remember remembered forget forgot forgotten miss missed skip skipped use used been up manage managed');
const SUBJECT_AFTER = words("did does do has have had will would is was what's whats where's how's when's");
const STOP = words(
  "when what time is are her his the a an next appointment appointments appt booking bookings booked reservation at for my our she he does do did have has there any what's whats when's on this week coming up soon going to of in with get got be will it about you me tell know please can could she's he's again they their them him we i been time",
);
const SYNONYMS: Record<string, string[]> = {
  hair: ['hair', 'salon', 'cut', 'trim', 'colour', 'color', 'blow', 'set', 'barber', 'perm'],
  hairdresser: ['hair', 'salon'],
  barber: ['barber', 'hair', 'salon'],
  nails: ['nail', 'manicure', 'salon'],
  lunch: ['lunch', 'restaurant', 'cafe', 'café', 'pub'],
  dinner: ['dinner', 'restaurant', 'pub'],
  table: ['restaurant', 'cafe', 'café', 'pub'],
  doctor: ['doctor', 'gp', 'surgery', 'clinic'],
  gp: ['gp', 'doctor', 'surgery'],
  dentist: ['dentist', 'dental'],
};

/**
 * The people a question names, conservatively: a capitalised word that is not a question word, pronoun, day
 * or month (April, May, June and August may be names), either as a possessive before something of theirs ("Dorothy's pills") or as the subject after
 * "did/has/is…" with a person's verb ("did Dorothy take"). Relationship words and titles are dropped ("Auntie
 * Dot" → "Dot"); a capitalised place ("at Luigi's", "Olive Garden") is no person.
 */
function namedPeople(text: string): string[] {
  const tokens = text.match(/\p{L}[\p{L}'-]*/gu) ?? [];
  const found: string[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i]!;
    const after = [tokens[i + 1], tokens[i + 2]].map((w) => w?.toLowerCase() ?? '');
    if (/(?:'s|s')$/.test(word) && isNameLike(word) && after.some((w) => POSSESSED.has(w))) {
      let first = i;
      while (first > 0 && isNameLike(tokens[first - 1]!) && !/'/.test(tokens[first - 1]!)) first--;
      if (first === 0 || !PLACE_BEFORE.has(tokens[first - 1]!.toLowerCase())) found.push(tokens.slice(first, i + 1).map(unpossess));
    }
    if (SUBJECT_AFTER.has(word.toLowerCase())) {
      let last = i + 1;
      while (last < tokens.length && isNameLike(tokens[last]!) && !/'/.test(tokens[last]!)) last++;
      if (last > i + 1 && PERSON_VERBS.has(tokens[last]?.toLowerCase() ?? '')) found.push(tokens.slice(i + 1, last));
    }
  }
  const people = found.map((phrase) => phrase.filter((w) => !RELATIONSHIP.has(w.toLowerCase()) && !TITLES.has(w.toLowerCase())).join(' ')).filter(Boolean);
  return [...new Set(people)];
}

/** Reads a question a family member asks about an elder, or null when the message is not one of them. */
export function classifyFamilyQuestion(text: string): FamilyQuestion | null {
  const said = text.trim().replace(/[\u2018\u2019]/g, "'");
  const t = said.toLowerCase();
  if (!QUESTION.test(t)) return null;
  const people = namedPeople(said);
  const named = people.length ? { named: people } : {};
  if (DOSES.test(t)) return { kind: 'doses', day: /\byesterday\b/.test(t) ? 'yesterday' : 'today', ...named };
  if (APPOINTMENT.test(t) && /\b(?:when|what time|where|appointment|booking|booked)\b/.test(t)) {
    // Who it is about is no search word: "Margaret's", "Mum's", "Auntie Dot's" say whose booking, not which.
    const who = new Set(people.flatMap((p) => p.toLowerCase().split(' ')));
    const keywords = (t.match(/[\p{L}']+/gu) ?? [])
      .map(unpossess)
      .filter((w) => w.length > 1 && !STOP.has(w) && !NOT_NAMES.has(w) && !DATE_WORDS.has(w) && !RELATIONSHIP.has(w) && !TITLES.has(w) && !who.has(w));
    // "Booking", "reservation", "table": only the bookings answer, never a reminder that comes sooner.
    const bookingsOnly = /\b(?:bookings?|booked|reservations?|table)\b/.test(t) && !/\bappointments?\b/.test(t);
    return { kind: 'appointment', keywords, ...(bookingsOnly ? { bookingsOnly } : {}), ...named };
  }
  if (PLANS.test(t)) return { kind: 'plans', range: /\btomorrow\b/.test(t) ? 'tomorrow' : /\btoday\b/.test(t) ? 'today' : 'week', ...named };
  return null;
}

const ACTIVE_BOOKING = ['held', 'requested', 'confirmed'] as const;
const when = (instant: Date, tz: string): string => sayLocalDateTime(instantToLocal(instant, tz), tz);

/** The lower-case words an elder goes by for this asker: their name's words and the asker's nickname for them. */
const namesOf = (elder: Elder, nickname: string | null): Set<string> => namesOfElder(elder.name, nickname);
const says = (person: string, names: Set<string>): boolean => person.toLowerCase().split(' ').some((w) => names.has(w));

/**
 * Answers a family question from the elder's records, in the elder's local time. The actor must be linked
 * to the elder (NotLinkedError otherwise: nothing is read). A question that names someone who is not this
 * elder is answered with no record read: the not-linked reply when the actor is linked to nobody of that
 * name, or where to ask when that person is another of their elders.
 */
export async function answerFamilyQuestion(orm: MikroORM, request: { actorAccountId: string; elderId: string; question: FamilyQuestion; now: Date }): Promise<string> {
  const em = orm.em.fork();
  await requireLink(em, request.actorAccountId, request.elderId, CAN_SEE);
  const elder = await em.findOneOrFail(Elder, { id: request.elderId });
  const linked = await linkedEldersOf(em, request.actorAccountId);
  const names = namesOf(elder, linked.find((l) => l.elder.id === elder.id)?.nickname ?? null);
  const q = request.question;
  for (const person of q.named ?? []) {
    if (says(person, names)) continue;
    const other = linked.some((l) => l.elder.id !== elder.id && says(person, namesOf(l.elder, l.nickname)));
    // Only the name the asker typed is repeated, never the other elder's full name or records.
    return other ? `I can only answer about ${elder.name} here. To ask about ${person}, send me /elder in a private chat, choose who you mean, then ask again.` : NOT_LINKED_REPLY;
  }
  if (q.kind === 'doses') return answerDoses(orm, elder, q.day, request.now);
  if (q.kind === 'appointment') return answerAppointment(orm, elder, q.keywords.filter((k) => !names.has(k)), request.now, q.bookingsOnly ?? false);
  return answerPlans(orm, elder, q.range, request.now);
}

async function answerDoses(orm: MikroORM, elder: Elder, day: 'today' | 'yesterday', now: Date): Promise<string> {
  const em = orm.em.fork();
  const local = DateTime.fromJSDate(now, { zone: elder.timezone });
  const start = (day === 'today' ? local : local.minus({ days: 1 })).startOf('day');
  const end = start.plus({ days: 1 });
  const events = await em.find(DoseEvent, { elderId: elder.id, dueAt: { $gte: start.toJSDate(), $lt: end.toJSDate() } }, { orderBy: { dueAt: 'asc' } });
  const active = await em.find(MedicationSchedule, { elderId: elder.id, status: 'active' });
  const missingIds = [...new Set(events.map((e) => e.scheduleId))].filter((id) => !active.some((s) => s.id === id));
  const schedules = [...active, ...(missingIds.length ? await em.find(MedicationSchedule, { id: { $in: missingIds } }) : [])];
  const byId = new Map(schedules.map((s) => [s.id, s]));
  // Doses not yet created as events (later today) come from the timetables; a past dose never sent did not
  // exist (the medicine was added later that day), so the timetables only count from a few minutes ago.
  const rows: { scheduleId: string; dueAt: Date; status: string }[] = events.map((e) => ({ scheduleId: e.scheduleId, dueAt: e.dueAt, status: e.status }));
  const from = new Date(Math.max(start.toMillis(), now.getTime() - NOT_SENT_YET_MS) - 1);
  for (const s of active) {
    for (let d = nextDoseAfter(s, from); d && d.dueAt < end.toJSDate(); d = nextDoseAfter(s, d.dueAt)) {
      if (!rows.some((r) => r.scheduleId === s.id && r.dueAt.getTime() === d.dueAt.getTime())) rows.push({ scheduleId: s.id, dueAt: d.dueAt, status: 'planned' });
    }
  }
  const label = `${day === 'today' ? 'Today' : 'Yesterday'} (${start.toFormat('cccc d LLLL')})`;
  if (rows.length === 0) return `${label} ${elder.name} had no medicines due.`;
  rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  const due = rows.filter((r) => r.dueAt <= now);
  const taken = due.filter((r) => r.status === 'taken').length;
  const lines = rows.map((r) => {
    const s = byId.get(r.scheduleId);
    const name = s ? `${s.medicine}${s.dose ? ` ${s.dose}` : ''}` : 'a medicine';
    const state = r.status === 'taken' ? 'taken' : r.status === 'skipped' ? 'skipped' : r.status === 'missed' ? 'missed' : r.dueAt > now ? 'due later' : 'not confirmed yet';
    return `• ${sayClockTime(DateTime.fromJSDate(r.dueAt, { zone: elder.timezone }))} ${name}: ${state}`;
  });
  const head = due.length === 0 ? `${label} nothing was due yet for ${elder.name}.` : `${label} ${elder.name} has taken ${taken} of ${due.length} ${due.length === 1 ? 'dose' : 'doses'} due so far.`;
  return [head, ...lines].join('\n');
}

interface DiaryEntry {
  at: Date;
  text: string;
}

async function upcoming(orm: MikroORM, elder: Elder, from: Date, to: Date): Promise<{ bookings: DiaryEntry[]; reminders: DiaryEntry[] }> {
  const em = orm.em.fork();
  const bookings = await em.find(Booking, { elderId: elder.id, status: { $in: [...ACTIVE_BOOKING] }, startAt: { $gte: from, $lt: to } }, { orderBy: { startAt: 'asc' } });
  const venues = new Map(
    bookings.length ? (await em.find(Venue, { id: { $in: [...new Set(bookings.map((b) => b.venueId))] } })).map((v) => [v.id, v]) : [],
  );
  const reminders = await em.find(Reminder, { elderId: elder.id, status: 'active', nextFireAt: { $gte: from, $lt: to } }, { orderBy: { nextFireAt: 'asc' } });
  return {
    bookings: bookings.map((b) => {
      const v = venues.get(b.venueId);
      const what = [b.service, v ? `at ${v.name}` : null].filter(Boolean).join(' ') || 'a booking';
      return { at: b.startAt, text: `${what} (${b.status === 'confirmed' ? 'confirmed' : 'not confirmed yet'})` };
    }),
    reminders: reminders.map((r) => ({ at: r.nextFireAt!, text: `${r.text}${r.repeat ? (r.repeat === 'daily' ? ' (every day)' : ' (every week)') : ''}` })),
  };
}

async function answerPlans(orm: MikroORM, elder: Elder, range: 'today' | 'tomorrow' | 'week', now: Date): Promise<string> {
  const local = DateTime.fromJSDate(now, { zone: elder.timezone });
  const from = range === 'tomorrow' ? local.plus({ days: 1 }).startOf('day') : local;
  const to = range === 'week' ? local.plus({ days: 7 }) : from.endOf('day');
  const { bookings, reminders } = await upcoming(orm, elder, from.toJSDate(), to.toJSDate());
  const entries = [...bookings, ...reminders].sort((a, b) => a.at.getTime() - b.at.getTime());
  const span = range === 'week' ? 'in the next 7 days' : range;
  const lines = entries.map((e) => `• ${when(e.at, elder.timezone)}: ${e.text}`);
  if (range === 'week') {
    const shared = await orm.em.fork().find(Activity, { elderId: elder.id, createdAt: { $gte: local.minus({ days: 7 }).toJSDate(), $lte: now } }, { orderBy: { createdAt: 'desc' }, limit: 3 });
    if (shared.length) lines.push(`Shared lately: ${shared.map((a) => `${a.text} (${DateTime.fromJSDate(a.createdAt, { zone: elder.timezone }).toFormat('cccc')})`).join('; ')}.`);
  }
  if (entries.length === 0) return [`${elder.name} has nothing in the diary ${span}.`, ...lines].join('\n');
  return [`${elder.name}'s plans ${span}:`, ...lines].join('\n');
}

async function answerAppointment(orm: MikroORM, elder: Elder, keywords: string[], now: Date, bookingsOnly: boolean): Promise<string> {
  const far = new Date(now.getTime() + 366 * 86_400_000);
  const diary = await upcoming(orm, elder, now, far);
  const { bookings } = diary;
  const reminders = bookingsOnly ? [] : diary.reminders;
  const terms = keywords.flatMap((k) => SYNONYMS[k] ?? [k]);
  const matches = (text: string): boolean => terms.length === 0 || terms.some((t) => text.toLowerCase().includes(t));
  // Venue kinds are not in the entry text; a salon booking answers a question about hair.
  const found = [...bookings, ...reminders].filter((e) => matches(e.text) || (terms.includes('salon') && /salon|hair|cut|barber/i.test(e.text))).sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  const kind = keywords.find((k) => SYNONYMS[k] !== undefined);
  const what = kind ? `${kind} ${bookingsOnly ? 'booking' : 'appointment'}` : bookingsOnly ? 'booking' : 'appointment';
  if (!found) return `I can't find ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} for ${elder.name} in the bookings${bookingsOnly ? '' : ' or reminders'}.`;
  return `${elder.name}'s next ${what} is on ${when(found.at, elder.timezone)}: ${found.text}.`;
}
