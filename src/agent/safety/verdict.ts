import type { SafetyCategory } from '../../tasks/family/emergency-help.ts';
import type { Composition, PlacedSign } from './composition.ts';
import { isHelpCall } from './readings.ts';

/** The screen's answer: alert at once, ask her (check-in), answer despair, or nothing to do. */
export type SafetyGrade = 'emergency' | 'concern' | 'despair' | 'none';

/** What the screen decided about one message, and why. */
export interface SafetyVerdict {
  grade: SafetyGrade;
  category: SafetyCategory | null;
  /** The elder herself, or another person with her ("my husband has collapsed"). */
  who: 'self' | 'other';
  /** The signs that count, strongest first. */
  signs: Extract<PlacedSign, { live: true }>[];
  /** Signs that were found but set aside (a story, a past fall, a question), with the reason. */
  setAside: Extract<PlacedSign, { live: false }>[];
  /** Why a concern became an emergency, if it did. */
  escalation: string | null;
}

const RANK: Record<string, number> = { emergency: 3, despair: 2, concern: 1 };
/** Categories that say little on their own; a named sign is preferred as the alert's category. */
const GENERIC = new Set<SafetyCategory>(['help', 'unwell']);

/** Why the concerns in a message add up to an emergency, or null. */
function escalationOf(c: Composition, concerns: Extract<PlacedSign, { live: true }>[]): string | null {
  if (c.text.shouting) return 'written in capitals';
  const named = concerns.filter((s) => s.sign.rule.category !== 'help');
  const helpCall = (c.map.byConcept.get('help') ?? []).find((h) => isHelpCall(c.map, c.text, h));
  if (helpCall && named.length > 0) return `asks for help (${c.words(helpCall)})`;
  const urgency = (c.map.byConcept.get('urgency') ?? [])[0];
  if (urgency && concerns.some((s) => !GENERIC.has(s.sign.rule.category))) return `urgent (${c.words(urgency)})`;
  const specific = concerns.filter((s) => !GENERIC.has(s.sign.rule.category));
  const categories = new Set(specific.map((s) => s.sign.rule.category));
  if (categories.size >= 2) return `signs together (${[...categories].join(' + ')})`;
  // Two different signs that do not share words ("heart pounding" and "sick and sweaty").
  const shareWords = (a: (typeof specific)[number], b: (typeof specific)[number]): boolean =>
    a.sign.rule.id === b.sign.rule.id || a.sign.hits.some((h) => b.sign.hits.some((o) => h.start < o.end && o.start < h.end));
  const apart = specific.flatMap((a, i) => specific.slice(i + 1).filter((b) => !shareWords(a, b)).map((b) => [a, b] as const))[0] ?? [];
  if (apart.length >= 2) return `two signs (${apart.map((s) => s.sign.rule.id).join(' + ')})`;
  const distress = concerns.find((s) => s.sign.rule.id === 'unwell.scared');
  if (distress && specific.length > 0) return 'frightened';
  return null;
}

/**
 * The grading stage: any live emergency sign makes an emergency; despair comes next; concerns are asked about
 * with a check-in, unless they add up (two signs of different kinds, a cry for help, capitals, fear) to an
 * emergency.
 */
export function gradeSigns(c: Composition, placed: PlacedSign[]): SafetyVerdict {
  const live = placed.filter((p): p is Extract<PlacedSign, { live: true }> => p.live).sort((a, b) => (RANK[b.grade] ?? 0) - (RANK[a.grade] ?? 0));
  const setAside = placed.filter((p): p is Extract<PlacedSign, { live: false }> => !p.live);
  const none: SafetyVerdict = { grade: 'none', category: null, who: 'self', signs: [], setAside, escalation: null };
  if (live.length === 0) return none;
  const top = live[0]!.grade;
  let grade: SafetyGrade = top;
  let escalation: string | null = null;
  if (top === 'concern') {
    escalation = escalationOf(c, live);
    if (escalation) grade = 'emergency';
  }
  const leading = grade === 'emergency' && top === 'concern' ? live : live.filter((s) => s.grade === top);
  const named = leading.find((s) => !GENERIC.has(s.sign.rule.category)) ?? leading[0]!;
  const who = leading.some((s) => s.who === 'self' && !GENERIC.has(s.sign.rule.category)) || leading.every((s) => s.who === 'self') ? 'self' : 'other';
  return { grade, category: named.sign.rule.category, who, signs: live, setAside, escalation };
}

/** One line that says which concepts fired and which were set aside, for logs and test failures. */
export function explainVerdict(verdict: SafetyVerdict, c: Composition): string {
  const live = verdict.signs.map((s) => `${s.sign.rule.id}[${s.sign.hits.map((h) => c.words(h)).join('+')}]${s.grade === s.sign.rule.grade ? '' : `→${s.grade}`}${s.who === 'other' ? '(other)' : ''}${s.notes.length ? ` {${s.notes.join('; ')}}` : ''}`);
  const aside = verdict.setAside.map((s) => `${s.sign.rule.id}[${s.sign.hits.map((h) => c.words(h)).join('+')}] ${s.reason}: "${s.cue}"`);
  const head = `${verdict.grade}${verdict.category ? ` (${verdict.category}${verdict.who === 'other' ? ', another person' : ''})` : ''}`;
  return [head, live.length ? `signs: ${live.join(', ')}` : '', verdict.escalation ? `escalated: ${verdict.escalation}` : '', aside.length ? `set aside: ${aside.join(', ')}` : '']
    .filter(Boolean)
    .join(' | ');
}
