import type { ButtonSpec } from '../../messaging/message-log.entity.ts';
import type { MedicationSchedule } from './medication-schedule.entity.ts';

/** How long "Snooze" puts a dose reminder off. */
export const SNOOZE_MINUTES = 10;

/** The three answers under every dose reminder; the data is `dose:<doseId>:taken|snooze|skip`. */
export function doseButtons(doseId: string): ButtonSpec[][] {
  return [
    [
      { label: 'Taken', data: `dose:${doseId}:taken` },
      { label: `Snooze ${SNOOZE_MINUTES} min`, data: `dose:${doseId}:snooze` },
      { label: 'Skip', data: `dose:${doseId}:skip` },
    ],
  ];
}

/** The family's button under an unconfirmed-dose message: "I'll check". */
export function doseCheckButtons(doseId: string): ButtonSpec[][] {
  return [[{ label: "I'll check", data: `dosecheck:${doseId}` }]];
}

/** "Metformin 500mg": the medicine and its dose as the family wrote them. */
export function doseName(schedule: Pick<MedicationSchedule, 'medicine' | 'dose'>): string {
  return schedule.dose ? `${schedule.medicine} ${schedule.dose}` : schedule.medicine;
}

/** A local wall time 'HH:mm' said the way every message says times: "8:00 am", "12:30 pm". */
export function sayDoseTime(localTime: string): string {
  const hours = Number(localTime.slice(0, 2));
  return `${hours % 12 === 0 ? 12 : hours % 12}:${localTime.slice(3, 5)} ${hours < 12 ? 'am' : 'pm'}`;
}

const sayDoses = (n: number): string => `${n} ${n === 1 ? 'dose' : 'doses'}`;
const sayDays = (n: number): string => (n < 1 ? 'less than a day' : `about ${n} ${n === 1 ? 'day' : 'days'}`);

/** Every sentence the medicine reminders say, in one place. */
export const doseText = {
  reminder: (name: string, time: string): string => `Time for your ${name} (${time}).`,
  lateReminder: (name: string, time: string): string => `Time for your ${name}. (This was due at ${time}.)`,
  remindAgain: (name: string, time: string): string => `Just checking: have you taken your ${time} ${name}?`,
  snoozeOver: (name: string, time: string): string => `Here is your reminder again: ${name} (${time}).`,
  familyUnconfirmed: (elderName: string, name: string, time: string): string => `${elderName} hasn't confirmed their ${time} ${name}.`,
  familyAnswered: (elderName: string, name: string, time: string, status: 'taken' | 'skipped'): string =>
    status === 'taken' ? `Good news: ${elderName} has now taken their ${time} ${name}.` : `${elderName} has answered: they are skipping their ${time} ${name}.`,
  familyTaken: (elderName: string, name: string, time: string): string => `${elderName} has taken the ${time} ${name}.`,
  familySkipped: (elderName: string, name: string, time: string): string => `${elderName} is skipping the ${time} ${name}.`,
  familyMissed: (elderName: string, name: string, time: string): string => `${elderName} didn't answer about the ${time} ${name}, so I've noted it as missed.`,
  familyMissedOffline: (elderName: string, doses: string[]): string =>
    doses.length === 1
      ? `${elderName}'s ${doses[0]} is noted as missed: I couldn't send the reminder in time.`
      : `${doses.length} of ${elderName}'s doses are noted as missed: I couldn't send the reminders in time. ${doses.slice(0, 5).join('; ')}${doses.length > 5 ? `; and ${doses.length - 5} more` : ''}.`,
  taken: (name: string, time: string): string => `Well done. I've noted your ${time} ${name} as taken.`,
  skipped: (name: string, time: string): string => `Okay, I've noted that you're skipping your ${time} ${name}.`,
  snoozed: (): string => `Okay, I'll remind you again in ${SNOOZE_MINUTES} minutes.`,
  alreadySnoozed: (): string => `I'll remind you again in a few minutes.`,
  alreadyAnswered: (status: string): string => `That dose is already noted as ${status}.`,
  notYours: (): string => 'Sorry, that button is not for you.',
  unknownButton: (): string => 'Sorry, that button no longer works. What would you like to do?',
  checking: (familyName: string, elderName: string): string => `${familyName} is checking on ${elderName}.`,
  youAreChecking: (elderName: string): string => `Thank you. I've told the others you're checking on ${elderName}.`,
  alreadyChecking: (familyName: string): string => `${familyName} is already checking.`,
  youAlreadyChecking: (): string => "You've already said you'll check.",
  alreadyAnsweredForFamily: (elderName: string, status: string): string => `No need: ${elderName}'s dose is already noted as ${status}.`,
  refillElder: (name: string, left: number, days: number): string =>
    left === 0 ? `That was your last dose of ${name}. It's time to order a refill.` : `You have ${sayDoses(left)} of ${name} left, enough for ${sayDays(days)}. It's time to order a refill.`,
  refillFamily: (elderName: string, name: string, left: number, days: number): string =>
    left === 0
      ? `${elderName} has just taken the last dose of ${name}. It's time to order a refill.`
      : `${elderName} has ${sayDoses(left)} of ${name} left, enough for ${sayDays(days)}. It's time to order a refill.`,
};
