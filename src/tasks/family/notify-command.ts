import type { MikroORM } from '@mikro-orm/core';
import type { ActionReply, Actor, ButtonAction, ChatCommand, CommandSender } from '../button-actions.ts';
import type { Logger } from '../../lib/logger.ts';
import { NOT_LINKED, NOT_LINKED_REPLY, orNotLinked, repliesUnlessNotLinked } from './access.ts';
import { DOSE_NOTICES, circleDoseNotices, setDoseNotice, type CircleDoseNotices, type DoseNotice } from './notification-preferences.ts';

/** What `/notify` and its buttons need. */
export interface NotifyDeps {
  orm: MikroORM;
  logger: Logger;
}

const first = (name: string): string => name.trim().split(/\s+/)[0]!;

/** "when Mum takes a dose", for each event. */
const WHEN: Record<DoseNotice, (name: string) => string> = {
  taken: (name) => `when ${name} takes a dose`,
  skipped: (name) => `when ${name} skips a dose`,
  missed: (name) => `when ${name} misses a dose`,
};

const WORDS: Record<DoseNotice, RegExp> = {
  taken: /\b(?:taken|takes|take|took)\b/i,
  skipped: /\b(?:skipped|skips|skip|skipping)\b/i,
  missed: /\b(?:missed|misses|miss)\b/i,
};

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const BUTTON_DATA = new RegExp(`^notify:(${UUID}):(taken|skipped|missed):(on|off)$`);

const NOT_A_CIRCLE: ActionReply = { text: "This group isn't a family circle yet. To make it one, send /link with an invite code from the elder or their caregiver." };
const IN_THE_GROUP: ActionReply = { text: 'Please send /notify in your family group: these settings belong to the whole family.' };
const USAGE = 'To change one, press a button, or write like "/notify taken on" or "/notify missed off".';

/**
 * The family's settings in plain words, with one button per event that switches it. The state is in the text
 * and the buttons say what pressing does, so a keyboard marked "✓ <label>" after the press stays true.
 */
export function doseNoticesView(current: CircleDoseNotices): ActionReply {
  const name = first(current.elder.name);
  const lines = DOSE_NOTICES.map((n) => `Tell the family ${WHEN[n](name)}: ${current.settings[n] ? 'On' : 'Off'}`);
  return {
    text:
      `What the family hears about ${name}'s medicines straight away:\n${lines.join('\n')}\n` +
      `I always tell you at once when ${name} hasn't answered a reminder, and every evening you get the day's summary. Press a button to change one.`,
    buttons: DOSE_NOTICES.map((n) => {
      const on = current.settings[n];
      return [{ label: `${on ? 'Turn off' : 'Turn on'}: ${WHEN[n](name)}`, data: `notify:${current.circleId}:${n}:${on ? 'off' : 'on'}` }];
    }),
  };
}

/** What the family is told after a change (or a change that was already so). */
function changedReply(result: CircleDoseNotices & { changed: boolean }, notice: DoseNotice, on: boolean): ActionReply {
  const name = first(result.elder.name);
  const when = WHEN[notice](name);
  if (!result.changed) return { text: on ? `That's already on: I tell the family ${when}.` : `That's already off: I don't tell the family ${when}.` };
  if (on) return { text: `Done. From now on I'll tell the family ${when}.` };
  const safety = notice === 'missed' ? ` I'll still tell you at once when ${name} hasn't answered a reminder.` : '';
  return { text: `Done. I won't tell the family ${when} any more.${safety}` };
}

/** Switches one event for the actor, or says kindly why not; then shows the settings again. */
async function switchNotice(deps: NotifyDeps, actor: Actor, circleId: string, notice: DoseNotice, on: boolean): Promise<ActionReply[]> {
  return repliesUnlessNotLinked(async () => {
    const result = await setDoseNotice(deps.orm, { actorAccountId: actor.account.id, circleId, notice, on });
    if (result.changed) deps.logger.info({ elderId: result.elder.id, accountId: actor.account.id, notice, on }, 'family dose notices changed');
    return [changedReply(result, notice, on), doseNoticesView(result)];
  });
}

/**
 * `/notify` in a family group: shows which dose events the family is told about at once, with buttons to
 * switch each; `/notify taken on` (or `skipped`, `missed`; `on`, `off`) switches one directly. Only the elder
 * and the people actively linked to them may see or change it; anyone else is refused and nothing changes.
 */
export function notifyCommand(deps: NotifyDeps): ChatCommand {
  return {
    name: 'notify',
    description: 'Choose which medicine news the family hears',
    audience: { chats: ['group'], people: ['elder', 'caregiver', 'family'] },
    handle: async (args: string, sender: CommandSender, actor: Actor | null): Promise<ActionReply[]> => {
      if (!actor) return [{ text: NOT_LINKED_REPLY }];
      if (sender.chatType !== 'group') return [IN_THE_GROUP];
      const current = await orNotLinked(() => circleDoseNotices(deps.orm, { actorAccountId: actor.account.id, channel: sender.channel, chatId: sender.chatId }));
      if (current === NOT_LINKED) return [{ text: NOT_LINKED_REPLY }];
      if (!current) return [NOT_A_CIRCLE];
      if (!args) return [doseNoticesView(current)];
      const notices = DOSE_NOTICES.filter((n) => WORDS[n].test(args));
      const switches = [/\bon\b/i.test(args) ? true : null, /\boff\b/i.test(args) ? false : null].filter((v) => v !== null);
      if (notices.length !== 1 || switches.length !== 1) return [{ text: `Sorry, I didn't understand that. ${USAGE}` }, doseNoticesView(current)];
      return switchNotice(deps, actor, current.circleId, notices[0]!, switches[0]!);
    },
  };
}

/** The `/notify` buttons (`notify:<circleId>:taken|skipped|missed:on|off`); setting a value makes a second press harmless. */
export class NotifyButtons implements ButtonAction {
  readonly prefix = 'notify';
  private readonly deps: NotifyDeps;

  constructor(deps: NotifyDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = BUTTON_DATA.exec(data);
    if (!match) return [{ text: 'Sorry, that button no longer works. Send /notify to see the settings.' }];
    const [, circleId, notice, on] = match as unknown as [string, string, DoseNotice, 'on' | 'off'];
    return switchNotice(this.deps, actor, circleId, notice, on === 'on');
  }
}
