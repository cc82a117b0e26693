import { describe, expect, it } from '@jest/globals';
import { aMessage, callOf, clarificationOf } from './factories.ts';

describe('reminders', () => {
  it('sets a one-off reminder with the thing to do as its text', () => {
    expect(callOf('set_reminder', aMessage('remind me to phone Gwen on saturday at 11am'))).toEqual({
      text: 'phone Gwen',
      at: '2026-11-28T11:00',
    });
  });

  it('sets a daily reminder starting at the next occurrence', () => {
    expect(callOf('set_reminder', aMessage('every day at 9am remind me to feed the birds', { now: '2026-11-24T21:00' }))).toEqual({
      text: 'feed the birds',
      at: '2026-11-25T09:00',
      repeat: 'daily',
    });
  });

  it('sets a weekly reminder on the coming weekday', () => {
    const args = callOf('set_reminder', aMessage('remind me every thursday at 6 in the evening to put the recycling out'));
    expect(args).toEqual({ text: 'put the recycling out', at: '2026-11-26T18:00', repeat: 'weekly' });
  });

  it('reminds an hour before an appointment named earlier in the sentence', () => {
    const args = callOf('set_reminder', aMessage("I've got the chiropodist on Friday at 2pm, can you remind me an hour before"));
    expect(args).toEqual({ text: 'the chiropodist', at: '2026-11-27T13:00' });
  });

  it('keeps the scene when the request only points back to it', () => {
    const args = callOf('set_reminder', aMessage("the cake's in the oven, give me a shout in 40 minutes to check on it"));
    expect(String(args.text)).toContain('cake');
    expect(args.at).toBe('2026-11-24T10:40');
  });

  it('keeps every word she said apart from the time words, even a little word at the end', () => {
    expect(callOf('set_reminder', aMessage('Remind me to take the washing in at 6')).text).toBe('take the washing in');
    expect(callOf('set_reminder', aMessage('remind me to bring the cat in tonight at 9')).text).toBe('bring the cat in');
    expect(callOf('set_reminder', aMessage('remind me to plug my phone in at 10 o\'clock')).text).toBe('plug my phone in');
    expect(callOf('set_reminder', aMessage('remind me to put the bins out every tuesday night at 8')).text).toBe('put the bins out');
    expect(callOf('set_reminder', aMessage('remind me on Friday and at 10 to post the card to Jean, please')).text).toBe('post the card to Jean');
  });

  it('sets a reminder "after 45 minutes" and "45 minutes from now" from the time it is said', () => {
    expect(callOf('set_reminder', aMessage('remind me after 45 minutes to turn off the immersion'))).toEqual({ text: 'turn off the immersion', at: '2026-11-24T10:45' });
    expect(callOf('set_reminder', aMessage('an hour from now remind me to ring Gwen'))).toEqual({ text: 'ring Gwen', at: '2026-11-24T11:00' });
    expect(callOf('set_reminder', aMessage("remind me in an hour's time to take the pie out"))).toEqual({ text: 'take the pie out', at: '2026-11-24T11:00' });
  });

  it('asks when, for a reminder without a time', () => {
    expect(clarificationOf(aMessage('remind me to renew my bus pass')).missing).toEqual(['at']);
  });

  it('asks when, for "sometime next week"', () => {
    expect(clarificationOf(aMessage('remind me to ring the council sometime next week')).missing).toEqual(['at']);
  });

  it('asks what and when for "set a reminder"', () => {
    expect(clarificationOf(aMessage('set a reminder please')).missing).toEqual(['text', 'at']);
  });
});

describe('family messages', () => {
  it('passes on what follows "tell my daughter"', () => {
    expect(callOf('notify_family', aMessage('tell my daughter the parcel arrived safely'))).toEqual({ message: 'the parcel arrived safely' });
  });

  it('passes on what follows "let the family know that"', () => {
    expect(callOf('notify_family', aMessage('let the family know that I am staying at Doris tonight'))).toEqual({
      message: 'I am staying at Doris tonight',
    });
  });

  it('marks a message urgent when the elder says so', () => {
    expect(callOf('notify_family', aMessage('message my son urgently, the boiler has stopped working'))).toEqual({
      message: 'the boiler has stopped working',
      urgent: true,
    });
  });

  it('messages a family member by name', () => {
    expect(callOf('notify_family', aMessage('Tell Priya to bring the photo album on Sunday')).message).toBe('to bring the photo album on Sunday');
  });
});

describe('shared activities', () => {
  it('shares something the elder did, from its verb on', () => {
    expect(callOf('share_activity', aMessage('I baked a lemon drizzle cake this afternoon!'))).toEqual({
      activity: 'baked a lemon drizzle cake this afternoon',
    });
  });

  it('shares where the elder is right now', () => {
    expect(String(callOf('share_activity', aMessage("I'm at the garden centre with Gwen")).activity)).toContain('garden centre');
  });

  it('shares an activity without a subject', () => {
    expect(String(callOf('share_activity', aMessage('played bowls with the club today')).activity)).toContain('bowls');
  });
});

describe('schedule questions', () => {
  it('looks up today and tomorrow', () => {
    expect(callOf('get_schedule', aMessage('what have I got today?'))).toEqual({ date: '2026-11-24' });
    expect(callOf('get_schedule', aMessage("what's on tomorrow"))).toEqual({ date: '2026-11-25' });
  });

  it('looks up a weekday', () => {
    expect(callOf('get_schedule', aMessage('do I have anything on friday'))).toEqual({ date: '2026-11-27' });
  });

  it('looks up the next dose without a date, about medicines only', () => {
    expect(callOf('get_schedule', aMessage('when is my next pill?'))).toEqual({ about: 'medicines' });
  });

  it('reads "this week", "next week" and "the weekend" as spans of days, and a named day as that day alone', () => {
    // Tuesday 24 November 2026.
    expect(callOf('get_schedule', aMessage('what have I got on this week?'))).toEqual({ date: '2026-11-24', until: '2026-11-29' });
    expect(callOf('get_schedule', aMessage('anything on next week?'))).toEqual({ date: '2026-11-30', until: '2026-12-06' });
    expect(callOf('get_schedule', aMessage('what am I doing at the weekend?'))).toEqual({ date: '2026-11-28', until: '2026-11-29' });
    expect(callOf('get_schedule', aMessage("what's on Saturday?"))).toEqual({ date: '2026-11-28' });
    expect(callOf('get_schedule', aMessage('any bookings next week on Thursday?'))).toEqual({ date: '2026-12-03', about: 'bookings' });
    expect(callOf('get_schedule', aMessage('what have I got on this week?', { now: '2026-11-29T09:00' }))).toEqual({ date: '2026-11-29', until: '2026-12-05' });
  });

  it('asks what medicines are due as a schedule question about medicines, not a new medicine', () => {
    expect(callOf('get_schedule', aMessage('which tablets am I supposed to take this evening?'))).toMatchObject({ date: '2026-11-24', about: 'medicines' });
  });

  it('says what a question is about when it names one kind of thing, and nothing when it names several or none', () => {
    expect(callOf('get_schedule', aMessage('when is my next booking?'))).toEqual({ about: 'bookings' });
    expect(callOf('get_schedule', aMessage('when is my hair appointment'))).toEqual({ about: 'bookings' });
    expect(callOf('get_schedule', aMessage('what reminders do I have tomorrow?'))).toEqual({ date: '2026-11-25', about: 'reminders' });
    expect(callOf('get_schedule', aMessage('what have I got today?'))).toEqual({ date: '2026-11-24' });
    expect(callOf('get_schedule', aMessage('when is my dentist appointment?'))).toEqual({});
  });

  it('answers "did I take my pills?" from today\'s doses and never records a dose', () => {
    expect(callOf('get_schedule', aMessage('did I take my pills today?'))).toEqual({ date: '2026-11-24', about: 'medicines' });
    expect(callOf('get_schedule', aMessage('have i had my tablets'))).toEqual({ date: '2026-11-24', about: 'medicines' });
    expect(callOf('get_schedule', aMessage('did I take my insulin yesterday?'))).toEqual({ date: '2026-11-23', about: 'medicines' });
    expect(callOf('log_dose', aMessage('I took my pills')).status).toBe('taken');
  });
});
