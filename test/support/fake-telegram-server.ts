import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Telegram user as the Bot API describes one. */
export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

/** A chat: private (the id is the user's), or a group (negative id). */
export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  first_name?: string;
  title?: string;
}

/** A message the bot sent, as the fake keeps it (callback queries point at these). */
export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  text?: string;
  caption?: string;
  photo?: { file_id: string; file_unique_id: string; width: number; height: number; file_size?: number }[];
  reply_markup?: { inline_keyboard: { text: string; callback_data?: string; url?: string; web_app?: { url: string } }[][] };
  [key: string]: unknown;
}

/** A command in the bot's menu, as setMyCommands takes it. */
export interface BotCommand {
  command: string;
  description: string;
}

/** An update as getUpdates returns it. */
export interface TgUpdate {
  update_id: number;
  message?: Record<string, unknown>;
  callback_query?: Record<string, unknown>;
}

/** One Bot API call the fake received. */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** performance.now() when it arrived. */
  at: number;
  /** 200, or the error_code answered. */
  status: number;
}

/** An error the fake answers with, in the Bot API's shape. */
export interface ScriptedError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** The limits the fake enforces with 429s; by default Telegram's. */
export interface FakeLimits {
  /**
   * Sliding window over the bot's bulk notifications: sends to chats where nobody wrote in the last minute.
   * Replies to a chat that just wrote are not counted (grammY's "Flood Limits" reading of Telegram's Bot FAQ).
   */
  bot: { max: number; windowMs: number };
  /** Sliding window over paid broadcasts (allow_paid_broadcast), which skip the bot-wide window; default 1,000/s. */
  paid?: { max: number; windowMs: number };
  /** Token bucket per private chat: a small burst, then `perSecond`. */
  privateChat: { burst: number; perSecond: number };
  /** Sliding window per group. */
  group: { max: number; windowMs: number };
}

/** Telegram's limits as the fake enforces them. */
export const TELEGRAM_FAKE_LIMITS: FakeLimits = {
  bot: { max: 30, windowMs: 1000 },
  privateChat: { burst: 3, perSecond: 1 },
  group: { max: 20, windowMs: 60_000 },
};

/** A chat whose person wrote this recently is being replied to, not sent a bulk notification. */
const REPLY_WINDOW_MS = 60_000;

/** A Bot API parameter read as text: a string as sent, a number (a chat id) as its digits, nothing otherwise. */
const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

/** A person for the fake's scripted updates. */
export const aTelegramUser = (overrides: Partial<TgUser> = {}): TgUser => ({
  id: 100_000 + Math.floor(Math.random() * 1_000_000_000),
  is_bot: false,
  first_name: 'Margaret',
  ...overrides,
});

/** The private chat with a person. */
export const privateChatOf = (user: TgUser): TgChat => ({ id: user.id, type: 'private', first_name: user.first_name });

/** A family group chat. */
export const aTelegramGroup = (overrides: Partial<TgChat> = {}): TgChat => ({
  id: -1_000_000_000_000 - Math.floor(Math.random() * 1_000_000_000),
  type: 'supergroup',
  title: 'The Smiths',
  ...overrides,
});

/**
 * A loopback Bot API (`/bot<token>/<method>`, JSON, urlencoded or multipart bodies, `{ok, result}` answers):
 * hands out scripted updates by long polling or by webhook, keeps the messages the bot sends, enforces
 * Telegram's rate limits with 429s, and records every call.
 */
export class FakeTelegramServer {
  readonly token: string;
  readonly bot: TgUser;
  readonly calls: RecordedCall[] = [];
  /** Webhook posts the fake made: the update id and the HTTP status the bot answered. */
  readonly webhookPosts: { updateId: number; status: number }[] = [];
  /** Called for every recorded call (the bench measures latency with it). */
  onCall: ((call: RecordedCall) => void) | undefined;
  /** Called with the updates a getUpdates answer hands out, just before it is sent (the bench times polling with it). */
  onUpdatesHandedOut: ((updates: TgUpdate[]) => void) | undefined;
  limits: FakeLimits;
  private readonly server: Server;
  private port = 0;
  private nextUpdateId = 1000;
  private nextMessageId = 1;
  private nextQueryId = 1;
  private pending: TgUpdate[] = [];
  private again: TgUpdate[] = [];
  private pollers: (() => void)[] = [];
  private readonly messages = new Map<string, TgMessage>();
  private readonly files = new Map<string, { bytes: Buffer; path: string }>();
  private readonly failures: { method: string; error: ScriptedError; chatId?: string; skip: number }[] = [];
  private readonly blocked = new Set<string>();
  private readonly botSends: number[] = [];
  private readonly paidSends: number[] = [];
  private readonly lastWrote = new Map<string, number>();
  private stormUntil = 0;
  private stormRetryAfter = 1;
  private readonly groupSends = new Map<string, number[]>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private webhook: { url: string; secret?: string } | undefined;
  /** Command menus by scope type and language ('all_private_chats/' for every language). */
  private readonly menus = new Map<string, BotCommand[]>();
  private readonly descriptions = new Map<string, string>();
  private readonly shortDescriptions = new Map<string, string>();
  private webhookChain: Promise<void> = Promise.resolve();

  private constructor(limits: FakeLimits) {
    this.token = `${100_000 + Math.floor(Math.random() * 900_000)}:FAKE-${Math.random().toString(36).slice(2, 12)}`;
    this.bot = { id: Number(this.token.split(':')[0]), is_bot: true, first_name: 'Grandma Assistant', username: 'GrandmaHelperBot' };
    this.limits = limits;
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  /** Starts a fake on a free loopback port. */
  static async start(limits: FakeLimits = TELEGRAM_FAKE_LIMITS): Promise<FakeTelegramServer> {
    const fake = new FakeTelegramServer(limits);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The TELEGRAM_API_ROOT pointing at this fake. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The webhook currently set, if any. */
  get webhookSet(): { url: string; secret?: string } | undefined {
    return this.webhook;
  }

  async close(): Promise<void> {
    for (const wake of this.pollers.splice(0)) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- scripting -------------------------------------------------------------------------------------------

  /** Queues an update (given without update_id) for the bot; returns it with its id. */
  pushUpdate(update: Omit<TgUpdate, 'update_id'>): TgUpdate {
    const full = { update_id: this.nextUpdateId++, ...update };
    const chat = (update.message?.chat ?? (update.callback_query?.message as { chat?: unknown } | undefined)?.chat ?? update.callback_query?.from) as { id?: number } | undefined;
    if (chat?.id !== undefined) this.lastWrote.set(String(chat.id), performance.now());
    this.pending.push(full);
    this.deliver();
    return full;
  }

  /**
   * Hands an update out again, as Telegram does when a confirmation was lost (a crash, a webhook timeout). By
   * polling it comes back in update-id order with the rest, as Telegram never hands out updates out of order.
   */
  redeliver(update: TgUpdate): void {
    this.again.push(update);
    this.deliver();
  }

  /** A person writes; in a group, `replyTo` makes it a reply to one of the bot's messages. */
  userSays(from: TgUser, text: string, options: { chat?: TgChat; replyTo?: TgMessage; entities?: unknown[] } = {}): TgUpdate {
    return this.pushUpdate({ message: { ...this.incoming(from, options.chat), text, ...(options.entities ? { entities: options.entities } : {}), ...(options.replyTo ? { reply_to_message: options.replyTo } : {}) } });
  }

  /** A person sends a photo (three sizes, like Telegram), with an optional caption. */
  userSendsPhoto(from: TgUser, caption?: string, chat?: TgChat): TgUpdate {
    const sizes = [90, 320, 1280].map((w) => ({ file_id: `photo-${w}-${this.nextMessageId}`, file_unique_id: `u-${w}-${this.nextMessageId}`, width: w, height: Math.round(w * 0.75), file_size: w * 100 }));
    return this.pushUpdate({ message: { ...this.incoming(from, chat), photo: [sizes[1], sizes[2], sizes[0]], ...(caption ? { caption } : {}) } });
  }

  /** A person records a voice message with these bytes (downloadable through getFile). */
  userSendsVoice(from: TgUser, audio: Buffer, chat?: TgChat): TgUpdate {
    const fileId = this.addFile(audio, 'voice');
    return this.pushUpdate({ message: { ...this.incoming(from, chat), voice: { file_id: fileId, file_unique_id: `${fileId}-u`, duration: 3, mime_type: 'audio/ogg', file_size: audio.length } } });
  }

  /** A person presses a button under one of the bot's messages (as the message stands now). */
  userPresses(from: TgUser, message: TgMessage, data: string): TgUpdate {
    const current = this.messages.get(messageKey(message.chat.id, message.message_id)) ?? message;
    return this.pushUpdate({ callback_query: { id: `cq-${this.nextQueryId++}`, from, message: current, chat_instance: `ci-${current.chat.id}`, data } });
  }

  /** Stores a file the bot can download; returns its file_id. */
  addFile(bytes: Buffer, folder: string): string {
    const fileId = `file-${this.files.size + 1}-${Math.random().toString(36).slice(2, 8)}`;
    this.files.set(fileId, { bytes, path: `${folder}/${fileId}.oga` });
    return fileId;
  }

  /** The next call of a method (to one chat, when given; after `skip` calls that succeed) fails with this error. */
  failNext(method: string, error: ScriptedError, chatId?: string | number, skip = 0): void {
    this.failures.push({ method, error, skip, ...(chatId !== undefined ? { chatId: String(chatId) } : {}) });
  }

  /** A flood: for `ms` every send answers 429 with `retryAfterSeconds`, as Telegram does when a bot overdid it. */
  tooManyRequestsFor(ms: number, retryAfterSeconds = 1): void {
    this.stormUntil = performance.now() + ms;
    this.stormRetryAfter = retryAfterSeconds;
  }

  /** The person blocked the bot: sends to the chat answer 403. */
  block(chatId: string | number): void {
    this.blocked.add(String(chatId));
  }

  /** Messages the bot sent to a chat, as they stand now (keyboards edited). */
  messagesTo(chatId: string | number): TgMessage[] {
    return [...this.messages.values()].filter((m) => String(m.chat.id) === String(chatId));
  }

  /** The command menu set for a scope type ('default', 'all_private_chats', 'all_group_chats', …) and language. */
  commandsFor(scope: string, languageCode = ''): BotCommand[] {
    return this.menus.get(`${scope}/${languageCode}`) ?? [];
  }

  /** The bot's description and short description, as set (empty until set), for a language. */
  profileText(languageCode = ''): { description: string; shortDescription: string } {
    return { description: this.descriptions.get(languageCode) ?? '', shortDescription: this.shortDescriptions.get(languageCode) ?? '' };
  }

  /** Calls of one method. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits for a message to the chat matching the predicate. */
  async waitForMessage(chatId: string | number, predicate: (m: TgMessage) => boolean, timeoutMs = 10_000): Promise<TgMessage> {
    return this.waitFor(() => this.messagesTo(chatId).find(predicate), () => `no matching message to ${chatId}; sent: ${JSON.stringify(this.messagesTo(chatId).map((m) => m.text ?? m.caption ?? '[photo]'))}`, timeoutMs);
  }

  /** Waits for a call matching the predicate. */
  async waitForCall(predicate: (c: RecordedCall) => boolean, timeoutMs = 10_000): Promise<RecordedCall> {
    return this.waitFor(() => this.calls.find(predicate), () => `no matching call; calls: ${this.calls.map((c) => `${c.method}:${c.status}`).join(', ')}`, timeoutMs);
  }

  private async waitFor<T>(find: () => T | undefined, describe: () => string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(describe());
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private incoming(from: TgUser, chat?: TgChat): Record<string, unknown> {
    return { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: chat ?? privateChatOf(from), from };
  }

  // ---- protocol --------------------------------------------------------------------------------------------

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file && req.method === 'GET') {
      const found = file[1] === this.token ? [...this.files.values()].find((f) => f.path === file[2]) : undefined;
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/octet-stream' }).end(found?.bytes ?? 'Not Found');
      return;
    }
    const call = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!call) return this.answer(res, { error_code: 404, description: 'Not Found' });
    if (call[1] !== this.token) return this.answer(res, { error_code: 401, description: 'Unauthorized' });
    const method = call[2]!;
    const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    Object.assign(params, await readParams(req));
    if (typeof params.reply_markup === 'string') params.reply_markup = JSON.parse(params.reply_markup);
    for (const key of ['allowed_updates', 'commands', 'scope']) if (typeof params[key] === 'string') params[key] = JSON.parse(params[key]);
    const recorded: RecordedCall = { method, params, at: performance.now(), status: 200 };
    this.calls.push(recorded);
    const outcome = await this.handle(method, params, res);
    if ('error_code' in outcome) recorded.status = outcome.error_code;
    this.onCall?.(recorded);
    this.answer(res, outcome);
  }

  private answer(res: ServerResponse, outcome: { result: unknown } | ScriptedError): void {
    if (res.writableEnded || res.destroyed) return;
    const body = 'error_code' in outcome ? { ok: false, ...outcome } : { ok: true, result: outcome.result };
    // Like the Bot API: 5xx with a body telegraf cannot read as JSON, errors below 500 as JSON with their code.
    const status = 'error_code' in outcome ? outcome.error_code : 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(method: string, p: Record<string, unknown>, res: ServerResponse): Promise<{ result: unknown } | ScriptedError> {
    const chatId = textOf(p.chat_id);
    const scripted = this.failures.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (scripted >= 0 && this.failures[scripted]!.skip-- <= 0) return this.failures.splice(scripted, 1)[0]!.error;
    switch (method) {
      case 'getMe':
        return { result: { ...this.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } };
      case 'getUpdates':
        return this.getUpdates(p, res);
      case 'setWebhook': {
        const secret = textOf(p.secret_token);
        this.webhook = { url: String(p.url), ...(secret ? { secret } : {}) };
        this.deliver();
        return { result: true };
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') {
          this.pending = [];
          this.again = [];
        }
        return { result: true };
      case 'getFile': {
        const f = this.files.get(String(p.file_id));
        if (!f) return { error_code: 400, description: 'Bad Request: invalid file_id' };
        return { result: { file_id: p.file_id, file_unique_id: `${String(p.file_id)}-u`, file_size: f.bytes.length, file_path: f.path } };
      }
      case 'sendMessage':
      case 'sendPhoto':
        return this.sendMessage(method, chatId, p);
      case 'editMessageReplyMarkup': {
        const m = this.messages.get(messageKey(chatId ?? '', Number(p.message_id)));
        if (!m) return { error_code: 400, description: 'Bad Request: message to edit not found' };
        if (JSON.stringify(m.reply_markup) === JSON.stringify(p.reply_markup)) return { error_code: 400, description: 'Bad Request: message is not modified' };
        if (p.reply_markup === undefined) delete m.reply_markup;
        else m.reply_markup = p.reply_markup as TgMessage['reply_markup'];
        return { result: m };
      }
      case 'setChatMenuButton':
        return p.chat_id === undefined || typeof p.menu_button === 'object' ? { result: true } : { error_code: 400, description: 'Bad Request: menu_button is invalid' };
      case 'setMyCommands':
      case 'getMyCommands':
      case 'deleteMyCommands':
        return this.myCommands(method, p);
      case 'setMyDescription':
      case 'setMyShortDescription': {
        const short = method === 'setMyShortDescription';
        const text = textOf(short ? p.short_description : p.description) ?? '';
        if (text.length > (short ? 120 : 512)) return { error_code: 400, description: `Bad Request: ${short ? 'short ' : ''}description is too long` };
        (short ? this.shortDescriptions : this.descriptions).set(textOf(p.language_code) ?? '', text);
        return { result: true };
      }
      case 'getMyDescription':
        return { result: { description: this.descriptions.get(textOf(p.language_code) ?? '') ?? '' } };
      case 'getMyShortDescription':
        return { result: { short_description: this.shortDescriptions.get(textOf(p.language_code) ?? '') ?? '' } };
      case 'answerCallbackQuery':
        return typeof p.callback_query_id === 'string' ? { result: true } : { error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' };
      default:
        return { error_code: 404, description: 'Not Found' };
    }
  }

  /** setMyCommands / getMyCommands / deleteMyCommands for one scope and language, with the Bot API's checks. */
  private myCommands(method: string, p: Record<string, unknown>): { result: unknown } | ScriptedError {
    const scope = (p.scope as { type?: string } | undefined)?.type ?? 'default';
    if (!['default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators'].includes(scope)) return { error_code: 400, description: 'Bad Request: unsupported scope in the fake' };
    const key = `${scope}/${textOf(p.language_code) ?? ''}`;
    if (method === 'getMyCommands') return { result: this.menus.get(key) ?? [] };
    if (method === 'deleteMyCommands') {
      this.menus.delete(key);
      return { result: true };
    }
    const commands = p.commands;
    if (!Array.isArray(commands)) return { error_code: 400, description: 'Bad Request: commands must be an array' };
    if (commands.length > 100) return { error_code: 400, description: 'Bad Request: BOT_COMMANDS_TOO_MUCH' };
    const valid = (c: unknown): c is BotCommand =>
      typeof c === 'object' && c !== null && /^[a-z0-9_]{1,32}$/.test(String((c as BotCommand).command)) && String((c as BotCommand).description ?? '').trim().length >= 1 && String((c as BotCommand).description).length <= 256;
    if (!commands.every(valid)) return { error_code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' };
    this.menus.set(key, commands.map((c) => ({ command: c.command, description: c.description })));
    return { result: true };
  }

  private sendMessage(method: string, chatId: string | undefined, p: Record<string, unknown>): { result: unknown } | ScriptedError {
    if (!chatId) return { error_code: 400, description: 'Bad Request: chat_id is empty' };
    if (this.blocked.has(chatId)) return { error_code: 403, description: 'Forbidden: bot was blocked by the user' };
    const text = method === 'sendMessage' ? (textOf(p.text) ?? '') : undefined;
    if (text !== undefined && text.trim().length === 0) return { error_code: 400, description: 'Bad Request: message text is empty' };
    if (text !== undefined && text.length > 4096) return { error_code: 400, description: 'Bad Request: message is too long' };
    if (typeof p.caption === 'string' && p.caption.length > 1024) return { error_code: 400, description: 'Bad Request: message caption is too long' };
    const markup = p.reply_markup as TgMessage['reply_markup'] | undefined;
    if (markup?.inline_keyboard.some((row) => row.some((b) => Buffer.byteLength(b.callback_data ?? '') > 64))) return { error_code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' };
    const limited = this.rateLimit(chatId, p.allow_paid_broadcast === true || p.allow_paid_broadcast === 'true');
    if (limited) return limited;
    const chat: TgChat = chatId.startsWith('-') ? { id: Number(chatId), type: 'supergroup', title: 'Group' } : { id: Number(chatId), type: 'private' };
    const message: TgMessage = { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat, from: this.bot };
    if (text !== undefined) message.text = text;
    if (method === 'sendPhoto') {
      const photo = p.photo;
      const uploaded = typeof photo === 'object' && photo !== null && 'size' in photo ? (photo as { size: number }).size : undefined;
      message.photo = [{ file_id: typeof photo === 'string' && !/^https?:/.test(photo) ? photo : `sent-${message.message_id}`, file_unique_id: `su-${message.message_id}`, width: 800, height: 600, ...(uploaded !== undefined ? { file_size: uploaded } : {}) }];
      message.photo_source = typeof photo === 'string' ? (/^https?:/.test(photo) ? 'url' : 'file_id') : 'upload';
      if (typeof p.caption === 'string') message.caption = p.caption;
    }
    if (markup) message.reply_markup = markup;
    this.messages.set(messageKey(chatId, message.message_id), message);
    return { result: message };
  }

  /**
   * Telegram's limits: 30 bulk messages/s per bot (replies to a chat that wrote in the last minute are not held to
   * it; paid broadcasts have their own 1,000/s), about 1/s per private chat after a small burst, 20/min per group.
   */
  private rateLimit(chatId: string, paid: boolean): ScriptedError | undefined {
    const now = performance.now();
    const tooMany = (waitMs: number): ScriptedError => {
      const retry_after = Math.max(1, Math.ceil(waitMs / 1000));
      return { error_code: 429, description: `Too Many Requests: retry after ${retry_after}`, parameters: { retry_after } };
    };
    if (now < this.stormUntil) return tooMany(this.stormRetryAfter * 1000);
    const { privateChat, group } = this.limits;
    const replying = now - (this.lastWrote.get(chatId) ?? Number.NEGATIVE_INFINITY) < REPLY_WINDOW_MS;
    const window = paid ? (this.limits.paid ?? { max: 1000, windowMs: 1000 }) : this.limits.bot;
    const sends = paid ? this.paidSends : replying ? undefined : this.botSends;
    if (sends) {
      while (sends.length > 0 && sends[0]! <= now - window.windowMs) sends.shift();
      if (sends.length >= window.max) return tooMany(sends[0]! + window.windowMs - now);
    }
    if (chatId.startsWith('-')) {
      const sends = (this.groupSends.get(chatId) ?? []).filter((t) => t > now - group.windowMs);
      if (sends.length >= group.max) return tooMany(sends[0]! + group.windowMs - now);
      sends.push(now);
      this.groupSends.set(chatId, sends);
    } else {
      const b = this.buckets.get(chatId) ?? { tokens: privateChat.burst, at: now };
      b.tokens = Math.min(privateChat.burst, b.tokens + ((now - b.at) / 1000) * privateChat.perSecond);
      b.at = now;
      if (b.tokens < 1) return tooMany(((1 - b.tokens) / privateChat.perSecond) * 1000);
      b.tokens -= 1;
      this.buckets.set(chatId, b);
    }
    sends?.push(now);
    return undefined;
  }

  private async getUpdates(p: Record<string, unknown>, res: ServerResponse): Promise<{ result: unknown } | ScriptedError> {
    if (this.webhook) return { error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" };
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(100, Number(p.limit ?? 100));
    const timeoutMs = Number(p.timeout ?? 0) * 1000;
    // Updates before the offset are confirmed: Telegram forgets them.
    this.pending = this.pending.filter((u) => u.update_id >= offset);
    if (this.pending.length === 0 && this.again.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.pollers.push(done);
        // The response's close, not the request's: a request emits close as soon as its body is read.
        res.once('close', done);
      });
      this.pending = this.pending.filter((u) => u.update_id >= offset);
    }
    // Telegram hands updates out in id order, so a bot confirms a batch by its highest id. A redelivered update
    // takes its place in that order: put ahead of updates not yet handed out, it would confirm them unseen.
    const batch = [...this.again, ...this.pending].sort((a, b) => a.update_id - b.update_id).slice(0, limit);
    const handedOut = new Set(batch);
    this.again = this.again.filter((u) => !handedOut.has(u));
    if (batch.length > 0) this.onUpdatesHandedOut?.(batch);
    return { result: batch };
  }

  /** Wakes long polls, or posts the pending updates to the webhook in order. */
  private deliver(): void {
    if (!this.webhook) {
      for (const wake of this.pollers.splice(0)) wake();
      return;
    }
    const batch = [...this.again.splice(0), ...this.pending.splice(0)];
    for (const update of batch) this.webhookChain = this.webhookChain.then(() => this.postToWebhook(update));
  }

  private async postToWebhook(update: TgUpdate): Promise<void> {
    const hook = this.webhook;
    if (!hook) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      let status: number;
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}) },
          body: JSON.stringify(update),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      this.webhookPosts.push({ updateId: update.update_id, status });
      if (status >= 200 && status < 300) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const messageKey = (chatId: string | number, messageId: number): string => `${chatId}/${messageId}`;

/** Reads a Bot API request body: JSON, urlencoded, or multipart (files become { filename, size }). */
async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (body.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.startsWith('multipart/form-data') && boundary) return parseMultipart(body, boundary[1] ?? boundary[2]!);
  return {};
}

function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]+)"/.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (name) params[name] = filename !== undefined ? { filename, size: content.length } : content.toString('utf8');
    start = next;
  }
  return params;
}
