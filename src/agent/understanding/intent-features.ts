import { findDose, findDoseObject, findMedicine } from './medicine-name.ts';
import type { Message } from './message.ts';
import { findPartySize } from './party-size.ts';
import type { Route } from './rule-router.ts';
import { routeByRules } from './rule-router.ts';
import { usesCapitals } from './venue.ts';
import { BOOKING_ACTION, EATING_PLACES, MEDICINE_NOUNS, NOT_OUR_BOOKINGS, SALON_WORDS } from './vocabulary.ts';

/** Which kinds of feature the intent classifier reads; stored with its weights so training and use agree. */
export interface FeatureSettings {
  /** Hash buckets of the weight table (a power of two). */
  buckets: number;
  /** Shortest and longest character n-gram taken inside each word ("#tak", "aken#"). */
  charMin: number;
  charMax: number;
  /** Word pairs ("take my", "my pills") besides single words. */
  bigrams: boolean;
  /** What the slot readers found: a clock time, a date, a medicine name, a dose, a party size, capitals. */
  slots: boolean;
  /** What the hand-written rules would do with the message (rule-router.ts), as one feature of this value (0: left out). */
  rules: number;
}

/** A message as the classifier reads it: hashed feature buckets and their values. */
export interface FeatureVector {
  indices: Int32Array;
  values: Float32Array;
}

/** One feature before hashing, with its value: for training, tests and explanations. */
export type NamedFeatures = Map<string, number>;

/**
 * The words the classifier reads: lower case, apostrophes dropped, each time or date expression replaced by
 * `_when_` and any other number by `_num_`, so "at 7pm on Friday" and "tomorrow at half past 6" look alike.
 */
export function intentTokens(msg: Message): string[] {
  let text = msg.lower;
  for (const [from, to] of [...msg.when.spans].sort((a, b) => b[0] - a[0])) {
    if (from >= to) continue;
    text = `${text.slice(0, from)} _when_ ${text.slice(to)}`;
  }
  return (text.replace(/['\u2019]/g, '').match(/_when_|\p{L}+|\d+/gu) ?? []).map((t) => (/^\d/.test(t) ? '_num_' : t));
}

/** Adds one group of binary features, scaled so the group has unit length whatever the message's length. */
function addGroup(into: NamedFeatures, names: Iterable<string>): void {
  const unique = new Set(names);
  if (unique.size === 0) return;
  const value = 1 / Math.sqrt(unique.size);
  for (const name of unique) into.set(name, value);
}

/** What the slot readers see in a message, as named yes/no features. */
function slotFeatures(msg: Message): string[] {
  const out: string[] = [];
  if (msg.when.times.length > 0) out.push('s:time');
  if (msg.when.date) out.push('s:date');
  if (msg.when.relative) out.push('s:relative');
  if (msg.when.vague) out.push('s:vague');
  const medicine = findMedicine(msg.text);
  if (medicine) out.push(medicine.generic ? 's:medicine_noun' : 's:medicine_name');
  if (findDoseObject(msg.text)) out.push('s:dose_object');
  if (MEDICINE_NOUNS.test(msg.lower)) out.push('s:medicine_word');
  if (findDose(msg.text)) out.push('s:dose');
  if (findPartySize(msg.lower, msg.text)) out.push('s:party');
  if (!msg.shouting && usesCapitals(msg.text)) out.push('s:capitals');
  if (/\?\s*$/.test(msg.lower)) out.push('s:question_mark');
  // Rasa's regex features: what the booking words are about, which one word at a time cannot say.
  if (BOOKING_ACTION.test(msg.lower)) {
    const ours = !NOT_OUR_BOOKINGS.test(msg.lower);
    if (ours && EATING_PLACES.test(msg.lower)) out.push('s:book_eating_place');
    if (ours && SALON_WORDS.test(msg.lower)) out.push('s:book_salon_place');
    if (!ours) out.push('s:book_other');
  }
  return out;
}

/** A rule route as one word: the tool, "clarify", or "chat:" and the kind of chat. */
export const routeName = (route: Route): string =>
  route.kind === 'tool' ? route.tool : route.kind === 'clarify' ? 'clarify' : `chat:${route.intent}`;

/** The named features of a message: words, word pairs, character n-grams and what the slot readers found. */
export function namedFeatures(msg: Message, settings: FeatureSettings): NamedFeatures {
  const tokens = intentTokens(msg);
  const features: NamedFeatures = new Map();
  addGroup(features, tokens.map((t) => `w:${t}`));
  if (settings.bigrams) {
    const padded = ['<s>', ...tokens, '</s>'];
    addGroup(features, padded.slice(1).map((t, i) => `b:${padded[i]} ${t}`));
  }
  const grams: string[] = [];
  for (const token of tokens) {
    if (token.startsWith('_')) continue;
    const word = `#${token}#`;
    for (let n = settings.charMin; n <= settings.charMax; n++) {
      for (let i = 0; i + n <= word.length; i++) grams.push(`c:${word.slice(i, i + n)}`);
    }
  }
  addGroup(features, grams);
  if (settings.slots) for (const name of slotFeatures(msg)) features.set(name, 1);
  if (settings.rules > 0) features.set(`r:${routeName(routeByRules(msg))}`, settings.rules);
  features.set('bias', 1);
  return features;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of `text`, continuing from `hash`. */
function fnv(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The bucket of a feature name: FNV-1a of the name, the same on every machine and every run. */
export function featureBucket(name: string, buckets: number): number {
  return (fnv(FNV_OFFSET, name) >>> 0) & (buckets - 1);
}

/** Hashes named features into the weight table's buckets; features sharing a bucket add up. */
export function hashFeatures(features: NamedFeatures, buckets: number): FeatureVector {
  const merged = new Map<number, number>();
  for (const [name, value] of features) {
    const bucket = featureBucket(name, buckets);
    merged.set(bucket, (merged.get(bucket) ?? 0) + value);
  }
  return { indices: Int32Array.from(merged.keys()), values: Float32Array.from(merged.values()) };
}

const WORD = fnv(FNV_OFFSET, 'w:');
const PAIR = fnv(FNV_OFFSET, 'b:');
const GRAM = fnv(FNV_OFFSET, 'c:');

/**
 * The same vector as `hashFeatures(namedFeatures(msg))`, without building the feature names: n-grams are
 * hashed as they are read. This is what the classifier and the training use; the names are for explaining.
 * `rules` is the rules' route when the caller has it already.
 */
export function featureVector(msg: Message, settings: FeatureSettings, rules: Route = routeByRules(msg)): FeatureVector {
  const mask = settings.buckets - 1;
  const merged = new Map<number, number>();
  const add = (hash: number, value: number): void => {
    const bucket = (hash >>> 0) & mask;
    merged.set(bucket, (merged.get(bucket) ?? 0) + value);
  };
  const addGroup = (hashes: Set<number>): void => {
    const value = 1 / Math.sqrt(hashes.size);
    for (const hash of hashes) add(hash, value);
  };
  const tokens = intentTokens(msg);
  if (tokens.length > 0) addGroup(new Set(tokens.map((t) => fnv(WORD, t))));
  if (settings.bigrams) {
    const pairs = new Set<number>();
    let previous = '<s>';
    for (const t of [...tokens, '</s>']) {
      pairs.add(fnv(fnv(fnv(PAIR, previous), ' '), t));
      previous = t;
    }
    addGroup(pairs);
  }
  const grams = new Set<number>();
  for (const token of tokens) {
    if (token.startsWith('_')) continue;
    const word = `#${token}#`;
    for (let i = 0; i + settings.charMin <= word.length; i++) {
      let h = GRAM;
      for (let j = i; j < word.length && j - i < settings.charMax; j++) {
        h = Math.imul(h ^ word.charCodeAt(j), FNV_PRIME);
        if (j - i + 1 >= settings.charMin) grams.add(h);
      }
    }
  }
  if (grams.size > 0) addGroup(grams);
  if (settings.slots) for (const name of slotFeatures(msg)) add(fnv(FNV_OFFSET, name), 1);
  if (settings.rules > 0) add(fnv(FNV_OFFSET, `r:${routeName(rules)}`), settings.rules);
  add(fnv(FNV_OFFSET, 'bias'), 1);
  return { indices: Int32Array.from(merged.keys()), values: Float32Array.from(merged.values()) };
}
