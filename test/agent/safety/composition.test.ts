import { describe, expect, it } from '@jest/globals';
import { screenMessage } from '../../../src/agent/safety/screen.ts';

/** The reason a message's sign was set aside, from the screen's explanation. */
const setAsideFor = (text: string): string => {
  const result = screenMessage(text);
  expect(result.grade).toBe('none');
  return result.setAside.map((s) => s.reason).join(',');
};

describe('the composition stage sets a sign aside when it is not happening to a person now', () => {
  it('for a question about an emergency', () => {
    expect(setAsideFor('how do you help someone who is choking?')).toContain('question');
    expect(setAsideFor('how would I know if I am having a stroke?')).toMatch(/question|hypothetical/);
  });

  it('for a fear or a what-if', () => {
    expect(setAsideFor("I'm worried I might fall in the bath")).toContain('hypothetical');
    expect(setAsideFor('what should I do if I fall')).toMatch(/hypothetical|question/);
  });

  it('for something over and done with', () => {
    expect(setAsideFor("I fell last winter but I'm fine")).toMatch(/past|resolved/);
    expect(setAsideFor('my neighbour had a stroke last year')).toContain('past');
  });

  it('for a near miss', () => {
    expect(setAsideFor('I nearly slipped on the step')).toContain('near_miss');
  });

  it('for a denial', () => {
    expect(setAsideFor("I didn't fall, I sat down on the floor to find my earring")).toContain('negated');
  });

  it('for a story, a film, a song or a name', () => {
    expect(setAsideFor('a film about a man having a heart attack')).toContain('story');
    expect(setAsideFor('play burning down the house')).toMatch(/request|story/);
    expect(setAsideFor('book a table at the Flames Grill for two')).toMatch(/name|thing|task/);
  });

  it('for a habit, wherever it stands in the sentence', () => {
    expect(setAsideFor("my husband is a lazy so-and-so and always won't wake up")).toContain('hypothetical');
  });

  it('for a possible concern with its ordinary reason beside it', () => {
    expect(setAsideFor('I feel a bit wobbly after the exercise class')).toContain('resolved');
    expect(setAsideFor("there's a man in the garden mowing the lawn")).toContain('resolved');
    expect(setAsideFor("I can hear the neighbours' kids banging about upstairs")).toContain('resolved');
  });

  it('for a story word between the words of a sign, but not for a sign word that is also a story word', () => {
    expect(setAsideFor('the words in this crossword are all jumbled')).toContain('story');
    expect(screenMessage('a tight band round my chest').grade).toBe('emergency');
  });

  it('for an idiom or a thing that falls', () => {
    expect(setAsideFor("I'm dying for a cup of tea")).toContain('idiom');
    expect(setAsideFor('the vase fell off the shelf')).toContain('thing');
    expect(setAsideFor("I'm dying to see the grandchildren")).toContain('idiom');
  });
});

describe('the composition stage places a live sign', () => {
  it('on another person when they are its subject', () => {
    const result = screenMessage('my husband has collapsed');
    expect(result).toMatchObject({ grade: 'emergency', who: 'other' });
  });

  it('makes "a bit" of chest pain a concern and "very" dizzy with a faint an emergency', () => {
    expect(screenMessage('a bit of an ache in my chest').grade).toBe('concern');
    expect(screenMessage('I feel very dizzy, I might faint').grade).toBe('emergency');
  });

  it('reads doubt as doubt, not as a what-if: "not sure if I took them" is asked about', () => {
    expect(screenMessage("I'm not sure if I took my warfarin, so I took it again").grade).toBe('concern');
  });

  it('composes what she perceives at home into danger: an alarm beeping while she has a headache', () => {
    expect(screenMessage('the alarm keeps beeping and my head is pounding').grade).toBe('emergency');
    expect(screenMessage("the gas fire smells funny and I feel drowsy").grade).toBe('emergency');
  });

  it('raises another person gone grey who does not answer, not a person whose hair went grey', () => {
    expect(screenMessage("he's gone grey and he isn't answering me")).toMatchObject({ grade: 'emergency', who: 'other' });
    expect(screenMessage("she's gone grey at the temples").grade).toBe('none');
  });

  it('keeps a present state live after an earlier event is over', () => {
    expect(screenMessage('I fell yesterday and I still can\'t get up').grade).toBe('emergency');
  });
});
