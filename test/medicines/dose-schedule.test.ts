import { describe, it, expect } from '@jest/globals';
import { firstDoseFrom, nextDoseAfter, type DoseTimetable } from '../../src/tasks/medicines/dose-schedule.ts';
import { addLocalDays, wallClockToInstant } from '../../src/lib/local-time.ts';

const daily = (timezone: string, ...times: string[]): DoseTimetable => ({ times, days: null, startDate: null, endDate: null, timezone });
const next = (t: DoseTimetable, after: string): string | null => nextDoseAfter(t, new Date(after))?.dueAt.toISOString() ?? null;

describe('dose times in the elder\'s timezone', () => {
  describe('London', () => {
    const london = daily('Europe/London', '08:00');

    it('gives the 08:00 dose at 08:00 local time on both sides of the night clocks go forward', () => {
      expect(next(london, '2027-03-27T07:00:00Z')).toBe('2027-03-27T08:00:00.000Z');
      expect(next(london, '2027-03-27T08:00:00Z')).toBe('2027-03-28T07:00:00.000Z');
    });

    it('gives the 08:00 dose at 08:00 local time on both sides of the night clocks go back', () => {
      expect(next(london, '2026-10-24T06:00:00Z')).toBe('2026-10-24T07:00:00.000Z');
      expect(next(london, '2026-10-24T07:00:00Z')).toBe('2026-10-25T08:00:00.000Z');
    });

    it('gives a 01:30 dose at 02:00 on the night 01:00-02:00 is skipped', () => {
      expect(nextDoseAfter(daily('Europe/London', '01:30'), new Date('2027-03-27T12:00:00Z'))).toEqual({ dueAt: new Date('2027-03-28T01:00:00Z'), localTime: '01:30' });
    });

    it('gives a 01:30 dose once, at the first 01:30, on the night 01:00-02:00 is repeated', () => {
      const t = daily('Europe/London', '01:30');
      expect(next(t, '2026-10-24T12:00:00Z')).toBe('2026-10-25T00:30:00.000Z');
      expect(next(t, '2026-10-25T00:30:00Z')).toBe('2026-10-26T01:30:00.000Z');
    });
  });

  describe('New York', () => {
    const newYork = daily('America/New_York', '08:00');

    it('gives the 08:00 dose at 08:00 local time when clocks go forward and back', () => {
      expect(next(newYork, '2027-03-13T00:00:00Z')).toBe('2027-03-13T13:00:00.000Z');
      expect(next(newYork, '2027-03-13T13:00:00Z')).toBe('2027-03-14T12:00:00.000Z');
      expect(next(newYork, '2026-10-31T00:00:00Z')).toBe('2026-10-31T12:00:00.000Z');
      expect(next(newYork, '2026-10-31T12:00:00Z')).toBe('2026-11-01T13:00:00.000Z');
    });

    it('gives a 02:30 dose at 03:00 on the night 02:00-03:00 is skipped', () => {
      expect(next(daily('America/New_York', '02:30'), '2027-03-13T12:00:00Z')).toBe('2027-03-14T07:00:00.000Z');
    });

    it('gives a 01:30 dose once on the night 01:00-02:00 is repeated', () => {
      const t = daily('America/New_York', '01:30');
      expect(next(t, '2026-10-31T12:00:00Z')).toBe('2026-11-01T05:30:00.000Z');
      expect(next(t, '2026-11-01T05:30:00Z')).toBe('2026-11-02T06:30:00.000Z');
    });
  });

  describe('Sydney (clocks go forward in October and back in April)', () => {
    it('gives a 02:30 dose at 03:00 on the night 02:00-03:00 is skipped', () => {
      expect(nextDoseAfter(daily('Australia/Sydney', '02:30'), new Date('2026-10-03T12:00:00Z'))).toEqual({ dueAt: new Date('2026-10-03T16:00:00Z'), localTime: '02:30' });
    });

    it('gives one dose, not two, when 02:30 and 03:00 both land on 03:00 that night', () => {
      const t = daily('Australia/Sydney', '02:30', '03:00');
      expect(next(t, '2026-10-03T12:00:00Z')).toBe('2026-10-03T16:00:00.000Z');
      expect(next(t, '2026-10-03T16:00:00Z')).toBe('2026-10-04T15:30:00.000Z');
    });

    it('gives the 08:00 dose at 08:00 local time on both sides of both changes', () => {
      const t = daily('Australia/Sydney', '08:00');
      expect(next(t, '2026-10-02T12:00:00Z')).toBe('2026-10-02T22:00:00.000Z');
      expect(next(t, '2026-10-02T22:00:00Z')).toBe('2026-10-03T21:00:00.000Z');
      expect(next(t, '2027-04-02T12:00:00Z')).toBe('2027-04-02T21:00:00.000Z');
      expect(next(t, '2027-04-02T21:00:00Z')).toBe('2027-04-03T22:00:00.000Z');
    });

    it('gives a 02:30 dose once on the night 02:00-03:00 is repeated', () => {
      const t = daily('Australia/Sydney', '02:30');
      expect(next(t, '2027-04-03T12:00:00Z')).toBe('2027-04-03T15:30:00.000Z');
      expect(next(t, '2027-04-03T15:30:00Z')).toBe('2027-04-04T16:30:00.000Z');
    });
  });

  describe('Kolkata (no DST)', () => {
    it('gives the 08:00 dose at 02:30 UTC every day, including the nights other zones change clocks', () => {
      const t = daily('Asia/Kolkata', '08:00');
      for (const day of ['2026-03-29', '2026-10-04', '2026-10-25', '2026-11-01', '2027-04-04']) {
        expect(next(t, `${addLocalDays(day, -1)}T12:00:00Z`)).toBe(`${day}T02:30:00.000Z`);
      }
    });
  });

  it('gives the doses of a day in order of their times', () => {
    const t = daily('Europe/London', '20:00', '08:00', '13:00');
    expect(next(t, '2026-11-24T08:00:00Z')).toBe('2026-11-24T13:00:00.000Z');
    expect(next(t, '2026-11-24T13:00:00Z')).toBe('2026-11-24T20:00:00.000Z');
    expect(next(t, '2026-11-24T20:00:00Z')).toBe('2026-11-25T08:00:00.000Z');
  });

  it('gives doses only on the chosen weekdays', () => {
    // Tuesday 24 November 2026.
    const t: DoseTimetable = { ...daily('Europe/London', '08:00'), days: ['mon', 'wed', 'fri'] };
    expect(next(t, '2026-11-24T10:00:00Z')).toBe('2026-11-25T08:00:00.000Z');
    expect(next(t, '2026-11-25T08:00:00Z')).toBe('2026-11-27T08:00:00.000Z');
    expect(next(t, '2026-11-27T08:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
  });

  it('starts on the start date and stops after the end date', () => {
    const t: DoseTimetable = { ...daily('Europe/London', '08:00'), startDate: '2026-12-01', endDate: '2026-12-02' };
    expect(next(t, '2026-11-24T10:00:00Z')).toBe('2026-12-01T08:00:00.000Z');
    expect(next(t, '2026-12-01T08:00:00Z')).toBe('2026-12-02T08:00:00.000Z');
    expect(next(t, '2026-12-02T08:00:00Z')).toBeNull();
  });

  it('has no dose when no time or weekday is set', () => {
    expect(next(daily('Europe/London'), '2026-11-24T10:00:00Z')).toBeNull();
    expect(next({ ...daily('Europe/London', '08:00'), days: [] }, '2026-11-24T10:00:00Z')).toBeNull();
  });

  it('counts a dose due right now as the first dose from now', () => {
    expect(firstDoseFrom(daily('Europe/London', '08:00'), new Date('2026-11-24T08:00:00Z'))?.dueAt.toISOString()).toBe('2026-11-24T08:00:00.000Z');
  });

  it('agrees with wallClockToInstant on every day of two years in all four zones', () => {
    for (const zone of ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata']) {
      for (let day = '2026-01-01'; day < '2028-01-01'; day = addLocalDays(day, 1)) {
        for (const time of ['00:30', '01:30', '02:30', '08:00', '23:30']) {
          const expected = wallClockToInstant(day, time, zone);
          const got = nextDoseAfter(daily(zone, time), new Date(expected.getTime() - 1));
          if (got?.dueAt.getTime() !== expected.getTime()) throw new Error(`${zone} ${day} ${time}: expected ${expected.toISOString()}, got ${got?.dueAt.toISOString()}`);
        }
      }
    }
  });
});
