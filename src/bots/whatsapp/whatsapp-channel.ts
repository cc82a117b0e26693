import { setTimeout as sleepFor } from 'node:timers/promises';
import { DisconnectReason } from '@whiskeysockets/baileys';
import type { AnyMessageContent, BaileysEventMap, ConnectionState, WAMessage } from '@whiskeysockets/baileys';
import { ChannelSendError, type Channel, type Inbound, type OutboundMessage, type RateLimitEvent } from '../channel-port.ts';
import { ChannelRateLimitedError } from '../channel-errors.ts';
import { disconnectStatus, mapWhatsAppMessage, toChannelSendError, whatsAppText, WhatsAppButtonMemory, type WhatsAppVoiceNote } from './whatsapp-mapping.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { DEFAULT_LANE, LANE_RANK, type Lane } from '../../messaging/lanes.ts';

/** The part of a Baileys socket the channel uses: the real `WASocket` has it, tests pass a fake. */
export interface WhatsAppSocket {
  ev: {
    on<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void;
    off<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void;
  };
  user?: { id: string } | undefined;
  sendMessage(jid: string, content: AnyMessageContent): Promise<unknown>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  end(error: Error | undefined): Promise<void> | void;
}

/** A socket with the auth state it was opened with: `saveCreds` on `creds.update`, `clearAuth` after a logout. */
export interface WhatsAppConnection {
  socket: WhatsAppSocket;
  saveCreds(): Promise<void>;
  clearAuth(): Promise<void>;
}

/** Opens a new connection (a socket on the stored auth state); called at start and on every reconnect. */
export type WhatsAppSocketFactory = () => Promise<WhatsAppConnection>;

/** How a device gets linked: show each QR code, or ask WhatsApp for a pairing code for a phone number (digits only). */
export type WhatsAppLinking = { onQr: (qr: string) => void } | { phone: string; onPairingCode: (code: string) => void };

/** Where the connection stands; `logged-out`, `replaced` and `not-linked` end it until someone links the session again. */
export type WhatsAppStatus = 'open' | 'reconnecting' | 'logged-out' | 'replaced' | 'not-linked';

/** Waits `ms`, or rejects with an AbortError when the signal fires (the channel stopped). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** What a voice note says, or null when it could not be understood. */
export type VoiceNoteTranscriber = (message: WAMessage) => Promise<string | null>;

/** What the channel is built from; everything but the factory and logger has a default. */
export interface WhatsAppChannelOptions {
  socketFactory: WhatsAppSocketFactory;
  logger: Logger;
  /** The session name, for log lines. */
  session?: string;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  /** Outbound pace: at least this long between two messages of this process, plus up to `maxSendJitterMs`. */
  minSendIntervalMs?: number;
  maxSendJitterMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** Only `npm run whatsapp:link` links a device; without this, an unlinked session stops with one log line. */
  linking?: WhatsAppLinking;
  onStatus?: (status: WhatsAppStatus) => void;
  transcribeVoiceNote?: VoiceNoteTranscriber;
}

/** The reply to a voice note that cannot be transcribed. */
export const VOICE_NOTE_REPLY = "Sorry, I can't listen to voice messages yet. Could you type your message for me, please?";

interface PacedSend {
  rank: number;
  task: () => Promise<unknown>;
  signal: AbortSignal;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * One queue per process for everything sent on WhatsApp, which bans accounts that send in bursts: each message
 * waits until the interval (plus jitter) since the previous one has passed. The waiting messages are served in
 * their lanes' order (an alert before a reply before a reminder), then as they came; one timer at a time,
 * whatever the backlog.
 */
class SendPacer {
  private waiting: PacedSend[] = [];
  private running = false;
  private nextAt = 0;
  private readonly deps: { clock: Clock; sleep: Sleep; random: () => number; minIntervalMs: number; maxJitterMs: number };

  constructor(deps: { clock: Clock; sleep: Sleep; random: () => number; minIntervalMs: number; maxJitterMs: number }) {
    this.deps = deps;
  }

  run<T>(task: () => Promise<T>, signal: AbortSignal, lane: Lane = DEFAULT_LANE): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const send: PacedSend = { rank: LANE_RANK[lane], task, signal, resolve: (v) => resolve(v as T), reject };
      let at = this.waiting.length;
      while (at > 0 && this.waiting[at - 1]!.rank > send.rank) at--;
      this.waiting.splice(at, 0, send);
      if (!this.running) void this.serve();
    });
  }

  private async serve(): Promise<void> {
    const { clock, sleep, random, minIntervalMs, maxJitterMs } = this.deps;
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const wait = this.nextAt - clock.now().getTime();
        let stopped: unknown;
        if (wait > 0) await sleep(wait, this.waiting[0]!.signal).catch((err: unknown) => (stopped = err));
        // Chosen after the wait, so a message that came meanwhile in a higher lane goes first.
        const next = this.waiting.shift();
        if (!next) break;
        if (stopped !== undefined) {
          next.reject(stopped);
          continue;
        }
        try {
          next.signal.throwIfAborted();
          next.resolve(await next.task());
        } catch (err) {
          next.reject(err);
        } finally {
          this.nextAt = clock.now().getTime() + minIntervalMs + Math.floor(random() * (maxJitterMs + 1));
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * WhatsApp through Baileys behind the channel port: keeps one socket connected (reconnecting with backoff and
 * jitter, stopping for good when the phone logs the device out), saves credentials as they change, hands
 * inbound messages to the pipeline, and sends at a modest pace with buttons as numbered choices.
 */
export class WhatsAppChannel implements Channel {
  readonly name = 'whatsapp' as const;
  private readonly options: WhatsAppChannelOptions;
  private readonly logger: Logger;
  private readonly session: string;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly pacer: SendPacer;
  private readonly buttons: WhatsAppButtonMemory;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly saves = new Set<Promise<unknown>>();
  private readonly rateLimitListeners: ((event: RateLimitEvent) => void)[] = [];
  private onInbound: ((inbound: Inbound) => Promise<void>) | undefined;
  private connection: WhatsAppConnection | undefined;
  private detach: (() => void)[] = [];
  private open = false;
  private halted: WhatsAppStatus | undefined;
  private stopped = false;
  private attempt = 0;
  private abort = new AbortController();

  constructor(options: WhatsAppChannelOptions) {
    this.options = options;
    this.logger = options.logger.child({ channel: 'whatsapp' });
    this.session = options.session ?? 'default';
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.random = options.random ?? Math.random;
    this.buttons = new WhatsAppButtonMemory({ clock: this.clock });
    this.pacer = new SendPacer({
      clock: this.clock,
      sleep: this.sleep,
      random: this.random,
      minIntervalMs: options.minSendIntervalMs ?? 1500,
      maxJitterMs: options.maxSendJitterMs ?? 1500,
    });
  }

  /** The linked account's jid once connected. */
  get account(): string | undefined {
    return this.open ? this.connection?.socket.user?.id : undefined;
  }

  async start(onInbound: (inbound: Inbound) => Promise<void>): Promise<void> {
    this.onInbound = onInbound;
    this.stopped = false;
    this.halted = undefined;
    this.abort = new AbortController();
    await this.connect();
  }

  async send(message: OutboundMessage): Promise<void> {
    this.assertConnected();
    const text = whatsAppText(message);
    const content: AnyMessageContent = message.photo ? { image: { url: message.photo }, caption: text } : { text };
    try {
      await this.pacer.run(
        async () => {
          const socket = this.assertConnected();
          await socket.sendMessage(message.chatId, content);
        },
        this.abort.signal,
        message.lane,
      );
    } catch (err) {
      const mapped = toChannelSendError(err);
      if (mapped instanceof ChannelRateLimitedError) {
        for (const listener of this.rateLimitListeners) listener({ method: mapped.method, retryAfterMs: mapped.retryAfterMs ?? 60_000, chatId: message.chatId });
      }
      throw mapped;
    }
    this.buttons.remember(message.chatId, message.buttons);
  }

  /** Calls `listener` whenever WhatsApp refuses a message for coming too fast (rate-overlimit). */
  onRateLimited(listener: (event: RateLimitEvent) => void): void {
    this.rateLimitListeners.push(listener);
  }

  /** Stops taking messages, lets the ones in hand finish, closes the socket (without logging out) and finishes saving. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    const socket = this.connection?.socket;
    this.unlisten();
    this.open = false;
    await Promise.allSettled([...this.inFlight]);
    await socket?.end(undefined);
    await Promise.allSettled([...this.saves]);
  }

  private assertConnected(): WhatsAppSocket {
    const socket = this.connection?.socket;
    if (this.halted) throw new ChannelSendError(`WhatsApp session "${this.session}" is ${this.halted}; run npm run whatsapp:link`, false);
    if (!socket || !this.open) throw new ChannelSendError('WhatsApp is not connected', true);
    return socket;
  }

  private async connect(): Promise<void> {
    const connection = await this.options.socketFactory();
    if (this.stopped) {
      await connection.socket.end(undefined);
      return;
    }
    this.connection = connection;
    let pairingRequested = false;
    this.listen(connection.socket, 'creds.update', () => {
      const save = connection.saveCreds().catch((err: unknown) => this.logger.error({ err: String(err) }, 'could not save WhatsApp credentials'));
      this.track(this.saves, save);
    });
    this.listen(connection.socket, 'messages.upsert', (upsert) => {
      if (upsert.type === 'notify') this.track(this.inFlight, this.receive(upsert.messages));
    });
    this.listen(connection.socket, 'connection.update', (update) => {
      if (update.qr && !pairingRequested) pairingRequested = this.showLink(connection.socket, update.qr);
      if (update.connection === 'open') this.opened();
      if (update.connection === 'close') this.track(this.inFlight, this.closed(connection, update.lastDisconnect));
    });
  }

  /** Shows a QR code or asks for a pairing code while linking; returns true once a pairing code was requested. */
  private showLink(socket: WhatsAppSocket, qr: string): boolean {
    const linking = this.options.linking;
    if (!linking) {
      this.halt('not-linked', `WhatsApp session "${this.session}" is not linked to a phone: run npm run whatsapp:link`);
      void Promise.resolve(socket.end(undefined)).catch(() => undefined);
      return false;
    }
    if ('onQr' in linking) {
      linking.onQr(qr);
      return false;
    }
    socket.requestPairingCode(linking.phone).then(linking.onPairingCode, (err: unknown) => this.logger.error({ err: String(err) }, 'WhatsApp did not give a pairing code'));
    return true;
  }

  private opened(): void {
    this.open = true;
    this.attempt = 0;
    this.logger.info({ session: this.session }, 'WhatsApp connected');
    this.options.onStatus?.('open');
  }

  private async closed(connection: WhatsAppConnection, lastDisconnect: ConnectionState['lastDisconnect']): Promise<void> {
    if (connection !== this.connection) return;
    this.open = false;
    this.unlisten();
    if (this.stopped || this.halted) return;
    const status = disconnectStatus(lastDisconnect?.error);
    if (status === DisconnectReason.loggedOut) {
      await Promise.allSettled([...this.saves]);
      await connection.clearAuth().catch((err: unknown) => this.logger.error({ session: this.session, err: String(err) }, 'could not remove the logged-out WhatsApp keys'));
      this.halt('logged-out', `WhatsApp session "${this.session}" was logged out from the phone and its keys were removed: run npm run whatsapp:link to link it again`);
      return;
    }
    if (status === DisconnectReason.connectionReplaced) {
      this.halt('replaced', `WhatsApp session "${this.session}" was opened by another process; this one stops (run one WhatsApp channel per session)`);
      return;
    }
    // After a QR scan WhatsApp asks for a restart at once; everything else backs off.
    this.reconnect(status === DisconnectReason.restartRequired ? 0 : this.backoffMs(), status);
  }

  private reconnect(delayMs: number, status: number | undefined): void {
    const level = status === DisconnectReason.restartRequired ? 'info' : 'warn';
    this.logger[level]({ session: this.session, status, delayMs }, 'WhatsApp connection closed; reconnecting');
    this.options.onStatus?.('reconnecting');
    const attempt = async (): Promise<void> => {
      try {
        if (delayMs > 0) await this.sleep(delayMs, this.abort.signal);
        // A restart right after linking must read the credentials that were just saved.
        await Promise.allSettled([...this.saves]);
        if (!this.stopped) await this.connect();
      } catch (err) {
        if (this.stopped) return;
        this.logger.warn({ session: this.session, err: String(err) }, 'could not reconnect to WhatsApp');
        this.reconnect(this.backoffMs(), undefined);
      }
    };
    this.track(this.inFlight, attempt());
  }

  /** 1 s, 2 s, 4 s ... up to the maximum, each between half and all of it so restarted processes spread out. */
  private backoffMs(): number {
    const base = this.options.reconnectBaseMs ?? 1000;
    const ceiling = Math.min(this.options.reconnectMaxMs ?? 60_000, base * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(ceiling * (0.5 + this.random() * 0.5));
  }

  private halt(status: WhatsAppStatus, line: string): void {
    this.halted = status;
    this.logger.error({ session: this.session }, line);
    this.options.onStatus?.(status);
  }

  private async receive(messages: WAMessage[]): Promise<void> {
    for (const raw of messages) {
      const mapped = mapWhatsAppMessage(raw);
      if (!mapped || !this.onInbound) continue;
      try {
        if (mapped.kind === 'voice') await this.receiveVoiceNote(mapped, raw);
        else await this.onInbound(this.buttons.resolve(mapped));
      } catch (err) {
        this.logger.error({ updateId: mapped.updateId, err: String(err) }, 'could not handle a WhatsApp message');
      }
    }
  }

  /** A transcribed voice note goes on as text; otherwise a private chat is asked kindly to type (a group is left in peace). */
  private async receiveVoiceNote(note: WhatsAppVoiceNote, raw: WAMessage): Promise<void> {
    let text: string | null = null;
    try {
      text = (await this.options.transcribeVoiceNote?.(raw)) ?? null;
    } catch (err) {
      this.logger.warn({ updateId: note.updateId, err: String(err) }, 'could not transcribe a voice note');
    }
    if (text && text.trim().length > 0) {
      await this.onInbound?.(this.buttons.resolve({ kind: 'message', sender: note.sender, updateId: note.updateId, text: text.trim() }));
      return;
    }
    if (note.sender.chatType === 'private') await this.send({ chatId: note.sender.chatId, text: VOICE_NOTE_REPLY, lane: 'reply' });
  }

  private listen<T extends keyof BaileysEventMap>(socket: WhatsAppSocket, event: T, listener: (arg: BaileysEventMap[T]) => void): void {
    socket.ev.on(event, listener);
    this.detach.push(() => socket.ev.off(event, listener));
  }

  private unlisten(): void {
    for (const off of this.detach) off();
    this.detach = [];
  }

  private track(set: Set<Promise<unknown>>, work: Promise<unknown>): void {
    set.add(work);
    void work.finally(() => set.delete(work)).catch(() => undefined);
  }
}
