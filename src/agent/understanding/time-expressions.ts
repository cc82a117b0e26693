import { SMALL_NUMBER_WORDS, parseNumber } from './numbers.ts';

/** A part of the day a person names instead of, or next to, a clock time. */
export type Period = 'morning' | 'midday' | 'afternoon' | 'evening' | 'night';

/** A clock time found in a message, as said: the hour is not yet turned into 24-hour form. */
export interface TimeMention {
  hour: number;
  minute: number;
  /** "am"/"pm" when the message says so. */
  meridiem: 'am' | 'pm' | null;
  /** True when the value is already unambiguous 24-hour time (noon, midnight, "19:00", "08:30"). */
  fixed: boolean;
  /** The part of the day attached to or nearest to this time, if any. */
  period: Period | null;
  index: number;
  end: number;
}

/** A part-of-day word ("evening", "bedtime", "lunch") and where it is. */
export interface PeriodMention {
  period: Period;
  index: number;
  end: number;
}

/** An offset from now such as "in 2 hours" or "in half an hour". */
export interface RelativeMention {
  minutes: number;
  index: number;
  end: number;
}

const H = `(\\d{1,2}|${SMALL_NUMBER_WORDS})`;
/** An hour that may run straight into "am"/"pm" ("past 7pm"). */
const HB = `${H}(?:(?=am\\b|pm\\b)|\\b)`;
/** Words after a number that make it a count, a dose or a date rather than a time. */
const NOT_A_TIME =
  "(?!\\s*(?:people|persons?|of us|guests?|adults?|kids|children|friends|mg|mcg|ml|g\\b|grams?|days?|weeks?|months?|years?|hours?|minutes?|seconds?|times|tablets?|pills?|capsules?|drops?|puffs?|units?|doses?|st\\b|nd\\b|rd\\b|th\\b|%|/|[.:]\\d|\\d|of\\b|point|more|another|stage|year|yrs|'s))";
const QUALIFIER =
  /^(\s*o'clock)?(?:\s*(?:(am|pm)\b|in the (morning|afternoon|evening)\b|(at night|in the night|tonight)\b|this (morning|afternoon|evening)\b))?/;

const PERIOD_WORDS: [RegExp, Period][] = [
  [/\b(mornings?|breakfast(?:time)?|first thing|when i wake(?: up)?|wake up)\b/g, 'morning'],
  [/\b(lunch(?:time)?|brunch)\b/g, 'midday'],
  [/\b(afternoons?)\b/g, 'afternoon'],
  [/\b(evenings?|dinner(?:time)?|supper(?:time)?|tea ?time|tonight)\b/g, 'evening'],
  [/\b(nights?|night-?time|bed ?time|bed)\b/g, 'night'],
];

const periodOf = (word: string | undefined): Period | null => {
  if (!word) return null;
  if (word.startsWith('morning')) return 'morning';
  if (word.startsWith('afternoon')) return 'afternoon';
  if (word.startsWith('evening') || word === 'tonight') return 'evening';
  return 'night';
};

interface TimeRule {
  re: RegExp;
  /** Capture group where the time itself starts, when the pattern begins with a lead word such as "at". */
  startGroup?: number;
  read: (m: RegExpExecArray) => { hour: number; minute: number; fixed?: boolean } | null;
}

const hourOf = (token: string | undefined): number | undefined => (token ? parseNumber(token) : undefined);

const RULES: TimeRule[] = [
  { re: /\b(?:12 noon|twelve noon|noon|midday|mid-day|12 midday)\b/g, read: () => ({ hour: 12, minute: 0, fixed: true }) },
  { re: /\b(?:12 midnight|midnight)\b/g, read: () => ({ hour: 0, minute: 0, fixed: true }) },
  {
    re: new RegExp(`\\b(half|quarter|a quarter|\\d{1,2}|five|ten|twenty|twenty[- ]five)(?: minutes?)? (past|after|to|til|till) ${HB}`, 'g'),
    read: (m) => {
      const hour = hourOf(m[3]);
      const amount = m[1] === 'half' ? 30 : m[1]?.endsWith('quarter') ? 15 : parseNumber(m[1] ?? '');
      if (hour === undefined || amount === undefined || amount >= 60 || hour > 12) return null;
      if (/past|after/.test(m[2] ?? '')) return { hour, minute: amount };
      return { hour: hour === 1 ? 12 : hour === 0 ? 23 : hour - 1, minute: 60 - amount };
    },
  },
  {
    re: new RegExp(`\\bhalf ${HB}(?!\\s*(?:an?\\b|hour|past|of|dozen|the|mg|tablets?|pills?|days?))`, 'g'),
    read: (m) => {
      const hour = hourOf(m[1]);
      return hour !== undefined && hour <= 12 ? { hour, minute: 30 } : null;
    },
  },
  {
    re: /(?<![\d.:£$])\b(\d{1,2})[:.](\d{2})(?![\d.])(?!\s*(?:mg|ml|mcg|g\b|kg|%|lbs?))/g,
    read: (m) => {
      const hour = Number(m[1]);
      const minute = Number(m[2]);
      if (hour > 23 || minute > 59) return null;
      return { hour, minute, fixed: hour > 12 || hour === 0 || (m[1] ?? '').startsWith('0') };
    },
  },
  {
    re: /\b(?:at|@|from|by)\s+([01]\d|2[0-3])([0-5]\d)\b(?:\s*(?:hrs|hours|h)\b)?/gd,
    startGroup: 1,
    read: (m) => ({ hour: Number(m[1]), minute: Number(m[2]), fixed: true }),
  },
  {
    re: new RegExp(`\\b${H}[ -](thirty|fifteen|forty[- ]five|o'? ?five|ten|twenty|forty|fifty|15|30|45)\\b(?=\\s*(?:am|pm|o'clock|in the|at night|tonight|$|[,.!?]))`, 'g'),
    read: (m) => {
      const hour = hourOf(m[1]);
      const word = (m[2] ?? '').replace(/^o'? ?/, '').replace('-', ' ');
      const minute = word === 'five' ? 5 : word === 'forty five' ? 45 : parseNumber(word);
      return hour !== undefined && minute !== undefined && hour <= 12 ? { hour, minute } : null;
    },
  },
  {
    re: new RegExp(`\\b${H}(?=\\s*(?:o'clock|am\\b|pm\\b))`, 'g'),
    read: (m) => {
      const hour = hourOf(m[1]);
      return hour !== undefined && hour <= 12 ? { hour, minute: 0 } : null;
    },
  },
  {
    re: new RegExp(`(?<!\\b(?:for|of|table|party|than)\\s)\\b(?!one\\b)${H}(?=\\s+(?:in the (?:morning|afternoon|evening)|at night|in the night|tonight)\\b)`, 'g'),
    read: (m) => {
      const hour = hourOf(m[1]);
      return hour !== undefined && hour <= 12 ? { hour, minute: 0 } : null;
    },
  },
  {
    re: new RegExp(`\\b(?:at|@|by|around|about|from|till|until|before|after|say)\\s+(?:about\\s+|around\\s+|roughly\\s+)?${H}\\b${NOT_A_TIME}`, 'gd'),
    startGroup: 1,
    read: (m) => {
      const hour = hourOf(m[1]);
      return hour !== undefined && hour <= 24 ? { hour: hour % 24, minute: 0, fixed: hour > 12 } : null;
    },
  },
  {
    re: new RegExp(`\\b(?:today|tomorrow|tonight|(?:mon|tues|wednes|thurs|fri|satur|sun)day|\\d{1,2}(?:st|nd|rd|th))\\s+${H}\\b${NOT_A_TIME}(?!\\s+(?:of us|people|for|guests))`, 'gd'),
    startGroup: 1,
    read: (m) => {
      const hour = hourOf(m[1]);
      return hour !== undefined && hour <= 12 ? { hour, minute: 0 } : null;
    },
  },
];

const CONTINUATION = new RegExp(`^(\\s*(?:,\\s*(?:and\\s+|&\\s*|then\\s+)?|\\s+(?:and|&|or|then)\\s+)(?:at\\s+)?)${H}\\b${NOT_A_TIME}`);

/** Finds the part-of-day words of a lowercase message. */
export function findPeriods(lower: string): PeriodMention[] {
  const found: PeriodMention[] = [];
  for (const [re, period] of PERIOD_WORDS) {
    for (const m of lower.matchAll(re)) found.push({ period, index: m.index, end: m.index + m[0].length });
  }
  return found.sort((a, b) => a.index - b.index);
}

const mask = (text: string, from: number, to: number): string =>
  text.slice(0, from) + '#'.repeat(to - from) + text.slice(to);

/** Reads the "o'clock", "pm" or "in the evening" that follows a time and returns how far it reaches. */
function readQualifier(lower: string, end: number): { end: number; meridiem: 'am' | 'pm' | null; period: Period | null } {
  const q = QUALIFIER.exec(lower.slice(end));
  if (!q || q[0].length === 0) return { end, meridiem: null, period: null };
  const meridiem = q[2] === 'am' || q[2] === 'pm' ? q[2] : null;
  const period = periodOf(q[3] ?? q[5] ?? (q[4] ? (q[4] === 'tonight' ? 'evening' : 'night') : undefined));
  return { end: end + q[0].length, meridiem, period };
}

/**
 * Finds the clock times of a lowercase message — "7pm", "19:30", "half past 12", "quarter to 7", "noon",
 * "6 in the evening", "at 8 and 8" — in the order they appear, each with the part of day that goes with it.
 */
export function findTimes(lower: string): TimeMention[] {
  let work = lower;
  const found: TimeMention[] = [];
  const add = (index: number, coreEnd: number, value: { hour: number; minute: number; fixed?: boolean }): void => {
    const q = readQualifier(lower, coreEnd);
    found.push({ hour: value.hour, minute: value.minute, meridiem: q.meridiem, fixed: value.fixed ?? false, period: q.period, index, end: q.end });
    work = mask(work, index, q.end);
  };
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (const m of [...work.matchAll(rule.re)]) {
      if (work.slice(m.index, m.index + m[0].length).includes('#')) continue;
      const value = rule.read(m);
      if (!value) continue;
      const index = rule.startGroup !== undefined ? (m.indices?.[rule.startGroup]?.[0] ?? m.index) : m.index;
      add(index, m.index + m[0].length, value);
    }
  }
  for (let i = 0; i < found.length; i++) {
    const current = found[i];
    if (!current) continue;
    const c = CONTINUATION.exec(work.slice(current.end));
    const hour = c ? hourOf(c[2]) : undefined;
    if (!c || hour === undefined || hour > 23) continue;
    const index = current.end + (c[1]?.length ?? 0);
    add(index, current.end + c[0].length, { hour, minute: 0, fixed: hour > 12 });
  }
  found.sort((a, b) => a.index - b.index);
  const periods = findPeriods(lower);
  for (const time of found) {
    if (time.period !== null || periods.length === 0) continue;
    let best: PeriodMention | undefined;
    let bestDistance = Infinity;
    for (const p of periods) {
      const distance = p.end <= time.index ? time.index - p.end : Math.max(0, p.index - time.end) + 1;
      if (distance < bestDistance) { best = p; bestDistance = distance; }
    }
    time.period = best?.period ?? null;
  }
  return found;
}

const SPAN = `(?:(half an? hour|an hour and a half|an hour and a quarter|three quarters of an hour|a couple of hours|a few minutes|a quarter of an hour|quarter of an hour|a minute)|(\\d+(?:\\.\\d+)?|an?|${SMALL_NUMBER_WORDS}|fifteen|twenty|thirty|forty|forty[- ]five|fifty|ninety)(\\s+and a half)?\\s+(minutes?|mins?|hours?|hrs?))`;
/** "in 1 hour 30 minutes", "after an hour and 20 mins", "in 2 hrs 15 min": hours and minutes together. */
const HOURS_AND_MINUTES = new RegExp(
  `\\b(?:in|after|within)\\s+(\\d{1,2}|an?|${SMALL_NUMBER_WORDS})\\s*(?:hours?|hrs?|h)\\s*(?:and\\s+)?(\\d{1,2}|${SMALL_NUMBER_WORDS}|fifteen|twenty|thirty|forty|forty[- ]five|fifty)\\s*(?:minutes?|mins?|m)\\b`,
);
/** "in 45 minutes", "after half an hour", "within the hour"'s cousins, and "45 minutes from now". */
const RELATIVE = new RegExp(`\\b(?:(?:in|after|within)\\s+(?:another\\s+|the next\\s+)?${SPAN}(?:'s time|\\s+time)?|${SPAN}\\s+(?:from now|later|on from now)|(?:in|after|within)\\s+an hour's time)\\b`);

/** Finds an offset from now ("in 2 hours", "in 30 minutes", "in half an hour"). */
export function findRelative(lower: string): RelativeMention | null {
  const both = HOURS_AND_MINUTES.exec(lower);
  if (both) {
    const hours = parseNumber(both[1] ?? '');
    const minutes = parseNumber(both[2] ?? '');
    if (hours !== undefined && minutes !== undefined) return { minutes: hours * 60 + minutes, index: both.index, end: both.index + both[0].length };
  }
  const found = RELATIVE.exec(lower);
  if (!found) return null;
  // The span is read from whichever form matched: "in/after …" (groups 1-4) or "… from now" (groups 5-8).
  const m = found[1] || found[2] ? found : ([found[0], found[5], found[6], found[7], found[8]] as unknown as RegExpExecArray);
  if (!m[1] && !m[2]) return { minutes: 60, index: found.index, end: found.index + found[0].length };
  let minutes: number;
  if (m[1]) {
    const fixed: Record<string, number> = {
      'half an hour': 30, 'half a hour': 30, 'an hour and a half': 90, 'an hour and a quarter': 75,
      'three quarters of an hour': 45, 'a couple of hours': 120, 'a few minutes': 5, 'a quarter of an hour': 15,
      'quarter of an hour': 15, 'a minute': 1,
    };
    minutes = fixed[m[1]] ?? 30;
  } else {
    const amount = /^\d/.test(m[2] ?? '') ? Number(m[2]) : parseNumber((m[2] ?? '').replace('-', ' ').replace('forty five', 'forty-five'));
    if (amount === undefined) return null;
    const whole = amount + (m[3] ? 0.5 : 0);
    minutes = (m[4] ?? '').startsWith('h') ? whole * 60 : whole;
  }
  return { minutes: Math.round(minutes), index: found.index, end: found.index + found[0].length };
}
