import type { Agent } from './agent.ts';
import type { ConversationTurn } from './understanding/types.ts';
import { classifyConfirmation, understandEdit } from './understanding/confirmation.ts';
import type { TaskService } from '../tasks/task-service.ts';
import { InvalidTaskArgsError } from '../tasks/task-service.ts';
import { NothingToConfirmError } from '../tasks/task-errors.ts';
import type { TaskHandlerRegistry } from '../tasks/task-handler.ts';
import type { Elder } from '../tasks/elders/elder.entity.ts';
import type { ChannelAccount } from '../tasks/elders/channel-account.entity.ts';
import type { ButtonSpec } from '../messaging/message-log.entity.ts';
import type { Task } from '../tasks/task.entity.ts';
import type { Actor, ButtonActionRegistry } from '../tasks/button-actions.ts';
import { CAN_MANAGE, NOT_LINKED_REPLY, roleFor } from '../tasks/family/access.ts';
import { instantToLocal } from '../lib/local-time.ts';
import { inFirstPerson, namesOfElder, othersInRequest } from '../lib/person-words.ts';
import { findMedicine, isDrugWord } from './understanding/medicine-name.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { screenMessage } from './safety/screen.ts';

/** The elder's typed answer to her waiting safety check-in ("I'm OK", "yes, get help"), or null when it is not one. */
export interface CheckInAnswers {
  answerTyped(elderId: string, text: string): Promise<Reply[] | null>;
}

/** One message the assistant says back. */
export interface Reply {
  text: string;
  buttons?: ButtonSpec[][];
}

/** A turn of the conversation as the assistant sees it. */
export interface AssistantTurn {
  elder: Elder;
  account: ChannelAccount;
  /** Where the conversation happens (replies and task results go there). */
  chat: { channel: ChannelAccount['channel']; chatId: string; chatType: 'private' | 'group' };
  history: ConversationTurn[];
  input: { kind: 'text'; text: string } | { kind: 'button'; data: string };
}

/** Runs a read-only task at once (get_schedule); its answer goes out through the outbox. Injected to keep the agent off the workers. */
export type InlineRunner = (task: Task) => Promise<void>;

const yesNo = (taskId: string): ButtonSpec[][] => [[{ label: 'Yes', data: `yes:${taskId}` }, { label: 'No', data: `no:${taskId}` }]];

const SORRY_UNCLEAR = "Sorry, I didn't quite understand. Could you say it another way?";

/**
 * The conversation logic around the agent: a side-effecting tool call becomes a task that waits for a yes
 * (read back with Yes/No buttons); yes queues it, no cancels it, a change ("make it 8 instead") amends it
 * and reads it back again. Emergencies are never held for a yes.
 */
export class Assistant {
  private readonly agent: Agent;
  private readonly tasks: TaskService;
  private readonly handlers: TaskHandlerRegistry;
  private readonly buttons: ButtonActionRegistry;
  private readonly runInline: InlineRunner;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly checkIns: CheckInAnswers | undefined;

  constructor(deps: { agent: Agent; tasks: TaskService; handlers: TaskHandlerRegistry; buttons: ButtonActionRegistry; runInline: InlineRunner; clock: Clock; logger: Logger; checkIns?: CheckInAnswers }) {
    this.agent = deps.agent;
    this.tasks = deps.tasks;
    this.handlers = deps.handlers;
    this.buttons = deps.buttons;
    this.runInline = deps.runInline;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.checkIns = deps.checkIns;
  }

  /**
   * Answers one turn. Danger in her words goes straight to the agent (whose safety screen raises it), ahead of
   * any question she was asked; otherwise a waiting check-in or read-back is answered first.
   */
  async handle(turn: AssistantTurn): Promise<Reply[]> {
    if (turn.input.kind === 'button') return this.handleButton(turn, turn.input.data);
    const text = turn.input.text;
    const danger = screenMessage(text).grade !== 'none';
    if (!danger && this.checkIns) {
      const answered = await this.checkIns.answerTyped(turn.elder.id, text);
      if (answered) return answered;
    }
    const pending = danger ? null : await this.tasks.pendingFor(turn.elder.id, turn.account.id);
    if (pending) {
      const answer = classifyConfirmation(text);
      if (answer === 'yes') return this.confirm(pending.id);
      if (answer === 'no') return this.cancel(pending.id);
      const edited = understandEdit(
        { text, now: instantToLocal(this.clock.now(), turn.elder.timezone), timezone: turn.elder.timezone, history: turn.history },
        { tool: pending.kind as never, args: pending.args },
      );
      if (edited) {
        try {
          const amended = await this.tasks.amend(pending.id, edited);
          if (amended) return [this.readBack(amended, turn.elder)];
        } catch (err) {
          return [refusal(err)];
        }
      }
    }
    // An elder who names herself ("remind Margaret to…", dictated or copied) is understood as "me".
    const own = inFirstPerson(text, namesOf(turn.elder), false);
    const decision = await this.agent.respond({ elder: turn.elder, text: own, history: turn.history, now: this.clock.now() });
    if (decision.kind === 'reply') return [{ text: decision.text }];
    const handler = this.handlers.get(decision.tool);
    if (!handler) return [{ text: "Sorry, I can't do that yet." }];
    const request = {
      elder: turn.elder,
      kind: decision.tool,
      args: decision.args,
      requestedByAccountId: turn.account.id,
      replyChannel: turn.chat.channel,
      replyChatId: turn.chat.chatId,
    };
    try {
      if (handler.readOnly) {
        await this.runInline(await this.tasks.submit(request, { inline: true }));
        return [];
      }
      if (handler.skipConfirmation && !decision.confirmFirst) {
        await this.tasks.submit(request);
        return [];
      }
      const task = await this.tasks.propose(request);
      return [this.readBack(task, turn.elder)];
    } catch (err) {
      const reply = refusal(err);
      this.logger.info({ elderId: turn.elder.id, tool: decision.tool, err: (err as Error).message }, 'tool arguments refused');
      return [reply];
    }
  }

  private readBack(task: Task, elder: Elder): Reply {
    const handler = this.handlers.get(task.kind)!;
    return { text: handler.readBack(handler.schema.parse(task.args), elder), buttons: yesNo(task.id) };
  }

  private async handleButton(turn: AssistantTurn, data: string): Promise<Reply[]> {
    const action = this.buttons.find(data);
    if (action) return action.handle(data, { account: turn.account, elder: turn.elder, chat: turn.chat });
    const pressed = yesOrNo(data);
    if (!pressed) return [{ text: 'Sorry, that button no longer works. What would you like to do?' }];
    const { answer, taskId } = pressed;
    const task = await this.tasks.get(taskId);
    // A button from another elder's conversation (forged or forwarded) is treated as unknown.
    if (!task || task.elderId !== turn.elder.id) return [{ text: 'Sorry, that button no longer works. What would you like to do?' }];
    return answer === 'yes' ? this.confirm(taskId) : this.cancel(taskId);
  }

  private async confirm(taskId: string): Promise<Reply[]> {
    if (await this.tasks.confirm(taskId)) return [];
    return [{ text: 'That was already answered.' }];
  }

  private async cancel(taskId: string): Promise<Reply[]> {
    if (await this.tasks.cancel(taskId)) return [{ text: "Okay, I won't do that." }];
    return [{ text: 'That was already answered.' }];
  }

  /**
   * A caregiver asks for something for their elder ("add Donepezil 5mg for Mum at 9pm"): understood as if the
   * elder had said it, proposed for that elder and read back to the caregiver with Yes/No buttons. Only the
   * tools a caregiver manages are taken; anything else returns null (the family conversation goes on).
   */
  async proposeForCaregiver(actor: Actor, elder: Elder, text: string, nickname: string | null = null): Promise<Reply[] | null> {
    const names = namesOf(elder, nickname);
    // Asked for somebody else ("add Donepezil for Dorothy"), it is never done for this elder instead.
    const medicine = findMedicine(text)?.name.toLowerCase();
    const others = othersInRequest(text, names, (word) => isDrugWord(word, false) || word.toLowerCase() === medicine);
    if (others.length > 0) return [{ text: `Sorry, I can only arrange things for ${elder.name} here, and you are not linked to ${others[0]}.` }];
    const decision = await this.agent.respond({ elder, text: inFirstPerson(text, names, true), history: [], now: this.clock.now() });
    if (decision.kind !== 'tool' || !CAREGIVER_TOOLS.has(decision.tool)) return null;
    const handler = this.handlers.get(decision.tool);
    if (!handler) return null;
    try {
      const task = await this.tasks.propose({
        elder,
        kind: decision.tool,
        args: decision.args,
        requestedByAccountId: actor.account.id,
        replyChannel: actor.chat.channel,
        replyChatId: actor.chat.chatId,
      });
      const readBack = this.readBack(task, elder);
      return [{ ...readBack, text: `For ${elder.name}: ${readBack.text}` }];
    } catch (err) {
      return [refusal(err)];
    }
  }

  /** Whether a family member's words ask for one of the things a caregiver may arrange (nothing is saved). */
  async asksToArrange(elder: Elder, text: string, nickname: string | null = null): Promise<boolean> {
    const decision = await this.agent.respond({ elder, text: inFirstPerson(text, namesOf(elder, nickname), true), history: [], now: this.clock.now() });
    return decision.kind === 'tool' && CAREGIVER_TOOLS.has(decision.tool);
  }

  /**
   * Yes or No pressed by someone who is not the elder: only the person who asked may answer their own
   * proposal, and only while they still manage that elder.
   */
  async answerForCaregiver(actor: Actor, data: string): Promise<Reply[] | null> {
    const pressed = yesOrNo(data);
    if (!pressed) return null;
    const { answer, taskId } = pressed;
    const task = await this.tasks.get(taskId);
    if (!task || task.requestedByAccountId !== actor.account.id) return [{ text: 'Sorry, that button no longer works.' }];
    const role = await roleFor(this.tasks.entityManager(), actor.account.id, task.elderId);
    if (!role || !CAN_MANAGE.includes(role)) return [{ text: NOT_LINKED_REPLY }];
    return answer === 'yes' ? this.confirm(taskId) : this.cancel(taskId);
  }
}

/** The answer and task of a read-back's Yes/No button ("yes:<task id>"), or null for any other data. */
function yesOrNo(data: string): { answer: 'yes' | 'no'; taskId: string } | null {
  const match = /^(yes|no):([0-9a-f-]{36})$/.exec(data);
  return match ? { answer: match[1] as 'yes' | 'no', taskId: match[2]! } : null;
}

const namesOf = (elder: Elder, nickname: string | null = null): Set<string> => namesOfElder(elder.name, nickname);

/** What a caregiver may ask the assistant to do for their elder. */
const CAREGIVER_TOOLS = new Set(['add_medication', 'set_reminder', 'book_restaurant', 'book_salon', 'cancel_booking', 'reschedule_booking']);

/** What to say when a request cannot be read back: arguments that make no sense, or nothing to do; anything else is rethrown. */
function refusal(err: unknown): Reply {
  if (err instanceof NothingToConfirmError) return { text: err.elderMessage };
  if (err instanceof InvalidTaskArgsError) return { text: SORRY_UNCLEAR };
  throw err;
}
