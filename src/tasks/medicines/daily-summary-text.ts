import { sayLocalDate } from '../../lib/local-time.ts';
import { sayDoseTime } from './dose-messages.ts';

/** Where a dose of the day stands when the summary is written. */
export type SummaryDoseState = 'taken' | 'skipped' | 'missed' | 'pending' | 'to-come';

/** One medicine's doses of the day, in time order. */
export interface SummaryMedicine {
  name: string;
  doses: { localTime: string; state: SummaryDoseState }[];
}

/** A booking as the summary tells it. */
export interface SummaryBooking {
  day: 'today' | 'tomorrow';
  /** Elder-local 'HH:mm'. */
  localTime: string;
  venue: string;
  service: string | null;
  partySize: number | null;
  confirmed: boolean;
}

/** Everything one elder's daily summary says. */
export interface SummaryFacts {
  elderName: string;
  /** The elder's local date 'YYYY-MM-DD'. */
  localDate: string;
  medicines: SummaryMedicine[];
  bookings: SummaryBooking[];
  activities: string[];
}

const STATE_WORDS: Record<SummaryDoseState, string> = {
  taken: 'taken',
  skipped: 'skipped',
  missed: 'missed',
  pending: 'not answered yet',
  'to-come': 'still to come',
};
const ACTIVITY_CHARS = 80;

const shorten = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= ACTIVITY_CHARS ? flat : `${flat.slice(0, ACTIVITY_CHARS - 1).trimEnd()}…`;
};

function sayBooking(b: SummaryBooking): string {
  const what = b.service ? `, ${b.service}` : b.partySize ? `, table for ${b.partySize}` : '';
  return `${b.day === 'today' ? 'Today' : 'Tomorrow'}: ${b.venue} at ${sayDoseTime(b.localTime)}${what}${b.confirmed ? '' : ' (not confirmed yet)'}`;
}

/**
 * The family's evening summary in short plain lines: "Margaret's Wednesday 25 November:", then each medicine
 * with its doses ("Metformin 500mg: 8:00 am taken, 8:00 pm still to come"), today's and tomorrow's bookings,
 * and what was shared today.
 */
export function dailySummaryText(facts: SummaryFacts): string {
  const lines = [`${facts.elderName}'s ${sayLocalDate(facts.localDate)}:`];
  if (facts.medicines.length === 0) lines.push('No medicines today.');
  for (const m of facts.medicines) lines.push(`${m.name}: ${m.doses.map((d) => `${sayDoseTime(d.localTime)} ${STATE_WORDS[d.state]}`).join(', ')}`);
  for (const b of facts.bookings) lines.push(sayBooking(b));
  if (facts.activities.length > 0) lines.push(`Shared today: ${facts.activities.map(shorten).join('; ')}`);
  return lines.join('\n');
}
