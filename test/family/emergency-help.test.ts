import { describe, expect, it } from '@jest/globals';
import { localHelp } from '../../src/tasks/family/emergency-help.ts';
import { despairReply, emergencyReply, namesOfTold } from '../../src/tasks/family/alert-wording.ts';

describe('the help an elder is told about, by where she lives', () => {
  it.each([
    ['Europe/London', '999', 'Samaritans 116 123'],
    ['Europe/Dublin', '999', 'Samaritans 116 123'],
    ['America/New_York', '911', 'the 988 Lifeline 988'],
    ['America/Toronto', '911', 'the 988 Lifeline 988'],
    ['Australia/Perth', '000', 'Lifeline 13 11 14'],
    ['Pacific/Auckland', '111', 'Need to Talk 1737'],
    ['Asia/Kolkata', '112', 'Tele-MANAS 14416'],
    ['Europe/Paris', '112', 'the 3114 line 3114'],
    ['Europe/Rome', '112', null],
  ])('in %s: call %s, helpline %s', (timezone, number, helpline) => {
    const help = localHelp(timezone);
    expect(help.emergencyNumber).toBe(number);
    expect(help.helpline ? `${help.helpline.name} ${help.helpline.number}` : null).toBe(helpline);
  });

  it('falls back on the locale when the timezone names no country, and on 112 when nothing does', () => {
    expect(localHelp('UTC', 'en-AU').emergencyNumber).toBe('000');
    expect(localHelp('Etc/GMT+3', 'en-US').emergencyNumber).toBe('911');
    expect(localHelp('Antarctica/Troll', 'en').emergencyNumber).toBe('112');
  });
});

describe('what the elder is told', () => {
  it('names who was told in plain words', () => {
    expect(namesOfTold(['Sarah'])).toBe('Sarah');
    expect(namesOfTold(['Sarah', 'David', null])).toBe('Sarah, David and your family group');
  });

  it('says what to do now in at most two short sentences', () => {
    const text = emergencyReply({ told: ['Sarah', 'David'], category: 'heart', aboutSomeoneElse: false, description: 'chest pain', help: localHelp('Europe/London') });
    expect(text).toBe("I've told Sarah and David. If you can, call 999 now.");
    expect(text.split(/(?<=\.)\s/)).toHaveLength(2);
  });

  it('gives despair the emergency number where no helpline is known', () => {
    expect(despairReply({ told: [], help: localHelp('Europe/Rome') })).toContain('please call 112 now');
  });
});
