import { describe, expect, it } from '@jest/globals';
import { inFirstPerson, othersInRequest, peopleInRequest } from '../../src/lib/person-words.ts';

const margaret = new Set(['margaret', 'hill']);

describe('the people a request names', () => {
  it('finds a person after "for", after "remind", and as a possessive before something of theirs', () => {
    expect(peopleInRequest('add Donepezil 5mg for Dorothy at 9pm')).toEqual(['Dorothy']);
    expect(peopleInRequest('remind Dorothy to call the surgery tomorrow')).toEqual(['Dorothy']);
    expect(peopleInRequest("cancel Dorothy's booking at the Olive Garden")).toEqual(['Dorothy']);
    expect(peopleInRequest('book a table for Auntie Dot on friday')).toEqual(['Auntie Dot']);
    expect(peopleInRequest('remind my mum to take her tablets')).toEqual(['mum']);
  });

  it('takes no place, day, number or pronoun for a person', () => {
    expect(peopleInRequest("book lunch at Luigi's for 2 on Friday")).toEqual([]);
    expect(peopleInRequest('table for 4 for Christmas at the Anchor')).toEqual([]);
    expect(peopleInRequest('remind me to call Sarah at 5')).toEqual([]);
    expect(peopleInRequest('book it for her at 7pm')).toEqual([]);
  });

  it('leaves out words the caller says are no person, such as a medicine', () => {
    expect(peopleInRequest('set a reminder for Donepezil at 9pm', (w) => w === 'Donepezil')).toEqual([]);
  });

  it('counts the elder by name or by a relationship word as no other person', () => {
    expect(othersInRequest('add Donepezil for Margaret at 9pm', margaret)).toEqual([]);
    expect(othersInRequest('add Donepezil for Mum at 9pm', margaret)).toEqual([]);
    expect(othersInRequest('add Donepezil for Mrs Hill at 9pm', margaret)).toEqual([]);
    expect(othersInRequest('add Donepezil for Joan at 9pm', margaret)).toEqual(['Joan']);
    expect(othersInRequest("move Joan's dinner to 8pm", margaret)).toEqual(['Joan']);
  });
});

describe('a request about the elder said as the elder would say it', () => {
  it('turns the elder named by family into "me" and "my"', () => {
    expect(inFirstPerson('remind Mum to call her sister at 5pm tomorrow', margaret, true)).toBe('remind me to call my sister at 5pm tomorrow');
    expect(inFirstPerson("cancel Margaret's booking at Rosemary Kitchen", margaret, true)).toBe('cancel my booking at Rosemary Kitchen');
    expect(inFirstPerson('add Donepezil 5mg for my mum at 9pm', margaret, true)).toBe('add Donepezil 5mg at 9pm');
    expect(inFirstPerson('did Margaret take her pills today?', margaret, true)).toBe('did I take my pills today?');
    expect(inFirstPerson('book a table for Mum and Sarah at the Anchor', margaret, true)).toBe('book a table for me and Sarah at the Anchor');
  });

  it("leaves a place named after someone alone: \"lunch at Margaret's Kitchen\"", () => {
    expect(inFirstPerson("lunch at Margaret's Kitchen tomorrow at 1pm", margaret, true)).toBe("lunch at Margaret's Kitchen tomorrow at 1pm");
  });

  it("takes the elder's own \"Mum\" as her mother, and changes nothing that does not name her", () => {
    expect(inFirstPerson('remind me to ring Mum on Sunday', margaret, false)).toBe('remind me to ring Mum on Sunday');
    expect(inFirstPerson('remind Margaret to call the surgery tomorrow at 10am', margaret, false)).toBe('remind me to call the surgery tomorrow at 10am');
    expect(inFirstPerson('tell Sarah she is lovely', margaret, true)).toBe('tell Sarah she is lovely');
  });
});
