import { describe, expect, it } from '@jest/globals';
import { classifyConfirmation, understandEdit } from '../../../src/agent/understanding/confirmation.ts';
import { aMessage } from './factories.ts';

describe('yes or no to a pending action', () => {
  it.each(['yes please', 'yess', 'Yep, go ahead', 'ok do it', 'sure', 'YES!!', 'oh yes dear, that would be lovely', '👍', 'that would be lovely', 'well ok then, go on', 'sounds good to me dear'])(
    'reads "%s" as yes',
    (text) => expect(classifyConfirmation(text)).toBe('yes'),
  );

  it.each(['no thanks', 'nope', "don't", 'cancel that', 'nooo', 'absolutely not', 'nah, leave it', 'no wait, leave it for now, I will ask my son first', 'never mind, I am not sure yet'])('reads "%s" as no', (text) =>
    expect(classifyConfirmation(text)).toBe('no'),
  );

  it.each([
    'hmm, not sure', 'what time is it?', 'no, make it the 3rd', 'yes but at 8', 'maybe later',
    // A word of a sentence that tells something else is not consent.
    'I went for a lovely walk by the river', 'my right knee is playing up again', 'we had a good chat over the fence', 'the soup was great but too salty',
  ])(
    'reads "%s" as neither',
    (text) => expect(classifyConfirmation(text)).toBeNull(),
  );
});

describe('changes to a pending action', () => {
  const table = { tool: 'book_restaurant' as const, args: { venue: 'Copper Kettle', party_size: 2, start: '2026-11-26T19:00' } };

  it('moves an evening booking to 8pm for "make it 8 instead"', () => {
    expect(understandEdit(aMessage('make it 8 instead'), table)).toEqual({ ...table.args, start: '2026-11-26T20:00' });
  });

  it('changes the party size for "actually 4 people"', () => {
    expect(understandEdit(aMessage('actually 4 people'), table)).toEqual({ ...table.args, party_size: 4 });
  });

  it('moves the day but keeps the time for "Friday instead"', () => {
    expect(understandEdit(aMessage('Friday instead'), table)).toEqual({ ...table.args, start: '2026-11-27T19:00' });
  });

  it('keeps the evening for "at 7.30 please"', () => {
    expect(understandEdit(aMessage('at 7.30 please'), table)).toEqual({ ...table.args, start: '2026-11-26T19:30' });
  });

  it('moves to a day of the month for "no, make it the 3rd"', () => {
    expect(understandEdit(aMessage('no, make it the 3rd'), table)).toEqual({ ...table.args, start: '2026-12-03T19:00' });
  });

  it('changes the venue', () => {
    expect(understandEdit(aMessage('make it the Jolly Miller instead'), table)).toEqual({ ...table.args, venue: 'Jolly Miller' });
  });

  it('changes the times of a pending medicine schedule', () => {
    const schedule = { tool: 'add_medication' as const, args: { medicine: 'Citalopram', times: ['08:00'] } };
    expect(understandEdit(aMessage('make it 9 and 9'), schedule)).toEqual({ medicine: 'Citalopram', times: ['09:00', '21:00'] });
  });

  it('returns null for a message that changes nothing', () => {
    expect(understandEdit(aMessage('yes please'), table)).toBeNull();
  });
});
