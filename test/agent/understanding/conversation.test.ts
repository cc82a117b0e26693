import { describe, expect, it } from '@jest/globals';
import { understand } from '../../../src/agent/understanding/understand.ts';
import { aMessage, askedAbout, callOf } from './factories.ts';

describe('answers to the assistant\'s questions', () => {
  it('completes a table booking with the party size and time given in the answer', () => {
    const history = askedAbout('can you book a table at the Jolly Miller', 'Of course. For how many people, and what day and time?');
    expect(callOf('book_restaurant', aMessage('the three of us, friday at 1pm', { history }))).toEqual({
      venue: 'Jolly Miller',
      party_size: 3,
      start: '2026-11-27T13:00',
    });
  });

  it('reads a bare number answering "how many people?" as the party size', () => {
    const history = askedAbout('book the Copper Kettle tomorrow at 7pm', 'How many people will be coming?');
    expect(callOf('book_restaurant', aMessage('4', { history })).party_size).toBe(4);
  });

  it('reads a bare name answering "which restaurant?" as the venue', () => {
    const history = askedAbout('book a table for 2 tomorrow at 7pm', 'Which restaurant would you like?');
    expect(callOf('book_restaurant', aMessage('Rosa\'s', { history })).venue).toBe("Rosa's");
  });

  it('completes a medicine schedule with the times given in the answer', () => {
    const history = askedAbout('I need to take citalopram twice a day', 'At what times should I remind you?');
    expect(callOf('add_medication', aMessage('8 and 8', { history }))).toEqual({ medicine: 'Citalopram', times: ['08:00', '20:00'] });
  });

  it('completes a reminder with the time given in the answer', () => {
    const history = askedAbout('remind me to defrost the freezer', 'When should I remind you?');
    expect(callOf('set_reminder', aMessage('saturday at 10am', { history }))).toEqual({ text: 'defrost the freezer', at: '2026-11-28T10:00' });
  });

  it('logs a dose when the elder answers the dose reminder', () => {
    const history = [{ role: 'assistant' as const, text: 'It is time for your Allopurinol. Have you taken it?' }];
    expect(callOf('log_dose', aMessage('yes done', { history }))).toEqual({ medicine: 'Allopurinol', status: 'taken' });
    expect(callOf('log_dose', aMessage('not now', { history })).status).toBe('skipped');
  });

  it('drops the request when the elder says no to the question', () => {
    const history = askedAbout('book a table at the Copper Kettle', 'For how many people?');
    expect(understand(aMessage('no, forget it', { history })).kind).toBe('chat');
  });

  it('lets a new, complete request replace the unanswered one', () => {
    const history = askedAbout('book a table at the Copper Kettle', 'For how many people?');
    expect(callOf('set_reminder', aMessage('actually, remind me to call Arthur at 5pm', { history })).text).toBe('call Arthur');
  });

  it('does not repeat a request that was already complete', () => {
    const history = askedAbout('I went for a walk along the canal this morning', 'How lovely! How long were you out?');
    expect(understand(aMessage('about an hour', { history })).kind).toBe('chat');
  });

  it('asks what to say when a family message has no content yet, then sends the answer', () => {
    const question = understand(aMessage('I want to let my son know something'));
    expect(question).toMatchObject({ kind: 'clarify', tool: 'notify_family', missing: ['message'] });
    const history = askedAbout('I want to let my son know something', 'Of course. What would you like me to tell them?');
    expect(callOf('notify_family', aMessage("that I'll be at Gwen's until six", { history })).message).toBe("I'll be at Gwen's until six");
  });
});
