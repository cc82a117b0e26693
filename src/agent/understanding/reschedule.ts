import { findService } from './booking.ts';
import type { Message } from './message.ts';
import { readMessage } from './message.ts';
import { parseNumber, SMALL_NUMBER_WORDS } from './numbers.ts';
import { clarifyQuestion } from './replies.ts';
import type { Understanding } from './types.ts';
import { findVenue, titleCase, venueText } from './venue.ts';
import { RESTAURANT_WORDS, SALON_WORDS } from './vocabulary.ts';
import type { HourPolicy } from './when.ts';
import { isStatedHour, resolveMoment, toClockTime, toHour24 } from './when.ts';

/** Verbs that move a booking whatever follows ("reschedule my haircut"). */
const STRONG_VERB = /\b(?:re-?schedul\w*|re-?arrang\w*|postpon\w*)\b/;
/** Verbs that move a booking when a new time or an amount follows ("move dinner to 8", "push the table back an hour"). */
const MOVE_VERB =
  /\b(?:move|moving|shift|shifting|switch|change|changing|push(?:ing)?\b.{0,40}\b(?:back|forward|on|to|till|until|later)|put(?:ting)?\b.{0,40}\b(?:back|forward|off)|bring(?:ing)?\b.{0,40}\b(?:forward|earlier)|delay(?:ing)?)\b/;
/** Something the elder has booked with us. */
const BOOKED_THING = /\b(?:table|booking|reservation|appointment|appt|restaurant|salon|hair|haircut|barber|nails|lunch|dinner|breakfast|brunch|supper)\b/;
/** Things that are moved but are not our bookings (a reminder, a medicine, a doctor's appointment). */
const NOT_OUR_BOOKING = /\b(?:remind\w*|alarm|medicines?|medication|pills?|tablets?|doses?|doctor'?s?|dentist'?s?|hospital|gp|optician'?s?|nurse|physio|clinic|surgery|delivery|order)\b/;

const LATER = /\b(?:back|later|postpon\w*|delay\w*|put off)\b/;
const EARLIER = /\b(?:forward|earlier|sooner)\b/;
const AMOUNT = new RegExp(
  `\\b(?:by\\s+)?(?:(half an? hour|an hour and a half|(?:a )?quarter of an hour)|(an?|\\d{1,3}|${SMALL_NUMBER_WORDS}|fifteen|twenty|thirty|forty[- ]five|forty|fifty|ninety)(\\s+and a half)?\\s*(hours?|hrs?|minutes?|mins?))\\b`,
);
const BARE_HOUR = /^(\d{1,2}(?:[.:]\d{2})?)\b(?!\s*(?:people|persons|of us|guests|adults|st\b|nd\b|rd\b|th\b|minutes?|mins?|hours?))/i;
/** Where the new time starts: "to 8", "till Friday at 10", "for 7.30"; else "at 8" (an answer to "what time?"). */
const TARGET_MARKERS = [/\b(?:to|till|until|til)\s+/g, /\b(?:for|at)\s+/g];

/** The signed number of minutes of "back an hour", "half an hour earlier"; null when none or no direction is said. */
function findShift(lower: string): number | null {
  const m = AMOUNT.exec(lower);
  if (!m) return null;
  let minutes: number;
  if (m[1]) minutes = m[1].startsWith('half') ? 30 : m[1].includes('and a half') ? 90 : 15;
  else {
    const word = (m[2] ?? '').replace('-', ' ');
    const amount = /^\d/.test(word) ? Number(word) : word === 'a' || word === 'an' ? 1 : parseNumber(word.replace('forty five', 'forty-five'));
    if (amount === undefined) return null;
    const whole = amount + (m[3] ? 0.5 : 0);
    minutes = (m[4] ?? '').startsWith('h') ? whole * 60 : whole;
  }
  const rest = lower.slice(0, m.index) + lower.slice(m.index + m[0].length);
  if (EARLIER.test(rest)) return -Math.round(minutes);
  if (LATER.test(rest)) return Math.round(minutes);
  return null;
}

/** Splits the message into the part about the booking as it is and the part that says the new time. */
function splitTarget(msg: Message): { before: string; after: string } | null {
  for (const marker of TARGET_MARKERS) {
    const found = [...msg.lower.matchAll(marker)].reverse();
    for (const m of found) {
      // A bare number right after "to" is a clock time ("move dinner to 8"), unless it counts something.
      const after = msg.text.slice(m.index + m[0].length).replace(BARE_HOUR, 'at $1');
      const when = readMessage(after, msg.clock).when;
      if (when.times.length > 0 || when.date !== null || when.relative !== null) return { before: msg.text.slice(0, m.index), after };
    }
  }
  return null;
}

/** The kind of booking the elder names ("dinner", "table" → restaurant; "hair", "nails" → salon), if any. */
function bookingKind(lower: string): 'restaurant' | 'salon' | null {
  if (SALON_WORDS.test(lower) || findService(lower) !== null) return /\btable\b/.test(lower) ? 'restaurant' : 'salon';
  if (RESTAURANT_WORDS.test(lower)) return 'restaurant';
  return null;
}

/** How a bare hour reads for this kind of booking: "8" is 8 pm for dinner, 9 am for breakfast or a haircut. */
function hourPolicy(lower: string, kind: 'restaurant' | 'salon' | null): HourPolicy {
  if (kind === 'restaurant' && !/\b(?:breakfast|brunch|morning coffee)\b/.test(lower)) return 'meal';
  return 'appointment';
}

/**
 * True when the message asks to move an existing table or appointment to another time: a moving verb, a
 * booked thing, and (unless the verb is "reschedule" or "postpone") a new time or an amount to move it by.
 * Reminders, medicines and appointments we do not book (doctor, dentist) are left to their own tools.
 */
export function isReschedule(msg: Message): boolean {
  const { lower } = msg;
  if (NOT_OUR_BOOKING.test(lower) || !(BOOKED_THING.test(lower) || findService(lower) !== null)) return false;
  if (/^\s*(?:please\s+|can you\s+|could you\s+)?(?:book|reserve)\b/.test(lower)) return false;
  if (STRONG_VERB.test(lower)) return true;
  if (!MOVE_VERB.test(lower) && !(/\b(?:later|earlier)\b/.test(lower) && findShift(lower) !== null)) return false;
  return findShift(lower) !== null || splitTarget(msg) !== null;
}

/** Moving a thing about the room or the restaurant ("move the table closer to the window"), not to another time. */
const MOVED_IN_SPACE = /\b(?:closer|nearer|next to|away from|to the (?:window|door|corner|wall|fire|garden|side)|into the (?:corner|shade|sun|garden)|over (?:there|a bit|here)|out of the (?:draught|sun))\b/;

/** Whether the message asks to move a booking of ours: a moving word ('found'), none ('lacking'), or a reminder, medicine or doctor's appointment ('against'). */
export function movesOurBooking(lower: string): 'found' | 'lacking' | 'against' {
  if (NOT_OUR_BOOKING.test(lower) || (MOVED_IN_SPACE.test(lower) && !STRONG_VERB.test(lower))) return 'against';
  return STRONG_VERB.test(lower) || MOVE_VERB.test(lower) || /\b(?:later|earlier|sooner|instead)\b/.test(lower) ? 'found' : 'lacking';
}

/**
 * Builds a reschedule_booking call: the booking as the elder names it (venue, kind, its current day) and the
 * new time as they say it — a day and time (`start`), a time alone that keeps the booking's day (`time`, with
 * "8" read as 8 pm for dinner), or an amount (`shift_minutes`). Asks for the new time when none is said.
 */
export function buildReschedule(msg: Message): Understanding {
  const target = splitTarget(msg);
  const shift = target ? null : findShift(msg.lower);
  const beforeText = target ? target.before : msg.text;
  const before = readMessage(beforeText, msg.clock);
  const kind = bookingKind(before.lower) ?? bookingKind(msg.lower);
  const args: Record<string, unknown> = {};
  const venue = findVenue(venueText(before.text, before.when.spans));
  if (venue) args.venue = msg.shouting ? titleCase(venue.venue.toLowerCase()) : venue.venue;
  if (kind) args.kind = kind;
  if (before.when.date) args.date = before.when.date.date;
  let exact = venue !== null || kind !== null;
  if (target) {
    const after = readMessage(target.after, msg.clock);
    const time = after.when.times[0];
    const policy = hourPolicy(msg.lower, kind);
    if (after.when.date || after.when.relative) {
      const moment = resolveMoment(after.when, msg.clock, policy);
      if (moment) {
        args.start = moment.value;
        exact &&= moment.exact;
      }
    } else if (time) {
      args.time = toClockTime(toHour24(time, policy), time.minute);
      exact &&= isStatedHour(time) || kind !== null;
    }
  } else if (shift !== null) {
    args.shift_minutes = shift;
  }
  if (args.start === undefined && args.time === undefined && args.shift_minutes === undefined) {
    return { kind: 'clarify', tool: 'reschedule_booking', args, missing: ['start'], question: clarifyQuestion('reschedule_booking', ['start']) };
  }
  return { kind: 'tool', tool: 'reschedule_booking', args, confidence: exact ? 0.9 : 0.75 };
}
