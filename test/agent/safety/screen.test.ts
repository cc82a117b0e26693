import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { screenMessage } from '../../../src/agent/safety/screen.ts';

const corpusCase = z.object({ id: z.string(), text: z.string(), category: z.string(), grade: z.enum(['emergency', 'check_in', 'despair', 'none']) });
const CORPUS = readFileSync(new URL('../../fixtures/safety.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => corpusCase.parse(JSON.parse(l)));
const GRADE = { emergency: 'emergency', concern: 'check_in', despair: 'despair', none: 'none' } as const;

describe('the safety screen on its own corpus (test/fixtures/safety.jsonl)', () => {
  const results = CORPUS.map((c) => ({ c, result: screenMessage(c.text) }));

  it('has at least 250 cases, 80 of them calm, in every category', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(250);
    expect(CORPUS.filter((c) => c.grade === 'none').length).toBeGreaterThanOrEqual(80);
    const categories = new Set(CORPUS.filter((c) => c.grade !== 'none').map((c) => c.category));
    for (const c of ['stroke', 'heart', 'breathing', 'faint', 'fall', 'sugar', 'injury', 'medicine', 'home', 'lost', 'despair', 'other', 'help', 'unwell']) expect(categories).toContain(c);
  });

  it('raises at least 97% of the emergencies, check-ins and despair, in every category', () => {
    const raising = results.filter(({ c }) => c.grade !== 'none');
    const missed = raising.filter(({ result }) => result.grade === 'none').map(({ c, result }) => `${c.id} "${c.text}": ${result.explanation}`);
    expect(missed.length / raising.length).toBeLessThanOrEqual(0.03);
    expect(missed).toEqual([]);
  });

  it('raises no alarm, not even a check-in, on a calm message that shares the words', () => {
    const alarms = results.filter(({ c, result }) => c.grade === 'none' && result.grade !== 'none').map(({ c, result }) => `${c.id} "${c.text}": ${result.explanation}`);
    expect(alarms).toEqual([]);
  });

  it('grades each case as the corpus expects: alert at once, check in, or answer despair', () => {
    const wrong = results.filter(({ c, result }) => c.grade !== 'none' && result.grade !== 'none' && GRADE[result.grade] !== c.grade).map(({ c, result }) => `${c.id} want ${c.grade}: ${result.explanation}`);
    expect(wrong).toEqual([]);
  });
});

describe('the safety screen', () => {
  it('says which concepts fired, so a failure explains itself', () => {
    const result = screenMessage('I have a crushing pain in my chest');
    expect(result).toMatchObject({ grade: 'emergency', category: 'heart' });
    expect(result.explanation).toContain('heart.chest_pain[chest+pain]');
  });

  it('raises the emergencies the old sentence patterns caught', () => {
    for (const text of ["I've fallen in the kitchen and can't get up", 'my chest is really tight', "I can't breathe properly", 'HELP', 'please help me, I feel faint and scared', "tell my son I've had a fall and I'm bleeding a lot"]) {
      expect([text, screenMessage(text).grade]).toEqual([text, 'emergency']);
    }
  });

  it('raises what the issue found missed in the terminal chat', () => {
    expect(screenMessage('my left arm is numb and my face feels weird').grade).toBe('emergency');
    expect(screenMessage('I feel very dizzy, I might faint').grade).toBe('emergency');
    expect(screenMessage("there's somebody trying to get in through my back door").grade).toBe('emergency');
  });

  it('raises nothing for the false alarms the issue found', () => {
    expect(screenMessage('how long does it take to call an ambulance').grade).toBe('none');
    expect(screenMessage('find a creative work called Fire in the Hole').grade).toBe('none');
  });

  it('does not take an unrecognised tablet for being lost', () => {
    expect(screenMessage("I don't recognise this new tablet the chemist gave me").grade).toBe('none');
  });

  it('gives the same answer every time', () => {
    const text = 'my husband has chest pains and is sweating';
    expect(screenMessage(text)).toEqual(screenMessage(text));
  });
});
