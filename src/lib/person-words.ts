/**
 * How people name a person in a message: the words that are never a name, what people call a parent or
 * grandparent, and the two things the assistant does with them for someone writing about an elder: find the
 * people a request names, and say a request about the elder as the elder would say it ("remind Mum to call
 * the surgery" → "remind me to call the surgery").
 */

const words = (list: string): Set<string> => new Set(list.split(' '));

/** What people call a parent or grandparent: these point at the elder, never at someone else. */
export const RELATIONSHIP = words(
  'mum mom mummy mommy mam mammy ma mother dad daddy da father gran granny grandma grandmother grandmom granma nan nana nanna nanny grandad granddad grandpa grandfather gramps grampa auntie aunty aunt uncle oma opa omi nonna nonno abuela abuelo bubbe zayde yiayia babcia',
);
export const TITLES = words('mr mrs ms miss dr');
/** Capitalised words that are no person: question words and pronouns. */
export const NOT_NAMES = words(
  "i she he they we you it her his their my our your the a an this that anyone anybody someone somebody everyone everybody nobody did does do has have had will would is was are were what what's whats when when's where where's there there's here here's how how's who any anything can could tell me us him them",
);
/** Days and dates: no person unless a month that is also a name ("did June take"). */
export const DATE_WORDS = words(
  'today tomorrow yesterday tonight monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december christmas easter',
);
const NAME_MONTHS = words('april may june august');
/** A possessive after these is a place, not a person: "lunch at Luigi's", "dinner at Nando's". */
export const PLACE_BEFORE = words('at to from in into near by outside inside');
/** What follows a person's possessive in a request or question ("Margaret's booking", "Mum's pills"). */
export const POSSESSED = words(
  'next pills pill tablets tablet medicines medicine medication meds doses dose insulin inhaler appointment appointments appt booking bookings reservation reservations table dinner lunch breakfast plans diary schedule week day reminder reminders hair hairdresser haircut nails dentist doctor gp',
);

/** The lower-case words an elder goes by for one writer: the words of her name and the writer's nickname for her. */
export function namesOfElder(name: string, nickname: string | null = null): Set<string> {
  return new Set(`${name} ${nickname ?? ''}`.toLowerCase().split(/\s+/).filter(Boolean));
}

/** A word without its possessive ending: "Margaret's" and "James'" → "Margaret", "James". */
export const unpossess = (word: string): string => word.replace(/(?:'s|')$/i, '');

/** A capitalised word that may be a person's name (not a pronoun, question word, day or most months). */
export function isNameLike(word: string): boolean {
  const bare = unpossess(word).toLowerCase();
  return /^\p{Lu}/u.test(word) && !NOT_NAMES.has(bare) && (!DATE_WORDS.has(bare) || NAME_MONTHS.has(bare));
}

/** Whether a person as written ("Mum", "Margaret", "Auntie Dot") is the elder: a relationship word, or one of the elder's names. */
export function isTheElder(person: string, names: ReadonlySet<string>): boolean {
  const parts = person.toLowerCase().split(/\s+/).filter((w) => !TITLES.has(w));
  return parts.some((w) => names.has(w) || RELATIONSHIP.has(w));
}

interface Token {
  word: string;
  start: number;
  end: number;
}

const tokenise = (text: string): Token[] => [...text.matchAll(/\p{L}[\p{L}'’-]*/gu)].map((m) => ({ word: m[0].replace(/’/g, "'"), start: m.index, end: m.index + m[0].length }));

/** A person named from token i on: titles and relationship words, then capitalised names ("Auntie Dot", "Mrs Hill", "Mum"). */
function personAt(tokens: Token[], i: number, possessive = false): { words: string[]; last: number } | null {
  const taken: string[] = [];
  let j = i;
  while (j < tokens.length) {
    const w = tokens[j]!.word;
    const lower = unpossess(w).toLowerCase();
    const kin = RELATIONSHIP.has(lower) || TITLES.has(lower);
    if (!kin && !isNameLike(w)) break;
    taken.push(unpossess(w));
    j++;
    if (/'/.test(w)) break;
  }
  if (taken.length === 0) return null;
  if (possessive && !/(?:'s|s')$/.test(tokens[j - 1]!.word)) return null;
  return { words: taken, last: j - 1 };
}

/**
 * The people a request names other than by "me": after "for" ("add Donepezil for Margaret"), after "remind"
 * ("remind Margaret to …"), and as a possessive before something of theirs ("Margaret's booking"). A
 * possessive after "at", "to"… is a place ("dinner at Luigi's"); `notAPerson` can exclude other capitalised
 * words, such as a medicine's name.
 */
export function peopleInRequest(text: string, notAPerson: (word: string) => boolean = () => false): string[] {
  const tokens = tokenise(text);
  const found: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const lower = tokens[i]!.word.toLowerCase();
    const before = tokens[i - 1]?.word.toLowerCase() ?? '';
    if ((lower === 'for' || lower === 'remind') && i + 1 < tokens.length) {
      const start = tokens[i + 1]!.word.toLowerCase() === 'my' || tokens[i + 1]!.word.toLowerCase() === 'our' ? i + 2 : i + 1;
      const person = personAt(tokens, start);
      if (person && !/'/.test(tokens[person.last]!.word)) found.push(person.words.join(' '));
      continue;
    }
    if (/(?:'s|s')$/.test(tokens[i]!.word) && POSSESSED.has(tokens[i + 1]?.word.toLowerCase() ?? '') && !PLACE_BEFORE.has(before)) {
      let first = i;
      while (first > 0 && (isNameLike(tokens[first - 1]!.word) || RELATIONSHIP.has(tokens[first - 1]!.word.toLowerCase()) || TITLES.has(tokens[first - 1]!.word.toLowerCase())) && !/'/.test(tokens[first - 1]!.word)) first--;
      if (first > 0 && PLACE_BEFORE.has(tokens[first - 1]!.word.toLowerCase())) continue;
      const person = personAt(tokens, first, true);
      if (person && person.last === i) found.push(person.words.join(' '));
    }
  }
  const people = found.filter((p) => !p.split(' ').every((w) => TITLES.has(w.toLowerCase())) && !p.split(' ').some(notAPerson));
  return [...new Set(people)];
}

/** The people a request names who are not the elder (by the elder's names or a relationship word). */
export function othersInRequest(text: string, names: ReadonlySet<string>, notAPerson?: (word: string) => boolean): string[] {
  return peopleInRequest(text, notAPerson).filter((p) => !isTheElder(p, names));
}

/** Words that say who a name stands for, spelled as a pattern: "Margaret", "Mum", "my mum", "Auntie Dot". */
function elderPattern(names: ReadonlySet<string>, withRelationships: boolean): string | null {
  const alternatives = [...names, ...(withRelationships ? RELATIONSHIP : [])].filter((w) => /^\p{L}[\p{L}-]*$/u.test(w)).sort((a, b) => b.length - a.length);
  if (alternatives.length === 0) return null;
  const one = `(?:${alternatives.join('|')})`;
  return `(?:(?:my|our)\\s+)?(?:(?:${[...TITLES].join('|')})\\.?\\s+)?${one}(?:\\s+${one})?`;
}

/**
 * A request about the elder said as the elder would say it, so that it is understood as if the elder had
 * written it: "remind Mum to …" → "remind me to …", "Margaret's booking" → "my booking", "add Donepezil for
 * Mum at 9pm" → "add Donepezil at 9pm", and once the elder has been named, "she/her" → "I/my". `names` are
 * the lower-case words the elder goes by; relationship words ("Mum", "Gran") count as the elder when the
 * writer is family (`familySpeaking`), never when the elder writes (her "Mum" is her own mother). Text that
 * does not name the elder comes back unchanged.
 */
export function inFirstPerson(text: string, names: ReadonlySet<string>, familySpeaking: boolean): string {
  const who = elderPattern(names, familySpeaking);
  if (!who) return text;
  let out = text.replace(/[’]/g, "'");
  const before = out;
  const wordEnd = "(?![\\p{L}'])";
  out = out.replace(new RegExp(`\\bremind\\s+${who}${wordEnd}`, 'giu'), 'remind me');
  out = out.replace(new RegExp(`\\b${who}(?:'s|')(?=\\s)`, 'giu'), (match, offset: number) => {
    const preceding = out.slice(0, offset).trim().split(/\s+/).pop()?.toLowerCase() ?? '';
    return PLACE_BEFORE.has(preceding) ? match : 'my';
  });
  out = out.replace(new RegExp(`\\bfor\\s+${who}\\s+and\\b`, 'giu'), 'for me and');
  out = out.replace(new RegExp(`\\s*\\bfor\\s+${who}${wordEnd}`, 'giu'), '');
  out = out.replace(new RegExp(`\\b(did|does|has|is|was|will|can|could|should)\\s+${who}${wordEnd}`, 'giu'), (_m, verb: string) => `${verb} I`);
  if (out === before) return text;
  // The elder was named: her pronouns are the elder's too.
  return out
    .replace(/\b(?:she|he) (?:is|'s)\b/gi, 'I am')
    .replace(/\b(?:she|he)'s\b/gi, "I'm")
    .replace(/\b(?:she|he) has\b/gi, 'I have')
    .replace(/\b(?:she|he) does\b/gi, 'I do')
    .replace(/\b(?:she|he)\b/gi, 'I')
    .replace(/\b(?:her|his)\b(?=\s+\p{L})/giu, 'my')
    .replace(/\bherself\b|\bhimself\b/gi, 'myself')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
