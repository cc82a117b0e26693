/**
 * The Telegram channel under load against the fake Bot API, through the real app in scale mode (Postgres,
 * BullMQ) unless `--mode=embedded`:
 *  (a) outbound: `--messages` (2,000) outbox rows to `--chats` (500) chats → queue → MessageDelivery →
 *      TelegramChannel → fake. Sustained messages/s and 429s (target >= 28/s, zero 429s).
 *  (b) inbound: `--rate` (50) messages/s for `--seconds` (60) by long polling → router → offline agent →
 *      reply, from `rate × 10` elders (each writes once every ten seconds, so Telegram's one message a second
 *      per private chat never delays a reply). p50/p99 latency from the update being available to its first
 *      reply reaching the Bot API (target p99 < 150 ms), split into stages: poll, take, route (log, agent,
 *      outbox, enqueue), queue (delivery queue until send is called) and send (pacing and the HTTP call).
 *      50 replies/s is over Telegram's 30/s per bot, so (b) lifts the bot-wide cap on both sides (per-chat
 *      limits stay) and measures the pipeline, not Telegram's cap.
 *  (b capped) the same for `--capped-seconds` (20) with Telegram's real 30/s per bot for bulk: replies to people
 *      who just wrote are not held to it (delivery lanes), so the answers keep up at 50/s.
 *  (peak) and (first-replies): see telegram-peak.ts — 3,000 reminders due at once with an emergency and a question
 *      arriving mid-drain (both modes unless `--mode` is given), and 60 new chats writing at once (embedded).
 * `--part a|b|capped|peak|first-replies` runs one part (all by default).
 * Options take `--name=value` (or `--name value`).
 */
import { OutboxBatch } from '../src/messaging/outbox.ts';
import { BullDeliveryQueue, queueSettings } from '../src/workers/bullmq-queues.ts';
import { TELEGRAM_LIMITS } from '../src/bots/telegram/telegram-channel.ts';
import type { BenchResult } from '../src/cli/bench.ts';
import { aTelegramUser, type RecordedCall } from '../test/support/fake-telegram-server.ts';
import { REDIS, option, percentile, startRun, waitUntil, type ChannelTiming } from './telegram-support.ts';
import { firstReplies, firstReplyRows, peak, peakRows } from './telegram-peak.ts';

/** (a): outbox rows written in batches, handed to the delivery queue, timed at the fake. */
async function outbound(mode: 'scale' | 'embedded', messages: number, chats: number): Promise<{ rate: number; tooMany: number; delivered: number; seconds: number }> {
  const run = await startRun(mode, false);
  try {
    const { app, fake } = run;
    const chatIds = Array.from({ length: chats }, () => String(aTelegramUser().id));
    const sent: number[] = [];
    let done!: () => void;
    const allSent = new Promise<void>((r) => (done = r));
    fake.onCall = (c: RecordedCall) => {
      if (c.method === 'sendMessage' && c.status === 200 && sent.push(c.at) === messages) done();
    };
    const queue = mode === 'scale' ? new BullDeliveryQueue(queueSettings(REDIS, app.config.REDIS_PREFIX)) : app.executor!;
    const started = performance.now();
    // Round-robin over the chats, as a morning round of reminders would go out.
    for (let i = 0; i < messages; i += 500) {
      const em = app.orm.em.fork();
      const batch = new OutboxBatch();
      for (let k = i; k < Math.min(messages, i + 500); k++) batch.stage(em, { channel: 'telegram', chatId: chatIds[k % chats]!, text: `Good morning! Reminder ${k}: take your 8am tablets with breakfast.` });
      await em.flush();
      await batch.dispatch(queue);
    }
    await Promise.race([allSent, new Promise((r) => setTimeout(r, Math.max(120_000, (messages / 20) * 1000)))]);
    if (queue instanceof BullDeliveryQueue) await queue.close();
    const seconds = ((sent.at(-1) ?? started) - started) / 1000;
    // Sustained: after the first second, whose burst of 30 the per-second limit allows at once.
    const steady = sent.filter((t) => t >= sent[0]! + 1000);
    return {
      rate: steady.length > 1 ? (steady.length - 1) / ((steady.at(-1)! - steady[0]!) / 1000) : 0,
      tooMany: fake.calls.filter((c) => c.status === 429).length,
      delivered: sent.length,
      seconds,
    };
  } finally {
    await run.cleanup();
  }
}

const SAYINGS = ['good morning', 'thank you dear', 'remind me to call Sarah tomorrow at 5pm', 'hello, how are you today?'];

/** When one measured message passed each stage (performance.now()). */
interface Sample {
  /** The update was put on the fake Bot API. */
  pushed: number;
  /** A getUpdates answer handed it out. */
  polled?: number;
  /** The channel handed it to the router. */
  routed?: number;
  /** The router was done: logged, answered by the agent, reply in the outbox and on the delivery queue. */
  answered?: number;
  /** Delivery handed the reply to the channel's send. */
  sending?: number;
  /** The reply reached the Bot API. */
  delivered?: number;
}

/** p50 and p99 of one stage over the samples that passed it. */
interface StageFigures {
  p50: number;
  p99: number;
}

/** What (b) measures: the end-to-end latency and where it goes. */
interface InboundFigures {
  p50: number;
  p99: number;
  max: number;
  answered: number;
  asked: number;
  replies: number;
  achievedRate: number;
  cpuMsPerMessage: number;
  eventLoopBusy: number;
  stages: Record<'poll' | 'take' | 'route' | 'queue' | 'send', StageFigures>;
  /** Among the slowest 1 %: which stage took longest, and how often. */
  slowestBy: Record<string, number>;
}

const stage = (samples: Sample[], from: keyof Sample, to: keyof Sample): StageFigures => {
  const sorted = samples.flatMap((s) => (s[from] !== undefined && s[to] !== undefined ? [s[to] - s[from]] : [])).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/**
 * (b): a steady stream of private messages from many elders, each elder writing once every `elders / rate`
 * seconds (so Telegram's one-a-second per private chat never delays a reply); latency to the first reply to
 * each, split into stages. With `capBot` Telegram's real 30 messages/s per bot applies on both sides.
 */
async function inbound(mode: 'scale' | 'embedded', rate: number, seconds: number, elders: number, capBot = false): Promise<InboundFigures> {
  const samples = new Map<number, Sample>();
  const byChat = new Map<string, Sample[]>();
  const oldest = (chatId: string, missing: keyof Sample, after: keyof Sample): Sample | undefined => byChat.get(chatId)?.find((x) => x[missing] === undefined && x[after] !== undefined);
  const now = (): number => performance.now();
  // Only the measured stream is in `samples`, so the sign-up round leaves no marks.
  const timing: ChannelTiming = {
    routeStart: (i) => {
      const x = samples.get(Number(i.updateId));
      if (x) x.routed = now();
    },
    routeEnd: (i) => {
      const x = samples.get(Number(i.updateId));
      if (x) x.answered = now();
    },
    sendStart: (m) => {
      const x = oldest(m.chatId, 'sending', 'routed');
      if (x) x.sending = now();
    },
  };
  const run = await startRun(mode, !capBot, timing);
  try {
    const { fake } = run;
    const users = Array.from({ length: elders }, () => aTelegramUser());
    let signedUp = 0;
    let replies = 0;
    fake.onCall = (c: RecordedCall) => {
      if (c.method !== 'sendMessage' || c.status !== 200) return;
      signedUp++;
      const x = oldest(String(c.params.chat_id), 'delivered', 'pushed');
      if (x) {
        x.delivered = c.at;
        replies++;
      } else if (samples.size > 0) replies++;
    };
    fake.onUpdatesHandedOut = (updates) => {
      const at = now();
      for (const u of updates) {
        const x = samples.get(u.update_id);
        if (x && x.polled === undefined) x.polled = at;
      }
    };
    // Every elder says hello once first, so the measured stream is regular conversation, not sign-ups.
    for (const u of users) fake.userSays(u, 'hello');
    await waitUntil(() => signedUp >= elders, 60_000);
    replies = 0;
    const total = Math.round(rate * seconds);
    const started = performance.now();
    // The whole process (app and fake) shares one event loop: how busy it is tells whether p99 is queueing.
    const cpuBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const ahead = due - performance.now();
      if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
      const user = users[i % elders]!;
      const x: Sample = { pushed: now() };
      const update = fake.userSays(user, SAYINGS[Math.floor(i / elders) % SAYINGS.length]!);
      samples.set(update.update_id, x);
      byChat.set(String(user.id), [...(byChat.get(String(user.id)) ?? []), x]);
    }
    const achievedRate = total / ((performance.now() - started) / 1000);
    const all = [...samples.values()];
    await waitUntil(() => all.every((x) => x.delivered !== undefined), capBot ? 30_000 + (total / TELEGRAM_LIMITS.bot.max) * 1000 : 30_000);
    const cpu = process.cpuUsage(cpuBefore);
    const eventLoopBusy = performance.eventLoopUtilization(loopBefore).utilization;
    const done = all.filter((x) => x.delivered !== undefined);
    const latencies = done.map((x) => x.delivered! - x.pushed).sort((a, b) => a - b);
    const slowest = [...done].sort((a, b) => b.delivered! - b.pushed - (a.delivered! - a.pushed)).slice(0, Math.max(1, Math.ceil(done.length / 100)));
    const slowestBy: Record<string, number> = {};
    for (const x of slowest) {
      const parts = { poll: (x.polled ?? x.pushed) - x.pushed, take: (x.routed ?? x.pushed) - (x.polled ?? x.pushed), route: (x.answered ?? 0) - (x.routed ?? 0), queue: (x.sending ?? 0) - (x.answered ?? 0), send: x.delivered! - (x.sending ?? x.delivered!) };
      const worst = Object.entries(parts).sort((a, b) => b[1] - a[1])[0]![0];
      slowestBy[worst] = (slowestBy[worst] ?? 0) + 1;
    }
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      answered: done.length,
      asked: total,
      replies,
      achievedRate,
      cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / total,
      eventLoopBusy,
      stages: {
        poll: stage(done, 'pushed', 'polled'),
        take: stage(done, 'polled', 'routed'),
        route: stage(done, 'routed', 'answered'),
        queue: stage(done, 'answered', 'sending'),
        send: stage(done, 'sending', 'delivered'),
      },
      slowestBy,
    };
  } finally {
    await run.cleanup();
  }
}

/** The rows for one run of (b). */
function inboundRows(label: string, seconds: number, into: InboundFigures, target: string | undefined): BenchResult[] {
  const row = (metric: string, value: number, unit: string, t?: string): BenchResult => ({ bench: 'telegram', metric: `${label} ${metric}`, value, unit, ...(t ? { target: t } : {}) });
  return [
    row(`inbound ${into.achievedRate.toFixed(1)}/s for ${seconds}s, answered`, into.answered, `of ${into.asked}`),
    row('replies reaching the Bot API (one per message expected)', into.replies, `for ${into.asked}`),
    row('inbound → reply p50', into.p50, 'ms'),
    row('inbound → reply p99', into.p99, 'ms', target),
    row('inbound → reply max', into.max, 'ms'),
    ...(['poll', 'take', 'route', 'queue', 'send'] as const).flatMap((k) => [row(`  ${STAGE_NAMES[k]} p50`, into.stages[k].p50, 'ms'), row(`  ${STAGE_NAMES[k]} p99`, into.stages[k].p99, 'ms')]),
    row(`slowest 1 %: longest stage ${Object.entries(into.slowestBy).map(([k, n]) => `${k} ×${n}`).join(', ')}`, Object.values(into.slowestBy).reduce((a, b) => a + b, 0), 'msgs'),
    row('process CPU per inbound message', into.cpuMsPerMessage, 'ms'),
    row('event loop busy', 100 * into.eventLoopBusy, '%'),
  ];
}

const STAGE_NAMES = {
  poll: 'poll (update available → handed out by getUpdates)',
  take: 'take (handed out → router)',
  route: 'route (router: log, agent, outbox, enqueue)',
  queue: 'queue (enqueued → delivery calls send)',
  send: 'send (pacing + sendMessage reaches the Bot API)',
};

/**
 * Runs (a), (b), (b capped), (peak) and (first-replies) — `--part NAME` picks one — and reports their figures.
 * (b) lifts the bot-wide cap altogether and measures the pipeline; (b capped) keeps Telegram's 30/s for bulk,
 * to which replies to people who just wrote are not held.
 */
export async function run(args: string[]): Promise<BenchResult[]> {
  const mode = option(args, 'mode', 'scale') === 'embedded' ? 'embedded' : 'scale';
  const chosenMode = option(args, 'mode', '');
  const part = option(args, 'part', 'all');
  const messages = Number(option(args, 'messages', '2000'));
  const chats = Number(option(args, 'chats', '500'));
  const rate = Number(option(args, 'rate', '50'));
  const seconds = Number(option(args, 'seconds', '60'));
  const cappedSeconds = Number(option(args, 'capped-seconds', '20'));
  const elders = Math.min(500, Math.max(1, Math.round(rate * 10)));
  const results: BenchResult[] = [];
  if (part === 'all' || part === 'a') {
    const out = await outbound(mode, messages, chats);
    results.push(
      { bench: 'telegram', metric: `(a) outbound ${out.delivered}/${messages} msgs to ${chats} chats (${mode})`, value: out.rate, unit: 'msgs/s', target: '>= 28' },
      { bench: 'telegram', metric: '(a) 429 answers from the Bot API', value: out.tooMany, unit: 'count', target: '0' },
      { bench: 'telegram', metric: '(a) wall time', value: out.seconds, unit: 's' },
    );
  }
  if (part === 'all' || part === 'b') {
    const into = await inbound(mode, rate, seconds, elders);
    results.push(...inboundRows(`(b) bot cap lifted, ${elders} elders (${mode})`, seconds, into, '< 150'));
  }
  if (part === 'all' || part === 'capped') {
    const into = await inbound(mode, rate, cappedSeconds, elders, true);
    results.push(...inboundRows(`(b capped) Telegram's ${TELEGRAM_LIMITS.bot.max}/s per bot for bulk, replies not held to it`, cappedSeconds, into, '< 150'));
  }
  if (part === 'all' || part === 'peak') {
    const reminders = Number(option(args, 'reminders', '3000'));
    const injectAfter = Number(option(args, 'inject-after', '2000'));
    // Both modes unless one is chosen.
    const modes: ('embedded' | 'scale')[] = chosenMode ? [mode] : ['embedded', 'scale'];
    for (const m of modes) results.push(...peakRows(m, await peak(m, reminders, injectAfter)));
  }
  if (part === 'all' || part === 'first-replies') {
    // Embedded unless told: as `npm start` runs.
    const m = chosenMode === 'scale' ? 'scale' : 'embedded';
    results.push(...firstReplyRows(m, await firstReplies(m, Number(option(args, 'new-chats', '60')))));
  }
  return results;
}
