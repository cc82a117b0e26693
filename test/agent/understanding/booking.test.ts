import { describe, expect, it } from '@jest/globals';
import { understand } from '../../../src/agent/understanding/understand.ts';
import { aMessage, askedAbout, callOf, clarificationOf } from './factories.ts';

describe('restaurant bookings', () => {
  it('books a table with venue, party size and time from one sentence', () => {
    expect(callOf('book_restaurant', aMessage('Please book a table for 3 at the Jolly Miller on Thursday at 7.30pm'))).toEqual({
      venue: 'Jolly Miller',
      party_size: 3,
      start: '2026-11-26T19:30',
    });
  });

  it('finds a venue typed in lower case and title-cases it', () => {
    expect(callOf('book_restaurant', aMessage('book golden dragon for 4 tomorrow at 6pm')).venue).toBe('Golden Dragon');
  });

  it('title-cases a venue when the whole message is in capitals', () => {
    expect(callOf('book_restaurant', aMessage('TABLE FOR 2 AT HARBOUR LIGHTS TONIGHT AT 7PM')).venue).toBe('Harbour Lights');
  });

  it('keeps "and" inside a capitalised venue name', () => {
    expect(callOf('book_restaurant', aMessage('get us a table at the Owl and Lantern for 2 on friday at 1pm')).venue).toBe('Owl and Lantern');
  });

  it('finds a venue named before "appointment" or opening the message', () => {
    expect(callOf('cancel_booking', aMessage('please call off my Curl Corner appointment')).venue).toBe('Curl Corner');
    expect(callOf('book_salon', aMessage('Polish Palace, tomorrow at 11am - I would like a pedicure')).venue).toBe('Polish Palace');
  });

  it('keeps wishes such as wheelchair access as notes', () => {
    const args = callOf('book_restaurant', aMessage('table for 2 at the Copper Kettle on friday at 12.30, my husband needs wheelchair access'));
    expect(String(args.notes)).toContain('wheelchair');
  });

  it('accepts the text-speak "table 4 2" as a table for two', () => {
    expect(callOf('book_restaurant', aMessage('table 4 2 at blue moon cafe saturday at 1pm')).party_size).toBe(2);
  });
});

describe('confidence', () => {
  it('is high when every detail was stated outright', () => {
    expect(understand(aMessage('book a table for 2 at the Jolly Miller tomorrow at 7pm'))).toMatchObject({ kind: 'tool', confidence: 0.9 });
  });

  it('is lower when the hour had to be guessed', () => {
    const result = understand(aMessage('book a table for 2 at the Jolly Miller tomorrow at 7'));
    expect(result.kind === 'tool' ? result.confidence : 1).toBeLessThan(0.85);
  });
});

describe('party sizes', () => {
  const partyOf = (who: string): unknown =>
    callOf('book_restaurant', aMessage(`book the Copper Kettle on friday at 7pm for ${who}`)).party_size;

  it('counts "me and my husband" as 2 and "just me" as 1', () => {
    expect(partyOf('me and my husband')).toBe(2);
    expect(partyOf('just me')).toBe(1);
  });

  it('counts "myself and 2 friends" as 3 and number words', () => {
    expect(partyOf('myself and 2 friends')).toBe(3);
    expect(partyOf('five people')).toBe(5);
  });

  it('counts a list of people with the numbers inside it', () => {
    expect(partyOf('me, her and the three girls')).toBe(5);
    expect(partyOf('me, my wife and our friends Doris and Arthur')).toBe(4);
  });

  it('counts a titled name as one person', () => {
    expect(partyOf('me and Mrs Patel')).toBe(2);
  });

  it('adds adults and children', () => {
    expect(partyOf('2 adults and 3 children')).toBe(5);
  });
});

describe('salon bookings', () => {
  it('books a treatment with its service as a short lowercase phrase', () => {
    expect(callOf('book_salon', aMessage("I'd like a cut and blow dry at Snip and Style on Monday at 10am"))).toEqual({
      venue: 'Snip and Style',
      service: 'cut and blow dry',
      start: '2026-11-30T10:00',
    });
  });

  it('takes a bare afternoon hour for an appointment as pm and a morning hour as am', () => {
    expect(callOf('book_salon', aMessage("a manicure at Maria's Salon on friday at 3")).start).toBe('2026-11-27T15:00');
    expect(callOf('book_salon', aMessage("a manicure at Maria's Salon on friday at 9")).start).toBe('2026-11-27T09:00');
  });

  it('books a barber without a named treatment', () => {
    const args = callOf('book_salon', aMessage("barber appointment at Arthur's Barbers tomorrow at 4:15pm"));
    expect(args).toEqual({ venue: "Arthur's Barbers", start: '2026-11-25T16:15' });
  });
});

describe('cancellations', () => {
  it('cancels by venue and date', () => {
    expect(callOf('cancel_booking', aMessage("I can't make it to the Jolly Miller on friday, please cancel"))).toEqual({
      venue: 'Jolly Miller',
      date: '2026-11-27',
    });
  });

  it('cancels by date alone', () => {
    expect(callOf('cancel_booking', aMessage('cancel my nail appointment tomorrow'))).toEqual({ date: '2026-11-25' });
  });

  it('asks which booking when nothing identifies it', () => {
    expect(clarificationOf(aMessage('please cancel')).tool).toBe('cancel_booking');
  });
});

describe('bookings that need a question first', () => {
  it('asks for the time when only a day is given', () => {
    expect(clarificationOf(aMessage('table for 2 at the Copper Kettle on Saturday')).missing).toEqual(['start']);
  });

  it('asks for the time and size of party for "tomorrow evening"', () => {
    expect(clarificationOf(aMessage('book the Copper Kettle for tomorrow evening')).missing).toEqual(['party_size', 'start']);
  });

  it('asks everything for a wish to go out for dinner', () => {
    expect(clarificationOf(aMessage('I fancy going out for dinner')).missing).toEqual(['venue', 'party_size', 'start']);
  });

  it('asks for the party size when a group is named without a count', () => {
    expect(clarificationOf(aMessage('book the Copper Kettle for me and the grandchildren on sunday at 1pm')).missing).toEqual(['party_size']);
  });

  it('asks for the salon and time for "the hairdresser"', () => {
    expect(clarificationOf(aMessage('please book me in at the hairdresser')).missing).toEqual(['venue', 'start']);
  });

  it('asks for the day when the time is only "sometime next week"', () => {
    expect(clarificationOf(aMessage('book the Copper Kettle for 2 at 7 sometime next week')).missing).toEqual(['start']);
  });
});

describe('moving a booking', () => {
  it('reads a time alone as the new time on the booking\'s own day, with "8" meaning 8 pm for dinner', () => {
    expect(callOf('reschedule_booking', aMessage('move dinner to 8'))).toEqual({ kind: 'restaurant', time: '20:00' });
    expect(callOf('reschedule_booking', aMessage('could you shift our lunch to 1 please'))).toEqual({ kind: 'restaurant', time: '13:00' });
  });

  it('reads a bare hour as the morning for breakfast and a salon appointment', () => {
    expect(callOf('reschedule_booking', aMessage('move breakfast to 9')).time).toBe('09:00');
    expect(callOf('reschedule_booking', aMessage('can you move my nails appointment to 10')).time).toBe('10:00');
  });

  it('reads a new day and time in full, and "hair" as a salon booking', () => {
    expect(callOf('reschedule_booking', aMessage('can we change my hair appointment to Friday at 10'))).toEqual({ kind: 'salon', start: '2026-11-27T10:00' });
  });

  it('moves by an amount: "back an hour" is later, "forward half an hour" is earlier', () => {
    expect(callOf('reschedule_booking', aMessage('push the table back an hour'))).toEqual({ kind: 'restaurant', shift_minutes: 60 });
    expect(callOf('reschedule_booking', aMessage('bring my haircut forward half an hour')).shift_minutes).toBe(-30);
    expect(callOf('reschedule_booking', aMessage('can my lunch be 2 hours later')).shift_minutes).toBe(120);
  });

  it('tells the booking as it is (venue and its day) apart from the new time', () => {
    expect(callOf('reschedule_booking', aMessage('please move my table at the Copper Kettle on Friday to Saturday at 7pm'))).toEqual({
      venue: 'Copper Kettle',
      kind: 'restaurant',
      date: '2026-11-27',
      start: '2026-11-28T19:00',
    });
    expect(callOf('reschedule_booking', aMessage('move my Curl Corner appointment to 11am'))).toMatchObject({ venue: 'Curl Corner', time: '11:00' });
  });

  it('asks for the new time when none is said, and reads the answer as the new time', () => {
    const question = clarificationOf(aMessage('please reschedule my haircut'));
    expect(question).toMatchObject({ tool: 'reschedule_booking', missing: ['start'] });
    expect(callOf('reschedule_booking', aMessage('thursday at 2pm', { history: askedAbout('please reschedule my haircut', question.question) }))).toMatchObject({
      kind: 'salon',
      start: '2026-11-26T14:00',
    });
  });

  it('leaves reminders, medicines, doctors and new bookings to their own tools', () => {
    expect(understand(aMessage('remind me to move the car at 8'))).toMatchObject({ kind: 'tool', tool: 'set_reminder' });
    expect(understand(aMessage('move my doctor appointment to 3pm'))).not.toMatchObject({ tool: 'reschedule_booking' });
    expect(understand(aMessage('can you move my evening pills to 9pm'))).not.toMatchObject({ tool: 'reschedule_booking' });
    expect(callOf('book_restaurant', aMessage('book a table for 2 at the Jolly Miller tomorrow at 7pm')).venue).toBe('Jolly Miller');
    expect(understand(aMessage('can we move the table closer to the window'))).not.toMatchObject({ tool: 'reschedule_booking' });
  });
});
