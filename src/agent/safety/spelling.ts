import { CUE_CONCEPTS } from './cues.ts';
import { SYMPTOM_CONCEPTS } from './lexicon.ts';
import { REAL_WORD_NEIGHBOURS } from './real-word-neighbours.ts';

/**
 * The safety screen's spelling stage: each word the elder typed is read as the lexicon word she meant.
 * Known misspellings are fixed from a table; a dropped final g ("bleedin"), a stretched letter ("heeelp")
 * and one slip of a key (a letter missing, extra, wrong or two swapped: "chset", "breathign") are fixed
 * against the lexicon's own words of five letters or more — unless the word is a real English word one slip
 * away (REAL_WORD_NEIGHBOURS: "cooking" is never read as "choking").
 */

/** Misspellings one key-slip cannot explain, and short words too risky to correct by distance. */
const FIXES: Record<string, string> = {
  realy: 'really', chset: 'chest', chets: 'chest', cheast: 'chest', chestt: 'chest', chesst: 'chest', hert: 'heart', haert: 'heart',
  hurst: 'hurts', hutrs: 'hurts', hurtz: 'hurts', paine: 'pain', pian: 'pain', pane: 'pain', bleed: 'bleed', blod: 'blood', bluud: 'blood',
  blead: 'bleed', dizzzy: 'dizzy', fiant: 'faint', fainted: 'fainted', faintd: 'fainted', feinted: 'fainted', smok: 'smoke', fier: 'fire', fyre: 'fire',
  flore: 'floor', flor: 'floor', gass: 'gas', numm: 'numb', tite: 'tight', tigt: 'tight', tghit: 'tight', lgs: 'legs', armm: 'arm', relly: 'really', rly: 'really', vry: 'very', verry: 'very', chst: 'chest', ches: 'chest', brethe: 'breathe',
  breth: 'breath', brath: 'breath', brethin: 'breathing', breeth: 'breath', breeve: 'breathe', brefe: 'breathe', breave: 'breathe',
  dizy: 'dizzy', dizzey: 'dizzy', dizzie: 'dizzy', dissy: 'dizzy', dizzi: 'dizzy', fel: 'fell', falen: 'fallen', fallan: 'fallen',
  strok: 'stroke', stroak: 'stroke', haveing: 'having', havin: 'having', hart: 'heart', harte: 'heart',
  attak: 'attack', atack: 'attack', attck: 'attack', attac: 'attack', unconcious: 'unconscious', unconsious: 'unconscious',
  unconsience: 'unconscious', colapsed: 'collapsed', collasped: 'collapsed', colasped: 'collapsed', collaped: 'collapsed',
  colapse: 'collapse', bleading: 'bleeding', bledding: 'bleeding', ambulence: 'ambulance', ambulanc: 'ambulance',
  amberlance: 'ambulance', ambalance: 'ambulance', ambulnce: 'ambulance', emergancy: 'emergency', emergecy: 'emergency',
  emergincy: 'emergency', emergeny: 'emergency', feint: 'faint', fant: 'faint', numbe: 'numb', tounge: 'tongue',
  tung: 'tongue', swolen: 'swollen', swollan: 'swollen', sweling: 'swelling', presure: 'pressure', preshure: 'pressure',
  siezure: 'seizure', seisure: 'seizure', seizur: 'seizure', suger: 'sugar', shugar: 'sugar', burgaler: 'burglar',
  burgler: 'burglar', breakin: 'break', smel: 'smell', smoak: 'smoke', choakin: 'choking', choaking: 'choking', chocking: 'choking',
  choakd: 'choked', slured: 'slurred', slurd: 'slurred', confussed: 'confused', confuzed: 'confused', confued: 'confused',
  'light-headed': 'lightheaded', lightheded: 'lightheaded', hlp: 'help', hepl: 'help', hellp: 'help', plz: 'please', pls: 'please',
  plse: 'please', pleas: 'please', plez: 'please', cum: 'come', cuming: 'coming', nt: 'not', u: 'you', ur: 'your',
  hed: 'head', hurd: 'heard', sweatin: 'sweating', 
  stares: 'stairs', baff: 'bath', barth: 'bath', hyp: 'hip', lft: 'left', rite: 'right', rght: 'right',
  gettin: 'getting', goin: 'going', tryin: 'trying', nothin: 'nothing', somethin: 'something', wheres: 'where', thier: 'their',
  breathin: 'breathing', wen: 'when', wat: 'what', wot: 'what', nite: 'night', tonite: 'tonight',
  lst: 'last', yesturday: 'yesterday', yestrday: 'yesterday', yday: 'yesterday', mins: 'minutes', hrs: 'hours', tabs: 'tablets',
  tablests: 'tablets', pils: 'pills', medecine: 'medicine', medicin: 'medicine', docter: 'doctor', doc: 'doctor',
  tummy: 'stomach', belly: 'stomach', puke: 'vomit', puking: 'vomiting', throwin: 'throwing', poorley: 'poorly', unwel: 'unwell',
  hypoing: 'hypo', ded: 'dead', deid: 'dead', kil: 'kill', bak: 'back', agian: 'again', agen: 'again',
  twise: 'twice', twic: 'twice', dubble: 'double', tooo: 'too', tomorows: 'tomorrows', tommorows: 'tomorrows',
  dwon: 'down', donw: 'down', dwn: 'down', tryng: 'trying', tring: 'trying', tyring: 'trying', somone: 'someone', someon: 'someone',
  sombody: 'somebody', somebdy: 'somebody', teh: 'the', nto: 'not', hte: 'the', adn: 'and', waht: 'what', brakeing: 'breaking', hous: 'house',
  doore: 'door', dor: 'door', flloor: 'floor', floore: 'floor', geting: 'getting', gt: 'get', stnd: 'stand', stannd: 'stand', mve: 'move',
  moove: 'move', smelll: 'smell', burnin: 'burning', burining: 'burning', bleedin: 'bleeding', pourin: 'pouring', shakin: 'shaking', shakey: 'shaky',
  sweatey: 'sweaty', wobbley: 'wobbly', wobly: 'wobbly', feelin: 'feeling', feal: 'feel', fele: 'feel', hurtin: 'hurting', achin: 'aching',
  painin: 'paining', fitt: 'fit', brest: 'breast', tablts: 'tablets', tabltes: 'tablets', tablats: 'tablets', pilss: 'pills', twce: 'twice',
  lsot: 'lost', wher: 'where', whre: 'where', wehre: 'where', knwo: 'know', kno: 'know', nkow: 'know', konw: 'know', strets: 'streets',
  streetes: 'streets', waek: 'wake', awnser: 'answer', anser: 'answer', ansering: 'answering', answring: 'answering', awnsering: 'answering',
  brething: 'breathing', breathng: 'breathing', hevy: 'heavy', haev: 'have', hvae: 'have', hav: 'have', ahve: 'have', droping: 'drooping', droopin: 'drooping', drooling: 'drooling', giddyness: 'giddiness', gidiness: 'giddiness', heavey: 'heavy', hevvy: 'heavy', akes: 'aches', achs: 'aches', akeing: 'aching', aking: 'aching', akin: 'aching',
};

/** Every word of every phrase of the lexicon and the cues: what a typed word is corrected towards. */
const VOCABULARY = new Set<string>();
for (const concepts of [SYMPTOM_CONCEPTS, CUE_CONCEPTS]) {
  for (const phrases of Object.values<readonly string[]>(concepts)) {
    for (const phrase of phrases) for (const word of phrase.split(' ')) for (const form of word.split('/')) VOCABULARY.add(form.replace(/[?*]$/, ''));
  }
}

/**
 * The symptom words a typed word may be corrected towards by one key-slip: the one-word phrases of six
 * letters or more ("choking", "dizzy"), plus a few words that carry multi-word signs. Cue words and the small
 * words inside phrases are too common to guess at.
 */
const FUZZY_TARGETS = new Set<string>(['breathe', 'breath', 'stroke', 'attack', 'ambulance', 'emergency', 'tablets', 'burning', 'breathing', 'bleeding']);
for (const phrases of Object.values(SYMPTOM_CONCEPTS)) for (const phrase of phrases) if (/^[a-z]{6,}$/.test(phrase)) FUZZY_TARGETS.add(phrase);

/** Each string one deletion away from a target (and the target itself), pointing at the targets. */
const BY_DELETION = new Map<string, string[]>();
const deletions = (word: string): string[] => Array.from({ length: word.length }, (_, i) => word.slice(0, i) + word.slice(i + 1));
for (const target of FUZZY_TARGETS) {
  for (const key of [target, ...deletions(target)]) {
    const list = BY_DELETION.get(key);
    if (list) list.push(target);
    else BY_DELETION.set(key, [target]);
  }
}

/** Optimal-string-alignment distance of at most one: one letter missing, extra, wrong, or two adjacent swapped. */
export function withinOneSlip(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The lexicon word one key-slip from `word`, when exactly one is (ties are not guessed). */
function nearestTarget(word: string): string | null {
  const found = new Set<string>();
  for (const key of [word, ...deletions(word)]) for (const target of BY_DELETION.get(key) ?? []) if (withinOneSlip(word, target)) found.add(target);
  if (found.size === 1) return [...found][0]!;
  return null;
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/** The lexicon word the elder meant by `raw` (lowercase), or `raw` itself when no correction applies. */
export function spellWord(raw: string): string {
  const hit = cache.get(raw);
  if (hit !== undefined) return hit;
  const word = correct(raw);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(raw, word);
  return word;
}

function correct(raw: string): string {
  if (VOCABULARY.has(raw)) return raw;
  const fixed = FIXES[raw];
  if (fixed) return fixed;
  if (!/^[a-z]+$/.test(raw)) return raw;
  // "heeelp", "helpppp": a letter held down.
  const squeezed = raw.replace(/([a-z])\1{2,}/g, '$1');
  if (squeezed !== raw) {
    if (VOCABULARY.has(squeezed)) return squeezed;
    const doubled = raw.replace(/([a-z])\1{2,}/g, '$1$1');
    if (VOCABULARY.has(doubled)) return doubled;
  }
  // "bleedin", "hurtin": the final g dropped.
  if (raw.endsWith('in') && VOCABULARY.has(`${raw}g`)) return `${raw}g`;
  if (raw.length < 5 || REAL_WORD_NEIGHBOURS.has(raw)) return raw;
  return nearestTarget(raw) ?? raw;
}

/** The words a typed word may be corrected towards, for the neighbour list's completeness test. */
export const fuzzyTargets = (): ReadonlySet<string> => FUZZY_TARGETS;
/** Every word of the lexicon and the cues. */
export const vocabulary = (): ReadonlySet<string> => VOCABULARY;
