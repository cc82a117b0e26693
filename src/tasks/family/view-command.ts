import type { MikroORM } from '@mikro-orm/core';
import type { ChatCommand } from '../button-actions.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ChannelName } from '../elders/channel-account.entity.ts';
import { linkButton } from '../../messaging/message-log.entity.ts';
import { CAN_SEE, NOT_LINKED_REPLY, roleFor } from './access.ts';
import { FamilyCircle } from './family-circle.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { elderForActor } from './family-members.ts';
import { chooseElderPrompt } from './family-commands.ts';
import type { FamilyViewLinks } from './family-view-links.ts';

/** Pins the family view to a private chat where the platform can (Telegram's menu button); a no-op elsewhere. */
export interface ViewMenu {
  show(chat: { channel: ChannelName; chatId: string }, page: { label: string; url: string }): Promise<void>;
}

/** What /view needs. */
export interface ViewCommandDeps {
  orm: MikroORM;
  clock: Clock;
  logger: Logger;
  /** Absent when the view is off (no PUBLIC_BASE_URL, or no secret to sign links with). */
  links?: FamilyViewLinks;
  menu?: ViewMenu;
}

const first = (name: string): string => name.trim().split(/\s+/)[0] ?? name;
/** What /view says when the deployment has no family page. */
export const VIEW_OFF_REPLY = "The family page isn't switched on here yet. Ask whoever runs this assistant to set PUBLIC_BASE_URL.";

/**
 * Offers the family view in a person's private chat: pins it as the chat's menu button (Telegram) for a family
 * member or caregiver, so it is one tap away. Failures are logged, never in the person's way.
 */
export async function offerViewMenu(deps: ViewCommandDeps, chat: { channel: ChannelName; chatId: string }, elder: { id: string; name: string }): Promise<void> {
  if (!deps.links || !deps.menu || chat.channel !== 'telegram') return;
  try {
    await deps.menu.show(chat, { label: `${first(elder.name)}'s week`, url: deps.links.pageUrl });
  } catch (err) {
    deps.logger.warn({ channel: chat.channel, elderId: elder.id, err: err instanceof Error ? err.message : String(err) }, 'could not pin the family view to a chat');
  }
}

/**
 * `/view`: the elder's week as a page. In a Telegram private chat a Mini App button (Telegram tells the page who
 * opens it) and the chat's menu button; in a WhatsApp chat a link signed for that person, valid for a day; in the
 * family group a link for the group. Refused, like every family command, to anyone not linked to the elder.
 */
export function viewCommand(deps: ViewCommandDeps): ChatCommand {
  return {
    name: 'view',
    description: "See the elder's week on a page",
    // Offered in the menus and /help only when the page is on; typed while it is off, it says so.
    audience: deps.links ? { chats: ['private', 'group'], people: ['elder', 'caregiver', 'family'] } : { chats: [], people: [] },
    handle: async (args, _sender, actor) => {
      if (!actor) return [{ text: NOT_LINKED_REPLY }];
      const links = deps.links;
      if (!links) return [{ text: VIEW_OFF_REPLY }];
      const now = deps.clock.now();
      const hours = links.linkHours;
      if (actor.chat.chatType === 'group') {
        const em = deps.orm.em.fork();
        const circle = await em.findOne(FamilyCircle, { channel: actor.chat.channel, groupChatId: actor.chat.chatId });
        const role = circle ? await roleFor(em, actor.account.id, circle.elderId) : null;
        if (!circle || !role || !CAN_SEE.includes(role)) return [{ text: NOT_LINKED_REPLY }];
        const elder = await em.findOneOrFail(Elder, { id: circle.elderId });
        const label = `See ${first(elder.name)}'s week`;
        return [
          {
            text: `${elder.name}'s week, for everyone in this group. The button works for ${hours} hours; send /view for a new one.`,
            buttons: [[linkButton(label, links.signedLink({ kind: 'circle', id: circle.id }, elder.id, now))]],
          },
        ];
      }
      const target = await elderForActor(deps.orm, actor, args);
      if (target.kind === 'ask') return [chooseElderPrompt(target.options)];
      if (target.kind === 'none') return [{ text: NOT_LINKED_REPLY }];
      const elder = target.linked.elder;
      const role = await roleFor(deps.orm.em.fork(), actor.account.id, elder.id);
      if (!role || !CAN_SEE.includes(role)) return [{ text: NOT_LINKED_REPLY }];
      const label = `See ${first(elder.name)}'s week`;
      if (actor.chat.channel === 'telegram') {
        if (role !== 'elder') await offerViewMenu(deps, actor.chat, elder);
        const menu = role !== 'elder' && deps.menu ? ' It is also under the menu button of this chat.' : '';
        return [{ text: `Here is ${elder.name}'s week.${menu}`, buttons: [[linkButton(label, links.telegramPage(elder.id))]] }];
      }
      return [
        {
          text: `Here is ${elder.name}'s week. The link is for you only and works for ${hours} hours: please don't forward it. Send /view for a new one.`,
          buttons: [[linkButton(label, links.signedLink({ kind: 'account', id: actor.account.id }, elder.id, now))]],
        },
      ];
    },
  };
}
