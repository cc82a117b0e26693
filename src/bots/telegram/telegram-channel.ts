import { createHash, timingSafeEqual } from 'node:crypto';
import { access } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Telegraf, TelegramError } from 'telegraf';
import type { CallbackQuery, InlineKeyboardMarkup, InputFile, Message, Update, UserFromGetMe } from 'telegraf/types';
import { ChannelSendError, type BotProfile, type Channel, type Inbound, type OutboundMessage, type RateLimitEvent, type Sender } from '../channel-port.ts';
import { ChannelBlockedError, ChannelRateLimitedError } from '../channel-errors.ts';
import type { ButtonSpec } from '../../messaging/message-log.entity.ts';
import { DEFAULT_LANE, isBulkLane, type Lane } from '../../messaging/lanes.ts';
import type { Logger } from '../../lib/logger.ts';
import { SendPacer, type RateLimit, type SendLimits } from './send-pacer.ts';

export type { RateLimit } from './send-pacer.ts';
import { publishBotProfile, type ProfilePublication } from './telegram-profile.ts';

/** Telegram refuses message texts longer than this (characters after entity parsing). */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Telegram refuses photo captions longer than this. */
export const TELEGRAM_CAPTION_LIMIT = 1024;
/** The callback data of the single button a pressed keyboard is replaced with; presses on it are ignored. */
export const NOOP_BUTTON_DATA = 'noop';

/**
 * Telegram's published limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
 * about 30 messages a second per bot for bulk notifications, about one a second per private chat (short bursts
 * allowed), 20 a minute per group. The private-chat window allows a burst of three, then one a second on average.
 * Replies to someone who just wrote are not held to the bot-wide 30 (grammY's "Flood Limits" reading of the FAQ).
 */
export const TELEGRAM_LIMITS: { bot: RateLimit; privateChat: RateLimit; group: RateLimit } = {
  bot: { max: 30, windowMs: 1000 },
  privateChat: { max: 3, windowMs: 3000 },
  group: { max: 20, windowMs: 60_000 },
};

/** The most paid broadcasts (allow_paid_broadcast) Telegram takes per second. */
export const TELEGRAM_PAID_BROADCAST_MAX = 1000;

/** Turns a voice message into words, through an OpenAI-compatible transcription endpoint or a test double. */
export interface VoiceTranscriber {
  transcribe(audio: Buffer, fileName: string): Promise<string>;
}

/** What the Telegram channel needs; everything but the token and logger has a production default. */
export interface TelegramChannelOptions {
  token: string;
  /** The Bot API root (TELEGRAM_API_ROOT): a local Bot API server or, in tests, the fake. */
  apiRoot?: string;
  logger: Logger;
  /** When set, voice messages are transcribed and routed as text; otherwise the elder is asked to type. */
  transcriber?: VoiceTranscriber;
  limits?: Partial<typeof TELEGRAM_LIMITS>;
  /**
   * Paid broadcasts (TELEGRAM_PAID_BROADCAST): bulk sends carry allow_paid_broadcast and are paced to this rate
   * instead of the bot-wide 30/s. Telegram charges 0.1 Star for each such message.
   */
  paidBroadcast?: { perSecond: number };
  /** How long a send may wait for a turn of the bot-wide rate before it is handed back to the queue to retry later. */
  maxSendWaitMs?: number;
  /** How long a send may wait for its own chat's turn; longer waits are handed back at once (default 1500 ms). */
  maxChatWaitMs?: number;
  /** Seconds a getUpdates long poll is held open by Telegram. */
  pollTimeoutSeconds?: number;
  /** Updates being handled at once before polling (or the webhook) waits (default REMOTE_UPDATES_IN_FLIGHT). */
  maxUpdatesInFlight?: number;
}

/** Updates in flight with a remote model, whose answers take a second or two each; the channel's default. */
export const REMOTE_UPDATES_IN_FLIGHT = 100;

/** Where Telegram posts updates in webhook mode and the secret it sends back with each (see telegram-webhook.ts). */
export interface TelegramWebhookSettings {
  url: string;
  secret: string;
}

type TelegrafSignal = NonNullable<Parameters<Telegraf['telegram']['callApi']>[2]>['signal'];

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
const VOICE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The Telegram adapter on telegraf. Receives by long polling (or by webhook, see `useWebhook`), translates text,
 * photo and voice messages and button presses into the port's `Inbound`, and sends plain-text messages with
 * inline keyboards, split to Telegram's length limit and paced to its rate limits by one scheduler per process.
 *
 * Updates from one chat are handled in order, different chats concurrently. The polling offset advances when an
 * update is taken in, so a graceful stop finishes what it took; a crash can drop the few updates in hand.
 */
export class TelegramChannel implements Channel {
  readonly name = 'telegram' as const;
  private readonly bot: Telegraf;
  private readonly logger: Logger;
  private readonly transcriber: VoiceTranscriber | undefined;
  private readonly pacer: SendPacer;
  private readonly updates: ChatOrderedQueue;
  private readonly waitBounds: { maxWaitMs: number; maxChatWaitMs: number };
  private readonly paidBroadcast: boolean;
  private readonly rateLimitListeners: ((event: RateLimitEvent) => void)[] = [];
  private readonly pollTimeoutSeconds: number;
  private readonly partsSent = new BoundedMap<string, number>(1000);
  private webhook: TelegramWebhookSettings | undefined;
  private onInbound: ((inbound: Inbound) => Promise<void>) | undefined;
  private me: UserFromGetMe | undefined;
  private offset = 0;
  private polling: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private profile: BotProfile | undefined;
  private profilePublished: Promise<ProfilePublication | undefined> | undefined;

  constructor(options: TelegramChannelOptions) {
    this.logger = options.logger.child({ channel: 'telegram' });
    this.bot = new Telegraf(options.token, { telegram: options.apiRoot ? { apiRoot: options.apiRoot } : {}, handlerTimeout: 120_000 });
    this.transcriber = options.transcriber;
    const paid = options.paidBroadcast ? Math.min(TELEGRAM_PAID_BROADCAST_MAX, Math.max(1, options.paidBroadcast.perSecond)) : TELEGRAM_PAID_BROADCAST_MAX;
    const limits: SendLimits = { ...TELEGRAM_LIMITS, ...options.limits, paid: { max: paid, windowMs: 1000 } };
    this.pacer = new SendPacer(limits);
    this.paidBroadcast = options.paidBroadcast !== undefined;
    this.updates = new ChatOrderedQueue(options.maxUpdatesInFlight ?? REMOTE_UPDATES_IN_FLIGHT, (err) => this.logger.error({ err: describeError(err) }, 'could not handle an update'));
    this.waitBounds = { maxWaitMs: options.maxSendWaitMs ?? 5000, maxChatWaitMs: options.maxChatWaitMs ?? 1500 };
    this.pollTimeoutSeconds = options.pollTimeoutSeconds ?? 30;
    this.bot.on('callback_query', (ctx) => this.handleButtonPress(ctx.callbackQuery, ctx.update.update_id));
    this.bot.on('message', (ctx) => this.handleMessage(ctx.message, ctx.update.update_id));
    this.bot.catch((err) => this.logger.error({ err: describeError(err) }, 'could not handle an update'));
  }

  /** Receive by webhook instead of long polling: `start` registers the URL and secret with Telegram. */
  useWebhook(settings: TelegramWebhookSettings): void {
    if (this.onInbound) throw new Error('useWebhook must be called before start');
    this.webhook = settings;
  }

  /** The command menus and descriptions `start` publishes (in the background: a refusal never stops the channel). */
  useBotProfile(profile: BotProfile): void {
    this.profile = profile;
  }

  /** What the start-up publication of the menus and descriptions did, once it has finished; undefined without a profile. */
  async profilePublication(): Promise<ProfilePublication | undefined> {
    return this.profilePublished;
  }

  async start(onInbound: (inbound: Inbound) => Promise<void>): Promise<void> {
    this.me = await this.bot.telegram.getMe();
    this.bot.botInfo = this.me;
    if (this.profile) {
      this.profilePublished = publishBotProfile(this.bot.telegram, this.profile, { logger: this.logger, signal: this.abort.signal }).catch((err: unknown) => {
        this.logger.warn({ err: describeError(err) }, 'telegram command menu not published');
        return undefined;
      });
    }
    if (this.webhook) {
      this.onInbound = onInbound;
      await this.bot.telegram.setWebhook(this.webhook.url, { secret_token: this.webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
      this.logger.info({ bot: this.me.username, mode: 'webhook' }, 'telegram channel started');
      return;
    }
    await this.bot.telegram.deleteWebhook({ drop_pending_updates: false });
    this.onInbound = onInbound;
    this.polling = this.pollUpdates();
    this.logger.info({ bot: this.me.username, mode: 'polling' }, 'telegram channel started');
  }

  /**
   * Takes one update posted to the webhook. Resolves once the update is taken in (not handled), so Telegram's
   * request is answered quickly; false when the channel is not receiving yet and Telegram should try again.
   */
  async acceptWebhookUpdate(update: Update): Promise<boolean> {
    if (!this.onInbound || this.abort.signal.aborted) return false;
    await this.takeUpdate(update);
    return true;
  }

  /** True when `header` is the webhook secret (compared in constant time). */
  isWebhookSecret(header: string | undefined): boolean {
    if (!this.webhook || header === undefined) return false;
    const expected = Buffer.from(this.webhook.secret);
    const given = Buffer.from(header);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  async stop(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    await this.polling;
    await this.profilePublished;
    await this.updates.drain();
    // Confirms what was handled, so a restart does not receive it again (as telegraf's own polling does).
    if (!this.webhook && this.offset > 0) {
      await this.bot.telegram.callApi('getUpdates', { offset: this.offset, limit: 1, timeout: 0 }).catch(() => undefined);
    }
    this.onInbound = undefined;
  }

  /** Makes the chat's menu button open a page as a Mini App (setChatMenuButton with a `web_app` menu button). */
  async setPageMenu(chatId: string, page: { label: string; url: string }): Promise<void> {
    await this.bot.telegram.callApi('setChatMenuButton', { chat_id: Number(chatId), menu_button: { type: 'web_app', text: page.label, web_app: { url: page.url } } });
  }

  /**
   * Sends in the message's lane: alerts first, then replies, then bulk, each within its chat's limit; bulk (and
   * alerts) within the bot-wide rate too, or with allow_paid_broadcast when paid broadcasts are on.
   */
  async send(message: OutboundMessage): Promise<void> {
    const parts = await planParts(message);
    const lane = message.lane ?? DEFAULT_LANE;
    // A long message goes out in parts; a retry after a failed part continues where it stopped.
    const key = parts.length > 1 ? createHash('sha256').update(JSON.stringify(message)).digest('base64url') : undefined;
    for (let i = key ? (this.partsSent.get(key) ?? 0) : 0; i < parts.length; i++) {
      await this.sendPart(message.chatId, parts[i]!, lane);
      if (key) this.partsSent.set(key, i + 1);
    }
    if (key) this.partsSent.delete(key);
  }

  /** Calls `listener` with every 429 Telegram answers, on any method. */
  onRateLimited(listener: (event: RateLimitEvent) => void): void {
    this.rateLimitListeners.push(listener);
  }

  private async sendPart(chatId: string, part: OutboundPart, lane: Lane, migrated = false): Promise<void> {
    const paid = this.paidBroadcast && isBulkLane(lane);
    const release = await this.pacer.acquire(chatId, lane, this.waitBounds, paid);
    const method = part.kind === 'photo' ? 'sendPhoto' : 'sendMessage';
    try {
      const reply_markup = part.buttons ? inlineKeyboard(part.buttons, chatId) : undefined;
      // allow_paid_broadcast (Bot API 7.11) is newer than telegraf's types; telegraf sends every field it is given.
      const extra: { reply_markup?: InlineKeyboardMarkup; allow_paid_broadcast?: true } = { ...(reply_markup ? { reply_markup } : {}), ...(paid ? { allow_paid_broadcast: true as const } : {}) };
      if (part.kind === 'photo') await this.bot.telegram.sendPhoto(chatId, part.photo, { ...extra, ...(part.caption ? { caption: part.caption } : {}) });
      else await this.bot.telegram.sendMessage(chatId, part.text, extra);
    } catch (err) {
      const movedTo = err instanceof TelegramError ? err.parameters?.migrate_to_chat_id : undefined;
      if (movedTo !== undefined && !migrated) {
        // A group upgraded to a supergroup has a new id; the family circle still has the old one.
        this.logger.warn({ chatId, movedTo: String(movedTo) }, 'telegram group moved to a new chat id; update the stored chat id');
        release();
        return await this.sendPart(String(movedTo), part, lane, true);
      }
      this.rateLimited(err, method, chatId);
      const mapped = toChannelSendError(err, chatId, method);
      if (mapped instanceof ChannelRateLimitedError) this.pacer.holdChat(chatId, mapped.retryAfterMs ?? 1000);
      throw mapped;
    } finally {
      release();
    }
  }

  /** A 429 on any call: bulk sending pauses for Telegram's wait, and whoever listens is told. */
  private rateLimited(err: unknown, method: string, chatId?: string): void {
    if (!(err instanceof TelegramError) || err.code !== 429) return;
    const retryAfterMs = (err.parameters?.retry_after ?? 1) * 1000;
    this.pacer.holdBulk(retryAfterMs);
    this.logger.warn({ method, chatId, retryAfterMs }, 'telegram said too many requests');
    for (const listener of this.rateLimitListeners) listener({ method, retryAfterMs, ...(chatId ? { chatId } : {}) });
  }

  private async pollUpdates(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      let batch: Update[];
      try {
        batch = await this.bot.telegram.callApi(
          'getUpdates',
          { offset: this.offset, timeout: this.pollTimeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] },
          // telegraf types its signal as the abort-controller polyfill's; node-fetch takes the native one.
          { signal: this.abort.signal as unknown as TelegrafSignal },
        );
        failures = 0;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.rateLimited(err, 'getUpdates');
        const waitMs = pollRetryDelay(err, failures++);
        this.logger.warn({ err: describeError(err), retryInMs: waitMs }, 'telegram getUpdates failed');
        await abortableSleep(waitMs, this.abort.signal);
        continue;
      }
      for (const update of batch) {
        this.offset = Math.max(this.offset, update.update_id + 1);
        await this.takeUpdate(update);
      }
    }
  }

  private takeUpdate(update: Update): Promise<void> {
    return this.updates.push(updateChatKey(update), () => this.bot.handleUpdate(update));
  }

  private async handleMessage(message: Message, updateId: number): Promise<void> {
    const onInbound = this.onInbound;
    if (!onInbound || !('from' in message) || !message.from || message.from.is_bot || message.chat.type === 'channel') return;
    const chatType = message.chat.type === 'private' ? 'private' : 'group';
    const sender: Sender = { channel: 'telegram', userId: String(message.from.id), chatId: String(message.chat.id), chatType, displayName: message.from.first_name };
    let text = 'text' in message ? message.text : 'caption' in message ? (message.caption ?? '') : '';
    // Telegram's Start button sends /start, the first thing every new person sends: it goes on as the command
    // (onboarding a new elder, or telling a family member who they are linked to), like any other command.
    if (chatType === 'group') {
      const addressed = this.addressedText(message, text);
      if (addressed === undefined) return;
      text = addressed;
    }
    const base = { kind: 'message' as const, sender, updateId: String(updateId) };
    if ('photo' in message) {
      const largest = message.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
      return onInbound({ ...base, text, photo: largest.file_id });
    }
    if ('voice' in message) return onInbound({ ...base, text: await this.hearVoice(message.voice.file_id, message.voice.file_size, sender.chatId) });
    if ('text' in message || 'caption' in message || 'sticker' in message || 'video_note' in message || 'audio' in message) {
      // Without words (a sticker, a video) the router asks kindly for a typed message.
      return onInbound({ ...base, text });
    }
  }

  /**
   * In a group the assistant answers only what is meant for it: its commands, replies to its messages and
   * mentions of it (with privacy mode on, Telegram sends nothing else). Returns the text without the mention.
   */
  private addressedText(message: Message, text: string): string | undefined {
    const username = this.me?.username ?? '';
    const command = /^\/[A-Za-z0-9_]+(?:@(\w+))?/.exec(text);
    if (command) return command[1] === undefined || command[1].toLowerCase() === username.toLowerCase() ? text : undefined;
    if ('reply_to_message' in message && message.reply_to_message?.from?.id === this.me?.id) return text;
    const mention = new RegExp(`@${username}\\b`, 'gi');
    if (username && mention.test(text)) return text.replace(mention, '').replace(/\s{2,}/g, ' ').trim();
    return undefined;
  }

  /** The words of a voice message, or '' (which the router answers by asking to type) when it cannot be heard. */
  private async hearVoice(fileId: string, size: number | undefined, chatId: string): Promise<string> {
    if (!this.transcriber || (size ?? 0) > VOICE_MAX_BYTES) return '';
    try {
      const link = await this.bot.telegram.getFileLink(fileId);
      const response = await fetch(link, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`voice download answered ${response.status}`);
      const words = (await this.transcriber.transcribe(Buffer.from(await response.arrayBuffer()), 'voice.ogg')).trim();
      if (words) {
        // Said back first, so the elder can tell whether the answer that follows is about what they meant.
        await this.send({ chatId, text: `I heard: “${words}”`, lane: 'reply' }).catch((err: unknown) => this.logger.warn({ chatId, err: describeError(err) }, 'could not say back a voice message'));
      }
      return words;
    } catch (err) {
      this.logger.warn({ chatId, err: describeError(err) }, 'could not transcribe a voice message');
      return '';
    }
  }

  private async handleButtonPress(query: CallbackQuery, updateId: number): Promise<void> {
    const data = 'data' in query ? query.data : undefined;
    const message = query.message;
    const label = message && 'reply_markup' in message ? message.reply_markup?.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data === data)?.text : undefined;
    const chatId = message ? message.chat.id : query.from.id;
    await Promise.all([
      this.bot.telegram.answerCbQuery(query.id).catch((err: unknown) => {
        this.rateLimited(err, 'answerCallbackQuery', String(chatId));
        this.logger.warn({ chatId: String(chatId), err: describeError(err) }, 'could not answer a button press');
      }),
      // Replaces the keyboard with the choice made, so an elder cannot press Yes twice.
      message && data !== undefined && data !== NOOP_BUTTON_DATA
        ? this.bot.telegram
            .editMessageReplyMarkup(chatId, message.message_id, undefined, { inline_keyboard: [[{ text: `✓ ${label ?? 'Done'}`, callback_data: NOOP_BUTTON_DATA }]] })
            .catch((err: unknown) => {
              this.rateLimited(err, 'editMessageReplyMarkup', String(chatId));
              this.logger.warn({ chatId: String(chatId), err: describeError(err) }, 'could not mark a pressed keyboard');
            })
        : undefined,
    ]);
    if (data === undefined || data === NOOP_BUTTON_DATA || !this.onInbound) return;
    const chatType = !message || message.chat.type === 'private' ? 'private' : 'group';
    await this.onInbound({
      kind: 'button',
      sender: { channel: 'telegram', userId: String(query.from.id), chatId: String(chatId), chatType, displayName: query.from.first_name },
      updateId: String(updateId),
      data,
    });
  }
}

// ---- Outbound: parts, keyboards, errors ----------------------------------------------------------------------

type PhotoInput = string | InputFile;
type OutboundPart = { kind: 'text'; text: string; buttons?: ButtonSpec[][] } | { kind: 'photo'; photo: PhotoInput; caption?: string; buttons?: ButtonSpec[][] };

/** Splits an outbound message into what Telegram accepts: a photo (with a caption when short), then texts; buttons go on the last. */
async function planParts(message: OutboundMessage): Promise<OutboundPart[]> {
  const buttons = message.buttons?.some((row) => row.length > 0) ? message.buttons : undefined;
  const parts: OutboundPart[] = [];
  let text = message.text.trim();
  if (message.photo) {
    const photo = await photoInput(message.photo);
    const caption = text.length <= TELEGRAM_CAPTION_LIMIT ? text : undefined;
    parts.push({ kind: 'photo', photo, ...(caption ? { caption } : {}) });
    if (caption !== undefined) text = '';
  }
  for (const chunk of splitMessageText(text)) parts.push({ kind: 'text', text: chunk });
  if (parts.length === 0) throw new ChannelSendError('empty message', false);
  if (buttons) parts[parts.length - 1]!.buttons = buttons;
  return parts;
}

/** A photo reference as telegraf takes it: a URL or file_id as is, a local path or data: URI uploaded. */
async function photoInput(photo: string): Promise<PhotoInput> {
  if (/^https?:\/\//i.test(photo)) return photo;
  const data = /^data:image\/([a-z+.-]+);base64,(.*)$/is.exec(photo);
  if (data) return { source: Buffer.from(data[2]!, 'base64'), filename: `chart.${data[1] === 'jpeg' ? 'jpg' : data[1]}` };
  const path = photo.startsWith('file://') ? fileURLToPath(photo) : isAbsolute(photo) || photo.startsWith('./') || photo.startsWith('../') ? photo : undefined;
  if (path === undefined) return photo;
  try {
    await access(path);
  } catch {
    throw new ChannelSendError(`photo file not found: ${path}`, false);
  }
  return { source: path };
}

/**
 * Rows of buttons as an inline keyboard; Telegram refuses callback data over 64 bytes, so that is refused here.
 * A page button opens as a Mini App (`web_app`) in a private chat; Telegram allows `web_app` buttons only there
 * (https://core.telegram.org/bots/api#inlinekeyboardbutton), so in a group (negative chat id) it is a `url` button.
 */
export function inlineKeyboard(rows: ButtonSpec[][], chatId: string): InlineKeyboardMarkup {
  for (const b of rows.flat()) {
    if (!b.url && Buffer.byteLength(b.data) > 64) throw new ChannelSendError(`button data over 64 bytes: ${b.data.slice(0, 20)}…`, false);
  }
  const group = chatId.startsWith('-');
  return {
    inline_keyboard: rows
      .filter((r) => r.length > 0)
      .map((r) => r.map((b) => (b.url ? (group ? { text: b.label, url: b.url } : { text: b.label, web_app: { url: b.url } }) : { text: b.label, callback_data: b.data }))),
  };
}

/**
 * Splits a text to Telegram's limit at the best boundary in the last two thirds of each piece: a paragraph,
 * a line, a sentence, a word, and only then mid-word (never inside a surrogate pair).
 */
export function splitMessageText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = bestCut(rest.slice(0, limit + 1), limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

function bestCut(window: string, limit: number): number {
  let sentence = -1;
  for (const m of window.matchAll(/[.!?…]["'”’)\]]*(?=\s)/g)) if (m.index + m[0].length <= limit) sentence = m.index + m[0].length;
  const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
  const floor = Math.floor(limit / 3);
  for (const at of [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), sentence, space]) if (at >= floor && at <= limit) return at;
  const code = window.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/**
 * What a refusal means for delivery: 429 → ChannelRateLimitedError, retry after Telegram's `retry_after`; 5xx
 * and network failures → retry; 403 (blocked, kicked, deactivated) → ChannelBlockedError; any other 4xx → give up.
 */
export function toChannelSendError(err: unknown, chatId: string, method = 'sendMessage'): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  if (err instanceof TelegramError) {
    const what = `telegram ${err.code}: ${err.description}`;
    if (err.code === 429) return new ChannelRateLimitedError(what, method, (err.parameters?.retry_after ?? 1) * 1000);
    if (err.code === 403) return new ChannelBlockedError(what, chatId);
    return new ChannelSendError(what, err.code >= 500);
  }
  return new ChannelSendError(`telegram unreachable: ${describeError(err)}`, true);
}

function pollRetryDelay(err: unknown, failures: number): number {
  if (err instanceof TelegramError && err.code === 429) return (err.parameters?.retry_after ?? 5) * 1000;
  // 401 (token revoked) and 409 (another poller or a webhook) need a person; keep trying slowly.
  if (err instanceof TelegramError && (err.code === 401 || err.code === 409)) return 30_000;
  return Math.min(30_000, 500 * 2 ** failures);
}

function describeError(err: unknown): string {
  if (err instanceof TelegramError) return `${err.code} ${err.description}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function updateChatKey(update: Update): string {
  if ('message' in update) return String(update.message.chat.id);
  if ('callback_query' in update) return String(update.callback_query.message?.chat.id ?? update.callback_query.from.id);
  return 'other';
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

// ---- Inbound: one chat's updates in order, chats concurrently -----------------------------------------------

/** Runs work in order per key and concurrently across keys, with a bound on work in hand (back-pressure). */
class ChatOrderedQueue {
  private readonly max: number;
  private readonly onError: (err: unknown) => void;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly slotWaiters: (() => void)[] = [];
  private inHand = 0;

  constructor(max: number, onError: (err: unknown) => void) {
    this.max = max;
    this.onError = onError;
  }

  /** Resolves when the work is taken in (after a slot is free), not when it is done. */
  async push(key: string, work: () => Promise<void>): Promise<void> {
    while (this.inHand >= this.max) await new Promise<void>((r) => this.slotWaiters.push(r));
    this.inHand++;
    const chain: Promise<void> = (this.chains.get(key) ?? Promise.resolve())
      .then(work)
      .catch(this.onError)
      .finally(() => {
        this.inHand--;
        this.slotWaiters.shift()?.();
        if (this.chains.get(key) === chain) this.chains.delete(key);
      });
    this.chains.set(key, chain);
  }

  /** Waits until all work in hand is done. */
  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }
}

/** A Map that forgets its oldest entries beyond a size. */
class BoundedMap<K, V> extends Map<K, V> {
  private readonly capacity: number;

  constructor(capacity: number) {
    super();
    this.capacity = capacity;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.capacity) super.delete(this.keys().next().value as K);
    return this;
  }
}
