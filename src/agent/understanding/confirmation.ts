/** Applies a change such as "make it 8 instead" to an action waiting for confirmation (see pending-edit.ts). */
export { understandEdit } from './pending-edit.ts';

const YES_PHRASES = [
  'yes please', 'yes', 'yeah', 'yea', 'ya', 'yep', 'yup', 'aye', 'sure', 'ok', 'okay', 'k', 'alright', 'all right',
  'fine', 'correct', 'right', 'go ahead', 'go on', 'do it', 'please do', 'sounds good', 'perfect', 'lovely', 'great',
  'confirm', 'confirmed', 'absolutely', 'of course', 'definitely', 'certainly', "that's right", 'book it', 'send it',
  'why not', 'brilliant', 'wonderful', 'good', 'no problem', 'no worries', 'yes do', 'affirmative', 'indeed',
  'please', 'thats right', 'go for it', 'that works', 'works for me', 'spot on', 'marvellous', 'super', 'grand',
  'cheers', 'thank you', 'thanks', 'i guess so', 'i suppose so', 'guess so', 'okey dokey', 'okey', 'okie', 'yes yes',
  '👍', '✅', '👌',
];
const NO_PHRASES = [
  'no thanks', 'no thank you', 'no', 'nope', 'nah', 'naw', "don't", 'do not', 'dont', 'cancel', 'stop', 'never mind',
  'nevermind', 'not now', 'wrong', 'forget it', 'leave it', 'not', 'negative', 'abort', "that's wrong",
  "don't bother", 'no way', 'not really', 'rather not', "i'd rather not", 'scrap that', 'changed my mind',
  'absolutely not', 'definitely not', 'of course not', 'certainly not', 'better not', '👎', '❌',
];
/** Answers that are neither: the elder is unsure or is asking something back. */
const UNSURE = /\b(?:not sure|unsure|maybe|perhaps|don't know|dont know|do not know|no idea|hmm+|let me think|wait|hold on|what do you mean|why|later|not yet|in a bit|in a minute)\b/;
/** A message that opens with a refusal ("no wait, leave it for now…") is a no, whatever chatter follows. */
const LEADING_NO = /^(?:no+|nope|nah|no no|leave it|never ?mind|forget it|scrap that|don'?t bother|cancel(?: that| it)?)\b(?!\s+(?:problem|worries)\b)/;
/** Signs that the message changes the pending action instead of answering yes or no. */
const EDIT_CONTENT =
  /\d|\b(?:make it|instead|change|actually|move it|rather have|monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight|people|of us|noon|midnight|o'clock|half past|quarter)\b/;

/** Words an answer may open with before its yes ("oh yes please", "well ok then"). */
const LEAD_IN = /^(?:(?:oh|ah|aw|well|um+|erm*|er|so|and|then|dear|love|hun|pet)[\s,.!]+)+/;
/**
 * A yes counts when it is the answer: at the start of the message (after an "oh" or a "well"), or in a message of
 * a few words ("that would be lovely"). In a sentence that tells something else ("I went for a lovely walk",
 * "my right knee is sore") it is a word of that sentence, not consent.
 */
const answersYes = (tidy: string, yes: { index: number }): boolean =>
  yes.index <= (LEAD_IN.exec(tidy)?.[0].length ?? 0) || tidy.split(/\s+/).length <= 4;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const phraseRe = (phrases: string[]): RegExp =>
  new RegExp(`(?:^|[^\\p{L}'])(${phrases.map(escape).join('|')})(?=$|[^\\p{L}'])`, 'gu');
const YES = phraseRe(YES_PHRASES);
const NO = phraseRe(NO_PHRASES);

/** Collapses stretched and repeated letters of common answers: "yesss" → "yes", "nooo" → "no", "okk" → "ok". */
function tidyAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2019`]/g, "'")
    .replace(/\b(?:y+e+s+|y+e+s+h+)\b/g, 'yes')
    .replace(/\by+e+a+h*\b/g, 'yeah')
    .replace(/\by+e+p+\b/g, 'yep')
    .replace(/\by+u+p+\b/g, 'yup')
    .replace(/\bo+k+a*y*\b/g, 'ok')
    .replace(/\bn+o+\b/g, 'no')
    .replace(/\bn+o+p+e+\b/g, 'nope')
    .replace(/\bn+a+h+\b/g, 'nah')
    .replace(/\bsure+\b/g, 'sure')
    .replace(/\bplea+s+e*\b|\bpls\b|\bplz\b/g, 'please');
}

/** The earliest match of a phrase list and where it starts. */
function earliest(re: RegExp, text: string): { index: number; phrase: string } | null {
  let best: { index: number; phrase: string } | null = null;
  for (const m of text.matchAll(re)) {
    const phrase = m[1] ?? '';
    const index = m.index + m[0].length - phrase.length;
    if (!best || index < best.index || (index === best.index && phrase.length > best.phrase.length)) best = { index, phrase };
  }
  return best;
}

/**
 * Reads an answer to "shall I go ahead?" as 'yes' or 'no', forgiving typos and chatter ("yess", "yep go
 * ahead", "ok do it", "no thanks", "cancel that"). Returns null when it is neither, or when the message
 * changes the details instead (see `understandEdit`).
 */
export function classifyConfirmation(text: string): 'yes' | 'no' | null {
  const tidy = tidyAnswer(text).trim();
  if (tidy.length === 0) return null;
  if (EDIT_CONTENT.test(tidy)) return null;
  // Refusing is the safe side of a doubt: "no wait, leave it" cancels; a change comes with its details.
  if (LEADING_NO.test(tidy)) return 'no';
  if (UNSURE.test(tidy)) return null;
  const yes = earliest(YES, tidy);
  const no = earliest(NO, tidy);
  if (!yes && !no) return null;
  if (yes && no) {
    if (/^(?:no problem|no worries)$/.test(yes.phrase) && yes.index === no.index) return 'yes';
    if (no.index <= yes.index && !(yes.index === no.index && yes.phrase.length > no.phrase.length)) return 'no';
    if (/^(?:please|thanks|thank you|cheers|good|fine)$/.test(yes.phrase)) return 'no';
    return answersYes(tidy, yes) ? 'yes' : null;
  }
  if (yes && /^(?:please|thanks|thank you|cheers)$/.test(yes.phrase) && tidy.split(/\s+/).length > 3) return null;
  if (yes) return answersYes(tidy, yes) ? 'yes' : null;
  return 'no';
}
