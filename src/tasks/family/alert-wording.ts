import type { AlertKind } from './alert.entity.ts';
import type { LocalHelp, SafetyCategory } from './emergency-help.ts';

/** Who is told, for the elder's sentence: "Sarah and David", "your family group". */
export function namesOfTold(names: (string | null)[]): string {
  const people = [...new Set(names.filter((n): n is string => Boolean(n)))];
  const group = names.some((n) => n === null);
  const all = group ? [...people, 'your family group'] : people;
  if (all.length === 0) return 'your family';
  return all.length === 1 ? all[0]! : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}

/** What to do now, in one short sentence, for the kind of danger. */
function whatToDoNow(category: SafetyCategory | null, aboutSomeoneElse: boolean, description: string, help: LocalHelp): string {
  const call = help.emergencyNumber;
  if (aboutSomeoneElse) return `Call ${call} now for an ambulance.`;
  if (category === 'home') {
    if (/\bgas\b|monoxide|\bco\b/i.test(description)) return `Don't touch any switches; get outside if you can, then call ${call}.`;
    if (/fire|smoke|burn|flame/i.test(description)) return `Get out of the house if you can, then call ${call}.`;
    if (/flood|water|heating|boiler|cold|freez/i.test(description)) return `Keep away from water and sockets, and call ${call} if you are in danger.`;
    return `If you can, lock yourself in a room and call ${call}.`;
  }
  if (category === 'medicine') return `If you feel at all unwell, call ${call} now.`;
  return `If you can, call ${call} now.`;
}

/** The elder's answer to an emergency: who was told and what to do now, in one or two short sentences. */
export function emergencyReply(input: { told: (string | null)[]; category: SafetyCategory | null; aboutSomeoneElse: boolean; description: string; help: LocalHelp }): string {
  const action = whatToDoNow(input.category, input.aboutSomeoneElse, input.description, input.help);
  if (input.told.length === 0) return `No family is linked yet, so I could not alert anyone. ${action}`;
  return `I've told ${namesOfTold(input.told)}. ${action}`;
}

/** The elder's answer to despair: a kind word first, a helpline for her country, and who was told, gently. */
export function despairReply(input: { told: (string | null)[]; help: LocalHelp }): string {
  const kind = "I'm so sorry you're feeling like this. You matter, and you don't have to face it alone.";
  const line = input.help.helpline
    ? `You can talk to ${input.help.helpline.name} any time on ${input.help.helpline.number}.`
    : `If you might act on these thoughts, please call ${input.help.emergencyNumber} now.`;
  const told = input.told.length > 0 ? ` I've let ${namesOfTold(input.told)} know, so they can be with you.` : '';
  return `${kind} ${line}${told}`;
}

/** The family's first message about an alert. */
export function familyAlertText(kind: AlertKind, input: { elderName: string; description: string; aboutSomeoneElse?: boolean; minutes?: number }): string {
  const { elderName: name, description } = input;
  if (kind === 'despair') {
    return `${name} told me: "${description}". ${name} may be feeling very low. Please get in touch with ${name} soon, and stay with ${name} if you can.`;
  }
  if (kind === 'silent_check_in') {
    return `URGENT: ${name} told me "${description}" and has not answered my check-in for ${input.minutes ?? 5} minutes. Please check on ${name} now.`;
  }
  if (input.aboutSomeoneElse) return `URGENT: someone with ${name} needs help. ${name} wrote: "${description}". Please call ${name} now.`;
  return `URGENT: ${name} needs help: "${description}". Please check on ${name} now.`;
}

/** The family's repeat of an alert nobody has acknowledged yet. */
export function familyRepeatText(kind: AlertKind, input: { elderName: string; description: string }): string {
  const { elderName: name, description } = input;
  if (kind === 'despair') return `Has anyone been in touch with ${name} yet? ${name} told me: "${description}". Press "I'm on it" when you are.`;
  if (kind === 'silent_check_in') return `URGENT, still unanswered: ${name} told me "${description}" and has not answered. Press "I'm on it" if you are dealing with it.`;
  return `URGENT, still unanswered: ${name} needs help: "${description}". Press "I'm on it" if you are dealing with it.`;
}

/** The check-in question: one question, the buttons, and what silence will mean. */
export function checkInQuestion(told: (string | null)[], minutes: number): string {
  const then = told.length > 0 ? `If I don't hear from you in ${minutes} minutes, I'll let ${namesOfTold(told)} know.` : `If you are in danger, call for help.`;
  return `I'm a little worried about you. Do you need help now? ${then}`;
}
