import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { MessageLog, type ButtonSpec } from './message-log.entity.ts';
import type { ChannelName } from '../tasks/elders/channel-account.entity.ts';
import { DEFAULT_LANE, type Lane } from './lanes.ts';

/** A message to be sent, before it is written to the outbox. */
export interface OutboundDraft {
  channel: ChannelName;
  chatId: string;
  text: string;
  buttons?: ButtonSpec[][];
  photo?: string;
  elderId?: string | null;
  accountId?: string | null;
  /** Set when one event must produce this message once, however often the event is processed. */
  idempotencyKey?: string;
  /** Its turn and pace (see lanes.ts); default `reminder`. */
  lane?: Lane;
  /** For a reminder or dose prompt: when it was due (its lateness is measured from here). */
  dueAt?: Date;
  /** Said instead of `text` when it goes out more than LATE_NOTICE_MINUTES after `dueAt` ("… (This was due at 8:00 am.)"). */
  lateText?: string;
}

/** What the delivery queue needs of a written outbox row: its id, where it goes, and its lane (default `reminder`). */
export type OutboundRef = Pick<MessageLog, 'id' | 'channel' | 'chatId'> & { lane?: Lane };

/** Hands written outbox rows to whatever delivers them (an in-process loop or a BullMQ queue), in their lanes. */
export interface DeliveryQueue {
  enqueueDeliveries(messages: OutboundRef[]): Promise<void>;
}

/** The outbox row of a draft (all but its creation time): queued, not yet tried. */
export function outboundRow(draft: OutboundDraft) {
  return {
    id: randomUUID(),
    direction: 'out' as const,
    channel: draft.channel,
    chatId: draft.chatId,
    elderId: draft.elderId ?? null,
    accountId: draft.accountId ?? null,
    text: draft.text,
    buttons: draft.buttons ?? null,
    photo: draft.photo ?? null,
    status: 'queued' as const,
    idempotencyKey: draft.idempotencyKey ?? null,
    attempts: 0,
    error: null,
    sentAt: null,
    lane: draft.lane ?? DEFAULT_LANE,
    dueAt: draft.dueAt ?? null,
    lateText: draft.lateText ?? null,
    sendingUntil: null,
  };
}

let lastMessageTime = 0;

/**
 * The creation time of an outbound message: the wall clock, but always at least a millisecond after the last
 * one this process wrote. Delivery keeps a chat's messages in creation order, so two written in the same
 * millisecond by different writers (a reminder from a sweep, then a reply from the router) must not tie:
 * a tie fell to their random ids, and the reply could overtake the reminder written before it.
 */
export function nextMessageTime(): Date {
  lastMessageTime = Math.max(Date.now(), lastMessageTime + 1);
  return new Date(lastMessageTime);
}

/**
 * Writes outbound messages in the caller's unit of work (so they commit with the change that caused them)
 * and collects them, to be handed to the delivery queue once that commit has happened.
 */
export class OutboxBatch {
  readonly staged: MessageLog[] = [];

  /**
   * Adds an outbound message to the caller's entity manager; it is written at the next flush or commit. Messages
   * staged one after another get creation times at least a millisecond apart, so they are delivered in that order.
   */
  stage(em: EntityManager, draft: OutboundDraft): MessageLog {
    const row = em.create(MessageLog, { ...outboundRow(draft), createdAt: nextMessageTime() });
    this.staged.push(row);
    return row;
  }

  /** Hands everything staged to the delivery queue; call after the transaction committed. */
  async dispatch(queue: DeliveryQueue): Promise<void> {
    if (this.staged.length === 0) return;
    const rows = this.staged.splice(0);
    await queue.enqueueDeliveries(rows);
  }
}
