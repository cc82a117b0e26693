import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, it, expect } from '@jest/globals';
import { DisconnectReason } from '@whiskeysockets/baileys';
import type { AnyMessageContent, BaileysEventMap, WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys';
import { WhatsAppChannel, VOICE_NOTE_REPLY, type WhatsAppChannelOptions, type WhatsAppSocket, type WhatsAppStatus } from '../../src/bots/whatsapp/whatsapp-channel.ts';
import { ChannelSendError, type Inbound, type RateLimitEvent } from '../../src/bots/channel-port.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';

const MARGARET = '447700900123@s.whatsapp.net';
const FAMILY_GROUP = '120363025246125486@g.us';

/** Baileys' event emitter as far as the channel uses it, with `emit` for the test to play WhatsApp. */
class FakeEvents {
  private readonly emitter = new EventEmitter();
  on<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void {
    this.emitter.on(event, listener);
  }
  off<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void {
    this.emitter.off(event, listener);
  }
  emit<T extends keyof BaileysEventMap>(event: T, arg: BaileysEventMap[T]): boolean {
    return this.emitter.emit(event, arg);
  }
  listenerCount(event: keyof BaileysEventMap): number {
    return this.emitter.listenerCount(event);
  }
}

/** A Baileys socket that records what is sent and never touches the network. */
class FakeSocket implements WhatsAppSocket {
  readonly ev = new FakeEvents();
  readonly user = { id: '447700900000:7@s.whatsapp.net', name: 'Assistant' };
  readonly sent: { jid: string; content: AnyMessageContent; at: number }[] = [];
  readonly pairingRequests: string[] = [];
  failNext: Error | undefined;
  loggedOut = false;
  ended = false;
  private readonly clock: FakeClock;

  constructor(clock: FakeClock) {
    this.clock = clock;
  }

  async sendMessage(jid: string, content: AnyMessageContent): Promise<undefined> {
    if (this.failNext !== undefined) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    this.sent.push({ jid, content, at: this.clock.now().getTime() });
    return undefined;
  }
  async requestPairingCode(phone: string): Promise<string> {
    this.pairingRequests.push(phone);
    return 'K7QW2MXP';
  }
  async logout(): Promise<void> {
    this.loggedOut = true;
  }
  async end(): Promise<void> {
    this.ended = true;
  }

  open(): void {
    this.ev.emit('connection.update', { connection: 'open' });
  }
  close(statusCode: number, message = 'Connection Closed'): void {
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error: aBoom(message, statusCode), date: this.clock.now() } });
  }
  receive(messages: WAMessage[], type: 'notify' | 'append' = 'notify'): void {
    this.ev.emit('messages.upsert', { messages, type });
  }
}

/** An error shaped like Baileys' Boom errors, which carry the disconnect reason as an HTTP-like status. */
function aBoom(message: string, statusCode: number): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode } });
}

function aWhatsAppMessage(message: proto.IMessage, key: Partial<WAMessageKey> = {}): WAMessage {
  return { key: { remoteJid: MARGARET, fromMe: false, id: `M${Math.random().toString(36).slice(2, 10)}`, ...key }, message, pushName: 'Margaret' };
}

/** Lets the channel's promise chains run (the fakes never wait on real I/O). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A channel on fake sockets with a fake clock: sleeping advances the clock at once and is recorded. */
function aChannel(options: Partial<WhatsAppChannelOptions> = {}) {
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const sockets: FakeSocket[] = [];
  const saves: number[] = [];
  const clears: number[] = [];
  const sleeps: number[] = [];
  const statuses: WhatsAppStatus[] = [];
  const logLines: { level: number; msg: string }[] = [];
  let sleeping = 0;
  let mostAsleep = 0;
  const inbound: Inbound[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const channel = new WhatsAppChannel({
    socketFactory: async () => {
      const socket = new FakeSocket(clock);
      sockets.push(socket);
      return { socket, saveCreds: async () => void saves.push(sockets.length), clearAuth: async () => void clears.push(sockets.length) };
    },
    logger: createLogger('info', logs),
    session: 'family-assistant',
    clock,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      sleeping++;
      mostAsleep = Math.max(mostAsleep, sleeping);
      await Promise.resolve();
      clock.advance(ms);
      sleeping--;
    },
    onStatus: (status) => void statuses.push(status),
    ...options,
  });
  const start = async (): Promise<FakeSocket> => {
    await channel.start(async (update) => void inbound.push(update));
    sockets.at(-1)!.open();
    return sockets.at(-1)!;
  };
  return { channel, clock, sockets, saves, clears, sleeps, statuses, logLines, inbound, start, mostAsleep: () => mostAsleep };
}

describe('the WhatsApp channel', () => {
  it('hands text, image, group and transcribed voice messages to the pipeline and skips what is not for it', async () => {
    const { channel, start, inbound } = aChannel({ transcribeVoiceNote: async () => 'remind me about the dentist' });
    const socket = await start();
    socket.receive([
      aWhatsAppMessage({ conversation: 'hello' }, { id: 'T1' }),
      aWhatsAppMessage({ imageMessage: { caption: 'my tablets' } }, { id: 'I1' }),
      aWhatsAppMessage({ conversation: 'hi Mum' }, { id: 'G1', remoteJid: FAMILY_GROUP, participant: '447700900456@s.whatsapp.net' }),
      aWhatsAppMessage({ audioMessage: { ptt: true, seconds: 4 } }, { id: 'V1' }),
      aWhatsAppMessage({ conversation: 'from me' }, { id: 'F1', fromMe: true }),
      aWhatsAppMessage({ conversation: 'my status' }, { id: 'S1', remoteJid: 'status@broadcast' }),
    ]);
    socket.receive([aWhatsAppMessage({ conversation: 'old history' }, { id: 'H1' })], 'append');
    await flush();

    expect(inbound).toEqual([
      { kind: 'message', sender: { channel: 'whatsapp', userId: MARGARET, chatId: MARGARET, chatType: 'private', displayName: 'Margaret' }, updateId: 'T1', text: 'hello' },
      expect.objectContaining({ kind: 'message', updateId: 'I1', text: 'my tablets', photo: `whatsapp:${MARGARET}/I1` }),
      expect.objectContaining({ updateId: 'G1', sender: expect.objectContaining({ chatType: 'group', chatId: FAMILY_GROUP, userId: '447700900456@s.whatsapp.net' }) }),
      expect.objectContaining({ kind: 'message', updateId: 'V1', text: 'remind me about the dentist' }),
    ]);
    await channel.stop();
  });

  it('asks kindly for typing when a voice note cannot be transcribed, in a private chat only', async () => {
    const { channel, start, inbound } = aChannel();
    const socket = await start();
    socket.receive([
      aWhatsAppMessage({ audioMessage: { ptt: true, seconds: 9 } }, { id: 'V1' }),
      aWhatsAppMessage({ audioMessage: { ptt: true, seconds: 9 } }, { id: 'V2', remoteJid: FAMILY_GROUP, participant: '447700900456@s.whatsapp.net' }),
    ]);
    await flush();
    expect(inbound).toEqual([]);
    expect(socket.sent.map((s) => [s.jid, s.content])).toEqual([[MARGARET, { text: VOICE_NOTE_REPLY }]]);
    await channel.stop();
  });

  it('sends buttons as numbered choices and turns a reply of "2" or a label into a button press', async () => {
    const { channel, start, inbound } = aChannel();
    const socket = await start();
    const yesNo = [[{ label: 'Yes', data: 'confirm:t1:yes' }, { label: 'No', data: 'confirm:t1:no' }]];
    await channel.send({ chatId: MARGARET, text: 'Shall I set it?', buttons: yesNo });
    expect(socket.sent[0]?.content).toEqual({ text: 'Shall I set it?\n\nReply 1 for Yes, 2 for No.' });

    socket.receive([aWhatsAppMessage({ conversation: '2' }, { id: 'R1' })]);
    await flush();
    expect(inbound.at(-1)).toEqual({ kind: 'button', sender: expect.objectContaining({ userId: MARGARET }), updateId: 'R1', data: 'confirm:t1:no' });

    await channel.send({ chatId: MARGARET, text: 'And the other one?', buttons: yesNo });
    socket.receive([aWhatsAppMessage({ conversation: 'yes' }, { id: 'R2' })]);
    await flush();
    expect(inbound.at(-1)).toMatchObject({ kind: 'button', data: 'confirm:t1:yes' });

    socket.receive([aWhatsAppMessage({ conversation: '1' }, { id: 'R3' })]);
    await flush();
    expect(inbound.at(-1)).toMatchObject({ kind: 'message', text: '1' });
    await channel.stop();
  });

  it('sends a photo as an image with the text as its caption', async () => {
    const { channel, start } = aChannel();
    const socket = await start();
    await channel.send({ chatId: MARGARET, text: 'Here is the venue', photo: 'https://example.org/venue.jpg' });
    expect(socket.sent[0]?.content).toEqual({ image: { url: 'https://example.org/venue.jpg' }, caption: 'Here is the venue' });
    await channel.stop();
  });

  it('paces outbound messages through one queue: the first at once, then 1.5 to 3 s apart, one timer at a time', async () => {
    const { channel, start, clock, sleeps, mostAsleep } = aChannel();
    const socket = await start();
    const t0 = clock.now().getTime();
    await Promise.all(['one', 'two', 'three', 'four'].map((text, i) => channel.send({ chatId: i % 2 === 0 ? MARGARET : FAMILY_GROUP, text })));
    expect(socket.sent.map((s) => s.content)).toEqual([{ text: 'one' }, { text: 'two' }, { text: 'three' }, { text: 'four' }]);
    // random() = 0.5: 1500 ms plus half of the 1500 ms jitter.
    expect(socket.sent.map((s) => s.at - t0)).toEqual([0, 2250, 4500, 6750]);
    expect(sleeps).toEqual([2250, 2250, 2250]);
    expect(mostAsleep()).toBe(1);
    await channel.stop();
  });

  it('sends an alert that comes while reminders wait at the pace next, then replies, then the reminders', async () => {
    const { channel, start } = aChannel();
    const socket = await start();
    await Promise.all([
      channel.send({ chatId: MARGARET, text: 'reminder 1', lane: 'reminder' }),
      channel.send({ chatId: MARGARET, text: 'reminder 2', lane: 'reminder' }),
      channel.send({ chatId: MARGARET, text: 'weekly chart', lane: 'digest' }),
      channel.send({ chatId: MARGARET, text: 'reminder 3' }),
      channel.send({ chatId: FAMILY_GROUP, text: 'You said: hello', lane: 'reply' }),
      channel.send({ chatId: FAMILY_GROUP, text: 'URGENT: Margaret needs help', lane: 'alert' }),
    ]);
    // The first was already on its way when the others came.
    expect(socket.sent.map((s) => (s.content as { text: string }).text)).toEqual(['reminder 1', 'URGENT: Margaret needs help', 'You said: hello', 'reminder 2', 'reminder 3', 'weekly chart']);
    await channel.stop();
  });

  it('uses the configured pace, and does not wait when the previous message is long gone', async () => {
    const { channel, start, clock, sleeps } = aChannel({ minSendIntervalMs: 4000, maxSendJitterMs: 0 });
    const socket = await start();
    await channel.send({ chatId: MARGARET, text: 'one' });
    await channel.send({ chatId: MARGARET, text: 'two' });
    clock.advance(60_000);
    await channel.send({ chatId: MARGARET, text: 'three' });
    expect(sleeps).toEqual([4000]);
    expect(socket.sent).toHaveLength(3);
    await channel.stop();
  });

  it('reports send failures: connection problems can be retried, refusals cannot', async () => {
    const { channel, sockets } = aChannel();
    await expect(channel.send({ chatId: MARGARET, text: 'too early' })).rejects.toMatchObject({ name: 'ChannelSendError', retryable: true });
    await channel.start(async () => undefined);
    await expect(channel.send({ chatId: MARGARET, text: 'not open yet' })).rejects.toMatchObject({ retryable: true });
    const socket = sockets[0]!;
    socket.open();

    socket.failNext = aBoom('Connection Closed', DisconnectReason.connectionClosed);
    const closed = await channel.send({ chatId: MARGARET, text: 'a' }).catch((err: unknown) => err);
    expect(closed).toBeInstanceOf(ChannelSendError);
    expect(closed).toMatchObject({ retryable: true });

    const limited: RateLimitEvent[] = [];
    channel.onRateLimited((event) => limited.push(event));
    socket.failNext = aBoom('rate-overlimit', 429);
    await expect(channel.send({ chatId: MARGARET, text: 'b' })).rejects.toMatchObject({ retryable: true, retryAfterMs: 60_000 });
    expect(limited).toEqual([{ method: 'sendMessage', retryAfterMs: 60_000, chatId: MARGARET }]);
    socket.failNext = aBoom('not-acceptable', 406);
    await expect(channel.send({ chatId: MARGARET, text: 'c' })).rejects.toMatchObject({ retryable: false });
    socket.failNext = new Error('ENOENT: no such file, open /photos/missing.jpg');
    await expect(channel.send({ chatId: MARGARET, text: 'd', photo: '/photos/missing.jpg' })).rejects.toMatchObject({ retryable: false });
    await channel.stop();
  });

  it('saves the credentials whenever Baileys updates them, and finishes saving on stop', async () => {
    const { channel, start, saves } = aChannel();
    const socket = await start();
    socket.ev.emit('creds.update', { registered: true });
    socket.ev.emit('creds.update', { nextPreKeyId: 31 });
    await channel.stop();
    expect(saves).toEqual([1, 1]);
    expect(socket.ended).toBe(true);
    expect(socket.loggedOut).toBe(false);
  });

  it('reconnects after a close with a growing, jittered delay, and delivers messages from the new socket', async () => {
    const { channel, start, sockets, sleeps, statuses, inbound } = aChannel({ reconnectBaseMs: 1000 });
    const first = await start();
    first.close(DisconnectReason.connectionLost);
    await flush();
    expect(sockets).toHaveLength(2);
    sockets[1]!.close(DisconnectReason.connectionClosed);
    await flush();
    expect(sockets).toHaveLength(3);
    // random() = 0.5: three quarters of 1 s, then of 2 s.
    expect(sleeps).toEqual([750, 1500]);
    expect(first.ev.listenerCount('messages.upsert')).toBe(0);

    const third = sockets[2]!;
    third.open();
    third.receive([aWhatsAppMessage({ conversation: 'are you there?' }, { id: 'A1' })]);
    await flush();
    expect(inbound).toMatchObject([{ text: 'are you there?' }]);
    await channel.send({ chatId: MARGARET, text: 'Yes, I am here.' });
    expect(third.sent).toHaveLength(1);
    expect(statuses).toEqual(['open', 'reconnecting', 'reconnecting', 'open']);

    // Open again resets the delay; a restart request (after linking) reconnects at once.
    third.close(DisconnectReason.restartRequired);
    await flush();
    expect(sockets).toHaveLength(4);
    expect(sleeps).toEqual([750, 1500]);
    await channel.stop();
  });

  it('when the phone logs the device out: clears the auth state, says to link again, and stops reconnecting', async () => {
    const { channel, start, sockets, clears, logLines, statuses } = aChannel();
    const socket = await start();
    socket.close(DisconnectReason.loggedOut, 'Intentional Logout');
    await flush();
    expect(clears).toEqual([1]);
    expect(sockets).toHaveLength(1);
    expect(statuses).toEqual(['open', 'logged-out']);
    const line = logLines.filter((l) => l.msg.includes('npm run whatsapp:link'));
    expect(line).toHaveLength(1);
    expect(line[0]!.msg).toContain('logged out');
    await expect(channel.send({ chatId: MARGARET, text: 'hello?' })).rejects.toMatchObject({ retryable: false });
    await channel.stop();
  });

  it('stops on its own when another process takes the session over, instead of fighting over it', async () => {
    const { channel, start, sockets, statuses } = aChannel();
    const socket = await start();
    socket.close(DisconnectReason.connectionReplaced, 'Stream Errored (conflict)');
    await flush();
    expect(sockets).toHaveLength(1);
    expect(statuses).toEqual(['open', 'replaced']);
    await channel.stop();
  });

  it('does not show a QR code in the assistant: an unlinked session stops with a line saying how to link it', async () => {
    const { channel, sockets, statuses, logLines } = aChannel();
    await channel.start(async () => undefined);
    sockets[0]!.ev.emit('connection.update', { qr: '2@abc,def,ghi' });
    sockets[0]!.close(DisconnectReason.connectionClosed);
    await flush();
    expect(sockets[0]!.ended).toBe(true);
    expect(sockets).toHaveLength(1);
    expect(statuses).toEqual(['not-linked']);
    expect(logLines.filter((l) => l.msg.includes('npm run whatsapp:link'))).toHaveLength(1);
    await channel.stop();
  });

  it('links with a QR code, or with one pairing code per connection for a phone number', async () => {
    const qrs: string[] = [];
    const byQr = aChannel({ linking: { onQr: (qr) => void qrs.push(qr) } });
    await byQr.channel.start(async () => undefined);
    byQr.sockets[0]!.ev.emit('connection.update', { qr: 'QR-1' });
    byQr.sockets[0]!.ev.emit('connection.update', { qr: 'QR-2' });
    byQr.sockets[0]!.ev.emit('creds.update', { registered: true });
    byQr.sockets[0]!.close(DisconnectReason.restartRequired);
    await flush();
    byQr.sockets[1]!.open();
    expect(qrs).toEqual(['QR-1', 'QR-2']);
    expect(byQr.saves).toEqual([1]);
    expect(byQr.statuses).toEqual(['reconnecting', 'open']);
    expect(byQr.channel.account).toBe('447700900000:7@s.whatsapp.net');
    await byQr.channel.stop();

    const codes: string[] = [];
    const byPhone = aChannel({ linking: { phone: '447700900000', onPairingCode: (code) => void codes.push(code) } });
    await byPhone.channel.start(async () => undefined);
    byPhone.sockets[0]!.ev.emit('connection.update', { qr: 'QR-1' });
    byPhone.sockets[0]!.ev.emit('connection.update', { qr: 'QR-2' });
    await flush();
    expect(byPhone.sockets[0]!.pairingRequests).toEqual(['447700900000']);
    expect(codes).toEqual(['K7QW2MXP']);
    await byPhone.channel.stop();
  });

  it('stops cleanly: no reconnect, and sends waiting for their turn are handed back as retryable', async () => {
    const { channel, start, sockets } = aChannel({
      sleep: (_ms, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
    });
    const socket = await start();
    await channel.send({ chatId: MARGARET, text: 'first' });
    const waiting = channel.send({ chatId: MARGARET, text: 'second' }).catch((err: unknown) => err);
    await flush();
    await channel.stop();
    expect(await waiting).toMatchObject({ name: 'ChannelSendError', retryable: true });
    socket.close(DisconnectReason.connectionClosed);
    await flush();
    expect(sockets).toHaveLength(1);
    expect(socket.sent).toHaveLength(1);
  });
});
