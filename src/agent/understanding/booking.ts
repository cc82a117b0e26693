import type { Message } from './message.ts';
import { findPartySize } from './party-size.ts';
import { clarifyQuestion } from './replies.ts';
import type { Understanding } from './types.ts';
import { findVenue, titleCase, venueText } from './venue.ts';
import { SALON_SERVICES } from './vocabulary.ts';
import { resolveMoment } from './when.ts';

/** Each treatment with its pattern, longest first, compiled once. */
const SERVICE_PATTERNS = [...SALON_SERVICES]
  .sort((a, b) => b.length - a.length)
  .map((service) => ({ service, re: new RegExp(`\\b${service.replace(/[-]/g, '[- ]?').replace(/ /g, '\\s+')}\\b`) }));

const BOOKING_NOTES =
  /\b(?:wheelchair(?: access(?:ible)?| user| space)?|step[- ]free(?: access)?|walking frame|zimmer frame|mobility scooter|high ?chair|pram|buggy|guide dog|(?:[\w']+ )?birthday|anniversary|(?:nut|gluten|dairy|shellfish|fish|egg|peanut) (?:allergy|free|intolerance)|allerg(?:y|ies|ic to \w+)|gluten[- ]free|vegetarian|vegan|halal|kosher|diabetic|window (?:seat|table)|quiet (?:table|corner|spot)|by the window|near the door|ground floor|downstairs|outside|outdoors?|terrace|booth|hard of hearing|short hair|not too short)\b/g;

/** Finds the extra wishes of a booking ("wheelchair access", "nut allergy", "window table"). */
export function findBookingNotes(lower: string): string | null {
  const notes = [...new Set([...lower.matchAll(BOOKING_NOTES)].map((m) => m[0]))];
  return notes.length > 0 ? notes.join(', ') : null;
}

/** A treatment told as what is done to her ("my hair permed", "my eyebrows threaded", "my beard trimmed"). */
const SERVICE_DONE =
  /\b(?:hair|it|eyebrows|brows|legs|beard|nails|toenails|roots)\s+(?:done\s+and\s+)?(permed|coloured|colored|dyed|tinted|trimmed|threaded|waxed|blow[- ]?dried|highlighted|cut|shaved|painted|manicured|styled|set)\b/;
const SERVICE_OF_VERB: Record<string, string> = {
  permed: 'perm', coloured: 'colour', colored: 'color', dyed: 'dye', tinted: 'tint', trimmed: 'trim', threaded: 'threading',
  waxed: 'waxing', blowdried: 'blow dry', highlighted: 'highlights', cut: 'haircut', shaved: 'shave', painted: 'nails',
  manicured: 'manicure', styled: 'style', set: 'set',
};

/** Finds the treatment of a salon booking as a short lowercase phrase ("haircut", "wash and blow dry"). */
export function findService(lower: string): string | null {
  const done = SERVICE_DONE.exec(lower);
  if (done?.[1]) return SERVICE_OF_VERB[done[1].replace(/[- ]/g, '')] ?? null;
  for (const { service, re } of SERVICE_PATTERNS) {
    if (re.test(lower)) {
      if (service === 'set' && !/\b(?:shampoo|wash) and set\b|\bhair set\b|\ba set\b/.test(lower)) continue;
      if (service === 'style' && !/\b(?:a|hair) style\b/.test(lower)) continue;
      if (service === 'cut' && !/\b(?:a|my|hair|quick|short|the) cut\b/.test(lower)) continue;
      return service === 'hair cut' ? 'haircut' : service;
    }
  }
  const doing = /\b(roots|nails|eyebrows|brows|hair)\s+(?:doing|done|seeing to)\b/.exec(lower)?.[1];
  return doing ? (SERVICE_OF_PART[doing] ?? null) : null;
}
const SERVICE_OF_PART: Record<string, string> = { roots: 'roots done', nails: 'nails', eyebrows: 'eyebrows', brows: 'eyebrows', hair: 'hair done' };

const venueOf = (msg: Message): { venue: string; exact: boolean } | null => {
  const match = findVenue(venueText(msg.text, msg.when.spans));
  if (!match) return null;
  return msg.shouting ? { venue: titleCase(match.venue.toLowerCase()), exact: false } : match;
};

/** Moment of a booking, or null when the message names no clock time or only a vague span. */
function bookingStart(msg: Message, policy: 'meal' | 'appointment'): { value: string; exact: boolean } | null {
  if (msg.when.vague && !msg.when.date) return null;
  return resolveMoment(msg.when, msg.clock, policy);
}

/** Builds a restaurant booking, or asks for the venue, party size or time it lacks. */
export function buildRestaurantBooking(msg: Message): Understanding {
  const venue = venueOf(msg);
  const party = findPartySize(msg.lower, msg.text);
  const start = bookingStart(msg, 'meal');
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  if (venue) args.venue = venue.venue; else missing.push('venue');
  if (party && party !== 'unknown') args.party_size = party.size; else missing.push('party_size');
  if (start) args.start = start.value; else missing.push('start');
  const notes = findBookingNotes(msg.lower);
  if (notes) args.notes = notes;
  if (missing.length > 0) return { kind: 'clarify', tool: 'book_restaurant', args, missing, question: clarifyQuestion('book_restaurant', missing) };
  const exact = venue?.exact && party !== 'unknown' && party?.exact && start?.exact;
  return { kind: 'tool', tool: 'book_restaurant', args, confidence: exact ? 0.9 : 0.75 };
}

/** Builds a salon booking, or asks for the venue or time it lacks; the treatment is optional. */
export function buildSalonBooking(msg: Message): Understanding {
  const venue = venueOf(msg);
  const start = bookingStart(msg, 'appointment');
  const service = findService(msg.lower);
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  if (venue) args.venue = venue.venue; else missing.push('venue');
  if (service) args.service = service;
  if (start) args.start = start.value; else missing.push('start');
  const notes = findBookingNotes(msg.lower);
  if (notes) args.notes = notes;
  if (missing.length > 0) return { kind: 'clarify', tool: 'book_salon', args, missing, question: clarifyQuestion('book_salon', missing) };
  return { kind: 'tool', tool: 'book_salon', args, confidence: venue?.exact && start?.exact ? 0.9 : 0.75 };
}

/** Builds a cancellation from whatever identifies the booking: its venue, its date, or its kind. */
export function buildCancellation(msg: Message): Understanding {
  const venue = venueOf(msg);
  const args: Record<string, unknown> = {};
  if (venue) args.venue = venue.venue;
  if (msg.when.date) args.date = msg.when.date.date;
  const kindNamed = /\b(?:table|restaurant|dinner|lunch|breakfast|hair|haircut|salon|barber|nails?|appointment|booking|reservation)\b/.test(msg.lower);
  if (!venue && !msg.when.date && !kindNamed) {
    return { kind: 'clarify', tool: 'cancel_booking', args, missing: ['venue'], question: clarifyQuestion('cancel_booking', ['venue']) };
  }
  return { kind: 'tool', tool: 'cancel_booking', args, confidence: venue || msg.when.date ? 0.9 : 0.6 };
}
