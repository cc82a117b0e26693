/**
 * The safety screen's first stage: the elder's words as a list of plain lowercase tokens, with contractions
 * written out ("can't", "cant" and "cannot" all become "can not"), punctuation turned into sentence and clause
 * boundaries, and each token's original spelling and capitalisation kept for the explanation and for names.
 */

/** One word of the message, as the later stages see it. */
export interface ScreenToken {
  /** The word in canonical form: lowercase, contraction written out, spelling fixed by a later stage. */
  word: string;
  /** The word as written (lowercase), before any spelling fix. */
  raw: string;
  /** Index of the sentence (split at . ! ? ; and line breaks). */
  sentence: number;
  /** Index of the clause (split at commas, dashes and joining words such as "and", "but"). */
  clause: number;
  /** Written with a capital first letter in a message that is not all capitals (a possible name). */
  capitalised: boolean;
  /** Written all in capitals in a message that is not ("I fell HELP"). */
  shouted: boolean;
}

/** A message made ready for the concept stage. */
export interface ScreenText {
  original: string;
  tokens: ScreenToken[];
  /** Per sentence: true when it asks a question (ends with "?" or opens with a question word). */
  questions: boolean[];
  /** Written mostly in capital letters. */
  shouting: boolean;
}

/** Words that open a new clause: what follows is a separate statement ("I fell last year but I'm fine"). */
const CLAUSE_WORDS = new Set(['and', 'but', 'then', 'because', 'cos', 'coz', 'though', 'although', 'while', 'whilst', 'however']);

/** Words that open a question. */
const QUESTION_WORDS = new Set(['how', 'what', 'when', 'why', 'where', 'which', 'who', 'is', 'are', 'does', 'do', 'can', 'could', 'should', 'would', 'will', 'shall', 'am', 'was', 'did']);

/** Contractions and their missing-apostrophe forms, written out. "its" and "ill" are real words and stay. */
const CONTRACTIONS: Record<string, string[]> = {
  "can't": ['can', 'not'], cant: ['can', 'not'], cannot: ['can', 'not'], cnat: ['can', 'not'], carnt: ['can', 'not'], "won't": ['will', 'not'],
  wont: ['will', 'not'], "shan't": ['shall', 'not'], "ain't": ['is', 'not'], aint: ['is', 'not'], dont: ['do', 'not'], doesnt: ['does', 'not'],
  didnt: ['did', 'not'], isnt: ['is', 'not'], arent: ['are', 'not'], wasnt: ['was', 'not'], werent: ['were', 'not'], couldnt: ['could', 'not'],
  shouldnt: ['should', 'not'], wouldnt: ['would', 'not'], havent: ['have', 'not'], hasnt: ['has', 'not'], hadnt: ['had', 'not'],
  mustnt: ['must', 'not'], im: ['i', 'am'], ive: ['i', 'have'], youre: ['you', 'are'], hes: ['he', 'is'], shes: ['she', 'is'],
  theres: ['there', 'is'], thats: ['that', 'is'], whats: ['what', 'is'], wheres: ['where', 'is'], theyre: ['they', 'are'],
  weve: ['we', 'have'], gonna: ['going', 'to'], gotta: ['got', 'to'], wanna: ['want', 'to'], dunno: ['do', 'not', 'know'],
  somethings: ['something', 'is'], cnt: ['can', 'not'], cnnot: ['can', 'not'], canot: ['can', 'not'], cannae: ['can', 'not'], canna: ['can', 'not'], wnt: ['will', 'not'], wudnt: ['would', 'not'], didnae: ['did', 'not'], dinnae: ['do', 'not'], doesnae: ['does', 'not'], isnae: ['is', 'not'], willnae: ['will', 'not'], wint: ['will', 'not'], ima: ['i', 'am'], imm: ['i', 'am'], its: ['it', 'is'], alot: ['a', 'lot'], iam: ['i', 'am'], dnt: ['do', 'not'], cudnt: ['could', 'not'], everythings: ['everything', 'is'], "let's": ['let', 'us'],
};

/** Pronouns and the like whose "'s" is "is" or "has"; after any other word it is a possessive. */
const IS_AFTER = new Set(['he', 'she', 'it', 'there', 'that', 'what', 'where', 'who', 'here', 'something', 'everything', 'nothing', 'someone', 'somebody', 'this']);

/** Writes out one word's contraction, if it has one. */
function expand(word: string): string[] {
  const fixed = CONTRACTIONS[word];
  if (fixed) return fixed;
  const apostrophe = word.indexOf("'");
  if (apostrophe <= 0) return [word];
  const base = word.slice(0, apostrophe);
  const tail = word.slice(apostrophe + 1);
  // "wo'nt", "does'nt": the apostrophe one letter early.
  if (tail === 'nt') return [base === 'wo' ? 'will' : base === 'ca' ? 'can' : base === 'sha' ? 'shall' : base, 'not'];
  if (tail === 't' && base.endsWith('n')) {
    const verb = base.slice(0, -1);
    return [verb === 'ca' ? 'can' : verb === 'wo' ? 'will' : verb === 'sha' ? 'shall' : verb, 'not'];
  }
  if (tail === 'm') return [base, 'am'];
  if (tail === 've') return [base, 'have'];
  if (tail === 're') return [base, 'are'];
  if (tail === 'll') return [base, 'will'];
  if (tail === 'd') return [base, 'would'];
  if (tail === 's') return IS_AFTER.has(base) ? [base, 'is'] : [base, "'s"];
  return [base];
}

/** True when most letters are capitals (a message typed with caps lock says nothing about names). */
function isShouting(text: string): boolean {
  const letters = text.replace(/[^A-Za-z]/g, '');
  if (letters.length < 4) return /^[A-Z]+$/.test(letters) && letters.length > 1;
  return letters.replace(/[^A-Z]/g, '').length / letters.length > 0.7;
}

// A decimal number, a word with an inner apostrophe, or a single ampersand (kept: "Fire & Ice" is a name).
const WORD = /\d+(?:[.,]\d+)?|[a-z]+(?:'[a-z]+)?|&/gi;
// Sentence ends (a full stop between digits is a decimal point), clause breaks, and everything between.
const PIECE = /[!?;\n]+|\.(?!\d)|[,:()"/]|\s[-–—]+\s|(?:[^!?;\n.,:()"/]|\.(?=\d))+|\./g;

/** Splits a message into tokens, sentences and clauses (see ScreenText). */
export function tokenise(original: string): ScreenText {
  const text = original
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u201B\u2032`´]/g, "'")
    .replace(/[\u201C\u201D\u201E]/g, '"')
    .replace(/[\u2013\u2014]/g, ' - ');
  const shouting = isShouting(text);
  const tokens: ScreenToken[] = [];
  const questions: boolean[] = [false];
  let sentence = 0;
  let clause = 0;
  let sentenceOpen = false;
  const endSentence = (question: boolean): void => {
    if (!sentenceOpen) return;
    questions[sentence] = questions[sentence] === true || question;
    sentence++;
    clause++;
    questions[sentence] = false;
    sentenceOpen = false;
  };
  for (const piece of text.match(PIECE) ?? []) {
    if (/^[!?;\n.]+$/.test(piece)) {
      endSentence(piece.includes('?'));
      continue;
    }
    if (/^(?:[,:()"/]|\s[-–—]+\s)$/.test(piece)) {
      if (sentenceOpen) clause++;
      continue;
    }
    for (const match of piece.matchAll(WORD)) {
      const written = match[0];
      const lower = written.toLowerCase();
      const words = expand(lower);
      if (CLAUSE_WORDS.has(lower) && sentenceOpen) clause++;
      // "Can't breathe" opens a statement, "Can you…" a question.
      if (!sentenceOpen && words.length === 1 && QUESTION_WORDS.has(lower)) questions[sentence] = true;
      const capitalised = !shouting && /^[A-Z]/.test(written) && written !== 'I' && !/^I'/.test(written);
      const shouted = !shouting && written.length > 1 && /^[A-Z']+$/.test(written);
      for (const word of words) tokens.push({ word, raw: lower, sentence, clause, capitalised, shouted });
      sentenceOpen = true;
    }
  }
  endSentence(false);
  return { original, tokens, questions: questions.slice(0, Math.max(sentence, 1)), shouting };
}
