import { COMMON_MEDICINE_WORDS, MEDICINE_NOUNS } from './vocabulary.ts';

/** A medicine named in a message; `generic` when it only says "my pills" or "the evening tablet". */
export interface MedicineMatch {
  name: string;
  generic: boolean;
  exact: boolean;
}

/** Endings of drug names (international non-proprietary name stems) that rarely end ordinary words. */
const DRUG_STEM =
  /(?:pril|sartan|statin|olol|alol|dipine|cillin|mycin|cycline|floxacin|oxacin|profen|oxetine|azepam|azolam|prazole|tidine|xaban|gliptin|gliflozin|parin|semide|thiazide|lukast|formin|pezil|thyroxine|triptan|setron|dronate|olone|asone|terol|tropium|gabalin|pentin|tadine|zosin|fenac|codone|morphine|pramine|triptyline|arin|irin|amol|sone|zepine|peridone|azine|afil|tinib|grel|gatran|glitazone|prost|glutide|caine|azole|iptan|mab|vir|met|sprin|norm|ide|ine|ol|in|one|am|ate|ium)$/i;
/** The long, specific stems: enough on their own anywhere in a message. */
const STRONG_STEM =
  /(?:pril|sartan|statin|olol|alol|dipine|cillin|mycin|cycline|floxacin|oxacin|profen|oxetine|azepam|azolam|prazole|tidine|xaban|gliptin|gliflozin|parin|semide|thiazide|lukast|formin|pezil|thyroxine|triptan|setron|dronate|olone|asone|terol|tropium|gabalin|pentin|tadine|zosin|fenac|codone|pramine|triptyline|zepine|peridone|tinib|grel|gatran|glitazone|prost|glutide)$/i;
/** Ordinary words with drug-like endings. */
const NOT_MEDICINE = new Set([
  'medicine', 'medicines', 'routine', 'fine', 'time', 'online', 'someone', 'everyone', 'anyone', 'done', 'gone',
  'alone', 'phone', 'one', 'none', 'cream', 'team', 'exam', 'date', 'late', 'chocolate', 'plate', 'side', 'inside',
  'outside', 'ride', 'guide', 'control', 'petrol', 'alcohol', 'cholesterol', 'school', 'pool', 'cool', 'tool',
  'begin', 'again', 'within', 'cousin', 'protein', 'vitamin', 'coffee', 'wine', 'line', 'mine', 'nine', 'machine',
  'magazine', 'engine', 'morning', 'evening', 'afternoon', 'dinner', 'breakfast', 'lunch', 'bedtime', 'night',
  'tonight', 'today', 'tomorrow', 'them', 'it', 'this', 'that', 'these', 'those', 'am', 'pm', 'some', 'any', 'all',
  'both', 'my', 'the', 'your', 'dose', 'doses', 'clinic', 'doctor', 'pharmacist', 'chemist', 'prescription',
  'medication', 'medications', 'tablet', 'tablets', 'pill', 'pills', 'meds', 'drops', 'capsule',
  'capsules', 'injection', 'inhaler', 'supplement', 'supplements', 'walk', 'bath', 'shower', 'nap', 'tea', 'dog',
  'bus', 'train', 'taxi', 'photo', 'rest', 'break', 'look', 'chance', 'note', 'care', 'turn', 'seat', 'step',
  'stroll', 'drive', 'trip', 'cake', 'pie', 'a', 'an', 'new', 'usual', 'daily', 'regular', 'other', 'last', 'first',
  'next', 'evening', 'morning', 'second', 'half', 'double', 'extra', 'two', 'three', 'both', 'whole', 'blood',
  'water', 'heart', 'pain', 'sleeping', 'sleep', 'thyroid', 'diabetes', 'sugar', 'pressure', 'statement', 'state',
  'name', 'same', 'home', 'come', 'some', 'game', 'frame', 'ham', 'jam', 'program', 'dream', 'steam', 'spam',
  'stadium', 'premium', 'medium', 'gym', 'cousin', 'robin', 'martin', 'kevin', 'austin', 'bulletin', 'napkin',
  'pumpkin', 'cabin', 'basin', 'raisin', 'violin', 'cabin', 'skin', 'chin', 'thin', 'twin', 'win', 'spin', 'pin',
  'tin', 'bin', 'bins', 'kin', 'min', 'join', 'coin', 'rain', 'train', 'brain', 'again', 'plain', 'chain', 'pain',
  'main', 'gain', 'lane', 'wide', 'hide', 'pride', 'tide', 'decide', 'provide', 'beside', 'slide', 'bride',
  'patrol', 'symbol', 'carol', 'stone', 'bone', 'tone', 'zone', 'ozone', 'throne', 'cologne', 'anyone', 'lol',
  'brunch', 'supper', 'food', 'meal', 'with', 'before', 'after', 'every', 'each', 'twice', 'once', 'at', 'in',
  'on', 'for', 'from', 'and', 'please', 'now', 'just', 'today', 'yet', 'already', 'too', 'later', 'tablet',
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november',
  'december', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'caroline',
  'christine', 'josephine', 'justine', 'jasmine', 'catherine', 'katherine', 'kathleen', 'maureen', 'doreen',
  'eileen', 'irene', 'nadine', 'geraldine', 'madeline', 'evelyn', 'marilyn', 'carol', 'colin', 'gavin',
  'benjamin', 'franklin', 'joan', 'jean', 'dean', 'sean', 'anne', 'simone', 'yvonne', 'leone', 'tyrone', 'malcolm',
  'helmet', 'comet', 'gourmet', 'plummet', 'bonnet', 'abnorm',
]);
const SLOT =
  /\b(?:take|taking|takes|took|taken|had|have|having|skip|skipping|skipped|miss|missed|missing|forgot|forgotten|start|started|starting|on|prescribed|gave me|given|give me|set up|setup|add|added|about|for|new|of|need)\s+(?:(?:my|the|some|his|her|a|an|new|all|of|me|more|this|that|daily|usual|extra|one|two|both)\s+)*([a-z][a-z-]+)/gi;
/** The object of "take" in a scheduling sentence ("take clopidogrel every day"): a medicine unless it is an everyday thing. */
const TAKE_OBJECT =
  /\b(?:take|taking|takes)\s+(?:(?:my|the|some|a|an|one|two|his|her)\s+)?([a-z][a-z-]{4,})\b(?=\s*(?:every|daily|each|at\b|in the|twice|once|\d|mg|with|before|after|tablets?|pills?|today|tonight|tomorrow|now|this|later|again|$|[,.!]))/i;
const EVERYDAY_THINGS = new Set([
  'bins', 'rubbish', 'trash', 'garbage', 'recycling', 'dog', 'dogs', 'cat', 'photo', 'photos', 'picture', 'pictures',
  'walk', 'stroll', 'bath', 'shower', 'nap', 'break', 'rest', 'trip', 'seat', 'coat', 'umbrella', 'chicken', 'washing',
  'laundry', 'clothes', 'car', 'keys', 'train', 'taxi', 'chance', 'look', 'note', 'notes', 'class', 'lesson', 'lessons',
  'children', 'kids', 'grandkids', 'grandchildren', 'money', 'parcel', 'letter', 'letters', 'post', 'shopping', 'books',
  'library', 'plants', 'flowers', 'cake', 'bread', 'meat', 'turkey', 'roast', 'lasagne', 'casserole', 'dinner', 'lunch',
  'breakfast', 'blood', 'temperature', 'pressure', 'readings', 'reading', 'sugar', 'glucose', 'weight', 'stairs',
  'lift', 'elevator', 'tablets', 'pills', 'medicine', 'medicines', 'medication', 'things', 'stuff', 'easy', 'time',
]);
const DOSE = /\b(\d+(?:\.\d+)?)\s?(mg|mcg|µg|micrograms?|milligrams?|g|ml|iu|units?)\b/i;
const NOUN_PHRASE =
  /\b((?:[a-z]+\s+){0,2})(pills?|tablets?|capsules?|drops|inhaler|puffer|injections?|patch(?:es)?|cream|spray|syrup|lozenges?|vitamins|supplements?|meds|medicines?|medication)\b/gi;
const NOUN_MODIFIER_STOP = /^(?:my|the|a|an|some|new|take|took|taken|had|have|having|of|to|and|i|morning|evening|night|afternoon|lunchtime|lunch|bedtime|breakfast|dinner|teatime|supper|night-time|nighttime|midday|today's|tonight's|daily|usual|all|your|his|her|these|those|this|that|skip|skipping|missed|forgot|about|from|for|with|me|remind|one|two|three|both|extra|another|more|just|done|finished|next|last)$/i;

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** The thing swallowed, skipped or given a miss in a dose report ("swallowed the zentrimol", "skip Novadex"). */
const DOSE_OBJECT =
  /\b(?:(swallowed|popped)|skip|skipping|skipped|bother with|not (?:to )?have|not having|miss(?:ing)?|missed|forgot|forgotten|leave out|leaving out|give|giving|took|taken|taking|had|used|done(?: with)?|finished(?: with)?|dose of)\s+(?:my\s+|the\s+|this\s+|today's\s+|morning\s+|evening\s+|night\s+)?([A-Za-z][a-z-]{3,})\b(?!'|\s+(?:for|out|to|round|home|along|back|in|up|down|over|off|on)\b)/;

/** Finds the medicine named as the object of a dose report; brand names count when capitalised. */
export function findDoseObject(text: string): string | null {
  const m = DOSE_OBJECT.exec(text);
  const word = m?.[2] ?? '';
  if (!m || NOT_MEDICINE.has(word.toLowerCase()) || EVERYDAY_THINGS.has(word.toLowerCase()) || MEDICINE_NOUNS.test(word.toLowerCase())) return null;
  if (!m[1] && !/^[A-Z]/.test(word) && !isDrugWord(word, false)) return null;
  return capitalise(word);
}

/** A capitalised name right after or before a kind of medicine: "inhaler Symbicort", "Tab. Montair", "Voltarol gel". */
const BESIDE_MEDICINE_NOUN =
  /\b(?:inhaler|puffer|tablets?|tab\.?|capsules?|cap\.?|syrup|drops|cream|gel|spray|injection|patch)\s+([A-Z][a-zA-Z-]{3,})\b|\b([A-Z][a-zA-Z-]{3,})\s+(?:inhaler|puffer|syrup|eye drops|ear drops|drops|cream|gel|spray|injection|patch)\b/;

/** True when a single word looks like the name of a drug rather than an ordinary word. */
export function isDrugWord(word: string, strongOnly: boolean): boolean {
  const lower = word.toLowerCase();
  if (lower.length < 4 || NOT_MEDICINE.has(lower)) return false;
  if (COMMON_MEDICINE_WORDS.has(lower)) return !strongOnly;
  return (strongOnly ? STRONG_STEM : DRUG_STEM).test(lower) && lower.length >= 5;
}

const COUNT_DOSE =
  /\b(\d+|one|two|three|four|half a|half|a)\s+(tablets?|pills?|capsules?|puffs?|drops?|sprays?|sachets?|spoonfuls?|teaspoons?|tsp|patch(?:es)?|injections?)\b/i;

/** Finds the dose as written: a strength ("500mg", "10 mg", "1000 IU") or else a count ("2 puffs", "one tablet"). */
export function findDose(text: string): string | null {
  return DOSE.exec(text)?.[0] ?? COUNT_DOSE.exec(text)?.[0] ?? null;
}

/** Nouns that take a number without being a medicine ("table 4", "room 12"). */
const NUMBERED_THINGS =
  /^(?:table|tables|room|bus|number|flat|platform|gate|page|chapter|level|floor|section|aisle|seat|row|ward|bed|channel|route|junction|exit|terminal|apartment|unit|suite|house|party|group|for|at|to|by|in|on|of|and|or|the|take|add|had|took|have|give|about|around|every|only|just|after|before|till|until|from|with|me|us|aged|age|top|under|over|about|nearly|almost|than)$/i;
/** A brand written with its strength but no unit: "Brandex 40", "Calcimax 500 tablet", "Dolorin Forte 2 tablets". */
const NAME_WITH_STRENGTH =
  /\b([A-Z][a-zA-Z-]{2,}(?:\s+(?:[A-Z][a-z]+|[A-Z]{1,3}))?)\s+(\d{1,4}(?:\.\d+)?)\b(?!\s*(?:am|pm|o'clock|[:.]\d|people|persons|of us|guests|minutes?|mins|hours?|days?|weeks?|months?|years?|times|st\b|nd\b|rd\b|th\b|%|miles?|km|steps|pounds|dollars|euros|kg|lbs?|goals|points))/;

/** The same, typed in any case ("thyronorm 50"). */
const ANY_CASE_NAME_WITH_STRENGTH = new RegExp(NAME_WITH_STRENGTH.source, 'i');
/** The first word of a name with its strength, however it was typed ("thyronorm" in "thyronorm 50"); '' when none. */
const firstWordWithStrength = (text: string): string => ANY_CASE_NAME_WITH_STRENGTH.exec(text)?.[1]?.split(/\s+/)[0] ?? '';

/** True when a capitalised name, or a drug-like word in lower case, comes with a strength ("Telma 40", "glycomet 500"): how brands are written. */
export function namesWithStrength(text: string): boolean {
  const typedLower = firstWordWithStrength(text);
  if (typedLower && !NUMBERED_THINGS.test(typedLower) && isDrugWord(typedLower, false)) return true;
  const brand = (NAME_WITH_STRENGTH.exec(text)?.[1] ?? '').split(/\s+/).filter(Boolean);
  if (brand.length > 1 && NUMBERED_THINGS.test(brand[0] ?? '')) brand.shift();
  return brand.length > 0 && !brand.some((w) => NUMBERED_THINGS.test(w) || NOT_MEDICINE.has(w.toLowerCase()) || EVERYDAY_THINGS.has(w.toLowerCase()));
}

/**
 * Finds the medicine a message is about: a word with a drug-name ending, the word before a dose, a named
 * vitamin, a capitalised name in a medicine sentence, or a noun phrase such as "ear drops" or "heart pills".
 * Drug names come back capitalised; noun phrases as written.
 */
export function findMedicine(text: string): MedicineMatch | null {
  const lower = text.toLowerCase();
  const vitamin = /\bvitamin\s+([a-z](?:\s?\d{1,2})?)\b/i.exec(text);
  if (vitamin) return { name: `Vitamin ${(vitamin[1] ?? '').toUpperCase()}`, generic: false, exact: true };
  const words = text.match(/[A-Za-z][A-Za-z-]+/g) ?? [];
  const strong = words.find((w) => isDrugWord(w, true));
  if (strong) return { name: capitalise(strong), generic: false, exact: true };
  const dose = DOSE.exec(text);
  if (dose) {
    const before = text.slice(0, dose.index).trim().split(/\s+/).pop() ?? '';
    if (/^[A-Za-z][A-Za-z-]{2,}$/.test(before) && !NOT_MEDICINE.has(before.toLowerCase()) && !MEDICINE_NOUNS.test(before.toLowerCase())) {
      return { name: capitalise(before), generic: false, exact: true };
    }
  }
  const branded = NAME_WITH_STRENGTH.exec(text);
  const brandWords = (branded?.[1] ?? '').split(/\s+/).filter(Boolean);
  if (brandWords.length > 1 && NUMBERED_THINGS.test(brandWords[0] ?? '')) brandWords.shift();
  const ordinary = (w: string): boolean => NUMBERED_THINGS.test(w) || NOT_MEDICINE.has(w.toLowerCase()) || EVERYDAY_THINGS.has(w.toLowerCase());
  if (brandWords.length > 0 && !brandWords.some(ordinary)) return { name: brandWords.join(' '), generic: false, exact: false };
  // A brand typed in lower case with its strength ("thyronorm 50", "glycomet 500"): only when it looks like a drug name.
  const lowerBrand = firstWordWithStrength(text);
  if (lowerBrand && !ordinary(lowerBrand) && isDrugWord(lowerBrand, false)) return { name: capitalise(lowerBrand), generic: false, exact: false };
  for (const m of text.matchAll(SLOT)) {
    const candidate = m[1] ?? '';
    if (isDrugWord(candidate, false)) return { name: capitalise(candidate), generic: false, exact: true };
  }
  const object = TAKE_OBJECT.exec(text)?.[1];
  if (object && !NOT_MEDICINE.has(object.toLowerCase()) && !EVERYDAY_THINGS.has(object.toLowerCase())) {
    return { name: capitalise(object), generic: false, exact: false };
  }
  const added = /\b(?:[Pp]ut|[Aa]dd|[Ss]et up|[Ss]tart|[Ss]tarted|[Ss]tarting|[Pp]ut me on|on)\s+(?:my\s+|the\s+)?([A-Z][a-z]{3,})\b(?!')/.exec(text)?.[1];
  if (added && !NOT_MEDICINE.has(added.toLowerCase()) && !EVERYDAY_THINGS.has(added.toLowerCase())) return { name: added, generic: false, exact: false };
  const beside = BESIDE_MEDICINE_NOUN.exec(text);
  const besideName = beside?.[1] ?? beside?.[2];
  if (besideName && !NOT_MEDICINE.has(besideName.toLowerCase()) && !EVERYDAY_THINGS.has(besideName.toLowerCase())) {
    return { name: besideName, generic: false, exact: false };
  }
  const medicineTalk = MEDICINE_NOUNS.test(lower) || DOSE.test(text);
  const capital = medicineTalk ? words.slice(1).find((w) => /^[A-Z][a-z]{3,}$/.test(w) && isDrugWord(w, false)) : undefined;
  if (capital) return { name: capital, generic: false, exact: false };
  const single = words.find((w) => isDrugWord(w, false) && COMMON_MEDICINE_WORDS.has(w.toLowerCase()));
  if (single) return { name: capitalise(single), generic: false, exact: true };
  for (const phrase of COMMON_MEDICINE_WORDS) {
    if (phrase.includes(' ') && lower.includes(phrase)) return { name: phrase, generic: false, exact: true };
  }
  for (const m of text.matchAll(NOUN_PHRASE)) {
    const modifiers = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
    while (modifiers.length > 0 && NOUN_MODIFIER_STOP.test(modifiers[0] ?? '')) modifiers.shift();
    if (modifiers.some((w) => NOUN_MODIFIER_STOP.test(w))) modifiers.splice(0, modifiers.findLastIndex((w) => NOUN_MODIFIER_STOP.test(w)) + 1);
    const noun = m[2] ?? '';
    if (modifiers.length > 0) return { name: `${modifiers.join(' ')} ${noun}`.toLowerCase(), generic: false, exact: false };
    return { name: noun.toLowerCase(), generic: true, exact: false };
  }
  return null;
}
