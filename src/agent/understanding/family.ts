import type { Message } from './message.ts';
import { clarifyQuestion } from './replies.ts';
import type { Understanding } from './types.ts';

const RELATIVES =
  "family|family circle|families|daughters?|sons?|kids|children|child|grandkids|grandchildren|grandsons?|granddaughters?|husband|wife|partner|sisters?|brothers?|nieces?|nephews?|everyone|everybody|all of them|carers?|caregivers?|folks|mum|mom|dad|loved ones|daughter-in-law|son-in-law|girls|boys|lot";
/** "tell my daughter", "let the family know", "message my son Raj", "ask Sarah to". */
const NOTIFY = new RegExp(
  `\\b(?:tell|telling|inform|informing|let|letting|message|messaging|text|texting|get hold of|send (?:a )?(?:message|text|note|word|line)(?: to)?|send|ask|remind|warn|update|write to|email|ping|contact|notify|alert|(?:pass|hand) (?:(?:it|this|that|the news|the message|a message|word) )?(?:on|along|over)? ?to|get (?:(?:a|the) )?(?:word|message|note|news) (?:to|through to)|drop (?:a (?:line|note|message|text) to)?)\\s+((?:(?:my|our|the|all|of|all my|the whole)\\s+)*(?:${RELATIVES})(?:\\s+(?:and|&)\\s+(?:my\\s+|the\\s+)?(?:${RELATIVES}))?)\\b`,
);
const NAMED = /\b(?:[Tt]ell|[Ii]nform|[Mm]essage|[Tt]ext|[Aa]sk|[Ll]et|[Ss]end|[Rr]emind|[Ww]arn)\s+(?:(?:our|my)\s+)?([A-Z][a-z]+)\b(?=\s+(?:know|that|[Ii]\b|[Ii]'m|[Ii]'ve|we|to\b|the\b|my\b|about\b|not\b|what\b|how\b|when\b)|\s*[:\u2013-]\s)/;
/** A relative who should come to know something: "I want my son to know …", "make sure my daughter knows …". */
const TO_KNOW = new RegExp(
  `\\b(?:(?:want|wants|like|need|would like|'d like|wish)\\s+((?:(?:my|our|the|all|all my|the whole)\\s+)*(?:${RELATIVES}))\\s+to (?:know|hear|be told)|make sure\\s+(?:that\\s+)?((?:(?:my|our|the|all|all my|the whole)\\s+)*(?:${RELATIVES}))\\s+(?:knows?|hears?|is told|are told|gets? the message))\\b`,
);
const URGENT = /\b(?:urgent|urgently|asap|a\.s\.a\.p|as soon as possible|right away|right now|immediately|straight away|emergency|quickly|it's important|very important)\b/i;

/** Where the recipient part of a family message ends, or -1 when the message is not for the family. */
function recipientEnd(msg: Message): number {
  const m = NOTIFY.exec(msg.lower);
  if (m) {
    const end = m.index + m[0].length;
    const name = /^\s+[A-Z][a-z]+\b/.exec(msg.text.slice(end));
    return name && !/^\s+(?:I|I'm|I've)\b/.test(name[0]) ? end + name[0].length : end;
  }
  const toKnow = TO_KNOW.exec(msg.lower);
  if (toKnow) return toKnow.index + toKnow[0].length;
  const named = NAMED.exec(msg.text);
  if (named && !/^(?:I|Me|You|Him|Her|Them|Us|It|The)$/.test(named[1] ?? '')) return named.index + named[0].length;
  return -1;
}

/** She will tell them herself, or asks that nobody be told: "I'll tell my daughter myself", "let me ask my husband", "don't tell anyone". */
const SHE_TELLS_THEM_HERSELF =
  /\b(?:i'll|i will|i'm going to|i am going to|i can|i could|i'd rather|let me|i shall|i'll just)\s+(?:\w+\s+)?(?:tell|message|text|let|ring|call|inform|ask|phone)\b|^(?:(?:no|oh|please|and|but|so|actually)[,!.]?\s+)*(?:don't|do not|never|no need to)\s+(?:tell|let|message|text|inform|bother)\b/;

/** True when the message asks to pass something on to the family. */
export function isFamilyMessage(msg: Message): boolean {
  if (SHE_TELLS_THEM_HERSELF.test(msg.lower)) return false;
  if (/\btell me\b|\blet me know\b|\bremind me\b/.test(msg.lower) && recipientEnd(msg) < 0) return false;
  return recipientEnd(msg) >= 0;
}

/** Builds a family notification; the message is what follows the recipient, urgent when the elder says so. */
export function buildNotification(msg: Message): Understanding {
  const end = recipientEnd(msg);
  let message = end >= 0 ? msg.text.slice(end) : msg.text;
  message = message
    .replace(/^\s*(?:knows?\b|hears?\b|gets? to know\b)?/i, '')
    .replace(URGENT, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,:;-]*(?:(?:that|please|for me|to say|saying|about|know|(?:and )?(?:tell|ask|let) (?:him|her|them)(?: know)?|and say|something|a message|a line|a note|a text|word|some news|a few things|a thing)\b[\s,.:;-]*)*/i, '')
    .replace(/[\s,]*(?:please|thanks|thank you|for me)?[\s.!]*$/i, '')
    .trim();
  const args: Record<string, unknown> = {};
  if (message.length === 0) {
    return { kind: 'clarify', tool: 'notify_family', args, missing: ['message'], question: clarifyQuestion('notify_family', ['message']) };
  }
  args.message = message;
  if (URGENT.test(msg.text)) args.urgent = true;
  return { kind: 'tool', tool: 'notify_family', args, confidence: 0.9 };
}

const ACTIVITY_VERBS =
  'went|walked|visited|baked|cooked|made|planted|painted|finished|completed|played|watched|read|knitted|knit|sewed|sewn|swam|danced|sang|attended|did|met|saw|won|built|fixed|cleaned|tidied|gardened|picked|bought|joined|learned|learnt|tried|enjoyed|spent|wrote|drew|sold|hiked|cycled|fed|mowed|weeded|pruned|harvested|grew|decorated|celebrated|volunteered|helped|sorted|organised|organized|framed|stitched|crocheted|quilted|jogged|rode|travelled|traveled|toured|explored|caught|fished|climbed|solved|beat|scored|passed|got back|came back|came home|got home|been to|been out|had a (?:lovely|nice|great|wonderful|good|fun|long|quick)|had (?:lunch|dinner|tea|coffee|breakfast|brunch) (?:with|at|in)|took (?:a|the dog|my dog|the grandkids|a walk|a stroll|photos|pictures)|went out|repotted|potted|polished|washed|ironed|phoned|called|video called|facetimed|chatted|listened|started|signed up|held|hosted|looked after|babysat|raked|swept|assembled|tried out|been [a-z]+ing|come back|come home|been on|gone to|went on|(?:got|had) my (?:hair|nails|eyebrows|beard) (?:done|cut|coloured|colored|permed|trimmed)|had a (?:\\w+ )?(?:day|time|afternoon|morning|evening|weekend|trip|visit|chat|catch-up|natter)';
const PROGRESSIVE =
  'having|doing|making|baking|cooking|watching|playing|visiting|enjoying|sitting|walking|reading|knitting|gardening|painting|sewing|swimming|dancing|singing|relaxing|out|off to|on my way to|heading to|at|in the garden|with';
const SHARE = new RegExp(
  `^(?:(?:well|so|oh|guess what|just|today|good (?:morning|afternoon|evening)|morning|this morning|this afternoon|this evening|yesterday|finally|look|hey|hi|hello|good news|great news|ooh|and)[,!.]?\\s+)*(?:(?:i|we|i've|we've|me and \\w+|my \\w+ and i)\\s+)?(?:(?:have|'ve|had|just|finally|also|all|actually)\\s+)*(?:(${ACTIVITY_VERBS})\\b(?!')|(?:i'm|i am|we're|we are|im)\\s+(?:just\\s+|now\\s+|currently\\s+)?(${PROGRESSIVE})\\b)`,
  'i',
);
const NOT_SHARE =
  /\b(?:won't|will not|shan't|not going to|didn't|did not|couldn't|could not|can't|cannot|haven't|never|forgot|lost|broke|missed|worried|sad|lonely|upset|angry|sick|ill|unwell|pain|hurt|mistake|wrong|error|bed late|couldn't sleep|can you|could you|would you|will you|(?:book|reserve|cancel|remind) (?:me|us|a|an|the|my|it|for)|please (?:book|reserve|cancel|remind))\b|\?\s*$/;
/** "… I made", "… we baked" anywhere in the message, for sentences that open with something else. */
const SHARE_ANYWHERE = new RegExp(`\\b(?:i|we)(?:'ve| have)? (?:just |finally |also )?(?:${ACTIVITY_VERBS})\\b(?!')`, 'i');

/** True when the elder tells of something they did or are doing that the family would enjoy hearing. */
export function isActivity(msg: Message): boolean {
  return (SHARE.test(msg.lower.trim()) || SHARE_ANYWHERE.test(msg.lower)) && !NOT_SHARE.test(msg.lower);
}

/** Openings of a question or a request: what is asked for is not something she did. */
const ASKS_OR_REQUESTS =
  /\?\s*$|^(?:(?:hi|hello|ok|okay|so|well|please|hey)[,!]?\s+)*(?:can|could|would|will|do|does|did (?:i|you|we|he|she|they|it)|is|are|am|was|were|have|has|how|what|whats|what's|when|where|which|who|why|search|find|look|get|give|rate|play|show|tell|send|set|add|put|book|reserve|cancel|remind|call|ring|phone|text|message|email|order|buy|pay|check|make|help|turn|switch|open|close|lock|stop|start|print|scan|upload|download|post|save|delete|remove|change|move|convert|translate|spell|define|explain|record|track|update|reset|connect|bring|fetch|take me|read (?:me|my|out|back|the news)|share my (?:location|gps|position|screen|number|contact)|(?:i'm |i am |im )?(?:looking for|searching for|trying to find)|(?:i )?(?:wish|want|need|would like|'d like) to (?:find|fins|see|watch|hear|listen|know|get|buy|play|read|look))\b/;

/** True when the message tells of something rather than asking or requesting (what an activity to share needs). */
export function tellsOfSomething(msg: Message): boolean {
  return !ASKS_OR_REQUESTS.test(msg.lower.trim());
}

/** Words of a plan still to come ("tomorrow", "next week", "is coming", "going to"). */
const LATER = /\b(?:tomorrow|tonight|later|next (?:week|month|year)|this (?:weekend|evening|afternoon)|at the weekend|soon|going to|gonna|will be|is coming|are coming|'s coming|coming (?:round|over|to)|is visiting|are visiting)\b/;
/** Verbs in the past: what was done. */
const DONE = /\b(?:went|had|did|was|were|made|took|came|got|saw|met|been|gone|done|won|ran|sat|ate|drank|read|wrote|found|bought|caught|[a-z]{3,}ed)\b/;

/**
 * True when the message tells of something she did or is doing: telling, not asking, and not only a plan
 * ("my daughter is coming on Sunday", "we're going to the seaside next week" are not yet anything to share).
 */
export function tellsOfActivity(msg: Message): boolean {
  if (!tellsOfSomething(msg)) return false;
  const today = msg.clock.now.toISODate();
  const later = LATER.test(msg.lower) || msg.when.relative !== null || (msg.when.date !== null && today !== null && msg.when.date.date > today);
  return !later || DONE.test(msg.lower);
}

/** Builds an activity to share: the message from its activity verb on, without the chatter before it. */
export function buildActivity(msg: Message): Understanding {
  const m = SHARE.exec(msg.text.trim());
  const from = m ? m.index + m[0].length - (m[1] ?? m[2] ?? '').length : 0;
  const activity = msg.text.trim().slice(from).replace(/[\s!.]+$/, '').trim();
  return { kind: 'tool', tool: 'share_activity', args: { activity: activity || msg.text.trim() }, confidence: 0.85 };
}
