import { describe, expect, it } from '@jest/globals';
import { understand } from '../../../src/agent/understanding/understand.ts';
import { aMessage, callOf } from './factories.ts';

// The clock of aMessage: Tuesday 24 November 2026, 10:00 in London.

describe('times said as offsets and short days', () => {
  it('adds hours and minutes said together ("in 1 hr 15 min")', () => {
    expect(callOf('set_reminder', aMessage('remind me in 1 hr 15 min to ring the garage'))).toEqual({ text: 'ring the garage', at: '2026-11-24T11:15' });
  });

  it('reads days and weeks from now as a date ("3 days from now", "a week from today")', () => {
    expect(callOf('set_reminder', aMessage('remind me 3 days from now at 4pm to post the card')).at).toBe('2026-11-27T16:00');
    expect(callOf('set_reminder', aMessage('remind me a week from today at 9am to renew the permit')).at).toBe('2026-12-01T09:00');
  });

  it('reads a short day before a clock time as that day, and "sat" as a verb otherwise', () => {
    expect(callOf('book_salon', aMessage('pedicure at Pretty Toes sat 11 am')).start).toBe('2026-11-28T11:00');
    expect(understand(aMessage('I sat 3 hours with my book in the sun'))).not.toMatchObject({ tool: 'book_salon' });
  });
});

describe('bookings in everyday words', () => {
  it('keeps "&" inside a venue name and reads "@" as "at"', () => {
    expect(callOf('book_restaurant', aMessage('book the Plough & Harrow for 4 on friday at 7pm')).venue).toBe('Plough & Harrow');
    expect(callOf('book_restaurant', aMessage('lunch for 3 @ Spice Route 1pm saturday')).venue).toBe('Spice Route');
  });

  it('counts "a couple of us", "a family of six", "half a dozen" and "me plus two"', () => {
    expect(callOf('book_restaurant', aMessage('table at the Anchor for a couple of us on friday at 8pm')).party_size).toBe(2);
    expect(callOf('book_restaurant', aMessage('book the Anchor for a family of six on saturday at 1pm')).party_size).toBe(6);
    expect(callOf('book_restaurant', aMessage('book the Anchor for half a dozen of us on saturday at 1pm')).party_size).toBe(6);
    expect(callOf('book_restaurant', aMessage('book the Anchor for me plus two on saturday at 1pm')).party_size).toBe(3);
  });

  it('reads a treatment said as what is done ("my hair permed", "eyebrows threaded")', () => {
    expect(callOf('book_salon', aMessage("I'd like my hair permed at Curl Corner on friday at 10am")).service).toBe('perm');
    expect(callOf('book_salon', aMessage('can I have my eyebrows threaded at Brow Bar on friday at 3pm')).service).toBe('threading');
  });

  it('calls a booking off in roundabout words, and moves no booking for a table moved about the room', () => {
    expect(callOf('cancel_booking', aMessage('please take my name off the dinner booking at the Anchor'))).toMatchObject({ venue: 'Anchor' });
    expect(understand(aMessage('could we shift the table nearer the window'))).not.toMatchObject({ tool: 'reschedule_booking' });
  });
});

describe('medicines as brands are written', () => {
  it('reads a brand typed in lower case with its strength', () => {
    expect(callOf('add_medication', aMessage('cardivol 25 at 8am and 8pm daily'))).toMatchObject({ medicine: 'Cardivol', times: ['08:00', '20:00'] });
  });

  it('reads a brand with a short suffix ("Zentra XR 50")', () => {
    expect(callOf('add_medication', aMessage('please add Zentra XR 50 at 9pm every day')).medicine).toBe('Zentra XR');
  });

  it('does not log a dose for a medicine still to be started or not yet taken', () => {
    expect(understand(aMessage("I've got to start taking atenolol"))).not.toMatchObject({ tool: 'log_dose' });
    expect(understand(aMessage("I haven't had my Lipitor yet"))).not.toMatchObject({ kind: 'tool', tool: 'log_dose' });
  });
});

describe('family messages told indirectly', () => {
  it('finds the relative in "pass the message to", "I want … to know", "make sure … knows" and "Name: …"', () => {
    expect(callOf('notify_family', aMessage('please pass the message to my son that the gutter is fixed')).message).toBe('the gutter is fixed');
    expect(callOf('notify_family', aMessage('I want my daughter to know the tests came back fine')).message).toBe('the tests came back fine');
    expect(callOf('notify_family', aMessage('make sure my son knows the spare key is under the pot')).message).toBe('the spare key is under the pot');
    expect(callOf('notify_family', aMessage('message Priya: the parcel has arrived')).message).toBe('the parcel has arrived');
  });

  it('tells no one when she only promises something herself', () => {
    expect(understand(aMessage("I'll make sure my grandson gets his birthday card"))).not.toMatchObject({ kind: 'tool', tool: 'notify_family' });
  });
});

describe('activities and searches', () => {
  it('shares a chore she did on her own', () => {
    expect(callOf('share_activity', aMessage('cleared the moss off the patio all by myself')).activity).toContain('moss');
  });

  it('shares nothing told of someone else or asked for', () => {
    expect(understand(aMessage('the swallows left the barn last week'))).not.toMatchObject({ kind: 'tool', tool: 'share_activity' });
    expect(understand(aMessage("I'm looking for the film about the lighthouse keeper"))).not.toMatchObject({ kind: 'tool', tool: 'share_activity' });
  });
});

describe('talk that must not become an action', () => {
  it('logs no dose from long ago or someone else\'s', () => {
    expect(understand(aMessage('years ago I used to take digoxin'))).not.toMatchObject({ tool: 'log_dose' });
    expect(understand(aMessage('my husband is taking his tablets now'))).not.toMatchObject({ tool: 'log_dose' });
  });

  it('shares nothing a friend did', () => {
    expect(understand(aMessage('my friend had her nails painted bright red yesterday'))).not.toMatchObject({ kind: 'tool', tool: 'share_activity' });
  });

  it('tells no one when she will tell them herself or says not to', () => {
    expect(understand(aMessage("I'll ring my son myself later"))).not.toMatchObject({ kind: 'tool', tool: 'notify_family' });
    expect(understand(aMessage("please don't tell my daughter about the fall last year"))).not.toMatchObject({ kind: 'tool', tool: 'notify_family' });
  });
});

describe('what is told but not done', () => {
  it('shares nothing of a feeling, an opinion, a quarrel or a near miss, and still shares what she did', () => {
    for (const text of ['i felt a bit wobbly this morning but it passed', 'my spirits sank when the letter came', "I can't bear the noise from next door", 'my sister and I fell out about christmas', 'I almost dropped the teapot']) {
      const u = understand(aMessage(text));
      expect({ text, tool: u.kind === 'tool' ? u.tool : null }).not.toEqual({ text, tool: 'share_activity' });
    }
    expect(callOf('share_activity', aMessage('I planted three rose bushes in the front garden this morning')).activity).toMatch(/planted three rose bushes/);
  });

  it('shares nothing of an illness or a mood, nor of a request for something to be looked up', () => {
    for (const text of ['I came down with a chest cold at the weekend', "I've been really under the weather since friday", 'I came over all sentimental at the concert', 'I went to see the new vet but can you find their phone number']) {
      const u = understand(aMessage(text));
      expect({ text, tool: u.kind === 'tool' ? u.tool : null }).not.toEqual({ text, tool: 'share_activity' });
    }
  });

  it('notes no dose for medicines delivered or collected, or taken on an earlier day', () => {
    for (const text of ['my new inhalers were delivered by the chemist this morning', 'I collected my blood pressure tablets from the pharmacy', 'I took my water tablets last thursday']) {
      const u = understand(aMessage(text));
      expect({ text, tool: u.kind === 'tool' ? u.tool : null }).not.toEqual({ text, tool: 'log_dose' });
    }
    expect(callOf('log_dose', aMessage('I took my water tablets just now')).status).toBe('taken');
  });
});
