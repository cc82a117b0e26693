import { describe, expect, it } from '@jest/globals';
import { aMessage, callOf } from './factories.ts';

const startOf = (text: string, now = '2026-11-24T10:00', timezone = 'Europe/London'): unknown =>
  callOf('book_restaurant', aMessage(`book a table at the Copper Kettle for 2 ${text}`, { now, timezone })).start;

const reminderAt = (text: string, now = '2026-11-24T10:00', timezone = 'Europe/London'): unknown =>
  callOf('set_reminder', aMessage(`remind me to water the ferns ${text}`, { now, timezone })).at;

describe('relative days and weekdays', () => {
  it('reads "tomorrow" and a misspelt "tomorow" as the next day', () => {
    expect(startOf('tomorrow at 7pm')).toBe('2026-11-25T19:00');
    expect(startOf('tomorow at 7pm')).toBe('2026-11-25T19:00');
  });

  it('reads a weekday as the coming one, and "next tuesday" said on a Friday as four days later', () => {
    expect(startOf('on friday at 6pm')).toBe('2026-11-27T18:00');
    expect(startOf('next tuesday at 1pm', '2027-03-12T16:00', 'America/New_York')).toBe('2027-03-16T13:00');
  });

  it('reads a weekday named on that same weekday as a week later', () => {
    expect(startOf('on tuesday at 7pm')).toBe('2026-12-01T19:00');
  });

  it('reads "today at 1pm" and "tonight at 6" as today', () => {
    expect(startOf('today at 1pm')).toBe('2026-11-24T13:00');
    expect(startOf('tonight at 6')).toBe('2026-11-24T18:00');
  });

  it('reads "on the 1st" as the next first of the month and "3rd of December" as that date', () => {
    expect(startOf('on the 1st at 7pm')).toBe('2026-12-01T19:00');
    expect(startOf('on the 3rd of December at 7pm')).toBe('2026-12-03T19:00');
  });

  it('reads a named holiday as its next date', () => {
    expect(startOf('on Boxing Day at 1pm')).toBe('2026-12-26T13:00');
    expect(startOf("on New Year's Day at 1pm")).toBe('2027-01-01T13:00');
  });

  it('reads a slash date day-first in Britain and month-first in America', () => {
    expect(startOf('on 5/12 at 7pm')).toBe('2026-12-05T19:00');
    expect(startOf('on 12/5 at 7pm', '2026-11-27T18:30', 'America/New_York')).toBe('2026-12-05T19:00');
  });
});

describe('clock times', () => {
  it('reads half past, quarter to and quarter past', () => {
    expect(startOf('on friday at half past 12')).toBe('2026-11-27T12:30');
    expect(startOf('tomorrow at quarter to 7 in the evening')).toBe('2026-11-25T18:45');
    expect(startOf('tomorrow at quarter past 8 pm')).toBe('2026-11-25T20:15');
  });

  it('reads dotted and colon times, 24-hour times and "7 pm" with a space', () => {
    expect(startOf('tomorrow at 12.30')).toBe('2026-11-25T12:30');
    expect(startOf('tomorrow at 19:45')).toBe('2026-11-25T19:45');
    expect(startOf('tomorrow at 7 p.m.')).toBe('2026-11-25T19:00');
  });

  it('reads noon, "6 in the evening" and "1 o\'clock"', () => {
    expect(startOf('tomorrow at noon')).toBe('2026-11-25T12:00');
    expect(startOf('on saturday 6 in the evening')).toBe('2026-11-28T18:00');
    expect(startOf("on sunday at 1 o'clock")).toBe('2026-11-29T13:00');
  });

  it('reads the British "half seven" as half past seven', () => {
    expect(startOf('on thursday evening half seven')).toBe('2026-11-26T19:30');
  });

  it('takes a bare early hour for a meal as the afternoon', () => {
    expect(startOf('on friday at 2')).toBe('2026-11-27T14:00');
  });

  it('reads "midnight" as the start of the next day', () => {
    expect(reminderAt('at midnight')).toBe('2026-11-25T00:00');
  });
});

describe('times counted from now', () => {
  it('adds "in 2 hours" and "in 30 minutes" to the current time', () => {
    expect(reminderAt('in 2 hours')).toBe('2026-11-24T12:00');
    expect(reminderAt('in 30 minutes', '2026-11-30T23:50')).toBe('2026-12-01T00:20');
  });

  it('adds "in half an hour" and "in three quarters of an hour"', () => {
    expect(reminderAt('in half an hour')).toBe('2026-11-24T10:30');
    expect(reminderAt('in three quarters of an hour')).toBe('2026-11-24T10:45');
  });

  it('moves a bare reminder hour to its next occurrence', () => {
    expect(reminderAt('at 11', '2026-12-02T07:05', 'America/New_York')).toBe('2026-12-02T11:00');
    expect(reminderAt('at 9', '2026-12-02T10:00', 'America/New_York')).toBe('2026-12-02T21:00');
    expect(reminderAt('at 9', '2026-12-02T22:00', 'America/New_York')).toBe('2026-12-03T09:00');
  });

  it('moves a reminder time already past today to tomorrow', () => {
    expect(reminderAt('at 8am', '2026-11-24T10:00')).toBe('2026-11-25T08:00');
  });
});

describe('daylight saving weeks', () => {
  it('counts "in 2 hours" in real time across the spring change in London', () => {
    expect(reminderAt('in 2 hours', '2027-03-27T23:30', 'Europe/London')).toBe('2027-03-28T02:30');
  });

  it('keeps wall-clock times on the day the clocks go forward in London', () => {
    expect(startOf('tomorrow at 1pm', '2027-03-27T10:00', 'Europe/London')).toBe('2027-03-28T13:00');
  });

  it('counts "in 1 hour" in real time across the spring change in New York', () => {
    expect(reminderAt('in 1 hour', '2027-03-14T01:30', 'America/New_York')).toBe('2027-03-14T03:30');
  });

  it('counts "in 1 hour" in real time when the clocks go back in New York', () => {
    expect(reminderAt('in 1 hour', '2026-11-01T00:30', 'America/New_York')).toBe('2026-11-01T01:30');
  });

  it('counts "in 1 hour" in real time across the October change in Sydney', () => {
    expect(reminderAt('in 1 hour', '2026-10-04T01:30', 'Australia/Sydney')).toBe('2026-10-04T03:30');
  });

  it('uses plain wall-clock dates in Kolkata, which has no clock changes', () => {
    expect(startOf('on monday at 8pm', '2026-12-05T08:15', 'Asia/Kolkata')).toBe('2026-12-07T20:00');
  });
});
