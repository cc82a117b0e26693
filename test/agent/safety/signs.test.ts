import { describe, expect, it } from '@jest/globals';
import { findConcepts } from '../../../src/agent/safety/concepts.ts';
import { tokenise } from '../../../src/agent/safety/normalise.ts';
import { SIGN_RULES, findSigns } from '../../../src/agent/safety/signs.ts';
import { SYMPTOM_CONCEPTS } from '../../../src/agent/safety/lexicon.ts';

const signs = (text: string): string[] => findSigns(findConcepts(tokenise(text))).map((s) => s.rule.id);

describe('the sign stage', () => {
  it('finds a sign when its concepts occur close together in one sentence, in either order', () => {
    expect(signs('pain in my chest')).toContain('heart.chest_pain');
    expect(signs('my chest is hurting')).toContain('heart.chest_pain');
    expect(signs('my chest. My tooth hurts')).not.toContain('heart.chest_pain');
  });

  it('needs ordered concepts in their order', () => {
    expect(signs('I think I am having a stroke')).toContain('stroke.named');
    expect(signs('a stroke is what I think I am having')).not.toContain('stroke.named');
  });

  it('finds the FAST signs of a stroke', () => {
    expect(signs('my face has dropped on one side')).toContain('stroke.face_droop');
    expect(signs("I can't lift my arm")).toContain('stroke.arm_weak');
    expect(signs('my speech is slurred')).toContain('stroke.speech');
  });

  it('only names concepts the lexicon has', () => {
    for (const rule of SIGN_RULES) for (const concept of rule.all) expect(Object.keys(SYMPTOM_CONCEPTS)).toContain(concept);
  });

  it('covers every category of the issue with at least one emergency sign', () => {
    const categories = new Set(SIGN_RULES.filter((r) => r.grade === 'emergency').map((r) => r.category));
    for (const c of ['stroke', 'heart', 'breathing', 'faint', 'fall', 'sugar', 'injury', 'medicine', 'home', 'help']) expect(categories).toContain(c);
  });
});
