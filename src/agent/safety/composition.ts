import type { Concept, ConceptHit, ConceptMap } from './concepts.ts';
import type { ScreenText } from './normalise.ts';
import type { FoundSign, SignGrade } from './signs.ts';

/** Why a sign does not count: it is not happening to a person now. */
export type SuppressReason =
  | 'idiom'
  | 'thing'
  | 'animal'
  | 'name'
  | 'story'
  | 'request'
  | 'task'
  | 'question'
  | 'hypothetical'
  | 'near_miss'
  | 'negated'
  | 'past'
  | 'resolved';

/** A sign after composition: live with its grade and who it is about, or set aside with the reason and the cue. */
export type PlacedSign =
  | { sign: FoundSign; live: true; grade: SignGrade; who: 'self' | 'other'; notes: string[] }
  | { sign: FoundSign; live: false; reason: SuppressReason; cue: string };

/** The composition stage's view of one message: tokens, concepts, and a few lookups. */
export class Composition {
  readonly text: ScreenText;
  readonly map: ConceptMap;
  /** Sentences written mostly with capitalised words, where capitals say nothing about names. */
  private readonly titleCaseSentences: Set<number>;

  constructor(text: ScreenText, map: ConceptMap) {
    this.text = text;
    this.map = map;
    this.titleCaseSentences = new Set();
    const counts = new Map<number, [number, number]>();
    for (const t of text.tokens) {
      const c = counts.get(t.sentence) ?? [0, 0];
      c[0] += t.capitalised ? 1 : 0;
      c[1]++;
      counts.set(t.sentence, c);
    }
    for (const [sentence, [caps, all]] of counts) if (all >= 3 && caps / all > 0.5) this.titleCaseSentences.add(sentence);
  }

  /** Hits of a cue concept. */
  cues(concept: Concept): ConceptHit[] {
    return this.map.byConcept.get(concept) ?? [];
  }

  /** The words of a hit, for the explanation. */
  words(hit: { start: number; end: number }): string {
    return this.map.words.slice(hit.start, hit.end).join(' ');
  }

  /** The clause a token belongs to (-1 past the end). */
  clauseOf(index: number): number {
    return this.text.tokens[index]?.clause ?? -1;
  }

  /** The clauses a sign's concept hits touch. */
  clausesOf(sign: FoundSign): Set<number> {
    const clauses = new Set<number>();
    for (const hit of sign.hits) for (let i = hit.start; i < hit.end; i++) clauses.add(this.clauseOf(i));
    return clauses;
  }

  /** True when a cue of the concept lies in one of the clauses. */
  inClauses(concept: Concept, clauses: Set<number>): ConceptHit | undefined {
    return this.cues(concept).find((h) => clauses.has(this.clauseOf(h.start)));
  }

  /** True when most words of the sentence are capitalised, so a capital says nothing about names. */
  isTitleCase(sentence: number): boolean {
    return this.titleCaseSentences.has(sentence);
  }
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

/** The categories of how she feels, which an everyday reason beside them can explain (see cues.ts, explained). */
const EXPLAINABLE = new Set<string>(['unwell', 'faint', 'heart', 'breathing', 'stroke']);
/** Exercise explains only wobbly legs and feeling off, never dizziness, a racing heart or breathlessness. */
const EXERTION = new Set<string>(['unwell', 'stroke']);

/** Words that are never names even with a capital (the start of a sentence, days, greetings). */
const NOT_NAMES = new Set(['just', 'so', 'oh', 'well', 'today', 'yesterday', 'please', 'hello', 'hi', 'sorry', 'now', 'then', 'and', 'but', 'help', 'the', 'a', 'my', 'i', 'it', 'this', 'there', 'think', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'dear', 'yes', 'no', 'ok', 'okay']);

type Subject = 'self' | 'other' | 'thing' | 'animal' | null;

/** Who a sign happens to: the nearest person, thing or animal before it in its clause (or inside it: "hit his head"). */
function subjectOf(c: Composition, sign: FoundSign): { who: Subject; at: number } {
  for (const hit of sign.hits) {
    for (let i = hit.start; i < hit.end; i++) {
      const word = c.map.words[i]!;
      if (word === 'his' || word === 'her' || word === 'their') return { who: 'other', at: i };
    }
  }
  const first = sign.start;
  const clause = c.clauseOf(first);
  const kinds: [Concept, Subject][] = [['self', 'self'], ['other', 'other'], ['animal', 'animal'], ['thing', 'thing']];
  for (let i = first - 1; i >= Math.max(0, first - 7); i--) {
    const token = c.text.tokens[i]!;
    if (token.clause !== clause && !(token.sentence === c.text.tokens[first]!.sentence && i === first - 1)) break;
    const word = c.map.words[i]!;
    // "It" is usually the hurt part ("it won't stop bleeding"); only something that falls or collapses is a thing.
    if ((word === 'it' || word === 'this') && sign.rule.category !== 'fall' && sign.rule.category !== 'faint') continue;
    for (const [concept, who] of kinds) {
      if (c.cues(concept).some((h) => h.start <= i && i < h.end)) return { who, at: i };
    }
    if (token.capitalised && !c.isTitleCase(token.sentence) && !NOT_NAMES.has(word) && !/^\d/.test(word)) return { who: 'other', at: i };
  }
  return { who: null, at: -1 };
}

/** Words that may stand before a sign without being its subject ("oh I have just fallen", "then fell"). */
const NOT_SUBJECTS = new Set([
  'is', 'am', 'are', 'was', 'were', 'be', 'been', 'being', 'has', 'have', 'had', 'got', 'gets', 'get', 'just', 'really', 'very', 'so', 'completely',
  'totally', 'all', 'now', 'suddenly', 'then', 'and', 'oh', 'no', 'please', 'help', 'think', 'well', 'right', 'also', 'again', 'still', 'gone',
  'went', 'going', 'keep', 'keeps', 'kept', 'feel', 'feeling', 'felt', 'like', 'as', 'if', 'only', 'quite', 'a', 'bit', 'little', 'totally',
  'badly', 'god', 'dear', 'sorry', 'hello', 'hi', 'yes', 'ok', 'okay', 'hey', 'um', 'er', 'ah', 'im', 'ive', 'not', 'never', 'ever', 'even',
  'almost', 'nearly', 'somehow', 'accidentally', 'literally', 'actually', 'probably', 'maybe', 'may', 'might', 'could', 'would', 'will', 'can',
  'do', 'did', 'does', 'out', 'there', 'here', 'today', 'tonight', 'earlier', 'morning', 'this', 'by', 'mistake',
]);

/** For a sign only a person can have: the word before it that names something else, when no person is named. */
function nonPersonBefore(c: Composition, sign: FoundSign): number {
  const clause = c.clauseOf(sign.start);
  for (let i = sign.start - 1; i >= 0 && c.clauseOf(i) === clause; i--) {
    const word = c.map.words[i]!;
    if (NOT_SUBJECTS.has(word) || c.cues('bodyPart').some((h) => h.start <= i && i < h.end)) continue;
    return i;
  }
  return -1;
}

/** A negation just before the sign (or inside its span, between its concepts) that is not part of the sign's own words. */
function negationOf(c: Composition, sign: FoundSign): ConceptHit | undefined {
  const clause = c.clauseOf(sign.start);
  return c.cues('negation').find((neg) => {
    if (sign.hits.some((h) => overlaps(h, neg))) return false;
    if (c.cues('intense').some((h) => overlaps(h, neg)) || c.cues('despair').some((h) => overlaps(h, neg))) return false;
    if (c.map.words[neg.start] === 'no' && (c.map.words[neg.start + 1] === 'one' || c.map.words[neg.start + 1] === 'idea')) return false;
    // Inside the sign's span, only a negation just before one of its concepts ("I did not fall but…"), not one in a clause between them.
    if (neg.start >= sign.start && neg.end <= sign.end) return sign.hits.some((h) => neg.end <= h.start && neg.end >= h.start - 1);
    return neg.end <= sign.start && neg.end >= sign.start - 1 && c.clauseOf(neg.start) === clause;
  });
}

/** True when the sentence opens with "can you", "could you", "will you" or "please": a request, not a question about. */
function isRequest(c: Composition, sentence: number): boolean {
  const first = c.text.tokens.findIndex((t) => t.sentence === sentence);
  const [a, b] = [c.map.words[first], c.map.words[first + 1]];
  return a === 'please' || (['can', 'could', 'will', 'would'].includes(a ?? '') && b === 'you');
}

/**
 * The composition stage: places one sign in its message — who it is about (the elder or another person; a
 * thing or an animal does not count), when (now, or over, feared, asked about, nearly), and whether it is a
 * story, a name, a task or an idiom — and adjusts its grade ("a bit" makes a concern of it, "very" an emergency).
 */
export function placeSign(c: Composition, sign: FoundSign): PlacedSign {
  const { rule } = sign;
  const off = (reason: SuppressReason, cue: ConceptHit | { start: number; end: number }): PlacedSign => ({ sign, live: false, reason, cue: c.words(cue) });
  const tokens = c.text.tokens;
  const sentence = sign.sentence;
  const clauses = c.clausesOf(sign);

  for (const concept of ['idiom', 'thingCompound'] as const) {
    // A compound inside a longer phrase of the sign ("blood pressure" in "my blood pressure ones") is part of that phrase.
    const within = (h: ConceptHit): boolean => sign.hits.some((s) => s.start <= h.start && s.end >= h.end && (s.end - s.start > h.end - h.start || concept === 'thingCompound'));
    const hit = c.cues(concept).find((h) => sign.hits.some((s) => overlaps(h, s)) && !within(h));
    if (hit) return off(concept === 'idiom' ? 'idiom' : 'thing', hit);
  }
  const key = sign.hits.flatMap((h) => tokens.slice(h.start, h.end));
  const firstOfSentence = tokens.findIndex((t) => t.sentence === sentence);
  if (!c.isTitleCase(sentence) && key.length > 0 && key.every((t, i) => t.capitalised && sign.hits[0]!.start + i !== firstOfSentence)) {
    return off('name', sign.hits[0]!);
  }

  const subject = rule.subject ? subjectOf(c, sign) : { who: null, at: -1 };
  const notSelf = subject.who !== 'self';
  const before = (h: ConceptHit): boolean => h.start <= sign.start && h.sentence === sentence;
  // A story word before the sign, or between its concepts ("the words in this crossword are jumbled"), but not one of its own words ("a tight band").
  const inside = (h: ConceptHit): boolean => h.sentence === sentence && h.start > sign.start && h.start < sign.end;
  // "I was watching the telly and now I can hear someone downstairs": a later "now" leaves the story.
  const leftStory = (h: ConceptHit): boolean => c.cues('now').some((n) => n.sentence === sentence && n.start > h.end && c.clauseOf(n.start) !== c.clauseOf(h.start));
  // A word of the sign's own concepts is not a story word, even where another of its words was chosen ("a band tightening round my chest").
  const ownWord = (h: ConceptHit): boolean => rule.all.some((concept) => c.cues(concept).some((s) => s.sentence === sentence && overlaps(h, s)));
  const story = c.cues('story').find((h) => !sign.hits.some((s) => overlaps(h, s)) && !ownWord(h) && ((before(h) && (clauses.has(c.clauseOf(h.start)) || notSelf) && !leftStory(h)) || inside(h)));
  if (story && !rule.rhetorical) return off('story', story);
  const request = c.cues('requestStart').find((h) => h.start === firstOfSentence && h.sentence === sentence && (clauses.has(c.clauseOf(h.start)) || notSelf));
  if (request) return off('request', request);
  const task = c.cues('taskFrame').find((h) => before(h) && (clauses.has(c.clauseOf(h.start)) || notSelf));
  if (task) return off('task', task);

  if (rule.category === 'lost') {
    const located = c.cues('lostFrame').find((h) => h.sentence === sentence);
    if (located) return off('question', located);
  }
  let grade: SignGrade = rule.grade;
  const notes: string[] = [];
  if (!rule.rhetorical) {
    if (c.text.questions[sentence]) {
      const about = c.cues('questionAbout').find((h) => h.sentence === sentence && h.start < sign.end);
      if (about && !isRequest(c, sentence)) return off('question', about);
      if (rule.questionConcern && !isRequest(c, sentence)) {
        grade = 'concern';
        notes.push('asked as a question');
      } else if (rule.subject && subject.who === null && !c.cues('self').some((h) => h.sentence === sentence)) {
        return off('question', { start: firstOfSentence, end: firstOfSentence + 1 });
      }
    }
    const lastStart = Math.max(...sign.hits.map((h) => h.start));
    // "Not sure if I took them" is doubt (see doubtConcern), not a hypothetical.
    const doubt = (h: ConceptHit): boolean => c.cues('unsure').some((u) => overlaps(u, h));
    const hypothetical = c.cues('hypothetical').find((h) => h.sentence === sentence && h.start <= lastStart && !doubt(h) && !sign.hits.some((s) => s.start === h.start && s.end > h.end));
    if (hypothetical) return off('hypothetical', hypothetical);
    const habit = c.cues('habitual').find((h) => h.sentence === sentence && !sign.hits.some((s) => overlaps(h, s)));
    if (habit && !c.inClauses('now', clauses)) return off('hypothetical', habit);
  }
  const near = c.cues('nearMiss').find((h) => h.end <= sign.start + 1 && h.start >= sign.start - 4 && h.sentence === sentence);
  if (near) {
    if (!rule.nearMissConcern) return off('near_miss', near);
    grade = 'concern';
    notes.push(`nearly (${c.words(near)})`);
  }
  const negation = negationOf(c, sign);
  if (negation) return off('negated', negation);

  const now = c.inClauses('now', clauses);
  const recent = c.cues('recent').find((h) => h.sentence === sentence) ?? now;
  if (rule.needsRecent && !recent) return off('past', sign.hits[0]!);
  const past = c.cues('past').find((h) => (rule.state ? clauses.has(c.clauseOf(h.start)) : h.sentence === sentence));
  if (past && !now) return off('past', past);
  const resolved = c.cues('resolved').find((h) => {
    const negated = c.cues('negation').some((n) => n.end <= h.start && n.start >= h.start - 2);
    return !negated && !(rule.state && h.end <= sign.start);
  });
  if (resolved && !now) return off('resolved', resolved);

  if (subject.who === 'thing' || subject.who === 'animal') return off(subject.who, { start: subject.at, end: subject.at + 1 });
  if (rule.personOnly && subject.who === null) {
    const other = nonPersonBefore(c, sign);
    if (other >= 0) return off('thing', { start: other, end: other + 1 });
  }
  const who = rule.aboutHome ? 'self' : subject.who === 'other' ? 'other' : 'self';

  if (rule.softens && grade === 'emergency') {
    const soft = c.inClauses('soft', clauses);
    const intense = c.cues('intense').some((h) => clauses.has(c.clauseOf(h.start)) && !(soft && overlaps(h, soft)));
    if (soft && !intense) {
      grade = 'concern';
      notes.push(`softened (${c.words(soft)})`);
    }
  }
  if (rule.softNone && grade === 'concern') {
    // "I cut my finger, just a tiny cut": a small word anywhere in the sentence, unless a strong one is there too.
    const soft = c.inClauses('soft', clauses) ?? c.cues('soft').find((h) => h.sentence === sentence);
    const intense = c.cues('intense').some((h) => h.sentence === sentence && !(soft && overlaps(h, soft)));
    if (soft && !intense) return off('resolved', soft);
  }
  if (rule.intensifies && grade === 'concern') {
    const intense = c.cues('intense').find((h) => clauses.has(c.clauseOf(h.start)) && !c.cues('soft').some((s) => overlaps(s, h)));
    if (intense) {
      grade = 'emergency';
      notes.push(`intensified (${c.words(intense)})`);
    }
  }
  if (rule.smallThing && grade === 'emergency') {
    const small = c.cues('smallThing').find((h) => ((h.end <= sign.start && h.end >= sign.start - 3) || (h.start >= sign.end && h.start <= sign.end + 2)) && c.clauseOf(h.start) === c.clauseOf(sign.start));
    if (small) {
      grade = 'concern';
      notes.push(`a small thing (${c.words(small)})`);
    }
  }
  if (rule.doubtConcern && grade === 'emergency') {
    const unsure = c.cues('unsure').find((h) => h.sentence === sentence);
    if (unsure) {
      grade = 'concern';
      notes.push(`unsure (${c.words(unsure)})`);
    }
  }
  // A possible concern told to the family by her own request ("let my son know the pipe has burst") is that request.
  const family = c.cues('familyMessage').find((h) => h.sentence === sentence && h.start < sign.start);
  if (grade === 'concern' && family) return off('task', family);
  const ordinary = rule.ordinary?.map((concept) => c.cues(concept).find((h) => h.sentence === sentence)).find(Boolean);
  if (grade === 'concern' && ordinary) return off('resolved', ordinary);
  // A possible concern with its everyday reason beside it ("poorly with a cold", "wobbly after the exercise class").
  // Only for how she feels (dizzy, breathless, wobbly, unwell): a fall after the exercise class is still a fall.
  const explained = EXPLAINABLE.has(rule.category)
    ? (c.cues('explained').find((h) => h.sentence === sentence) ?? (EXERTION.has(rule.category) ? c.cues('exertion').find((h) => h.sentence === sentence) : undefined))
    : undefined;
  if (grade === 'concern' && explained) return off('resolved', explained);
  // Feeling off as the reason for skipping a dose is a dose to record, not a check-in.
  const skip = c.cues('doseSkip').find((h) => h.sentence === sentence);
  if (grade === 'concern' && rule.category === 'unwell' && skip) return off('task', skip);
  return { sign, live: true, grade, who, notes };
}
