import { describe, expect, it } from '@jest/globals';
import { findConcepts } from '../../../src/agent/safety/concepts.ts';
import { tokenise } from '../../../src/agent/safety/normalise.ts';

const concepts = (text: string): string[] => {
  const map = findConcepts(tokenise(text));
  return map.hits.map((h) => `${h.concept}:${map.words.slice(h.start, h.end).join(' ')}`);
};

describe('the concept stage', () => {
  it('finds body words and how they feel, in any spelling', () => {
    expect(concepts('chset pain realy bad')).toEqual(expect.arrayContaining(['chest:chest', 'pain:pain', 'intense:really bad']));
  });

  it('matches a phrase with its optional words', () => {
    expect(concepts('I feel really unwell')).toContain('unwell:feel really unwell');
    expect(concepts('feeling a bit off')).toContain('unwell:feeling a bit off');
  });

  it('keeps the longest phrase of a concept, not the shorter one inside it', () => {
    const found = concepts("I don't know how I got here").filter((c) => c.startsWith('whereAmI:'));
    expect(found).toEqual(['whereAmI:not know how i got here']);
  });

  it('never matches a phrase across two sentences', () => {
    expect(concepts('I am on the. Floor')).not.toEqual(expect.arrayContaining([expect.stringMatching(/^onFloor:/)]));
  });
});
