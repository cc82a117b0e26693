import { describe, expect, it } from '@jest/globals';
import { understand } from '../../../src/agent/understanding/understand.ts';
import { aMessage, callOf, clarificationOf } from './factories.ts';

describe('new medicine schedules', () => {
  it('sets up a medicine with dose and two clock times', () => {
    expect(callOf('add_medication', aMessage('Remind me to take Candesartan 8mg every day at 7am and 7pm'))).toEqual({
      medicine: 'Candesartan',
      dose: '8mg',
      times: ['07:00', '19:00'],
    });
  });

  it('reads "at 9 and 9" as morning and evening', () => {
    expect(callOf('add_medication', aMessage('citalopram 20mg at 9 and 9')).times).toEqual(['09:00', '21:00']);
  });

  it('reads parts of the day attached to each time', () => {
    expect(callOf('add_medication', aMessage('I take mirtazapine 15 mg, 8 in the morning and 10 at night')).times).toEqual(['08:00', '22:00']);
  });

  it('capitalises a medicine typed in lower case', () => {
    expect(callOf('add_medication', aMessage('i have to take lansoprazole every morning at 7.30')).medicine).toBe('Lansoprazole');
  });

  it('keeps days of the week and notes such as "with food"', () => {
    const args = callOf('add_medication', aMessage('alendronate 70mg every wednesday at 7am on an empty stomach'));
    expect(args.days).toEqual(['wed']);
    expect(String(args.notes)).toContain('empty stomach');
  });

  it('turns "for 5 days starting tomorrow" into inclusive start and end dates', () => {
    const args = callOf('add_medication', aMessage('naproxen 250mg at 8am and 6pm for 5 days starting tomorrow'));
    expect(args).toMatchObject({ start_date: '2026-11-25', end_date: '2026-11-29' });
  });

  it('recognises a brand written with its strength and a count of tablets as the dose', () => {
    const args = callOf('add_medication', aMessage('Calcimax 500 2 tablets at 1 pm after lunch'));
    expect(args).toMatchObject({ medicine: 'Calcimax', dose: '2 tablets', times: ['13:00'] });
  });

  it('accepts the elder\'s own name for a medicine such as "my heart pills"', () => {
    expect(callOf('add_medication', aMessage('remind me to take my heart pills at 8am every day')).medicine).toBe('heart pills');
  });

  it('asks for clock times when only "twice a day" is given', () => {
    expect(clarificationOf(aMessage('I need to take clopidogrel twice a day')).missing).toEqual(['times']);
  });

  it('asks for clock times when only "morning and evening" is given', () => {
    expect(clarificationOf(aMessage('the doctor gave me Allopurinol, in the morning and evening')).missing).toEqual(['times']);
  });

  it('asks which medicine and when for "add a medicine"', () => {
    expect(clarificationOf(aMessage('can you add a new medication')).missing).toEqual(['medicine', 'times']);
  });
});

describe('dose logs', () => {
  it('logs a dose as taken without a name', () => {
    expect(callOf('log_dose', aMessage('I have taken my tablets'))).toEqual({ status: 'taken' });
  });

  it('logs a named medicine as taken', () => {
    expect(callOf('log_dose', aMessage('just had my allopurinol'))).toEqual({ medicine: 'Allopurinol', status: 'taken' });
  });

  it('logs a skipped dose from "skipping", "won\'t take" and "not gonna bother"', () => {
    expect(callOf('log_dose', aMessage("I'm skipping the lunchtime tablet, I feel queasy")).status).toBe('skipped');
    expect(callOf('log_dose', aMessage("i won't take the naproxen today")).status).toBe('skipped');
    expect(callOf('log_dose', aMessage('not gonna bother with the Novadex tonight'))).toEqual({ medicine: 'Novadex', status: 'skipped' });
  });

  it('logs "took them all" as taken', () => {
    expect(callOf('log_dose', aMessage('yes yes, took them all')).status).toBe('taken');
  });

  it('does not log a dose for a question about taking one', () => {
    expect(understand(aMessage('can naproxen be taken with my water tablets?')).kind).toBe('chat');
  });
});
