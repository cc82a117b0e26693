import { describe, it, expect } from '@jest/globals';
import { firstFireAt, nextFireAfter } from '../../src/tasks/reminders/reminder-schedule.ts';
import { wallClockToInstant } from '../../src/lib/local-time.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

describe('reminder times in the elder\'s timezone', () => {
  it('fires a London reminder at 17:00 local time in winter (UTC+0)', () => {
    expect(iso(firstFireAt('2026-11-25T17:00', null, 'Europe/London', new Date('2026-11-24T10:00:00Z')))).toBe('2026-11-25T17:00:00.000Z');
  });

  it('fires a Kolkata reminder at 09:00 local time (UTC+5:30, no DST)', () => {
    expect(iso(firstFireAt('2026-12-10T09:00', null, 'Asia/Kolkata', new Date('2026-12-05T02:45:00Z')))).toBe('2026-12-10T03:30:00.000Z');
  });

  it('has no next time for a one-off reminder whose time has passed', () => {
    expect(firstFireAt('2026-11-20T09:00', null, 'Europe/London', new Date('2026-11-24T10:00:00Z'))).toBeNull();
  });

  it('keeps a daily 08:00 reminder at 08:00 local time across the day clocks go forward in London', () => {
    const before = nextFireAfter('2027-03-27T08:00', 'daily', 'Europe/London', new Date('2027-03-27T07:00:00Z'));
    expect(iso(before)).toBe('2027-03-27T08:00:00.000Z');
    const after = nextFireAfter('2027-03-27T08:00', 'daily', 'Europe/London', before);
    expect(iso(after)).toBe('2027-03-28T07:00:00.000Z');
  });

  it('keeps a daily 08:00 reminder at 08:00 local time when clocks go back in New York', () => {
    const after = nextFireAfter('2026-10-31T08:00', 'daily', 'America/New_York', new Date('2026-10-31T12:00:00Z'));
    expect(iso(after)).toBe('2026-11-01T13:00:00.000Z');
  });

  it('fires a 02:30 reminder at 03:00 on the night Sydney skips from 02:00 to 03:00', () => {
    expect(iso(wallClockToInstant('2026-10-04', '02:30', 'Australia/Sydney'))).toBe('2026-10-03T16:00:00.000Z');
  });

  it('fires a 01:30 reminder once, at the first 01:30, on the night London repeats that hour', () => {
    expect(iso(wallClockToInstant('2026-10-25', '01:30', 'Europe/London'))).toBe('2026-10-25T00:30:00.000Z');
    const next = nextFireAfter('2026-10-24T01:30', 'daily', 'Europe/London', new Date('2026-10-25T00:30:00Z'));
    expect(iso(next)).toBe('2026-10-26T01:30:00.000Z');
  });

  it('repeats a weekly reminder on the same weekday', () => {
    const next = nextFireAfter('2027-03-28T19:00', 'weekly', 'Europe/London', new Date('2027-03-28T18:00:00Z'));
    expect(iso(next)).toBe('2027-04-04T18:00:00.000Z');
  });

  it('moves a repeating reminder set for a past start to its next occurrence', () => {
    expect(iso(firstFireAt('2026-11-01T16:00', 'daily', 'Australia/Sydney', new Date('2026-12-13T10:40:00Z')))).toBe('2026-12-14T05:00:00.000Z');
  });
});
