import { describe, it, expect } from '@jest/globals';
import { fitsAt, nearestFreeStarts, startsOn } from '../../src/tasks/bookings/availability.ts';
import { instantToLocal } from '../../src/lib/local-time.ts';

const local = (dates: Date[], tz = 'Europe/London'): string[] => dates.map((d) => instantToLocal(d, tz));

describe('availability', () => {
  it('offers every half hour at which a booking fits inside the opening hours', () => {
    const venue = { timezone: 'Europe/London', openingHours: { wed: [['17:30', '19:30']] as [string, string][] } };
    expect(local(startsOn(venue, '2026-11-25', 60))).toEqual(['2026-11-25T17:30', '2026-11-25T18:00', '2026-11-25T18:30']);
    expect(startsOn(venue, '2026-11-26', 60)).toEqual([]);
  });

  it('skips start times in the hour clocks go forward and offers the repeated autumn hour once', () => {
    const venue = { timezone: 'Europe/London', openingHours: { sun: [['00:00', '04:00']] as [string, string][] } };
    // 29 March 2026: 01:00 → 02:00 in London.
    expect(local(startsOn(venue, '2026-03-29', 30))).toEqual(['2026-03-29T00:00', '2026-03-29T00:30', '2026-03-29T02:00', '2026-03-29T02:30', '2026-03-29T03:00', '2026-03-29T03:30']);
    // 25 October 2026: 02:00 → 01:00 in London; 01:00 and 01:30 appear once (the first of the two).
    const autumn = startsOn(venue, '2026-10-25', 30);
    expect(local(autumn)).toEqual(['2026-10-25T00:00', '2026-10-25T00:30', '2026-10-25T01:00', '2026-10-25T01:30', '2026-10-25T02:00', '2026-10-25T02:30', '2026-10-25T03:00', '2026-10-25T03:30']);
    expect(autumn[2]!.toISOString()).toBe('2026-10-25T00:00:00.000Z');
  });

  it('counts the covers of overlapping bookings against the seats, and only those that overlap', () => {
    const at = (h: string) => new Date(`2026-11-25T${h}:00Z`);
    const booked = [
      { startAt: at('18:00'), endAt: at('19:30'), partySize: 4, service: null },
      { startAt: at('19:30'), endAt: at('21:00'), partySize: 6, service: null },
    ];
    const table = { minutes: 90, units: 4, service: null };
    expect(fitsAt(at('17:30'), table, 8, booked)).toBe(true); // overlaps the 4 only
    expect(fitsAt(at('19:00'), table, 8, booked)).toBe(false); // overlaps 4 + 6
    expect(fitsAt(at('21:00'), table, 8, booked)).toBe(true); // starts as the last one ends
  });

  it('proposes the nearest free times of the same day first, then the next days, never in the past', () => {
    const venue = { timezone: 'Europe/London', openingHours: { wed: [['18:00', '20:00']] as [string, string][], thu: [['18:00', '20:00']] as [string, string][] } };
    const requested = new Date('2026-11-25T19:00:00Z');
    const demand = { minutes: 60, units: 2, service: null };
    const full = [{ startAt: new Date('2026-11-25T18:00:00Z'), endAt: new Date('2026-11-25T20:00:00Z'), partySize: 2, service: null }];
    expect(local(nearestFreeStarts(venue, requested, demand, 2, full, new Date('2026-11-24T10:00:00Z')))).toEqual(['2026-11-26T18:00', '2026-11-26T18:30', '2026-11-26T19:00']);
    // 18:15: 18:00 has passed and 19:00 is the time asked for; 18:30 is left that day.
    expect(local(nearestFreeStarts(venue, requested, demand, 4, [], new Date('2026-11-25T18:15:00Z')))).toEqual(['2026-11-25T18:30', '2026-11-26T18:00', '2026-11-26T18:30']);
  });
});
