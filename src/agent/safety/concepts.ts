import { CUE_CONCEPTS, type CueConcept } from './cues.ts';
import { SYMPTOM_CONCEPTS, type SymptomConcept } from './lexicon.ts';
import type { ScreenText } from './normalise.ts';
import { spellWord } from './spelling.ts';

/** Any concept the screen knows: a sign's vocabulary or a composition cue. */
export type Concept = SymptomConcept | CueConcept;

/** One place where a concept occurs in the message. */
export interface ConceptHit {
  concept: Concept;
  /** First token of the phrase. */
  start: number;
  /** One past the last token. */
  end: number;
  sentence: number;
}

/** The concepts found in one message. */
export interface ConceptMap {
  /** The message's tokens after the spelling stage. */
  words: string[];
  hits: ConceptHit[];
  byConcept: Map<Concept, ConceptHit[]>;
}

type WordTest = { optional: boolean; exact: ReadonlySet<string>; prefixes: readonly string[] };
type Phrase = { concept: Concept; words: WordTest[] };

/** Compiles "a/b c? stem*" into word tests. */
function compile(concept: Concept, phrase: string): Phrase {
  const words = phrase.split(' ').map((part) => {
    const optional = part.endsWith('?');
    const forms = (optional ? part.slice(0, -1) : part).split('/');
    return {
      optional,
      exact: new Set(forms.filter((f) => !f.endsWith('*'))),
      prefixes: forms.filter((f) => f.endsWith('*')).map((f) => f.slice(0, -1)),
    };
  });
  if (words[0]!.optional) throw new Error(`a phrase of ${concept} starts with an optional word: ${phrase}`);
  return { concept, words };
}

const BY_FIRST_WORD = new Map<string, Phrase[]>();
const BY_FIRST_PREFIX: Phrase[] = [];
for (const concepts of [SYMPTOM_CONCEPTS, CUE_CONCEPTS] as Record<string, readonly string[]>[]) {
  for (const [concept, phrases] of Object.entries(concepts)) {
    for (const text of phrases) {
      const phrase = compile(concept as Concept, text);
      const first = phrase.words[0]!;
      if (first.prefixes.length > 0) BY_FIRST_PREFIX.push(phrase);
      for (const word of first.exact) {
        const list = BY_FIRST_WORD.get(word);
        if (list) list.push(phrase);
        else BY_FIRST_WORD.set(word, [phrase]);
      }
    }
  }
}

const accepts = (test: WordTest, word: string): boolean => test.exact.has(word) || test.prefixes.some((p) => word.startsWith(p));

/** The end of the phrase when it matches at `at` (within one sentence), else -1. Optional words are tried both ways. */
function matchAt(phrase: Phrase, words: string[], sentences: number[], at: number, part = 0): number {
  if (part === phrase.words.length) return at;
  const test = phrase.words[part]!;
  let end = -1;
  if (at < words.length && sentences[at] === sentences[at - (part === 0 ? 0 : 1)] && accepts(test, words[at]!)) end = matchAt(phrase, words, sentences, at + 1, part + 1);
  if (end < 0 && test.optional) end = matchAt(phrase, words, sentences, at, part + 1);
  return end;
}

/**
 * The concept stage: spells each token as the lexicon word meant, then finds every concept phrase in the
 * message (the longest phrase of each concept at each place; phrases never cross a sentence).
 */
export function findConcepts(text: ScreenText): ConceptMap {
  const words = text.tokens.map((t) => spellWord(t.word));
  const sentences = text.tokens.map((t) => t.sentence);
  const hits: ConceptHit[] = [];
  for (let i = 0; i < words.length; i++) {
    const longest = new Map<Concept, number>();
    const candidates = BY_FIRST_WORD.get(words[i]!);
    for (const phrase of candidates ?? []) {
      const end = matchAt(phrase, words, sentences, i);
      if (end > i && end > (longest.get(phrase.concept) ?? -1)) longest.set(phrase.concept, end);
    }
    for (const phrase of BY_FIRST_PREFIX) {
      if (!accepts(phrase.words[0]!, words[i]!)) continue;
      const end = matchAt(phrase, words, sentences, i);
      if (end > i && end > (longest.get(phrase.concept) ?? -1)) longest.set(phrase.concept, end);
    }
    for (const [concept, end] of longest) hits.push({ concept, start: i, end, sentence: sentences[i]! });
  }
  // A phrase inside a longer phrase of the same concept ("how i got here" in "not know how i got here") is the longer one.
  const kept = hits.filter((h) => !hits.some((o) => o !== h && o.concept === h.concept && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start));
  hits.length = 0;
  hits.push(...kept);
  const byConcept = new Map<Concept, ConceptHit[]>();
  for (const hit of hits) {
    const list = byConcept.get(hit.concept);
    if (list) list.push(hit);
    else byConcept.set(hit.concept, [hit]);
  }
  return { words, hits, byConcept };
}
