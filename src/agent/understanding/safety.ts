import { MEDICINE_NOUNS } from './vocabulary.ts';
import { isDrugWord } from './medicine-name.ts';

const INJECTION: RegExp[] = [
  /\b(?:ignore|disregard|override|bypass)\b.{0,30}\b(?:instructions?|rules?|prompts?|guidelines|programming|previous|above|system)\b/,
  /\bforget (?:all |everything |your )(?:.{0,20})\b(?:instructions?|rules?|prompts?|told|programming)\b/,
  /\byou are now\b|\bfrom now on you(?: are|'re| will)\b|\bact as (?:a|an|my)\b|\bpretend (?:to be|you are|you're)\b|\bdeveloper mode\b|\bjailbreak\b|\bdan mode\b/,
  /^\s*(?:system|assistant|developer|admin)\s*:|\[system\]|<\/?system>|###\s*(?:system|instruction)|\bsystem override\b|\bnew instructions\b|\badmin mode\b|\bsudo\b/,
  /\b(?:reveal|show|print|tell me|repeat)\b.{0,20}\b(?:system prompt|your prompt|your instructions|hidden instructions|your rules)\b/,
  /\b(?:bank|account|card|credit card|debit card|pin|password|passcode|security|sort code|social security|national insurance|login)\b.{0,12}\b(?:details|number|numbers|code|codes|info|information)?\b.{0,40}\b(?:send|give|share|text|email|forward|transfer|read out)\b|\b(?:send|give|share|text|email|forward|transfer|read out|tell)\b.{0,40}\b(?:bank details|bank account|card details|card number|credit card|pin(?: number)?|password|passcode|sort code|social security|national insurance number|savings)\b/,
  /\b(?:transfer|wire|send)\b.{0,20}(?:£|\$|€|\bmoney\b|\bfunds\b|\bgift cards?\b)/,
  /\b(?:delete|erase|wipe)\b.{0,20}\b(?:all|every|my)\b.{0,20}\b(?:data|reminders|bookings|medicines|records|history|contacts)\b.{0,30}\b(?:and|then)\b/,
];

/** True when the message tries to re-instruct the assistant or extract secrets or money. */
export function isInjection(lower: string): boolean {
  return INJECTION.some((re) => re.test(lower));
}

const ADVICE_QUESTIONS: RegExp[] = [
  /\b(?:should|shall|can|could|may|must|ought)\s+i\b.{0,50}\b(?:take|double|skip|stop|halve|cut|increase|reduce|mix|drink|have|combine|crush|split|chew|miss|catch up|make up|come off|go off|swap)\b/,
  /\b(?:is it|would it be|will it be|is that)\s+(?:ok|okay|safe|alright|all right|fine|bad|dangerous|better|wise)\b.{0,30}\b(?:take|double|skip|stop|halve|mix|drink|have|combine|crush|split|miss)\b/,
  /\bam i (?:allowed|supposed|ok|okay) to\b.{0,30}\b(?:take|double|skip|stop|mix|drink|have)\b/,
  /\bhow (?:many|much)\b.{0,40}\b(?:should|can|do|must|may|am)\s+i\b/,
  /\bwhat (?:happens|should i do|do i do|if)\b.{0,15}\bi\b.{0,30}\b(?:miss|missed|forgot|forget|took|take|skip|skipped|double)\b/,
  /\bside[- ]effects?\b|\binteract(?:ion)?s?\b/,
  /\b(?:can|could|should|may|must)\b.{0,40}\bbe (?:taken|mixed|combined|used|had|crushed|split|halved|stopped)\b/,
  /\b(?:ok|okay|safe|alright|fine|bad|dangerous)\b.{0,25}\b(?:together|with my|with the|at the same time|alongside)\b.*\?\s*$/,
  /\bwhat (?:is|are|does) (?:my |the |this )?[a-z-]+(?: [a-z-]+)? (?:for|do)\s*\??$/,
  /\bwhat (?:my |the |these |those )?[a-z-]+(?: [a-z-]+)? (?:is|are|does|do) (?:for|used for)\b/,
];

/**
 * True when the elder asks for advice about taking medicine ("should I take two…", "can I double…"),
 * which the assistant must not give.
 */
export function isMedicalAdviceQuestion(lower: string): boolean {
  if (!ADVICE_QUESTIONS.some((re) => re.test(lower))) return false;
  if (/^\s*(?:what time|when)\b/.test(lower) && !/\b(?:if|miss|missed|forgot|late)\b/.test(lower)) return false;
  if (/\b(?:can|could|would|will) you (?:please )?(?:remind|book|set|add|put|cancel|tell my|let|message|text|send)\b/.test(lower) && !/\b(?:should|can|may) i\b/.test(lower)) return false;
  const medical = MEDICINE_NOUNS.test(lower) || /\b(?:dose|dosage|overdose|medicine|doctor|painkillers?|alcohol|drink)\b/.test(lower) ||
    (lower.match(/[a-z][a-z-]+/g) ?? []).some((w) => isDrugWord(w, false));
  return medical && !/\b(?:book|table|haircut|appointment at|remind me|reminder)\b/.test(lower);
}
