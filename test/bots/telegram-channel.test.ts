import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { TelegramChannel, splitMessageText, TELEGRAM_LIMITS, type TelegramChannelOptions } from '../../src/bots/telegram/telegram-channel.ts';
import { OpenAITranscriber } from '../../src/bots/telegram/create-telegram-channel.ts';
import { mountTelegramWebhook } from '../../src/bots/telegram/telegram-webhook.ts';
import { ChannelSendError, type Inbound } from '../../src/bots/channel-port.ts';
import { ChannelBlockedError } from '../../src/bots/channel-errors.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import type { Agent } from '../../src/agent/agent.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeTelegramServer, TELEGRAM_FAKE_LIMITS, aTelegramGroup, aTelegramUser, type FakeLimits, type TgMessage } from '../support/fake-telegram-server.ts';

const logger = createLogger('silent');

/** A channel pointed at the fake, with quick polling; options override the production defaults. */
const aChannel = (fake: FakeTelegramServer, options: Partial<TelegramChannelOptions> = {}): TelegramChannel =>
  new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger, pollTimeoutSeconds: 1, ...options });

/** Waits until the check passes (delivery and polling are asynchronous). */
async function eventually<T>(check: () => T | false | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const caught = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (err: unknown) => err);

describe('splitting long texts for Telegram', () => {
  it('keeps a text within the limit whole', () => {
    expect(splitMessageText('Hello Margaret.')).toEqual(['Hello Margaret.']);
  });

  it('splits at a paragraph break before a sentence or a word', () => {
    const first = 'First paragraph. '.repeat(150).trim();
    const second = 'Second paragraph, which goes on. '.repeat(80).trim();
    const parts = splitMessageText(`${first}\n\n${second}`);
    expect(parts[0]).toBe(first);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(`${first} ${second}`.replace(/\s+/g, ' '));
  });

  it('splits at a sentence end when there is no paragraph, and at a word when there is no sentence', () => {
    const sentences = 'The doctor said to rest. '.repeat(400);
    for (const part of splitMessageText(sentences)) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(part.endsWith('rest.')).toBe(true);
    }
    const words = 'word '.repeat(2000);
    const parts = splitMessageText(words, 100);
    expect(parts.every((p) => p.length <= 100 && /^(word ?)+$/.test(p))).toBe(true);
  });

  it('cuts a text with no spaces at the limit without breaking an emoji in two', () => {
    const text = `${'a'.repeat(99)}😀${'b'.repeat(50)}`;
    const parts = splitMessageText(text, 100);
    expect(parts[0]).toBe('a'.repeat(99));
    expect(parts[1]!.startsWith('😀')).toBe(true);
  });
});

describe('the Telegram channel against a fake Bot API', () => {
  let fake: FakeTelegramServer;
  let channel: TelegramChannel;
  let inbound: Inbound[];

  beforeEach(async () => {
    // Private-chat limits scaled down ten times, so pacing never makes these tests wait long.
    fake = await FakeTelegramServer.start({ ...TELEGRAM_FAKE_LIMITS, privateChat: { burst: 3, perSecond: 10 } });
    inbound = [];
    channel = aChannel(fake, { limits: { privateChat: { max: 3, windowMs: 300 } } });
    await channel.start(async (i) => void inbound.push(i));
  });
  afterEach(async () => {
    await channel.stop();
    await fake.close();
  });

  it('turns a private text message into an inbound message from the person in their chat', async () => {
    const margaret = aTelegramUser({ first_name: 'Margaret' });
    const update = fake.userSays(margaret, 'hello dear');
    const [message] = await eventually(() => inbound.length > 0 && inbound);
    expect(message).toEqual({
      kind: 'message',
      sender: { channel: 'telegram', userId: String(margaret.id), chatId: String(margaret.id), chatType: 'private', displayName: 'Margaret' },
      updateId: String(update.update_id),
      text: 'hello dear',
    });
    expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
  });

  it("hands on Telegram's Start button (/start) in a private chat as the command it is", async () => {
    fake.userSays(aTelegramUser(), '/start');
    const [message] = await eventually(() => inbound.length > 0 && inbound);
    expect(message).toMatchObject({ kind: 'message', text: '/start' });
  });

  it('hands on a photo as its largest size, with the caption as the text', async () => {
    const margaret = aTelegramUser();
    fake.userSendsPhoto(margaret, 'my new glasses');
    const [message] = await eventually(() => inbound.length > 0 && inbound);
    expect(message).toMatchObject({ kind: 'message', text: 'my new glasses', photo: expect.stringMatching(/^photo-1280-/) });
  });

  it('in a group, takes commands, replies to the bot and mentions, and ignores the family talking among themselves', async () => {
    const group = aTelegramGroup();
    const son = aTelegramUser({ first_name: 'Tom' });
    const botMessage = await sendAndFind(fake, channel, String(group.id), 'Mum took her 8am pills.');
    fake.userSays(son, 'see you on Sunday everyone', { chat: group });
    fake.userSays(son, '/join@SomeOtherBot ABC', { chat: group });
    fake.userSays(son, '/link ABC-DEF', { chat: group });
    fake.userSays(son, 'thanks, what about lunch?', { chat: group, replyTo: botMessage });
    fake.userSays(son, '@GrandmaHelperBot did Mum take her pills?', { chat: group });
    await eventually(() => inbound.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(inbound.map((i) => (i.kind === 'message' ? i.text : i.data))).toEqual(['/link ABC-DEF', 'thanks, what about lunch?', 'did Mum take her pills?']);
    expect(inbound[0]!.sender).toMatchObject({ chatId: String(group.id), chatType: 'group', userId: String(son.id), displayName: 'Tom' });
  });

  it('answers a button press, replaces the keyboard with the choice, and ignores presses on the replaced keyboard', async () => {
    const margaret = aTelegramUser();
    await channel.send({ chatId: String(margaret.id), text: 'Shall I set it?', buttons: [[{ label: 'Yes', data: 'yes:task-1' }, { label: 'No', data: 'no:task-1' }]] });
    const readBack = await fake.waitForMessage(margaret.id, (m) => m.text === 'Shall I set it?');
    expect(readBack.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Yes', callback_data: 'yes:task-1' }, { text: 'No', callback_data: 'no:task-1' }]] });

    const press = fake.userPresses(margaret, readBack, 'yes:task-1');
    const [button] = await eventually(() => inbound.length > 0 && inbound);
    expect(button).toEqual({ kind: 'button', sender: expect.objectContaining({ userId: String(margaret.id), chatId: String(margaret.id), chatType: 'private' }), updateId: String(press.update_id), data: 'yes:task-1' });
    expect(fake.callsOf('answerCallbackQuery')[0]!.params.callback_query_id).toBe(press.callback_query!.id);
    expect(fake.messagesTo(margaret.id)[0]!.reply_markup).toEqual({ inline_keyboard: [[{ text: '✓ Yes', callback_data: 'noop' }]] });

    fake.userPresses(margaret, readBack, 'noop');
    await eventually(() => fake.callsOf('answerCallbackQuery').length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(inbound).toHaveLength(1);
    expect(fake.callsOf('editMessageReplyMarkup')).toHaveLength(1);
  });

  it('sends plain text (no parse mode) so symbols need no escaping', async () => {
    const chatId = String(aTelegramUser().id);
    await channel.send({ chatId, text: 'Dose <b>2</b> *today* _at_ 5pm [ok] & more' });
    const [call] = fake.callsOf('sendMessage');
    expect(call!.params.text).toBe('Dose <b>2</b> *today* _at_ 5pm [ok] & more');
    expect(call!.params.parse_mode).toBeUndefined();
  });

  it('splits a text over 4096 characters into several messages and puts the buttons on the last', async () => {
    const chatId = String(aTelegramUser().id);
    const text = Array.from({ length: 12 }, (_, i) => `Paragraph ${i}. ${'All is well at home today. '.repeat(25).trim()}`).join('\n\n');
    await channel.send({ chatId, text, buttons: [[{ label: 'OK', data: 'ok:1' }]] });
    const sent = fake.messagesTo(chatId);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((m) => (m.text ?? '').length <= 4096)).toBe(true);
    expect(sent.map((m) => m.text).join('\n\n')).toBe(text);
    expect(sent.slice(0, -1).every((m) => m.reply_markup === undefined)).toBe(true);
    expect(sent.at(-1)!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'OK', callback_data: 'ok:1' }]] });
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(0);
  });

  it('sends photos by file_id, by URL, and by uploading a local chart file or data: URI, with the text as caption', async () => {
    const chatId = String(aTelegramUser().id);
    const dir = mkdtempSync(join(tmpdir(), 'chart-'));
    const chart = join(dir, 'week.png');
    writeFileSync(chart, Buffer.alloc(2048, 7));
    try {
      await channel.send({ chatId, text: 'Your week', photo: 'AgACAgQAAxkBAAIB' });
      await channel.send({ chatId, text: 'From the web', photo: 'https://example.org/chart.png' });
      await channel.send({ chatId, text: 'Your doses this week', photo: chart, buttons: [[{ label: 'Thanks', data: 'ok:2' }]] });
      await eventually(() => fake.messagesTo(chatId).length === 3);
      await channel.send({ chatId, text: '', photo: `data:image/png;base64,${Buffer.alloc(300, 1).toString('base64')}` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const sent = fake.messagesTo(chatId);
    expect(sent.map((m) => [m.photo_source, m.caption])).toEqual([
      ['file_id', 'Your week'],
      ['url', 'From the web'],
      ['upload', 'Your doses this week'],
      ['upload', undefined],
    ]);
    expect(sent[2]!.photo![0]!.file_size).toBe(2048);
    expect(sent[2]!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Thanks', callback_data: 'ok:2' }]] });
    expect(await caught(channel.send({ chatId, text: 'x', photo: join(dir, 'gone.png') }))).toMatchObject({ retryable: false });
  });

  it("maps 429 to a retryable error after Telegram's retry_after, 5xx to retryable, 403 to ChannelBlockedError and 400 to final", async () => {
    const chatId = String(aTelegramUser().id);
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } });
    const limited = await caught(channel.send({ chatId, text: 'one' }));
    expect(limited).toBeInstanceOf(ChannelSendError);
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 7000 });

    // A 429 pauses bulk sending for Telegram's wait; replies go on, so the rest are sent as replies.
    const other = String(aTelegramUser().id);
    fake.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    expect(await caught(channel.send({ chatId: other, text: 'two', lane: 'reply' }))).toMatchObject({ retryable: true });

    fake.block(other);
    const blocked = await caught(channel.send({ chatId: other, text: 'three', lane: 'reply' }));
    expect(blocked).toBeInstanceOf(ChannelBlockedError);
    expect(blocked).toMatchObject({ retryable: false, chatId: other });

    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    expect(await caught(channel.send({ chatId: String(aTelegramUser().id), text: 'four', lane: 'reply' }))).toMatchObject({ retryable: false });

    // After a 429 the chat is held for the wait: the next send is handed back at once with the rest of it.
    expect(await caught(channel.send({ chatId, text: 'again' }))).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
  });

  it('continues a long message from the part that failed when it is retried', async () => {
    const chatId = String(aTelegramUser().id);
    const text = ['First. '.repeat(500).trim(), 'Second. '.repeat(509).trim(), 'Third. '.repeat(10).trim()].join('\n\n');
    fake.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, chatId, 1);
    expect(await caught(channel.send({ chatId, text }))).toMatchObject({ retryable: true });
    expect(fake.messagesTo(chatId)).toHaveLength(1);
    await channel.send({ chatId, text });
    expect(fake.messagesTo(chatId).map((m) => (m.text ?? '').slice(0, 6))).toEqual(['First.', 'Second', 'Third.']);
  });

  it('sends a voice message on as empty text (the router asks to type) when nothing can transcribe', async () => {
    fake.userSendsVoice(aTelegramUser(), Buffer.from('OggS fake audio'));
    const [message] = await eventually(() => inbound.length > 0 && inbound);
    expect(message).toMatchObject({ kind: 'message', text: '' });
  });
});

/** Sends through the channel and returns the message as the fake keeps it. */
async function sendAndFind(fake: FakeTelegramServer, channel: TelegramChannel, chatId: string, text: string): Promise<TgMessage> {
  await channel.send({ chatId, text });
  return fake.waitForMessage(chatId, (m) => m.text === text);
}

describe('pacing sends to Telegram limits', () => {
  let fake: FakeTelegramServer;
  let channel: TelegramChannel | undefined;

  const withFake = async (limits: FakeLimits): Promise<FakeTelegramServer> => {
    fake = await FakeTelegramServer.start(limits);
    return fake;
  };
  afterEach(async () => {
    await channel?.stop();
    channel = undefined;
    await fake.close();
  });

  it('spaces messages to one private chat so Telegram never says 429', async () => {
    // Limits scaled down ten times so the test takes a fraction of a second.
    await withFake({ ...TELEGRAM_FAKE_LIMITS, privateChat: { burst: 3, perSecond: 10 } });
    channel = aChannel(fake, { limits: { privateChat: { max: 3, windowMs: 300 } } });
    const chatId = String(aTelegramUser().id);
    const started = performance.now();
    await Promise.all(Array.from({ length: 7 }, (_, i) => channel!.send({ chatId, text: `message ${i}` })));
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect(fake.messagesTo(chatId).map((m) => m.text)).toEqual(Array.from({ length: 7 }, (_, i) => `message ${i}`));
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('keeps under the bot-wide limit across many chats', async () => {
    await withFake({ ...TELEGRAM_FAKE_LIMITS, bot: { max: 10, windowMs: 200 } });
    channel = aChannel(fake, { limits: { bot: { max: 10, windowMs: 200 } } });
    await Promise.all(Array.from({ length: 45 }, () => channel!.send({ chatId: String(aTelegramUser().id), text: 'Good morning' })));
    expect(fake.callsOf('sendMessage').filter((c) => c.status === 429)).toHaveLength(0);
    expect(fake.callsOf('sendMessage')).toHaveLength(45);
  });

  it('hands a message back with the wait when a group has had its 20 messages this minute', async () => {
    await withFake(TELEGRAM_FAKE_LIMITS);
    channel = aChannel(fake, { maxSendWaitMs: 200, limits: { group: { max: 3, windowMs: 60_000 } } });
    const group = String(aTelegramGroup().id);
    for (let i = 0; i < 3; i++) await channel.send({ chatId: group, text: `news ${i}` });
    const err = await caught(channel.send({ chatId: group, text: 'one too many' }));
    expect(err).toBeInstanceOf(ChannelSendError);
    expect(err).toMatchObject({ retryable: true });
    expect((err as ChannelSendError).retryAfterMs).toBeGreaterThan(55_000);
    expect(fake.messagesTo(group)).toHaveLength(3);
  });

  it("uses Telegram's published limits by default", () => {
    expect(TELEGRAM_LIMITS).toEqual({ bot: { max: 30, windowMs: 1000 }, privateChat: { max: 3, windowMs: 3000 }, group: { max: 20, windowMs: 60_000 } });
  });
});

describe('voice messages with a transcription endpoint', () => {
  let fake: FakeTelegramServer;
  let whisper: Server;
  let whisperURL: string;
  const uploads: string[] = [];

  beforeAll(async () => {
    fake = await FakeTelegramServer.start();
    whisper = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploads.push(`${req.url} ${Buffer.concat(chunks).toString('latin1')}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'remind me to call Sarah tomorrow at 5pm' }));
      });
    });
    await new Promise<void>((r) => whisper.listen(0, '127.0.0.1', r));
    whisperURL = `http://127.0.0.1:${(whisper.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await fake.close();
    await new Promise((r) => whisper.close(r));
  });

  it('routes the words it heard and says them back first', async () => {
    const inbound: Inbound[] = [];
    const channel = aChannel(fake, { transcriber: new OpenAITranscriber({ baseURL: whisperURL, apiKey: 'k', model: 'whisper-1', timeoutMs: 5000 }) });
    await channel.start(async (i) => void inbound.push(i));
    try {
      const margaret = aTelegramUser();
      fake.userSendsVoice(margaret, Buffer.from('OggS-voice-bytes'));
      const [message] = await eventually(() => inbound.length > 0 && inbound);
      expect(message).toMatchObject({ kind: 'message', text: 'remind me to call Sarah tomorrow at 5pm', sender: { chatId: String(margaret.id) } });
      expect(fake.messagesTo(margaret.id).map((m) => m.text)).toEqual(['I heard: “remind me to call Sarah tomorrow at 5pm”']);
      expect(uploads[0]).toContain('/v1/audio/transcriptions');
      expect(uploads[0]).toContain('OggS-voice-bytes');
      expect(uploads[0]).toContain('whisper-1');
    } finally {
      await channel.stop();
    }
  });
});

describe('receiving by webhook', () => {
  let fake: FakeTelegramServer;
  let http: FastifyInstance;
  let channel: TelegramChannel;
  const inbound: Inbound[] = [];
  const secret = 'grandma_secret-123';

  beforeAll(async () => {
    fake = await FakeTelegramServer.start();
    const port = await freePort();
    http = Fastify();
    channel = aChannel(fake);
    mountTelegramWebhook(http, channel, { url: `http://127.0.0.1:${port}/telegram/webhook`, secret });
    await http.listen({ host: '127.0.0.1', port });
    await channel.start(async (i) => void inbound.push(i));
  });
  afterAll(async () => {
    await channel.stop();
    await http.close();
    await fake.close();
  });

  it('sets the webhook with the secret at start and takes the updates Telegram posts', async () => {
    expect(fake.webhookSet).toEqual({ url: expect.stringMatching(/\/telegram\/webhook$/), secret });
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
    const update = fake.userSays(aTelegramUser(), 'hello from the webhook');
    await eventually(() => inbound.length > 0);
    expect(inbound[0]).toMatchObject({ kind: 'message', text: 'hello from the webhook', updateId: String(update.update_id) });
    await eventually(() => fake.webhookPosts.length > 0);
    expect(fake.webhookPosts).toEqual([{ updateId: update.update_id, status: 200 }]);
  });

  it('refuses a post without the right secret with 401', async () => {
    const url = fake.webhookSet!.url;
    const body = JSON.stringify({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'X' }, text: 'forged' } });
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'nope' }, body });
    const missing = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(inbound.some((i) => i.kind === 'message' && i.text === 'forged')).toBe(false);
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A stand-in agent for the plumbing: a reminder request becomes set_reminder, anything else is echoed. */
const plumbingAgent: Agent = {
  respond: async ({ text }) =>
    /remind me/i.test(text)
      ? { kind: 'tool', tool: 'set_reminder', args: { text: 'call Sarah', at: '2026-11-25T17:00' }, confidence: 0.95 }
      : { kind: 'reply', text: `You said: ${text}`, clarifying: false },
};

describe.each(MODES)('Telegram through the real app (%s)', (mode) => {
  let storage: TestStorage;
  let fake: FakeTelegramServer;
  let app: App;
  let channel: TelegramChannel;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    fake = await FakeTelegramServer.start();
    channel = aChannel(fake);
    app = await startTestApp(storage, { clock, channels: [channel], agent: plumbingAgent });
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
    await storage.cleanup();
  });

  it('answers a private message in the same chat', async () => {
    const margaret = aTelegramUser();
    fake.userSays(margaret, 'good morning');
    const reply = await fake.waitForMessage(margaret.id, (m) => m.text === 'You said: good morning');
    expect(reply.chat.id).toBe(margaret.id);
  });

  it('handles the same update delivered twice once', async () => {
    const margaret = aTelegramUser();
    const update = fake.userSays(margaret, 'thank you dear');
    await fake.waitForMessage(margaret.id, (m) => m.text === 'You said: thank you dear');
    fake.redeliver(update);
    // Updates of one chat are handled in order: once this is answered, the redelivered one has been handled.
    fake.userSays(margaret, 'bye now');
    await fake.waitForMessage(margaret.id, (m) => m.text === 'You said: bye now');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.messagesTo(margaret.id).filter((m) => m.text === 'You said: thank you dear')).toHaveLength(1);
    const em = app.orm.em.fork();
    expect(await em.count(MessageLog, { direction: 'in', chatId: String(margaret.id), text: 'thank you dear' })).toBe(1);
  });

  it('reads a reminder back with Yes/No, and on Yes edits the keyboard and confirms', async () => {
    const margaret = aTelegramUser();
    fake.userSays(margaret, 'remind me to call Sarah tomorrow at 5pm');
    const readBack = await fake.waitForMessage(margaret.id, (m) => (m.text ?? '').includes('Shall I set it?'));
    const yes = readBack.reply_markup!.inline_keyboard[0]![0]!;
    expect(yes.text).toBe('Yes');
    fake.userPresses(margaret, readBack, yes.callback_data!);
    await fake.waitForMessage(margaret.id, (m) => (m.text ?? '').startsWith('All set.'));
    expect(fake.messagesTo(margaret.id).find((m) => m.message_id === readBack.message_id)!.reply_markup).toEqual({ inline_keyboard: [[{ text: '✓ Yes', callback_data: 'noop' }]] });
    expect(await app.orm.em.fork().count(Task, { kind: 'set_reminder', status: 'succeeded', replyChatId: String(margaret.id) })).toBe(1);
  });

  it('retries after a 429 and delivers once', async () => {
    const margaret = aTelegramUser();
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, margaret.id);
    fake.userSays(margaret, 'are you there');
    await fake.waitForCall((c) => c.status === 429 && String(c.params.chat_id) === String(margaret.id));
    // The embedded queue schedules the retry on the app's clock: move it on as real time passes.
    const ticking = setInterval(() => clock.advance(1000), 100);
    await fake.waitForMessage(margaret.id, (m) => m.text === 'You said: are you there').finally(() => clearInterval(ticking));
    await fake.waitForMessage(margaret.id, (m) => m.text === 'You said: are you there');
    expect(fake.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === String(margaret.id)).map((c) => c.status)).toEqual([429, 200]);
  });

  it('gives up on a person who blocked the bot (403) without retrying', async () => {
    const margaret = aTelegramUser();
    fake.block(margaret.id);
    fake.userSays(margaret, 'hello');
    const failed = await waitForRow(app, String(margaret.id));
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.error).toContain('403');
  });
});

async function waitForRow(app: App, chatId: string): Promise<MessageLog> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const row = await app.orm.em.fork().findOne(MessageLog, { direction: 'out', chatId, status: 'failed' });
    if (row) return row;
    if (Date.now() > deadline) throw new Error('no failed row');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(MODES)('an elder sets a reminder on Telegram with the real offline agent (%s)', (mode) => {
  let storage: TestStorage;
  let fake: FakeTelegramServer;
  let app: App;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    fake = await FakeTelegramServer.start();
    app = await startTestApp(storage, { clock, channels: [aChannel(fake)] });
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
    await storage.cleanup();
  });

  it('writes "remind me to call Sarah tomorrow at 5pm", gets a read-back with buttons, presses Yes, and is told it is set', async () => {
    const margaret = aTelegramUser({ first_name: 'Margaret' });
    fake.userSays(margaret, 'remind me to call Sarah tomorrow at 5pm');
    const readBack = await fake.waitForMessage(margaret.id, (m) => (m.text ?? '').includes('Shall I set it?'));
    expect(readBack.text).toContain('call Sarah');
    expect(readBack.text).toContain('Wednesday 25 November at 5:00 pm');
    expect(readBack.reply_markup!.inline_keyboard[0]!.map((b) => b.text)).toEqual(['Yes', 'No']);

    fake.userPresses(margaret, readBack, readBack.reply_markup!.inline_keyboard[0]![0]!.callback_data!);
    const confirmed = await fake.waitForMessage(margaret.id, (m) => (m.text ?? '').startsWith('All set.'));
    expect(confirmed.text).toContain('call Sarah');
    expect(fake.messagesTo(margaret.id).find((m) => m.message_id === readBack.message_id)!.reply_markup).toEqual({ inline_keyboard: [[{ text: '✓ Yes', callback_data: 'noop' }]] });
    expect(fake.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(0);
  });
});
