import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { MessageLog, type ButtonSpec } from './message-log.entity.ts';
import type { ChannelName } from '../tasks/elders/channel-account.entity.ts';

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
}

/** Hands written outbox rows to whatever delivers them (an in-process loop or a BullMQ queue). */
export interface DeliveryQueue {
  enqueueDeliveries(messages: Pick<MessageLog, 'id' | 'channel' | 'chatId'>[]): Promise<void>;
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
  };
}

/**
 * Writes outbound messages in the caller's unit of work (so they commit with the change that caused them)
 * and collects them, to be handed to the delivery queue once that commit has happened.
 */
export class OutboxBatch {
  readonly staged: MessageLog[] = [];

  /** Adds an outbound message to the caller's entity manager; it is written at the next flush or commit. */
  stage(em: EntityManager, draft: OutboundDraft): MessageLog {
    const row = em.create(MessageLog, outboundRow(draft));
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
