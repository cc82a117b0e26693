import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { TelegramChannel } from '../../src/bots/telegram/telegram-channel.ts';
import type { App } from '../../src/app.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { startTestApp, testStorage, type Mode, type TestStorage } from '../support/test-app.ts';
import { FakeTelegramServer, TELEGRAM_FAKE_LIMITS, aTelegramUser, privateChatOf, type TgMessage, type TgUpdate, type TgUser } from '../support/fake-telegram-server.ts';

/** Reproduce a failure with FUZZ_SEED=<seed printed below>. */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const COUNTS: Record<Mode, number> = { embedded: Number(process.env.FUZZ_MESSAGES ?? 100), scale: Number(process.env.FUZZ_SCALE_MESSAGES ?? process.env.FUZZ_MESSAGES ?? 100) };

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  "'; DROP TABLE task; --", '" OR 1=1 --', '<script>alert(1)</script>', '<b>bold</b> &amp; &lt;', '${process.env}', '{{7*7}}',
  'remind me to call Sarah tomorrow at 5pm', 'add Metformin 500mg at 8am and 8pm', 'book a table for 2 at 7pm', '/start', '/invite', '/join ABCD-1234',
  '/export', '/forget', '/remove', '/elder Mum', 'yes', 'no', 'help', 'did Mum take her pills', 'I fell and cannot get up', 'مرحبا كيف حالك', 'Привет, бабушка',
  '你好，奶奶', 'שלום', 'नमस्ते', '👵🏻💊🚑👨‍👩‍👧‍👦', '\u202eevil\u202c', '\u0000\u0001\u0007\u001b[31m', '\ud83d', 'Z̷̢̛a̶l̷g̵o̸', '   ', '\n\n\t',
];

/** A random text: fragments, random code points (including lone surrogates and controls), sometimes 100 KB. */
function randomText(rand: () => number): string {
  const roll = rand();
  if (roll < 0.005 && !process.env.FUZZ_NO_BIG) return 'x'.repeat(100 * 1024);
  if (roll < 0.01 && !process.env.FUZZ_NO_BIG) return Array.from({ length: 2000 }, () => FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)]).join(' ').slice(0, 100 * 1024);
  const parts: string[] = [];
  const n = 1 + Math.floor(rand() * 6);
  for (let i = 0; i < n; i++) {
    if (rand() < 0.5) parts.push(FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)]!);
    else parts.push(Array.from({ length: 1 + Math.floor(rand() * 30) }, () => String.fromCodePoint(Math.floor(rand() * (rand() < 0.7 ? 0x3000 : 0x10ffff)))).join(''));
  }
  const text = parts.join(rand() < 0.5 ? ' ' : '');
  // Telegram never delivers an empty message text.
  return text.length > 0 ? text : '?';
}

async function eventually<T>(check: () => Promise<T | false | undefined>, timeoutMs: number, explain?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time${explain ? `: ${await explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(['embedded', 'scale'] as Mode[])('fuzzing the Telegram adapter through the real app (%s)', (mode) => {
  let storage: TestStorage;
  let fake: FakeTelegramServer;
  let app: App;
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    // Telegram's limits are lifted everywhere (the fake, the channel, the delivery queue's limiter): this test is
    // about content, not pacing, and 10,000 replies paced at 30/s would take six minutes.
    storage = testStorage(mode, { TELEGRAM_SENDS_PER_SECOND: '100000' });
    const generous = { burst: 1_000_000, perSecond: 1_000_000 };
    fake = await FakeTelegramServer.start({ ...TELEGRAM_FAKE_LIMITS, bot: { max: 1_000_000, windowMs: 1000 }, privateChat: generous });
    const channel = new TelegramChannel({
      token: fake.token, apiRoot: fake.apiRoot, logger: createLogger('silent'), pollTimeoutSeconds: 1,
      limits: { bot: { max: 1_000_000, windowMs: 1000 }, privateChat: { max: 1_000_000, windowMs: 1000 } },
    });
    app = await startTestApp(storage, { clock, channels: [channel] });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app.stop();
    await fake.close();
    await storage.cleanup();
  });

  it('answers every generated message, never crashes, handles replays once and never touches another elder', async () => {
    const count = COUNTS[mode];
    console.log(`fuzz (${mode}): seed ${SEED}, ${count} messages — rerun with FUZZ_SEED=${SEED}`);
    const rand = prng(SEED);

    // George, another elder, has a reminder waiting for his "yes".
    const george = aTelegramUser({ first_name: 'George' });
    fake.userSays(george, 'remind me to call Sarah tomorrow at 5pm');
    const readBack = await fake.waitForMessage(george.id, (m) => (m.text ?? '').includes('Shall I set it?'), 20_000);
    const georgeYes = readBack.reply_markup!.inline_keyboard[0]![0]!.callback_data!;
    const georgeTasks = async (): Promise<unknown[]> =>
      (await app.orm.em.fork().find(Task, { replyChatId: String(george.id) }, { orderBy: { id: 'asc' } })).map((t) => ({ id: t.id, status: t.status, kind: t.kind }));
    const before = await georgeTasks();
    const georgeMessagesBefore = fake.messagesTo(george.id).length;

    const fuzzers: TgUser[] = Array.from({ length: 40 }, (_, i) => aTelegramUser({ id: 7_000_000_000 + SEED % 1_000_000 * 100 + i, first_name: randomText(rand).slice(0, 64) }));
    const textsPerChat = new Map<number, number>();
    const replays: TgUpdate[] = [];
    let unique = 0;
    let presses = 0;
    const sent: TgUpdate[] = [];
    for (let i = 0; i < count; i++) {
      const who = fuzzers[Math.floor(rand() * fuzzers.length)]!;
      const roll = rand();
      let update: TgUpdate;
      if (roll < 0.1) {
        // A forged button: George's yes, a made-up task id, or garbage, under a message in the presser's own chat.
        const forged: TgMessage = { message_id: 1 + Math.floor(rand() * 1e6), date: 0, chat: privateChatOf(who), text: 'forged' };
        const data = [georgeYes, `yes:${Math.floor(rand() * 1e9)}`, `dose:${Math.floor(rand() * 1e6)}:taken`, `dosecheck:${Math.floor(rand() * 1e6)}`, randomText(rand).slice(0, 64)][Math.floor(rand() * 5)]!;
        update = fake.userPresses(who, forged, data);
        presses++;
      } else {
        update = fake.userSays(who, randomText(rand));
        textsPerChat.set(who.id, (textsPerChat.get(who.id) ?? 0) + 1);
      }
      unique++;
      sent.push(update);
      if (rand() < 0.02) replays.push(update);
      if (i % 200 === 199) await new Promise((r) => setTimeout(r, 0));
    }
    for (const update of replays) fake.redeliver(update);

    const em = (): ReturnType<App['orm']['em']['fork']> => app.orm.em.fork();
    const fuzzChatIds = fuzzers.map((f) => String(f.id));
    // Wait until the inbound log stops growing (a forged press may be dropped by the adapter without a log row).
    let last = -1;
    let stableSince = Date.now();
    await eventually(async () => {
      const seen = await em().count(MessageLog, { direction: 'in', chatId: { $in: fuzzChatIds } });
      if (seen !== last) { last = seen; stableSince = Date.now(); }
      return seen >= unique || Date.now() - stableSince > 15_000;
    }, Number(process.env.FUZZ_WAIT_MS ?? 240_000));
    // Then until every reply is out. A backlog may take a while on a loaded machine (every chat's messages go in
    // order, one at a time); what fails is a stall: no reply sent for a minute while some still wait.
    const waiting = async (): Promise<number> => em().count(MessageLog, { direction: 'out', chatId: { $in: fuzzChatIds }, status: { $nin: ['sent', 'failed'] } });
    const oldestWaiting = async (): Promise<string> =>
      `${await waiting()} still unsent, oldest: ${JSON.stringify(
        (await em().find(MessageLog, { direction: 'out', chatId: { $in: fuzzChatIds }, status: { $nin: ['sent', 'failed'] } }, { orderBy: { createdAt: 'asc' }, limit: 10 }))
          .map((m) => ({ chatId: m.chatId, lane: m.lane, attempts: m.attempts, sendingUntil: m.sendingUntil, createdAt: m.createdAt })),
      )}`;
    let fewest = Infinity;
    let progressAt = Date.now();
    const drainStart = Date.now();
    const stalled = await eventually(async () => {
      const left = await waiting();
      if (left < fewest) { fewest = left; progressAt = Date.now(); }
      if (left === 0) return 'drained';
      return Date.now() - progressAt > 60_000 ? 'stalled' : undefined;
    }, Number(process.env.FUZZ_WAIT_MS ?? 240_000), oldestWaiting);
    if (stalled === 'stalled') throw new Error(`no reply went out for a minute: ${await oldestWaiting()}`);
    console.log(`fuzz (${mode}): the replies' backlog drained in ${((Date.now() - drainStart) / 1000).toFixed(1)} s`);

    // Replays were handled once: no more inbound rows than distinct updates, and every text was taken in.
    const inbound = await em().count(MessageLog, { direction: 'in', chatId: { $in: fuzzChatIds } });
    expect(inbound).toBeLessThanOrEqual(unique);
    expect(inbound).toBeGreaterThanOrEqual(unique - presses);
    // Every chat that wrote got answered (or politely refused), and nothing failed to send.
    for (const [chatId, texts] of textsPerChat) {
      expect({ chatId, answered: fake.messagesTo(chatId).length >= Math.min(texts, 1) }).toEqual({ chatId, answered: true });
    }
    expect(await em().count(MessageLog, { direction: 'out', chatId: { $in: fuzzChatIds }, status: 'failed' })).toBe(0);
    // George's waiting reminder was not confirmed by anyone else's forged "yes", and he was not written to.
    expect(await georgeTasks()).toEqual(before);
    expect(fake.messagesTo(george.id)).toHaveLength(georgeMessagesBefore);
    expect(unhandled).toEqual([]);
  }, 160_000 + 2 * Number(process.env.FUZZ_WAIT_MS ?? 240_000));
});
