import { z } from 'zod';
import { DisconnectReason, isJidBroadcast, isJidGroup, isJidNewsletter, isLidUser, jidNormalizedUser, normalizeMessageContent } from '@whiskeysockets/baileys';
import type { WAMessage } from '@whiskeysockets/baileys';
import { ChannelSendError, type Inbound, type InboundMessage, type OutboundMessage, type Sender } from '../channel-port.ts';
import { ChannelRateLimitedError } from '../channel-errors.ts';
import type { ButtonSpec } from '../../messaging/message-log.entity.ts';
import type { Clock } from '../../lib/clock.ts';

/** A voice note: the channel decides what to do with it (transcribe it, or ask the person to type). */
export interface WhatsAppVoiceNote {
  kind: 'voice';
  sender: Sender;
  updateId: string;
  /** Length of the recording, when WhatsApp says. */
  seconds: number | undefined;
}

/** What a WhatsApp message becomes: a message for the assistant, or a voice note for the channel. */
export type MappedWhatsAppMessage = InboundMessage | WhatsAppVoiceNote;

/** The photo reference of an inbound image: the chat and message it came in (the media itself stays on WhatsApp). */
export function whatsAppPhotoRef(chatId: string, messageId: string): string {
  return `whatsapp:${chatId}/${messageId}`;
}

/**
 * The stable id of a person: the phone-number jid when WhatsApp gives one (alone or as the `Alt` of a LID),
 * else the LID, always without a device suffix, so the same person is the same user whichever way they are addressed.
 */
function personId(jid: string | null | undefined, alt: string | null | undefined): string | undefined {
  const candidates = [jid, alt].filter((j): j is string => typeof j === 'string' && j.length > 0);
  const chosen = candidates.find((j) => !isLidUser(j)) ?? candidates[0];
  return chosen ? jidNormalizedUser(chosen) || chosen : undefined;
}

/**
 * Translates a Baileys message into what the assistant understands: text from a plain or extended text message
 * or an image caption, an image as a photo reference, a voice note as a marker. Returns null for what the
 * assistant must not see: its own messages, status updates, broadcasts, newsletters, protocol and reaction messages,
 * and kinds it does not handle (stickers, videos, documents, locations).
 */
export function mapWhatsAppMessage(message: WAMessage): MappedWhatsAppMessage | null {
  const { key } = message;
  const chatId = key.remoteJid;
  const updateId = key.id;
  if (!chatId || !updateId || key.fromMe) return null;
  if (isJidBroadcast(chatId) || isJidNewsletter(chatId)) return null;
  const content = normalizeMessageContent(message.message);
  if (!content || content.protocolMessage || content.reactionMessage) return null;

  const group = isJidGroup(chatId) === true;
  const userId = group ? personId(key.participant ?? message.participant, key.participantAlt) : personId(chatId, key.remoteJidAlt);
  if (!userId) return null;
  const sender: Sender = {
    channel: 'whatsapp',
    userId,
    // A private chat is the person's own id, so it stays one chat (and one history) however WhatsApp addressed it.
    chatId: group ? chatId : userId,
    chatType: group ? 'group' : 'private',
    ...(message.pushName ? { displayName: message.pushName } : {}),
  };

  if (content.audioMessage) {
    if (!content.audioMessage.ptt) return null;
    return { kind: 'voice', sender, updateId, seconds: content.audioMessage.seconds ?? undefined };
  }
  if (content.imageMessage) {
    return { kind: 'message', sender, updateId, text: content.imageMessage.caption ?? '', photo: whatsAppPhotoRef(sender.chatId, updateId) };
  }
  const text = content.conversation ?? content.extendedTextMessage?.text;
  if (typeof text !== 'string') return null;
  return { kind: 'message', sender, updateId, text };
}

/** "Reply 1 for Yes, 2 for No." for buttons, which WhatsApp does not offer to accounts like this one. */
export function numberedChoices(buttons: ButtonSpec[]): string {
  return `Reply ${buttons.map((b, i) => `${i + 1} for ${b.label}`).join(', ')}.`;
}

/**
 * The text WhatsApp shows for an outbound message: the message, its page buttons as links on their own lines
 * ("See Margaret's week: https://…"), then its other buttons as numbered choices.
 */
export function whatsAppText(message: OutboundMessage): string {
  const buttons = (message.buttons ?? []).flat();
  const links = buttons.filter((b) => b.url).map((b) => `${b.label}: ${b.url}`);
  const choices = buttons.filter((b) => !b.url);
  return [message.text, ...(links.length > 0 ? [links.join('\n')] : []), ...(choices.length > 0 ? [numberedChoices(choices)] : [])].join('\n\n');
}

const boom = z.object({ output: z.object({ statusCode: z.number() }) });

/** The status Baileys gives a failure or a disconnect (its Boom errors carry one of `DisconnectReason`). */
export function disconnectStatus(err: unknown): number | undefined {
  const parsed = boom.safeParse(err);
  return parsed.success ? parsed.data.output.statusCode : undefined;
}

// Node's AbortError and the DOMException an aborted signal carries both say so by name.
const aborted = z.object({ name: z.literal('AbortError') });
const CONNECTION_STATUSES = new Set<number>([
  DisconnectReason.connectionClosed,
  DisconnectReason.connectionLost,
  DisconnectReason.connectionReplaced,
  DisconnectReason.badSession,
  DisconnectReason.restartRequired,
  DisconnectReason.unavailableService,
]);
const NETWORK_ERROR = /connection (closed|lost)|timed? ?out|socket|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN/i;

/** Maps what `sendMessage` threw to the port's error: connection problems are worth a retry, refusals are not. */
export function toChannelSendError(err: unknown): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  if (aborted.safeParse(err).success) return new ChannelSendError('the WhatsApp channel stopped before sending', true);
  const message = err instanceof Error ? err.message : String(err);
  const status = disconnectStatus(err);
  if (status === 429) return new ChannelRateLimitedError(`WhatsApp rate limit: ${message}`, 'sendMessage', 60_000);
  const connection = status !== undefined ? CONNECTION_STATUSES.has(status) : NETWORK_ERROR.test(message);
  return new ChannelSendError(`WhatsApp did not take the message: ${message}`, connection);
}

// "1", "1.", "1)", " 2 " all choose a number.
const CHOICE = /^\s*(\d{1,2})\s*[.)]?\s*$/;
const normaliseLabel = (text: string): string => text.trim().toLocaleLowerCase('en').replace(/^[\s"'“‘]+|[\s"'”’.!?]+$/g, '');

/**
 * The last buttons offered in each chat, so a reply of "1" or "2" (or the button's label, in any case) presses that
 * button. Any other message, or a day passing, forgets them. In memory: one WhatsApp connection lives in one process.
 */
export class WhatsAppButtonMemory {
  private readonly offered = new Map<string, { buttons: ButtonSpec[]; at: number }>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly maxChats: number;

  constructor(deps: { clock: Clock; ttlMs?: number; maxChats?: number }) {
    this.clock = deps.clock;
    this.ttlMs = deps.ttlMs ?? 24 * 60 * 60 * 1000;
    this.maxChats = deps.maxChats ?? 10_000;
  }

  /** Records the buttons just sent to a chat; a message without buttons leaves earlier ones in place. */
  remember(chatId: string, buttons: ButtonSpec[][] | undefined): void {
    // Page buttons are links in the text: a number never stands for them.
    const flat = (buttons ?? []).flat().filter((b) => !b.url);
    if (flat.length === 0) return;
    this.offered.delete(chatId);
    this.offered.set(chatId, { buttons: flat, at: this.clock.now().getTime() });
    // Oldest chats first in a Map's order: drop the oldest when full.
    while (this.offered.size > this.maxChats) {
      const oldest = this.offered.keys().next().value;
      if (oldest === undefined) break;
      this.offered.delete(oldest);
    }
  }

  /** The button press a reply stands for, or the message unchanged; either way the offer is used up. */
  resolve(message: InboundMessage): Inbound {
    const offer = this.offered.get(message.sender.chatId);
    if (!offer) return message;
    this.offered.delete(message.sender.chatId);
    if (message.photo || this.clock.now().getTime() - offer.at > this.ttlMs) return message;
    const number = CHOICE.exec(message.text)?.[1];
    const wanted = normaliseLabel(message.text);
    const chosen = number !== undefined ? offer.buttons[Number(number) - 1] : offer.buttons.find((b) => normaliseLabel(b.label) === wanted);
    if (!chosen) return message;
    return { kind: 'button', sender: message.sender, updateId: message.updateId, data: chosen.data };
  }
}
