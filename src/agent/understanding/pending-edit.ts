import { findService } from './booking.ts';
import { atWallClock, makeClock, toDateTime } from './clock.ts';
import { findDose } from './medicine-name.ts';
import { readMessage } from './message.ts';
import { findPartySize } from './party-size.ts';
import type { TimeMention } from './time-expressions.ts';
import type { ToolName, UnderstandingInput } from './types.ts';
import { findVenue, venueText } from './venue.ts';
import type { HourPolicy } from './when.ts';
import { isStatedHour, resolveDailyTimes, toHour24 } from './when.ts';

const POLICY: Partial<Record<ToolName, HourPolicy>> = {
  book_restaurant: 'meal',
  book_salon: 'appointment',
  reschedule_booking: 'appointment',
  set_reminder: 'routine',
};

/** Makes a bare number after "make it", "actually" or at the start of the message read as a clock time. */
function markBareTimes(text: string): string {
  const unit = '(?!\\s*(?:people|persons|of us|guests|adults|st\\b|nd\\b|rd\\b|th\\b|mg|ml|days?|weeks?|times|tablets?|pills?))';
  return text
    .replace(new RegExp(`\\b(make it|change it to|change that to|move it to|change to|actually|instead|rather|no|not)\\b([\\s,]+)(\\d{1,2}(?:[.:]\\d{2})?)\\b${unit}`, 'gi'), '$1$2at $3')
    .replace(new RegExp(`^(\\s*)(\\d{1,2}(?:[.:]\\d{2})?)\\b${unit}`), '$1at $2');
}

/** The 24-hour hour of an edited time, keeping the half of the day of the pending time for a bare hour. */
function editedHour(t: TimeMention, policy: HourPolicy, pendingHour: number | null): number {
  if (isStatedHour(t) || pendingHour === null || t.hour === 12) return toHour24(t, policy);
  return pendingHour >= 12 ? (t.hour % 12) + 12 : t.hour % 12;
}

/**
 * Applies a change to an action that waits for the elder's confirmation — "make it 8 instead", "actually 4
 * people", "Thursday instead", "at 7.30 please", "no, make it the 3rd" — and returns the full updated
 * arguments, or null when the message names no detail of the action. A bare hour keeps the pending time's half of the day.
 */
export function understandEdit(
  input: UnderstandingInput,
  pending: { tool: ToolName; args: Record<string, unknown> },
): Record<string, unknown> | null {
  const clock = makeClock(input.now, input.timezone);
  const msg = readMessage(markBareTimes(input.text), clock);
  const args: Record<string, unknown> = { ...pending.args };
  let changed = false;
  const set = (key: string, value: unknown): void => {
    changed = true;
    args[key] = value;
  };

  const momentKey = pending.tool === 'set_reminder' ? 'at' : 'start';
  const current = typeof pending.args[momentKey] === 'string' ? pending.args[momentKey] : null;
  const policy = POLICY[pending.tool];
  if (policy && (msg.when.times.length > 0 || msg.when.date || msg.when.relative)) {
    const currentDate = current?.slice(0, 10) ?? null;
    const currentHour = current ? Number(current.slice(11, 13)) : null;
    const currentMinute = current ? Number(current.slice(14, 16)) : 0;
    const time = msg.when.times[0];
    if (msg.when.relative) {
      set(momentKey, toDateTime(clock.now.plus({ minutes: msg.when.relative.minutes })));
    } else {
      const date = msg.when.date?.date ?? currentDate;
      const hour = time ? editedHour(time, policy, currentHour) : currentHour;
      const minute = time ? time.minute : currentMinute;
      if (date && hour !== null) set(momentKey, toDateTime(atWallClock(clock, date, hour, minute)));
    }
  }
  if (pending.tool === 'cancel_booking' && msg.when.date) set('date', msg.when.date.date);
  if (pending.tool === 'get_schedule' && msg.when.date) set('date', msg.when.date.date);

  if (pending.tool === 'book_restaurant') {
    const party = findPartySize(msg.lower, msg.text);
    if (party && party !== 'unknown') set('party_size', party.size);
  }
  if (pending.tool === 'book_restaurant' || pending.tool === 'book_salon' || pending.tool === 'cancel_booking') {
    const venue = findVenue(venueText(msg.text, msg.when.spans).replace(/\b(make it|change it to|switch to|move it to)\s+(?=(?:the\s+)?[A-Z])/i, '$1 at '));
    if (venue) set('venue', venue.venue);
  }
  if (pending.tool === 'book_salon') {
    const service = findService(msg.lower);
    if (service) set('service', service);
  }
  if (pending.tool === 'add_medication') {
    const dose = findDose(msg.text);
    if (dose) set('dose', dose);
    if (msg.when.times.length > 0) set('times', resolveDailyTimes(msg.when.times));
  }
  return changed ? args : null;
}
