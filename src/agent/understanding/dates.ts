import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type { Clock } from './clock.ts';
import { dayOffset, toDate } from './clock.ts';
import { findHoliday } from './holidays.ts';
import { SMALL_NUMBER_WORDS, parseNumber } from './numbers.ts';

/** A calendar date named in a message and where it is. */
export interface DateMention {
  date: string;
  index: number;
  end: number;
  /** How specific it is; a named day of the month beats a weekday when both appear ("wednesday the 25th"). */
  rank: number;
}

/** Every date found in a message, plus whether it only names a vague span ("sometime next week"). */
export interface DateScan {
  date: DateMention | null;
  vague: boolean;
  spans: Array<[number, number]>;
}

/** Weekday names in luxon order, Monday = 1. */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

const VAGUE =
  /\b(?:sometime|some time|at some point|soon|one day|some day|someday|later on|later|next week|this week|next month|this month|(?:this |next |the |over the )?weekend|in the next few days|in a few days|whenever|any ?time|at the end of the week|end of the week)\b/g;

const NUMBER = `\\d{1,2}|a|an|${SMALL_NUMBER_WORDS}`;
const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec';

/** The first date from today on that falls on a given day of the month ("on the 1st"). */
function nextDayOfMonth(clock: Clock, day: number): string | null {
  if (day < 1 || day > 31) return null;
  let month = clock.now.startOf('month');
  for (let i = 0; i < 13; i++) {
    const candidate = month.set({ day: Math.min(day, month.daysInMonth ?? 31) });
    if (candidate.day === day && candidate.startOf('day') >= clock.now.startOf('day')) return toDate(candidate);
    month = month.plus({ months: 1 });
  }
  return null;
}

/** The coming date of a weekday (1 = Monday), always after today: "friday" said on a Friday means next week. */
export function nextWeekday(clock: Clock, weekday: number): string {
  const ahead = ((weekday - clock.now.weekday + 7) % 7) || 7;
  return dayOffset(clock, ahead);
}

interface DateRule {
  re: RegExp;
  rank: number;
  read: (m: RegExpExecArray, clock: Clock) => string | null;
}

const RULES: DateRule[] = [
  {
    // "in 3 days", "in a week's time", "2 days from now", "a week from today", "a fortnight from now".
    re: new RegExp(`\\b(?:in (${NUMBER}) (days?|weeks?|fortnights?)(?:'s? time| time)?|(${NUMBER}) (days?|weeks?|fortnights?) (?:from (?:now|today)|hence))\\b`, 'g'),
    rank: 3,
    read: (m, c) => {
      const n = parseNumber(m[1] ?? m[3] ?? '');
      const unit = m[2] ?? m[4] ?? '';
      return n === undefined ? null : dayOffset(c, unit.startsWith('week') ? n * 7 : unit.startsWith('fortnight') ? n * 14 : n);
    },
  },
  { re: /\ba week (?:from )?(today|tomorrow)\b/g, rank: 3, read: (m, c) => dayOffset(c, m[1] === 'today' ? 7 : 8) },
  { re: /\b(?:the )?day after tomorrow\b/g, rank: 3, read: (_m, c) => dayOffset(c, 2) },
  { re: /\btomorrow\b/g, rank: 3, read: (_m, c) => dayOffset(c, 1) },
  { re: /\byesterday\b/g, rank: 3, read: (_m, c) => dayOffset(c, -1) },
  { re: /\b(?:today|tonight|this (?:morning|afternoon|evening)|later today)\b/g, rank: 3, read: (_m, c) => dayOffset(c, 0) },
  {
    re: new RegExp(`\\b(?:on )?(?:the )?(\\d{1,2})(?:st|nd|rd|th)\\b(?!\\s*(?:of\\s+)?(?:${MONTHS}))`, 'g'),
    rank: 4,
    read: (m, c) => nextDayOfMonth(c, Number(m[1])),
  },
  {
    // "next week on Thursday", "next week, friday": that day of next week.
    re: /\bnext week,?\s+(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/g,
    rank: 3,
    read: (m, c) => toDate(c.now.startOf('week').plus({ weeks: 1, days: WEEKDAYS.indexOf((m[1] ?? '') as (typeof WEEKDAYS)[number]) })),
  },
  {
    re: /\b(?:(next|this|coming|on|every|each)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b(\s+week\b|\s+next week\b)?/g,
    rank: 2,
    read: (m, c) => {
      const weekday = WEEKDAYS.indexOf((m[2] ?? '') as (typeof WEEKDAYS)[number]) + 1;
      const base = nextWeekday(c, weekday);
      if (!m[3]) return base;
      if (m[3].includes('next week')) {
        const nextMonday = c.now.startOf('week').plus({ weeks: 1 });
        return toDate(nextMonday.plus({ days: weekday - 1 }));
      }
      return toDate(DateTime.fromISO(base).plus({ days: 7 }));
    },
  },
];

const mask = (text: string, from: number, to: number): string =>
  text.slice(0, from) + ' '.repeat(to - from) + text.slice(to);

/**
 * Finds the date a lowercase message names: relative days, weekdays ("next tuesday" is the coming one),
 * "on the 1st" (the next such day of the month) and calendar dates through chrono ("3rd of December",
 * "25/12" read the local way). Spans already claimed by clock times should be blanked out by the caller.
 */
export function findDate(lower: string, clock: Clock): DateScan {
  let work = lower;
  const spans: Array<[number, number]> = [];
  const found: DateMention[] = [];
  let vague = false;
  for (const m of lower.matchAll(VAGUE)) {
    vague = true;
    spans.push([m.index, m.index + m[0].length]);
  }
  const holiday = findHoliday(work, clock);
  if (holiday) {
    found.push({ date: holiday.date, index: holiday.index, end: holiday.end, rank: 4 });
    spans.push([holiday.index, holiday.end]);
    work = mask(work, holiday.index, holiday.end);
  }
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (const m of [...work.matchAll(rule.re)]) {
      const date = rule.read(m, clock);
      if (!date) continue;
      const end = m.index + m[0].length;
      found.push({ date, index: m.index, end, rank: rule.rank });
      spans.push([m.index, end]);
      work = mask(work, m.index, end);
    }
  }
  for (const [from, to] of spans) work = mask(work, from, to);
  const parser = clock.monthFirst ? chrono.en : chrono.en.GB;
  const reference = {
    instant: new Date(Date.UTC(clock.now.year, clock.now.month - 1, clock.now.day, clock.now.hour, clock.now.minute)),
    timezone: 0,
  };
  for (const r of parser.parse(work, reference, { forwardDate: true })) {
    const tags = [...r.start.tags()];
    if (tags.some((t) => t.startsWith('result/relative') || t.includes('Casual'))) continue;
    if (!r.start.isCertain('day') || !r.start.isCertain('month')) continue;
    const date = `${String(r.start.get('year')).padStart(4, '0')}-${String(r.start.get('month')).padStart(2, '0')}-${String(r.start.get('day')).padStart(2, '0')}`;
    found.push({ date, index: r.index, end: r.index + r.text.length, rank: 5 });
    spans.push([r.index, r.index + r.text.length]);
  }
  found.sort((a, b) => b.rank - a.rank || a.index - b.index);
  return { date: found[0] ?? null, vague: vague && found.length === 0, spans };
}
