import type { MikroORM } from '@mikro-orm/core';
import type { ActionReply, Actor, ButtonAction, ChatCommand, CommandSender } from '../button-actions.ts';
import type { Logger } from '../../lib/logger.ts';
import { CAN_SEE, NOT_LINKED, NOT_LINKED_REPLY, NotLinkedError, orNotLinked, repliesUnlessNotLinked, requireLink } from './access.ts';
import { FamilyCircle } from './family-circle.entity.ts';
import { placeOfZone } from './city-timezones.ts';
import { SUMMARY_OFF, circleSummaryTime, setSummaryTime, type CircleSummaryTime, type SummaryTimeChoice } from './summary-time.ts';
import { parseClockTime } from '../medicines/medicine-changes.ts';
import { sayDoseTime } from '../medicines/dose-messages.ts';

/** What `/summary` and its buttons need. */
export interface SummaryCommandDeps {
  orm: MikroORM;
  logger: Logger;
  /** The deployment's summary time 'HH:mm' (FAMILY_SUMMARY_TIME), used when a family has not chosen one. */
  defaultTime: string;
}

const first = (name: string): string => name.trim().split(/\s+/)[0]!;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const BUTTON_DATA = new RegExp(`^summary:(${UUID}):(\\d{4}|off|on):(yes|no)$`);

const NOT_A_CIRCLE: ActionReply = { text: "This group isn't a family circle yet. To make it one, send /link with an invite code from the elder or their caregiver." };
const IN_THE_GROUP: ActionReply = { text: 'Please send /summary in your family group: the summary time belongs to the whole family.' };
const USAGE = 'To change it, write like "/summary 7pm", or "/summary off" to stop it.';

/** "7:00 pm Brisbane time each evening": a time said with the elder's place and the part of the day. */
function sayWhen(time: string, timezone: string): string {
  const hours = Number(time.slice(0, 2));
  const part = hours < 12 ? 'morning' : hours < 18 ? 'afternoon' : 'evening';
  return `${sayDoseTime(time)} ${placeOfZone(timezone)} time each ${part}`;
}

/** The button data that stands for a choice: 'HHmm', 'off', or 'on' for the usual time. */
const choiceData = (choice: SummaryTimeChoice): string => (choice === null ? 'on' : choice === SUMMARY_OFF ? SUMMARY_OFF : choice.replace(':', ''));

/** The choice a button's data stands for. */
const choiceOf = (data: string): SummaryTimeChoice => (data === 'on' ? null : data === SUMMARY_OFF ? SUMMARY_OFF : `${data.slice(0, 2)}:${data.slice(2)}`);

/** The family's current setting in plain words, with how to change it. */
export function summaryTimeView(current: CircleSummaryTime, defaultTime: string): ActionReply {
  const name = first(current.elder.name);
  if (current.choice === SUMMARY_OFF) return { text: `${name}'s daily summary is off: no evening summary and no Sunday chart. To start it again, write like "/summary 8pm".` };
  const time = current.choice ?? defaultTime;
  return {
    text: `${name}'s daily summary comes at ${sayWhen(time, current.elder.timezone)}${current.choice === null ? ' (the usual time)' : ''}, with the week's chart on Sundays. ${USAGE}`,
  };
}

/** What a choice will mean, as the read-back and the "Done" both say it. */
function sayChoice(current: CircleSummaryTime, choice: SummaryTimeChoice, defaultTime: string): string {
  if (choice === SUMMARY_OFF) return `I won't send the daily summary or the Sunday chart any more. I'll still tell you at once when ${first(current.elder.name)} hasn't answered a reminder.`;
  return `The daily summary will come at ${sayWhen(choice ?? defaultTime, current.elder.timezone)}.`;
}

/**
 * `/summary` in a family group: shows when the family's daily summary (and Sunday chart) comes; `/summary 7pm`
 * reads a new time back with Yes/No, `/summary off` stops them and `/summary on` goes back to the usual time.
 * Only the elder and the people actively linked to them may see or change it; anyone else is refused.
 */
export function summaryCommand(deps: SummaryCommandDeps): ChatCommand {
  return {
    name: 'summary',
    description: 'Choose when the daily summary comes',
    audience: { chats: ['group'], people: ['elder', 'caregiver', 'family'] },
    handle: async (args: string, sender: CommandSender, actor: Actor | null): Promise<ActionReply[]> => {
      if (!actor) return [{ text: NOT_LINKED_REPLY }];
      if (sender.chatType !== 'group') return [IN_THE_GROUP];
      const current = await orNotLinked(() => circleSummaryTime(deps.orm, { actorAccountId: actor.account.id, channel: sender.channel, chatId: sender.chatId }));
      if (current === NOT_LINKED) return [{ text: NOT_LINKED_REPLY }];
      if (!current) return [NOT_A_CIRCLE];
      const words = args.trim().toLowerCase().replace(/^at\s+/, '');
      if (!words) return [summaryTimeView(current, deps.defaultTime)];
      let choice: SummaryTimeChoice;
      if (/^(?:off|stop)$/.test(words)) choice = SUMMARY_OFF;
      else if (/^(?:on|usual|default)$/.test(words)) choice = null;
      else {
        const time = parseClockTime(words);
        if (!time) return [{ text: `Sorry, I didn't understand that time. ${USAGE}` }];
        choice = time;
      }
      if (choice === current.choice) return [{ text: `That's already so. ${summaryTimeView(current, deps.defaultTime).text}` }];
      const data = `summary:${current.circleId}:${choiceData(choice)}`;
      const question = choice === SUMMARY_OFF ? `Stop ${first(current.elder.name)}'s daily summary and Sunday chart? ${sayChoice(current, choice, deps.defaultTime)} OK?` : `${sayChoice(current, choice, deps.defaultTime)} OK?`;
      return [{ text: question, buttons: [[{ label: 'Yes', data: `${data}:yes` }, { label: 'No', data: `${data}:no` }]] }];
    },
  };
}

/** The `/summary` read-back buttons (`summary:<circleId>:<HHmm|off|on>:yes|no`); setting a value makes a second press harmless. */
export class SummaryTimeButtons implements ButtonAction {
  readonly prefix = 'summary';
  private readonly deps: SummaryCommandDeps;

  constructor(deps: SummaryCommandDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = BUTTON_DATA.exec(data);
    if (!match) return [{ text: 'Sorry, that button no longer works. Send /summary to see the setting.' }];
    const [, circleId, wanted, answer] = match as unknown as [string, string, string, 'yes' | 'no'];
    return repliesUnlessNotLinked(async () => {
      if (answer === 'no') {
        // Still only for someone linked: a stranger learns nothing from pressing.
        await requireCircleSight(this.deps.orm, actor, circleId);
        return [{ text: 'All right, I left the daily summary as it was.' }];
      }
      const result = await setSummaryTime(this.deps.orm, { actorAccountId: actor.account.id, circleId, choice: choiceOf(wanted) });
      if (result.changed) this.deps.logger.info({ elderId: result.elder.id, accountId: actor.account.id, summaryTime: result.choice }, 'family summary time changed');
      return [{ text: `${result.changed ? 'Done.' : "That's already so."} ${sayChoice(result, result.choice, this.deps.defaultTime)}` }];
    });
  }
}

/** Throws NotLinkedError unless the actor may see the circle's setting. */
async function requireCircleSight(orm: MikroORM, actor: Actor, circleId: string): Promise<void> {
  const em = orm.em.fork();
  const circle = await em.findOne(FamilyCircle, { id: circleId });
  if (!circle) throw new NotLinkedError(actor.account.id, 'unknown');
  await requireLink(em, actor.account.id, circle.elderId, CAN_SEE);
}
