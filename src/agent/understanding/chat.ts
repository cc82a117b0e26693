import type { ChatIntent } from './types.ts';

const GREETING =
  /^(?:(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|morning|evening|afternoon|yo|hallo|hullo)\b[\s,!.]*(?:there|dear|love|darling|again)?[\s,!.]*)+(?:how are you(?: (?:today|doing|keeping))?|how's it going|how are things)?[\s!?.]*$|^how are you(?: (?:today|doing|keeping))?[\s!?.]*$/;
const THANKS =
  /^(?:(?:oh |ok |okay |well |that's |that is )?(?:lovely|wonderful|great|perfect|brilliant|marvellous|super)?[\s,!.]*)?(?:thank you|thanks|thank u|cheers|ta|much appreciated|many thanks|bless you|you're (?:a star|an angel|so kind|very kind)|you are (?:a star|an angel|so kind|very kind))\b/;
const OUT_OF_SCOPE =
  /\b(?:weather|forecast|rain(?:ing)? today|jokes?|funny|news|headlines|recipe|how (?:do|to) (?:i )?(?:cook|make|bake)|score|football|cricket|rugby|tennis|golf|who won|lottery|horoscope|stock|shares|bitcoin|what time is it|what's the time|what day is it|what's the date|today's date|taxi|uber|cab|order (?:me )?(?:some|a|food|shopping|groceries|flowers|pizza)|buy (?:me|some)|shopping|groceries|play (?:some )?(?:music|a song|the radio)|radio|television|tv|translate|poem|story|sing|spell|capital of|how far|directions to|bus times|train times|doctor'?s? appointment|dentist|optician|gp appointment|hospital appointment|crossword clue|riddle|quiz|trivia|president|prime minister|history of|meaning of|define|how old is|who is|who was|where is|pay (?:my|the) bill|electricity|gas bill|council tax|book (?:a |me a )?(?:flight|train|holiday|hotel|taxi|cab)|call (?:me )?a (?:taxi|cab))\b/;
const SMALLTALK =
  /\b(?:how are you|i'm (?:bored|lonely|tired|fine|well|ok|okay|good|alright|feeling (?:good|better|fine|lonely|low|a bit low))|i feel (?:lonely|bored|low|fine|good)|nice day|lovely day|what's your name|who are you|are you (?:a robot|real|a person|human|there)|do you like|i miss|talk to me|chat with me|what are you doing|good night|goodnight|see you|bye|goodbye|love you|you're lovely|i'm back)\b/;

/** Sorts a message that calls for no tool into greeting, thanks, small talk, out of scope or unknown. */
export function classifyChat(lower: string): ChatIntent {
  const plain = lower.trim();
  if (GREETING.test(plain)) return 'greeting';
  if (THANKS.test(plain)) return 'thanks';
  if (OUT_OF_SCOPE.test(plain)) return 'out_of_scope';
  if (SMALLTALK.test(plain)) return 'smalltalk';
  if (/^(?:ok|okay|alright|right|fine|good|great|lovely|no worries|never mind|nevermind|yes|no|nope|yep|sure)[\s!.]*$/.test(plain)) return 'smalltalk';
  return 'unknown';
}
