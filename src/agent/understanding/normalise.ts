/** Common misspellings, chat shorthand and missing apostrophes, mapped to the word the parsers expect. */
const WORD_FIXES: Record<string, string> = {
  tomorow: 'tomorrow', tommorow: 'tomorrow', tommorrow: 'tomorrow', tomorrw: 'tomorrow', tmrw: 'tomorrow',
  tmr: 'tomorrow', tmw: 'tomorrow', '2moro': 'tomorrow', '2morrow': 'tomorrow', tomoro: 'tomorrow',
  tomorroe: 'tomorrow', tomrrow: 'tomorrow', tommorrw: 'tomorrow', tomorro: 'tomorrow',
  tonite: 'tonight', '2nite': 'tonight', tonihgt: 'tonight', '2day': 'today', tday: 'today', todya: 'today',
  wensday: 'wednesday', wednsday: 'wednesday', wedensday: 'wednesday', wendesday: 'wednesday', wednesady: 'wednesday',
  weds: 'wednesday', wednes: 'wednesday', thur: 'thursday', thurs: 'thursday', thursay: 'thursday',
  thrusday: 'thursday', thursdy: 'thursday', tues: 'tuesday', tuseday: 'tuesday', teusday: 'tuesday',
  tusday: 'tuesday', munday: 'monday', mondy: 'monday', firday: 'friday', fridy: 'friday', satday: 'saturday',
  saterday: 'saturday', saturdy: 'saturday', sundy: 'sunday',
  dont: "don't", cant: "can't", wont: "won't", didnt: "didn't", doesnt: "doesn't", isnt: "isn't",
  arent: "aren't", wasnt: "wasn't", couldnt: "couldn't", shouldnt: "shouldn't", im: "I'm", ive: "I've",
  youre: "you're", thats: "that's", whats: "what's", theres: "there's", hes: "he's", shes: "she's",
  havent: "haven't", hasnt: "hasn't", wouldnt: "wouldn't",
  u: 'you', ur: 'your', pls: 'please', plz: 'please', plse: 'please', pleas: 'please', thx: 'thanks',
  thanx: 'thanks', ty: 'thank you', appt: 'appointment', apointment: 'appointment',
  appointmnet: 'appointment', resturant: 'restaurant', restaraunt: 'restaurant', resteraunt: 'restaurant',
  reminde: 'remind', remid: 'remind', remnd: 'remind', rmind: 'remind', remine: 'remind',
  mins: 'minutes', min: 'minutes', hrs: 'hours', hr: 'hour', b4: 'before', tabs: 'tablets',
  tablests: 'tablets', tabets: 'tablets', pils: 'pills', medecine: 'medicine', medicin: 'medicine',
  docter: 'doctor', doctr: 'doctor', oclock: "o'clock", pple: 'people', ppl: 'people',
  mornin: 'morning', evenin: 'evening', afternon: 'afternoon', nite: 'night',
};

/** Abbreviated day names that are also ordinary words, fixed only after a word that announces a day. */
const DAY_ABBREVIATIONS: Record<string, string> = {
  mon: 'monday', tue: 'tuesday', wed: 'wednesday', thu: 'thursday', fri: 'friday', sat: 'saturday', sun: 'sunday',
};

/** Re-applies the capitalisation of the word it replaces, so "Tomorow" becomes "Tomorrow". */
const keepCase = (original: string, replacement: string): string =>
  /^[A-Z]/.test(original) && replacement !== "I'm" && replacement !== "I've"
    ? replacement.charAt(0).toUpperCase() + replacement.slice(1)
    : replacement;

/**
 * Cleans a message for the parsers: straight quotes, single spaces, fixed typos and shorthand, spelled
 * "o'clock", "am"/"pm" without dots. Casing of other words is kept, since venue and medicine names rely on it.
 */
export function normaliseText(text: string): string {
  let out = text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201B\u2032`´]/g, "'")
    .replace(/[\u201C\u201D\u201E]/g, '"')
    .replace(/[\u2013\u2014]/g, ' - ')
    .replace(/\s+/g, ' ')
    .trim();
  out = out.replace(/\bo\s+'?\s*clock\b/gi, "o'clock").replace(/\bo'\s+clock\b/gi, "o'clock");
  out = out.replace(/\b(\d{1,2}) ([0-5]\d)\s?([ap])\.?\s?m\b\.?/gi, (_m, h: string, mm: string, p: string) => `${h}:${mm}${p.toLowerCase()}m`);
  out = out.replace(/\b(table|booking|reservation|book(?: it| us| me)?|reserve(?: it)?) 4 (?=(?:\d{1,2}|two|three|five|six|seven|eight|nine|ten)\b)/gi, '$1 for ');
  out = out.replace(/\b([ap])\.\s?m\b\.?/gi, (_m, p: string) => `${p.toLowerCase()}m`);
  out = out.replace(/\b(\d{1,2})\s?([ap])\.?m\.?(?![a-z])/gi, (_m, h: string, p: string) => `${h}${p.toLowerCase()}m`);
  out = out.replace(/\b(\d{1,2}(?:[:.]\d{2})?(?:am|pm)?)[- ]?ish\b/gi, '$1');
  out = out.replace(/[A-Za-z0-9_']+/g, (word) => {
    const fix = WORD_FIXES[word.toLowerCase()];
    return fix === undefined ? word : keepCase(word, fix);
  });
  out = out.replace(
    /\b(on|this|next|every|each|from|until|till|by|starting|and|or)\s+(mon|tue|wed|thu|fri|sat|sun)\b\.?/gi,
    (_m, lead: string, day: string) => `${lead} ${DAY_ABBREVIATIONS[day.toLowerCase()] ?? day}`,
  );
  // A short day straight before a clock time ("sat 4 pm", "fri 7.30") is a day, not "sat" or "sun".
  out = out.replace(
    /\b(mon|tue|wed|thu|fri|sat|sun)\b\.?(?=,?\s+(?:at\s+|@\s*)?\d{1,2}(?:[:.]\d{2}|\s?(?:am|pm)\b|\s*(?:$|,|for\b|please\b|pls\b)))/gi,
    (day: string) => DAY_ABBREVIATIONS[day.replace('.', '').toLowerCase()] ?? day,
  );
  return out;
}

/** True when a message is written mostly in capital letters, so capitalisation says nothing about names. */
export function isShouting(text: string): boolean {
  const letters = text.replace(/[^A-Za-z]/g, '');
  if (letters.length < 6) return false;
  const upper = letters.replace(/[^A-Z]/g, '').length;
  return upper / letters.length > 0.7;
}
