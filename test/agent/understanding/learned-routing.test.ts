import { describe, it, expect } from '@jest/globals';
import { understand } from '../../../src/agent/understanding/understand.ts';
import { aMessage, askedAbout, callOf } from './factories.ts';

/** The understanding of a message, and why: the classifier's decision in one line (what a failing test shows). */
const readingOf = (text: string) => {
  const result = understand(aMessage(text));
  return { kind: result.kind, tool: result.kind === 'chat' ? null : result.tool, why: result.decision?.reason ?? '(decided by a rule)' };
};

describe('kinds of speech the rules alone missed', () => {
  it('records a dose of a brand-name medicine it has never heard of, named as what she took', () => {
    expect(callOf('log_dose', aMessage('I have taken Bravoxin'))).toEqual({ status: 'taken', medicine: 'Bravoxin' });
    expect(callOf('log_dose', aMessage('had my Cardiprex with breakfast'))).toEqual({ status: 'taken', medicine: 'Cardiprex' });
  });

  it('shares an activity told in passing, without "I" and with verbs no list has', () => {
    expect(callOf('share_activity', aMessage('scrubbed the whole patio all on my own'))).toEqual({ activity: 'scrubbed the whole patio all on my own' });
    expect(callOf('share_activity', aMessage('had a natter over coffee with Pat from next door'))).toMatchObject({ activity: expect.stringContaining('natter') });
  });

  it('books a table said as a list of details, the venue read from its capitals', () => {
    expect(callOf('book_restaurant', aMessage('Table booking Golden Dragon 7 pm tomorrow for 4'))).toEqual({ venue: 'Golden Dragon', party_size: 4, start: '2026-11-25T19:00' });
  });

  it('reads "which tablets do I have to take tonight" as a question about the schedule', () => {
    expect(callOf('get_schedule', aMessage('which tablets do I have to take tonight'))).toEqual({ date: '2026-11-24', about: 'medicines' });
  });
});

describe('not acting on requests that are not ours', () => {
  it('does not share a question about money or a request to print as an activity', () => {
    expect(readingOf('how much did I spend at the supermarket last month')).toMatchObject({ tool: null });
    expect(readingOf('print the pictures I took at the weekend').kind).not.toBe('tool');
  });

  it('does not cancel a booking when what is cancelled is a setting', () => {
    expect(readingOf('cancel the quiet mode please').kind).not.toBe('tool');
  });

  it('does not record a dose when she asks how many days off she has taken', () => {
    expect(readingOf('how many days off have I taken this year').kind).not.toBe('tool');
  });

  it('does not move a doctor\'s appointment, which is not a booking it made', () => {
    expect(readingOf('move my doctor appointment to 3pm').tool).not.toBe('reschedule_booking');
  });
});

describe('being unsure', () => {
  it('asks "would you like me to…?" instead of acting, and says which class and score made it unsure', () => {
    const result = understand(aMessage('print the pictures I took at the weekend'));
    expect(result).toMatchObject({ kind: 'clarify', missing: ['intent'] });
    expect(result.kind === 'clarify' && result.question).toMatch(/^Would you like me to .*\?$/);
    expect(result.decision?.outcome).toBe('ask');
    expect(result.decision?.reason).toMatch(/^\w+ \d\.\d\d/);
  });

  it('completes the offered tool from the earlier message when she says yes, and drops it when she says no', () => {
    const offer = understand(aMessage('print the pictures I took at the weekend'));
    expect(offer).toMatchObject({ kind: 'clarify', tool: 'share_activity' });
    const history = askedAbout('print the pictures I took at the weekend', offer.kind === 'clarify' ? offer.question : '');
    expect(callOf('share_activity', aMessage('yes please', { history })).activity).toBe('print the pictures I took at the weekend');
    expect(understand(aMessage('no thanks', { history })).kind).toBe('chat');
  });

  it('reads a short answer to an open question with the request it answers, not as a request of its own', () => {
    const history = askedAbout('I need to cancel a booking', 'Which booking would you like me to cancel?');
    expect(callOf('cancel_booking', aMessage('the one on thursday at the salon', { history }))).toMatchObject({ date: '2026-11-26' });
  });
});
