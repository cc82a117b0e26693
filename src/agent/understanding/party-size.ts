import { COUNT, parseNumber } from './numbers.ts';

/** How many people a booking is for, and whether it was said outright ("for 4") or worked out from a list. */
export interface PartySize {
  size: number;
  exact: boolean;
}

const RELATIONS_SINGULAR =
  'husband|wife|partner|friend|daughter|son|sister|brother|grandson|granddaughter|grandchild|grandkid|kid|child|boy|girl|niece|nephew|neighbour|neighbor|mother|father|mum|mom|mam|dad|cousin|aunt|auntie|uncle|carer|caregiver|companion|guest|lady|gentleman|man|woman|fiance|fiancee|boyfriend|girlfriend|daughter-in-law|son-in-law|sister-in-law|brother-in-law|mother-in-law|father-in-law|other half|pal|mate|colleague|vicar|pastor|priest|nurse|helper|baby|toddler|person|other';
const RELATIONS_PLURAL =
  'husbands|wives|partners|friends|daughters|sons|sisters|brothers|grandsons|granddaughters|grandchildren|grandkids|kids|children|boys|girls|nieces|nephews|neighbours|neighbors|cousins|aunts|uncles|carers|guests|ladies|gentlemen|men|women|pals|mates|colleagues|babies|others|people|adults|persons|twins|parents|in-laws|family|folks|grandparents';
const SINGULAR = new Set(RELATIONS_SINGULAR.split('|'));
const PLURAL = new Set(RELATIONS_PLURAL.split('|'));
const DETERMINERS = new Set(['my', 'our', 'his', 'her', 'their', 'your', 'the', 'a', 'an', 'one']);
const NOT_A_NAME = new Set([
  'I', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'Today', 'Tomorrow', 'Tonight',
  'Please', 'Thanks', 'Thank', 'Can', 'Could', 'Book', 'Table', 'The', 'And', 'At', 'For', 'On', 'In', 'Christmas',
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
]);

const STATED: Array<[RegExp, (m: RegExpExecArray) => number | undefined]> = [
  [new RegExp(`\\b(?:party|group|table|booking|reservation|family|gang) of (${COUNT})\\b`), (m) => parseNumber(m[1] ?? '')],
  [/\bhalf a dozen\b/, () => 6],
  [/\ba dozen (?:of us|people|guests)\b/, () => 12],
  [/\b(?:for )?a couple(?: of)? (?:of us|people|guests)\b|\bfor a couple\b(?! of (?:hours|minutes|days|weeks))/, () => 2],
  // "me plus two", "me + 3 others", "myself and four friends": her and that many more.
  [new RegExp(`\\b(?:me|myself) (?:plus|\\+|and|with) (${COUNT})\\b(?!\\s*(?:pm|am|o'clock|[.:]\\d))`), (m) => { const n = parseNumber(m[1] ?? ''); return n === undefined ? undefined : n + 1; }],
  [new RegExp(`\\b(${COUNT}) (?:of us|people|persons|guests|adults|diners|pax|in total|altogether|in all|in our party|seats)\\b`), (m) => parseNumber(m[1] ?? '')],
  [new RegExp(`\\bwe(?:'re| are| will be|'ll be) (${COUNT})\\b`), (m) => parseNumber(m[1] ?? '')],
  [
    new RegExp(`\\bfor (${COUNT})\\b(?!\\s*(?:pm|am|o'clock|[.:]\\d|days?|weeks?|months?|hours?|minutes?|nights?|years?|mg|ml|%|st\\b|nd\\b|rd\\b|th\\b|dollars|pounds|euros|tablets?|pills?))`),
    (m) => parseNumber(m[1] ?? ''),
  ],
];

const ALONE = /\b(?:just (?:me|myself|for me|for myself|the one|one)|only me|me alone|on my own|by myself|myself only|just for one|a table for one|for myself)\b/;
const TWO = /\b(?:(?:just |only )?(?:the )?(?:two|2) of us|both of us|us two|the pair of us|me and you|you and me|my husband and (?:i|me)|my wife and (?:i|me))\b/;

interface Item {
  count: number | null;
  self: boolean;
  length: number;
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'doctor', 'sir', 'dame', 'auntie', 'aunty', 'uncle', 'father', 'sister', 'brother', 'nana', 'nanna', 'grandma', 'grandpa']);

/** True when the cased word at `i` is a person's name: capitalised, mid-sentence, not a day or small word. */
function isName(cased: string[], i: number): boolean {
  const word = (cased[i] ?? '').replace(/[,.!?;:]+$/, '');
  if (i === 0 || /[.!?]$/.test(cased[i - 1] ?? '')) return false;
  return /^[A-Z][a-z]+$/.test(word) && !NOT_A_NAME.has(word);
}

/** How many names follow at `j` ("Stan and Dot", "Kevin"), joined by commas or "and". */
function namesAt(words: string[], cased: string[], j: number, anyCase: boolean): { count: number; length: number } {
  const looksLikeName = (k: number): boolean =>
    isName(cased, k) || (anyCase && /^[a-z]{2,}$/.test(words[k] ?? '') && !NAME_STOP.has(words[k] ?? '') && !SINGULAR.has(words[k] ?? '') && !PLURAL.has(words[k] ?? ''));
  let count = 0;
  let k = j;
  while (looksLikeName(k)) {
    count++;
    k++;
    if (words[k] === 'and' && looksLikeName(k + 1)) k++;
  }
  return { count, length: k - j };
}
const NAME_STOP = new Set([
  'at', 'on', 'for', 'to', 'in', 'the', 'a', 'an', 'and', 'me', 'us', 'please', 'tomorrow', 'today', 'tonight', 'who',
  'too', 'as', 'so', 'if', 'is', 'are', 'will', 'would', 'can', 'from', 'next', 'this', 'with', 'by', 'of', 'pm', 'am',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'that', 'there', 'then', 'also',
]);

/** Reads one person or group at `i` in a list like "me, her and the two boys"; null if the word is not one. */
function readItem(words: string[], cased: string[], i: number): Item | null {
  const w = words[i] ?? '';
  if (w === 'me' || w === 'myself' || w === 'i') return { count: 1, self: true, length: 1 };
  if (w === 'him' || w === 'you') return { count: 1, self: false, length: 1 };
  if (TITLES.has(w.replace(/\.$/, '')) && isName(cased, i + 1)) return { count: 1, self: false, length: 2 };
  let j = i;
  let determiner = false;
  if (DETERMINERS.has(w)) { determiner = true; j++; }
  const maybeNumber = parseNumber(words[j] ?? '');
  let number: number | undefined;
  if (maybeNumber !== undefined && /^(\d+|two|three|four|five|six|seven|eight|nine|ten)$/.test(words[j] ?? '')) {
    number = maybeNumber;
    j++;
  }
  if (['little', 'young', 'old', 'best', 'dear', 'new', 'lovely', 'grown', 'elder', 'eldest', 'youngest', 'oldest'].includes(words[j] ?? '')) j++;
  const noun = words[j] ?? '';
  if (SINGULAR.has(noun)) {
    const named = isName(cased, j + 1) ? 1 : 0;
    return { count: number ?? 1, self: false, length: j - i + 1 + named };
  }
  if (PLURAL.has(noun)) {
    if (noun === 'twins' || noun === 'parents') return { count: 2, self: false, length: j - i + 1 };
    if (number !== undefined) return { count: number, self: false, length: j - i + 1 };
    const names = namesAt(words, cased, j + 1, true);
    return names.count >= 2 ? { count: names.count, self: false, length: j - i + 1 + names.length } : { count: null, self: false, length: j - i + 1 };
  }
  if (w === 'her') return { count: 1, self: false, length: 1 };
  if (!determiner && isName(cased, i)) return { count: 1, self: false, length: 1 };
  return null;
}

/** Counts the people of a list such as "me her and the two boys" or "my husband and I". */
function countList(lower: string, cased: string): PartySize | 'unknown' | null {
  const words = lower.split(/[\s,&+]+/).filter(Boolean);
  const casedWords = cased.length === lower.length ? cased.split(/[\s,&+]+/).filter(Boolean) : words;
  const result: Array<{ size: number | null; self: boolean; items: number; afterWith: boolean }> = [];
  for (let i = 0; i < words.length; i++) {
    const first = readItem(words, casedWords, i);
    if (!first) continue;
    const afterWith = ['with', 'take', 'taking', 'bring', 'bringing', 'join', 'joining', 'treat', 'treating'].includes(words[i - 1] ?? '');
    const items = [first];
    let j = i + first.length;
    while (j < words.length) {
      const joiner = words[j] === 'and' || words[j] === 'plus' || words[j] === 'with' ? 1 : 0;
      const next = readItem(words, casedWords, j + joiner);
      if (!next) break;
      items.push(next);
      j += joiner + next.length;
    }
    const self = items.some((it) => it.self);
    const size = items.some((it) => it.count === null) ? null : items.reduce((sum, it) => sum + (it.count ?? 0), 0);
    result.push({ size, self, items: items.length, afterWith });
    i = j - 1;
  }
  const withSelf = result.find((r) => r.self && r.items >= 2);
  if (withSelf) return withSelf.size === null ? 'unknown' : { size: withSelf.size, exact: true };
  const company = result.find((r) => r.afterWith && !r.self);
  if (company) return company.size === null ? 'unknown' : { size: company.size + 1, exact: false };
  return null;
}

/**
 * Finds how many people a booking is for: "for 4", "six of us", "just me" (1), "me and my husband" (2),
 * "myself and 2 friends" (3), "me her and the two boys" (4). Returns 'unknown' when a group is named
 * without a count ("me and the grandkids"), so the assistant can ask.
 */
export function findPartySize(lower: string, cased: string): PartySize | 'unknown' | null {
  const children = [...lower.matchAll(new RegExp(`\\b(${COUNT}) (?:adults?|grown-?ups|children|kids|grandchildren|grandkids|teenagers|babies)\\b`, 'g'))];
  if (children.length >= 2) {
    const total = children.reduce((sum, m) => sum + (parseNumber(m[1] ?? '') ?? 0), 0);
    if (total > 0) return { size: total, exact: true };
  }
  for (const [re, read] of STATED) {
    const m = re.exec(lower);
    const n = m ? read(m) : undefined;
    if (n !== undefined && n > 0 && n <= 40) return { size: n, exact: true };
  }
  if (TWO.test(lower)) return { size: 2, exact: true };
  const list = countList(lower, cased);
  if (list) return list;
  if (ALONE.test(lower)) return { size: 1, exact: true };
  return null;
}
