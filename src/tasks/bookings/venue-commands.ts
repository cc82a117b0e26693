import type { MikroORM } from '@mikro-orm/core';
import type { TaskService } from '../task-service.ts';
import { InvalidTaskArgsError } from '../task-service.ts';
import type { TaskHandlerRegistry } from '../task-handler.ts';
import type { ActionReply, Actor, ButtonAction, ChatCommand } from '../button-actions.ts';
import { CAN_SEE, NOT_LINKED_REPLY, roleFor } from '../family/access.ts';
import { elderForActor } from '../family/family-members.ts';
import { ADD_VENUE_KIND, addVenueArgs, type AddVenueArgs } from './add-venue.task.ts';

/** What /addvenue needs from the composition root. */
export interface VenueCommandDeps {
  orm: MikroORM;
  tasks: TaskService;
  handlers: TaskHandlerRegistry;
}

/** Who may add a venue for an elder: the elder and the family members and caregivers linked to them. */
const MAY_ADD = CAN_SEE;
const EXAMPLE = "/addvenue Rosa's Trattoria, restaurant, 12 High St, 020 7946 0000";
const USAGE = `Tell me the place in one message, like this:\n${EXAMPLE}\n(name, restaurant or salon, then the address and phone if you know them)`;
const RESTAURANT = /^(?:restaurant|cafe|café|pub|bistro|diner|inn|tea ?room|brasserie|pizzeria|carvery|bar)$/i;
const SALON = /^(?:salon|hair ?dresser'?s?|hair|hair salon|barber'?s?|barbershop|nails?|nail bar|beauty|beauty salon|spa)$/i;
const PHONE = /^\+?\d[\d\s().-]{5,}$/;

/** What an /addvenue line says: the venue, or why it cannot be read. */
export type VenueLine = { kind: 'venue'; venue: AddVenueArgs } | { kind: 'unclear'; reply: string };

/**
 * Reads "/addvenue Name, kind, address…, phone": the first part is the name, the second the kind
 * (restaurant, café, pub… or salon, barber, nails…), a last part that looks like a phone number is the phone,
 * and everything between is the address (it may hold commas).
 */
export function parseVenueLine(line: string): VenueLine {
  const parts = line.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  const [name, kindWord, ...rest] = parts;
  if (!name) return { kind: 'unclear', reply: USAGE };
  const kind = kindWord && RESTAURANT.test(kindWord) ? 'restaurant' : kindWord && SALON.test(kindWord) ? 'salon' : null;
  if (!kind) return { kind: 'unclear', reply: `Is ${name} a restaurant or a salon? ${USAGE}` };
  const phone = rest.length > 0 && PHONE.test(rest.at(-1)!) ? rest.pop() : undefined;
  const address = rest.join(', ');
  const parsed = addVenueArgs.safeParse({ name, kind, ...(address ? { address } : {}), ...(phone ? { phone } : {}) });
  return parsed.success ? { kind: 'venue', venue: parsed.data } : { kind: 'unclear', reply: `That is too long for me to keep. ${USAGE}` };
}

const yesNo = (taskId: string) => [[{ label: 'Yes', data: `addvenue:${taskId}:yes` }, { label: 'No', data: `addvenue:${taskId}:no` }]];

/**
 * /addvenue: someone linked to the elder (in the family group, or privately) names a restaurant or salon;
 * it is read back with Yes / No (`addvenue:<taskId>:yes|no`) and saved by the add_venue task on yes.
 */
export function createVenueCommands(deps: VenueCommandDeps): ChatCommand[] {
  return [
    {
      name: 'addvenue',
      description: 'Add a restaurant or salon I can book',
      audience: { chats: ['private', 'group'], people: ['elder', 'caregiver', 'family'] },
      async handle(args, _sender, actor) {
        if (!actor) return [{ text: NOT_LINKED_REPLY }];
        const target = await elderForActor(deps.orm, actor);
        if (target.kind === 'ask') return [{ text: 'Please send /elder first to choose who the place is for, then send it again.' }];
        if (target.kind === 'none') return [{ text: NOT_LINKED_REPLY }];
        const elder = target.linked.elder;
        const role = await roleFor(deps.orm.em.fork(), actor.account.id, elder.id);
        if (!role || !MAY_ADD.includes(role)) return [{ text: NOT_LINKED_REPLY }];
        const line = parseVenueLine(args);
        if (line.kind === 'unclear') return [{ text: line.reply }];
        const handler = deps.handlers.get(ADD_VENUE_KIND);
        if (!handler) return [{ text: "Sorry, I can't add places yet." }];
        try {
          const task = await deps.tasks.propose({
            elder,
            kind: ADD_VENUE_KIND,
            args: line.venue,
            requestedByAccountId: actor.account.id,
            replyChannel: actor.chat.channel,
            replyChatId: actor.chat.chatId,
          });
          return [{ text: handler.readBack(handler.schema.parse(task.args), elder), buttons: yesNo(task.id) }];
        } catch (err) {
          if (err instanceof InvalidTaskArgsError) return [{ text: USAGE }];
          throw err;
        }
      },
    },
  ];
}

const ANSWER = /^addvenue:([0-9a-f-]{36}):(yes|no)$/;

/**
 * The Yes / No under a new venue's read-back: only the person who asked may answer, and only while still
 * linked to the elder. Yes queues the add_venue task (its reply says when it is saved); a second press is told
 * it was already answered.
 */
export class AddVenueAnswer implements ButtonAction {
  readonly prefix = 'addvenue';
  private readonly deps: VenueCommandDeps;

  constructor(deps: VenueCommandDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const match = ANSWER.exec(data);
    const task = match ? await this.deps.tasks.get(match[1]!) : null;
    if (!match || !task || task.kind !== ADD_VENUE_KIND || task.requestedByAccountId !== actor.account.id) return [{ text: 'Sorry, that button no longer works.' }];
    const role = await roleFor(this.deps.orm.em.fork(), actor.account.id, task.elderId);
    if (!role || !MAY_ADD.includes(role)) return [{ text: NOT_LINKED_REPLY }];
    if (match[2] === 'yes') return (await this.deps.tasks.confirm(task.id)) ? [] : [{ text: 'That was already answered.' }];
    return (await this.deps.tasks.cancel(task.id)) ? [{ text: "Okay, I won't add it." }] : [{ text: 'That was already answered.' }];
  }
}
