import { GENERIC_PLACES, SALON_SERVICES, VENUE_KIND_WORDS, WHEN_WORDS } from './vocabulary.ts';

/** A venue name and whether it was read from a clear pattern (capitalised, after "at" or "book"). */
export interface VenueMatch {
  venue: string;
  exact: boolean;
}

/** Lowercase words that end a venue name or cannot start one. */
const STOP = new Set([
  'for', 'on', 'at', 'in', 'with', 'to', 'by', 'around', 'about', 'from', 'because', 'so', 'but', 'as', 'we', 'i',
  'it', 'that', 'who', 'which', 'then', 'there', 'again', 'or', 'if', 'when', 'please', 'pls', 'thanks', 'thank',
  'me', 'us', 'my', 'our', 'your', 'her', 'his', 'their', 'them', 'him', 'you', 'just', 'only', 'people', 'persons',
  'guests', 'table', 'booking', 'reservation', 'appointment', 'appt', 'lunch', 'dinner', 'breakfast', 'brunch',
  'supper', 'tea', 'meal', 'is', 'are', 'was', 'will', 'would', 'can', 'could', 'should', 'ok', 'okay', 'dear',
  'love', 'time', 'some', 'something', 'anything', 'somewhere', 'there', 'here', 'now', 'have', 'get', 'go',
  'and', 'of', 'a', 'an', 'the', 'make', 'it', 'not', 'no', 'yes', "i'm", "we're", "it's", 'and', 'party', 'x',
  'cancel', 'book', 'reserve', 'want', 'need', 'like', 'too', 'also', 'anymore', 'any', 'more', 'after', 'before',
  'until', 'till', 'during', 'since', 'while', 'where', 'what', 'how', 'myself', 'ourselves', 'everyone',
  'nobody', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'instead', 'do', 'be', 'am', 'pm', 'out', 'up', 'down', 'over', 'back', 'very', 'really',
  ...WHEN_WORDS,
]);
/** Small words allowed inside a name when a capitalised word follows ("Owl and Lantern", "Bar de la Mer"). */
const JOINERS = new Set(['and', '&', 'of', 'the', 'de', 'la', 'le', 'du', 'da', 'di', 'del', 'n', "'n'", 'by', 'on', 'in']);
const SERVICE_WORDS = new Set(SALON_SERVICES.flatMap((s) => s.split(' ')).concat(['hair', 'haircut', 'appointment']));
const ANCHORS =
  /(?:@|\b(?:at|in at|into|onto|on to|(?:make it|get|go|going|come|coming|take \w+(?: \w+)?) to|make|(?<!\b(?:a|the|my|library|new|good|this|that|your|his|her|old) )book(?! (?:club|group|shop|store|fair|sale|token|case|mark))|reserve|cancel|booked|called|named|ring|phone|call(?! off)))\s*(?<=\s|@)/gi;
/** A weaker anchor, tried only when no other finds a name ("an appointment with Maria's"). */
const WEAK_ANCHORS = /\bwith\s+/gi;
/** A booking noun straight before a capitalised name ("Table booking Barbeque Nation 7 pm"), read only when capitals mark names. */
const NOUN_ANCHORS = /\b(?:table|booking|reservation)\s+/gi;
const LEADING_FILLER = /^(?:(?:me|us|it|a|an|in|table|a table|the table|my table|us a table|me a table|for me)\s+)+/i;

const isCapitalised = (token: string): boolean => /^[A-Z0-9]/.test(token) && !/^\d/.test(token);
const bare = (token: string): string => token.replace(/[,.!?;:)"]+$/, '');

/** Title-cases a name typed in lower case, so "blue moon cafe" becomes "Blue Moon Cafe". */
export const titleCase = (name: string): string =>
  name.replace(/(^|[\s-])([a-z])/g, (_m, lead: string, c: string) => lead + c.toUpperCase()).replace(/'S\b/g, "'s");

/** True when the message capitalises words other than its first word and "I", so capitals can mark names. */
export function usesCapitals(text: string): boolean {
  const words = text.split(/\s+/).slice(1);
  return words.some((w) => /^[A-Z][A-Za-z]/.test(w) && w !== "I'm" && w !== "I've" && w !== "I'd" && w !== "I'll");
}

/** Reads a name from the start of `rest`; stops at a time, date, number, small word or punctuation. */
function readName(rest: string, capitals: boolean): string {
  const tokens = rest.split(/\s+/);
  const taken: string[] = [];
  for (let i = 0; i < tokens.length && taken.length < 7; i++) {
    const raw = tokens[i] ?? '';
    const word = bare(raw);
    const lower = word.toLowerCase();
    if (word.length === 0 || /\d/.test(word) || (!/[a-z]/i.test(word) && word !== '&')) break;
    const next = bare(tokens[i + 1] ?? '');
    if (JOINERS.has(lower) && taken.length > 0) {
      const nextOk = (capitals ? isCapitalised(next) : next.length > 0 && !STOP.has(next.toLowerCase()) && !/\d/.test(next))
        && !WHEN_WORDS.has(next.toLowerCase());
      if (!nextOk) break;
      taken.push(word);
      continue;
    }
    const named = capitals ? isCapitalised(word) && !WHEN_WORDS.has(lower) : !STOP.has(lower);
    const kind = taken.length > 0 && VENUE_KIND_WORDS.has(lower);
    if (!named && !kind) break;
    if (capitals && !kind && !isCapitalised(word)) break;
    taken.push(word);
    if (raw !== word) break;
  }
  return taken.join(' ');
}

/** True when a candidate is only a kind of place or a treatment, not a particular venue. */
function isGeneric(name: string): boolean {
  const lower = name.toLowerCase().replace(/^(?:the|a|an|my|our)\s+/, '');
  if (GENERIC_PLACES.has(lower)) return true;
  return lower.split(' ').every((w) => SERVICE_WORDS.has(w) || GENERIC_PLACES.has(w) || STOP.has(w));
}

/** Reads the name after each anchor of a message; `capitals` says whether capitals mark the name. */
function readAfterAnchors(text: string, capitals: boolean): VenueMatch | null {
  for (const anchor of [...text.matchAll(ANCHORS), ...text.matchAll(WEAK_ANCHORS), ...(capitals ? text.matchAll(NOUN_ANCHORS) : [])]) {
    let rest = text.slice(anchor.index + anchor[0].length);
    const filler = LEADING_FILLER.exec(rest);
    if (filler && /^(?:book|reserve|cancel)/i.test(anchor[0])) rest = rest.slice(filler[0].length);
    const leadingThe = /^the\s+/i.exec(rest);
    const keepThe = leadingThe !== null && capitals && rest.startsWith('The');
    const body = leadingThe ? rest.slice(leadingThe[0].length) : rest;
    if (/^(?:at|with|in)\s/i.test(body)) continue;
    let name = readName(body, capitals);
    const number = /^\s+(\d{1,3})\b(?!\s*(?:am|pm|people|persons|of us|guests|o'clock|[.:]\d))/i.exec(body.slice(name.length));
    if (name && isGeneric(name) && number) name = `${name} ${number[1] ?? ''}`;
    else if (!name || isGeneric(name)) continue;
    const first = name.split(' ')[0]?.toLowerCase() ?? '';
    if (STOP.has(first) && !(capitals && isCapitalised(name))) continue;
    const full = keepThe ? `The ${name}` : name;
    return { venue: capitals ? full : titleCase(full), exact: capitals };
  }
  return null;
}

const BOOKED_NOUN = '(?:appointment|appt|booking|reservation|table|hair appointment|nail appointment)';
/** A name right before a booking noun: "my Curl Corner appointment", "the Salon Roma booking". */
function readBeforeBookingNoun(text: string, capitals: boolean): VenueMatch | null {
  const re = capitals
    ? new RegExp(`((?:[A-Z][\\w'&]*|&)(?:\\s+(?:[A-Z][\\w'&]*|and|&|of|the|de|la))*)\\s+${BOOKED_NOUN}\\b`, 'g')
    : new RegExp(`\\b(?:my|our|the)\\s+((?:[a-z][\\w'&]*\\s+){1,3})${BOOKED_NOUN}\\b`, 'g');
  for (const m of text.matchAll(re)) {
    const name = (m[1] ?? '').trim().replace(/^(?:the|my|our)\s+/i, '');
    if (!name || isGeneric(name)) continue;
    if (name.split(/\s+/).some((w) => WHEN_WORDS.has(w.toLowerCase()) || (!capitals && STOP.has(w.toLowerCase())))) continue;
    if (/^(?:I|I'm|I'd|Can|Could|Please|Book|Cancel|My|The|A|An)$/.test(name)) continue;
    return { venue: capitals ? name : titleCase(name), exact: false };
  }
  return null;
}

/** A capitalised name opening the message and set off by a comma or dash: "Polish Palace, tomorrow at 11". */
function readOpeningName(text: string): VenueMatch | null {
  const m = /^((?:The\s+)?[A-Z][\w'&]*(?:\s+(?:[A-Z][\w'&]*|and|&|of|de|la|on|the))*)\s*[,\u2013-]/.exec(text.trim());
  const name = m?.[1] ?? '';
  if (!name || isGeneric(name) || /^(?:Hi|Hello|Hey|Please|Yes|No|Ok|Okay|Well|So|Oh|Dear|Morning|Good|Thanks|Sorry|Right)\b/.test(name)) return null;
  if (name.split(/\s+/).some((w) => WHEN_WORDS.has(w.toLowerCase()))) return null;
  return { venue: name, exact: false };
}

/**
 * Finds the venue of a booking by grammar: the name after "at", "book", "reserve", "cancel" or "make it to",
 * up to a time, date, number or small word; else a name right before "appointment"/"booking", or a name
 * that opens the message. Capitals mark the name when the elder uses them; otherwise (or when that finds
 * nothing) any words that are not small words count, and the result is title-cased. Time and date words
 * should be blanked out by the caller (see `venueText`).
 */
export function findVenue(text: string): VenueMatch | null {
  const capitals = usesCapitals(text);
  return (
    (capitals ? readAfterAnchors(text, true) : null) ??
    readAfterAnchors(text, false) ??
    (capitals ? readBeforeBookingNoun(text, true) : null) ??
    readBeforeBookingNoun(text, false) ??
    (capitals ? readOpeningName(text) : null)
  );
}

/** The message with its time and date words replaced by a stop mark, so no name runs into them. */
export function venueText(text: string, spans: Array<[number, number]>): string {
  let out = text;
  for (const [from, to] of [...spans].sort((a, b) => b[0] - a[0])) out = `${out.slice(0, from)} | ${out.slice(to)}`;
  return out;
}
