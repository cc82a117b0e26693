import { DateTime } from 'luxon';
import type { Clock } from './clock.ts';
import { toDate } from './clock.ts';

/** Easter Sunday of a year (anonymous Gregorian algorithm), as month and day. */
function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { month, day: ((h + l - 7 * m + 114) % 31) + 1 };
}

type HolidayDate = (year: number) => { month: number; day: number };

const fixed = (month: number, day: number): HolidayDate => () => ({ month, day });
const fromEaster = (offset: number): HolidayDate => (year) => {
  const e = easterSunday(year);
  const dt = DateTime.fromObject({ year, month: e.month, day: e.day }).plus({ days: offset });
  return { month: dt.month, day: dt.day };
};
const fourthThursdayOfNovember: HolidayDate = (year) => {
  const first = DateTime.fromObject({ year, month: 11, day: 1 });
  return { month: 11, day: 1 + ((4 - first.weekday + 7) % 7) + 21 };
};

/** Holidays people name instead of a date, longest names first so "christmas eve" wins over "christmas". */
const HOLIDAYS: Array<[RegExp, HolidayDate]> = [
  [/\b(?:christmas|xmas) eve\b/, fixed(12, 24)],
  [/\bboxing day\b/, fixed(12, 26)],
  [/\bnew year'?s eve\b|\bhogmanay\b/, fixed(12, 31)],
  [/\bnew year'?s(?: day)?\b/, fixed(1, 1)],
  [/\b(?:christmas|xmas)(?: day)?\b/, fixed(12, 25)],
  [/\bvalentine'?s(?: day)?\b/, fixed(2, 14)],
  [/\bhalloween\b/, fixed(10, 31)],
  [/\b(?:bonfire night|guy fawkes(?: night)?)\b/, fixed(11, 5)],
  [/\bst\.? patrick'?s(?: day)?\b/, fixed(3, 17)],
  [/\b(?:independence day|(?:the )?fourth of july)\b/, fixed(7, 4)],
  [/\baustralia day\b/, fixed(1, 26)],
  [/\banzac day\b/, fixed(4, 25)],
  [/\bgood friday\b/, fromEaster(-2)],
  [/\beaster monday\b/, fromEaster(1)],
  [/\beaster(?: sunday| day)?\b/, fromEaster(0)],
  [/\bthanksgiving(?: day)?\b/, fourthThursdayOfNovember],
];

/** A holiday named in a message, resolved to its next date from today. */
export interface HolidayMention {
  date: string;
  index: number;
  end: number;
}

/**
 * Finds a named holiday ("Christmas Eve", "Boxing Day", "New Year's Day", "Easter Monday") and resolves it
 * to its next date. A holiday after "before", "after" or "until" only bounds a time, so it is skipped.
 */
export function findHoliday(lower: string, clock: Clock): HolidayMention | null {
  for (const [re, dateOf] of HOLIDAYS) {
    const m = re.exec(lower);
    if (!m) continue;
    if (/\b(?:before|after|until|till|over|since|by)\s+(?:the\s+)?$/.test(lower.slice(0, m.index))) return null;
    const today = clock.now.startOf('day');
    for (const year of [today.year, today.year + 1]) {
      const { month, day } = dateOf(year);
      const candidate = DateTime.fromObject({ year, month, day }, { zone: clock.timezone });
      if (candidate >= today) return { date: toDate(candidate), index: m.index, end: m.index + m[0].length };
    }
  }
  return null;
}
