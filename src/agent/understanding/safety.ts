import { MEDICINE_NOUNS } from './vocabulary.ts';
import { isDrugWord } from './medicine-name.ts';

/** Signs that the elder is in danger now: falls, chest pain, breathing, stroke signs, lost or threatened. */
const DANGER: RegExp[] = [
  /\b(?:i|i've|i have|i just|just|i think i|i think i've|i'm|im|mum|mom|dad|he|she|he's|she's|husband|wife)\s*(?:just |have |has |had |'ve )?(?:fallen|fell|had a fall|slipped|tripped|collapsed|fainted|passed out|blacked out|took a tumble|had a tumble)\b/,
  /\bhad a (?:bad )?(?:fall|tumble)\b/,
  /\b(?:i'm|i am|im|i've been) (?:lying |stuck )?(?:on the floor|on the ground)\b|\b(?:i'm|i am|im) (?:stuck|trapped) (?:in|on|under)\b/,
  /\b(?:on the floor|on the ground)\b.*\b(?:can't|cannot|can not|unable to)\b|\b(?:can't|cannot|can not|unable to) get up\b/,
  /\bchest\b.{0,25}\b(?:pain|pains|hurts?|hurting|tight|tightness|pressure|aching|ache|heavy|crushing)\b|\b(?:pain|pains|tightness|pressure)\b.{0,15}\bchest\b/,
  /\bheart attack\b|\bstroke\b|\bseizure\b|\bfit\b.{0,10}\bhaving\b/,
  /\b(?:can't|cannot|can not|couldn't|could not|struggling to|hard to|trouble|difficulty|unable to)\s*(?:properly\s+)?(?:breathe|breathing|catch my breath|get my breath)\b|\bshort of breath\b|\bchoking\b|\bgasping\b/,
  /\b(?:face|mouth)\b.{0,15}\bdroop|\bslurred\b|\bcan't (?:move|feel) my (?:arm|leg|face|side)\b|\bnumb on one side\b/,
  /\b(?:don'?t|do not|can'?t|cannot) (?:recogni[sz]e|know)\b.{0,25}\b(?:these|this|the|any) (?:streets?|roads?|houses?|place|area|neighbourhood|neighborhood)\b|\b(?:don'?t|do not) know (?:where i am|the way (?:home|back))\b/,
  /\b(?:i'm|i am|im|i got|i've got|i have got) (?:so |very |completely )?lost\b|\bdon't know where i am\b|\bdo not know where i am\b|\bno idea where i am\b|\bcan't find my way (?:home|back)\b|\bdon't know how to get home\b/,
  /\b(?:someone|somebody|a man|a stranger|strangers|people)\b.{0,30}\b(?:in|into|outside|at|on|breaking into|trying to get in(?:to)?)\b.{0,10}\b(?:my|the) (?:house|home|flat|door|window|garden)\b.{0,40}\b(?:scared|frightened|afraid|help|won't leave|threaten)|\bintruder\b|\bbreak[- ]in\b|\bburglar\b|\bbeing robbed\b/,
  /\b(?:bleeding (?:a lot|heavily|badly|everywhere|won't stop)|lots of blood|blood everywhere|won't stop bleeding|can't stop (?:the )?bleeding)\b/,
  /\b(?:call|get|send|need) (?:me )?(?:an |the )?(?:ambulance|paramedics|999|911|000|112|fire brigade|police)\b|\bambulance\b/,
  /\b(?:smell (?:of )?gas|gas leak|house is on fire|kitchen is on fire|there's a fire|there is a fire|something is on fire|smoke everywhere|fire in|smoke (?:coming|pouring|in the|from)|on fire|can't put it out)\b/,
  /\b(?:took|taken|swallowed|had) (?:too many|the whole|a whole|an overdose|a double)\b.{0,20}\b(?:pills|tablets|medicine|bottle|packet|box|dose)\b|\boverdose\b|\btoo many (?:pills|tablets)\b/,
  /\b(?:burnt|burned|scalded|cut|sliced) (?:my|myself)\b.{0,25}\b(?:badly|bad|really|deep|lot|bleeding)\b|\b(?:can't|cannot|can not|unable to) (?:stand|stand up|move|walk|feel my)\b/,
  /\b(?:broke|broken|break) my (?:hip|leg|arm|wrist|ankle)\b|\bhit my head\b|\bbadly hurt\b|\bi'?m hurt\b|\bi've hurt myself\b|\bhurt myself badly\b/,
  /\b(?:very|really|so) (?:dizzy|faint)\b.{0,30}\b(?:help|can't|cannot|fall|falling)\b|\bgoing to faint\b|\bgoing to pass out\b/,
];
/** Fear words that make an ambiguous "help" an emergency. */
const DISTRESS = /\b(?:scared|frightened|terrified|afraid|panic|panicking|hurts?|hurting|pain|bleeding|dizzy|faint|fell|fall|fallen|emergency|urgent|please hurry|quick|on the floor|can't get up|cannot get up|stuck|trapped|burnt|burned|scalded|bleeding|cut myself)\b/;
/** Words that show the danger is not now or not real ("I nearly fell", "she fell last year"). */
const NOT_NOW = /\b(?:nearly|almost|didn't|did not|haven't|never|afraid (?:i|i'll) (?:might|will)|worried (?:i|i'll) (?:might|will)|in case i|what if i|if i (?:fall|fell)|last (?:week|month|year)|years ago|used to|how do i|what should i do if|alarm for|pendant|(?:but|and) (?:i'm|i am|i feel) (?:ok|okay|fine|alright|all right|not hurt|unhurt))\b/;

/** Returns a short description of an emergency when the message reports one, otherwise null. */
export function findEmergency(lower: string, original: string): string | null {
  const plain = lower.replace(/[^a-z' ]/g, ' ').replace(/\s+/g, ' ').trim();
  const danger = DANGER.some((re) => re.test(lower));
  const calledHelp =
    /^(?:please |oh god |oh |somebody |someone |)*help(?: me)?(?: please| someone| somebody| now| quick(?:ly)?)*$/.test(plain) ||
    /\bHELP\b/.test(original) ||
    /\b(?:send|get) (?:me )?help\b|\bneed help (?:now|quickly|urgently|fast)\b/.test(lower) ||
    (/\bhelp\b/.test(lower) && DISTRESS.test(lower) && !/\bhelp (?:me )?(?:to |with |book|set|find|remind|add)/.test(lower));
  if (!danger && !calledHelp) return null;
  if (danger && !calledHelp && NOT_NOW.test(lower)) return null;
  return original.trim().replace(/\s+/g, ' ').slice(0, 200);
}

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
