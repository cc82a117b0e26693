import type { ConceptHit, ConceptMap } from './concepts.ts';
import type { ScreenText } from './normalise.ts';
import type { FoundSign, SignRule } from './signs.ts';

/** Signs read from the shape of the message rather than from concepts side by side. */
export const READING_RULES = {
  cry: { id: 'help.cry', category: 'help', grade: 'emergency', all: [] },
  cryAmong: { id: 'help.cry_among', category: 'help', grade: 'concern', all: [] },
  shoutedHelp: { id: 'help.shouted', category: 'help', grade: 'emergency', all: [] },
  sugarLow: { id: 'sugar.reading_low', category: 'sugar', grade: 'emergency', all: [], subject: true },
  sugarHigh: { id: 'sugar.reading_high', category: 'sugar', grade: 'concern', all: [], subject: true, intensifies: true },
  sugarHighSick: { id: 'sugar.reading_high_sick', category: 'sugar', grade: 'emergency', all: [], subject: true },
  needHelp: { id: 'help.need', category: 'help', grade: 'concern', all: [] },
} as const satisfies Record<string, SignRule>;

/** Words a plain cry for help is made of ("oh god please help me someone"). */
const CRY_WORDS = new Set([
  'help', 'me', 'please', 'someone', 'somebody', 'anyone', 'anybody', 'now', 'quick', 'quickly', 'urgent', 'urgently', 'oh', 'god', 'i',
  'us', 'hurry', 'fast', 'asap', 'im', 'am', 'in', 'trouble', 'here', 'it', 'is', 'mum', 'dad', 'the', 'assistant', 'right', 'away', 'bot', 'dear',
  'lord', 'pls', 'plz', 'emergency', 'ambulance', 'police', 'call',
]);

/** "I need help" on its own: asked about, since it does not say with what. */
const NEED_HELP_WORDS = new Set(['i', 'need', 'help', 'please', 'some', 'me', 'really', 'do']);

/** What may follow "help me" in a request for a hand with something ("help me book", "help with the form"). */
const TASK_AFTER_HELP = new Set([
  'with', 'to', 'book', 'set', 'find', 'write', 'make', 'understand', 'remember', 'choose', 'send', 'plan', 'order', 'call', 'text', 'remind',
  'sort', 'fix', 'work', 'figure', 'get', 'organise', 'organize', 'arrange', 'cook', 'carry', 'move', 'pick', 'read', 'put', 'add', 'change',
  'cancel', 'out', 'yourself', 'myself', 'desk', 'line', 'if', 'how', 'what', 'a', 'the', 'my', 'on', 'for', 'in', 'you', 'him', 'her',
  'them', 'use', 'learn', 'see', 'check', 'look', 'decide', 'think', 'pay', 'fill',
]);

/** True when a "help" token asks for help, not for a hand with a task ("can you help me book…"). */
export function isHelpCall(map: ConceptMap, text: ScreenText, hit: ConceptHit): boolean {
  const words = map.words;
  let next = hit.end;
  if (words[next] === 'me' || words[next] === 'us') next++;
  const after = next < words.length && text.tokens[next]!.sentence === hit.sentence ? words[next]! : null;
  if (after && TASK_AFTER_HELP.has(after)) return false;
  const previous = words[hit.start - 1];
  return !(previous && ['can', 'could', 'would', 'will', 'you', 'some', 'little', 'bit', 'of', 'your', 'for', 'no', 'any', 'the', 'a', 'with', 'home', 'extra', 'more', 'without'].includes(previous));
}

const sign = (rule: SignRule, hit: ConceptHit): FoundSign => ({ rule, start: hit.start, end: hit.end, sentence: hit.sentence, hits: [hit] });

/** A blood-sugar reading below 4 mmol/L (or 70 mg/dL) is low; above 20 mmol/L (or 300 mg/dL) high. */
function sugarReading(value: number, map: ConceptMap, at: ConceptHit): 'low' | 'high' | null {
  const near = (concept: 'low' | 'high'): boolean => (map.byConcept.get(concept) ?? []).some((h) => h.sentence === at.sentence);
  if (value <= 0) return null;
  if (value < 4) return 'low';
  if (value < 20) return null;
  if (value <= 35) return near('low') && !near('high') ? 'low' : 'high';
  if (value < 70) return 'low';
  return value > 300 ? 'high' : null;
}

/**
 * The reading stage: a message that is nothing but a cry for help ("help!", "please help me"), "HELP" in
 * capitals inside a message, "I need help" on its own, and blood-sugar numbers.
 */
export function readSigns(text: ScreenText, map: ConceptMap): FoundSign[] {
  const found: FoundSign[] = [];
  const cries = [...(map.byConcept.get('help') ?? []), ...(map.byConcept.get('emergencyWord') ?? [])];
  for (const hit of cries) {
    const sentenceWords = map.words.filter((_, i) => text.tokens[i]!.sentence === hit.sentence);
    if (sentenceWords.every((w) => CRY_WORDS.has(w))) {
      // A message that is nothing but a cry is an emergency; a cry beside other words ("help, my card is blocked") is asked about.
      found.push(sign(map.words.every((w) => CRY_WORDS.has(w)) ? READING_RULES.cry : READING_RULES.cryAmong, hit));
    } else if (map.byConcept.get('emergencyWord')?.includes(hit)) {
      continue;
    } else if (text.tokens[hit.start]!.shouted && isHelpCall(map, text, hit)) {
      found.push(sign(READING_RULES.shoutedHelp, hit));
    } else if (map.words[hit.start - 1] === 'need' && sentenceWords.every((w) => NEED_HELP_WORDS.has(w))) {
      found.push(sign(READING_RULES.needHelp, { ...hit, start: hit.start - 1 }));
    }
  }
  // A meter or sensor counts as a sugar reading when the message is about sugar (diabetes, a hypo, shaking, sweating).
  const aboutSugar = (['sugar', 'diabetic', 'hypo', 'shaky', 'sweaty'] as const).some((c) => map.byConcept.has(c));
  const readers = [...(map.byConcept.get('sugar') ?? []), ...(aboutSugar ? (map.byConcept.get('sugarDevice') ?? []) : [])];
  // Very high with illness (being sick) is an emergency.
  const ill = map.byConcept.has('sick');
  for (const hit of readers) {
    for (let i = hit.end; i < Math.min(map.words.length, hit.end + 6); i++) {
      if (text.tokens[i]!.sentence !== hit.sentence) break;
      // "2 point 8", as dictated.
      const spoken = map.words[i + 1] === 'point' && /^\d+$/.test(map.words[i + 2] ?? '') && text.tokens[i + 2]!.sentence === hit.sentence;
      const value = Number(spoken ? `${map.words[i]}.${map.words[i + 2]}` : map.words[i]!.replace(',', '.'));
      if (!/^\d/.test(map.words[i]!) || Number.isNaN(value)) continue;
      const reading = sugarReading(value, map, hit);
      const rule = reading === 'low' ? READING_RULES.sugarLow : ill ? READING_RULES.sugarHighSick : READING_RULES.sugarHigh;
      if (reading) found.push(sign(rule, { ...hit, end: i + 1 }));
      break;
    }
  }
  return found;
}
