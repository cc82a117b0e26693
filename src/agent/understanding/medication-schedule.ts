import { DateTime } from 'luxon';
import type { Clock } from './clock.ts';
import { dayOffset, toDate } from './clock.ts';
import { WEEKDAYS, findDate } from './dates.ts';
import { COUNT, parseNumber } from './numbers.ts';

/** Three-letter day codes of the tool contract, Monday first. */
export const DAY_CODES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A course with a first and last day ("for 7 days starting today"). */
export interface Course {
  start_date?: string;
  end_date?: string;
}

/**
 * Finds the days of the week a schedule runs on: "every monday and thursday", "on mondays", "weekdays",
 * "at weekends". Returns null for every day.
 */
export function findDays(lower: string): string[] | null {
  if (/\b(?:every day|each day|daily|every morning|every evening|every night|7 days a week)\b/.test(lower) && !/\bevery (?:mon|tues|wednes|thurs|fri|satur|sun)day/.test(lower)) return null;
  if (/\b(?:on |every |each )?weekdays?\b|\bmonday to friday\b|\bworking days\b/.test(lower)) return ['mon', 'tue', 'wed', 'thu', 'fri'];
  if (/\b(?:at |on )?(?:the )?weekends?\b/.test(lower) && /\b(?:every|on|at) (?:the )?weekends?\b/.test(lower)) return ['sat', 'sun'];
  const days = new Set<string>();
  const list = /\b(?:every|each|on)\s+((?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?(?:\s*(?:,|and|&|or)\s*(?:on\s+)?|\s+))+)/g;
  for (const m of lower.matchAll(list)) {
    for (const d of (m[1] ?? '').matchAll(/(monday|tuesday|wednesday|thursday|friday|saturday|sunday)/g)) {
      days.add(DAY_CODES[WEEKDAYS.indexOf(d[1] as (typeof WEEKDAYS)[number])] ?? '');
    }
  }
  for (const d of lower.matchAll(/\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s\b/g)) {
    days.add(DAY_CODES[WEEKDAYS.indexOf(d[1] as (typeof WEEKDAYS)[number])] ?? '');
  }
  if (/\b(?:starting|from|beginning|until|till)\s+(?:this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/.test(lower) && days.size === 1) return null;
  return days.size > 0 ? DAY_CODES.filter((d) => days.has(d)) : null;
}

/**
 * Finds a limited course: "for 7 days starting today" (first and last day inclusive), "for two weeks",
 * "from monday", "until the 15th". A course length without a start begins today.
 */
export function findCourse(lower: string, clock: Clock): Course {
  const course: Course = {};
  const start = /\b(?:starting|start|from|beginning|begin)\s+(?:on\s+)?((?:the\s+)?[a-z0-9]+(?:\s+(?:of\s+)?[a-z]+)?)/.exec(lower);
  if (start) {
    const found = findDate(start[1] ?? '', clock).date;
    if (found) course.start_date = found.date;
  }
  const until = /\b(?:until|till|up to|through|to)\s+((?:the\s+)?[a-z0-9]+(?:\s+(?:of\s+)?[a-z]+)?)/.exec(lower);
  if (until) {
    const found = findDate(until[1] ?? '', clock).date;
    if (found) course.end_date = found.date;
  }
  const length = new RegExp(`\\bfor (?:the next )?(${COUNT}|a) (days?|weeks?|months?)\\b`).exec(lower);
  if (length && !course.end_date) {
    const n = parseNumber(length[1] ?? '') ?? 1;
    const unit = length[2] ?? 'days';
    const first = course.start_date ?? dayOffset(clock, 0);
    const firstDay = DateTime.fromISO(first);
    const after = unit.startsWith('week') ? firstDay.plus({ weeks: n }) : unit.startsWith('month') ? firstDay.plus({ months: n }) : firstDay.plus({ days: n });
    course.start_date = first;
    course.end_date = toDate(after.minus({ days: 1 }));
  }
  return course;
}

const NOTES =
  /\b((?:(?:half an hour|an hour|\d+ minutes|a few minutes|30 minutes|15 minutes)\s+)?(?:before|after|with|without)\s+(?:food|a meal|meals|breakfast|lunch|dinner|supper|tea|bed|bedtime|eating|water|a glass of water|milk|a drink|a snack)|(?:on an? )?empty stomach|with plenty of water|do not crush|don't crush|under the tongue|wheelchair access|in the fridge|shake well)\b/g;

/** Finds instructions that go with a dose ("with food", "before breakfast", "on an empty stomach"). */
export function findMedicineNotes(lower: string): string | null {
  const notes = [...lower.matchAll(NOTES)].map((m) => m[1] ?? '').filter(Boolean);
  return notes.length > 0 ? [...new Set(notes)].join(', ') : null;
}

/** How many doses a day the message says ("twice a day" = 2), or null when it does not say. */
export function dosesPerDay(lower: string): number | null {
  if (/\b(?:once|one time) (?:a|per|every) day\b|\bonce daily\b/.test(lower)) return 1;
  if (/\btwice (?:a|per|every) day\b|\btwice daily\b|\btwo times (?:a|per) day\b|\bmorning and (?:evening|night)\b/.test(lower)) return 2;
  const m = new RegExp(`\\b(${COUNT}) times (?:a|per|every|each) day\\b|\\b(${COUNT}) times daily\\b`).exec(lower);
  if (m) return parseNumber(m[1] ?? m[2] ?? '') ?? null;
  return null;
}
