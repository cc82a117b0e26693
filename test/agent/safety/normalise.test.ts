import { describe, expect, it } from '@jest/globals';
import { tokenise } from '../../../src/agent/safety/normalise.ts';

const words = (text: string): string => tokenise(text).tokens.map((t) => t.word).join(' ');

describe('the safety screen reads the words the way an elder types them', () => {
  it('writes out contractions whether or not the apostrophe was typed', () => {
    expect(words("I can't breathe")).toBe('i can not breathe');
    expect(words('i cant breathe')).toBe('i can not breathe');
    expect(words('I cannot breathe')).toBe('i can not breathe');
    expect(words("im on the floor, ive fallen")).toBe('i am on the floor i have fallen');
    expect(words('he’s fallen and won’t wake up')).toBe('he is fallen and will not wake up');
  });

  it('reads a message in capitals as shouting, without taking its capitals for names', () => {
    const shouted = tokenise('MY CHEST HURTS SO MUCH');
    expect(shouted.shouting).toBe(true);
    expect(shouted.tokens.every((t) => !t.capitalised)).toBe(true);
    const named = tokenise('book a table at Fire & Ice');
    expect(named.shouting).toBe(false);
    expect(named.tokens.filter((t) => t.capitalised).map((t) => t.word)).toEqual(['fire', 'ice']);
  });

  it('marks a word shouted inside a calm message', () => {
    expect(tokenise('I fell HELP').tokens.map((t) => t.shouted)).toEqual([false, false, true]);
  });

  it('splits sentences at full stops but keeps a decimal reading whole', () => {
    const text = tokenise('My sugar is 2.9. I feel shaky');
    expect(text.tokens.map((t) => t.word)).toEqual(['my', 'sugar', 'is', '2.9', 'i', 'feel', 'shaky']);
    expect(text.tokens.map((t) => t.sentence)).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  it('knows a question from a statement that opens with "can\'t"', () => {
    expect(tokenise('how long does an ambulance take?').questions).toEqual([true]);
    expect(tokenise("can't catch my breath").questions).toEqual([false]);
    expect(tokenise('Can you call an ambulance').questions).toEqual([true]);
  });

  it('starts a new clause at a comma and at joining words', () => {
    const clauses = tokenise('I fell last winter but I am fine, thanks').tokens.map((t) => t.clause);
    expect(clauses).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2]);
  });
});
