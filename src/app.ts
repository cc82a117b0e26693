import type { MikroORM } from '@mikro-orm/core';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import type { Config } from './config.ts';
import { databaseTarget, type DatabaseTarget } from './db/orm.ts';
import { startDatabase } from './db/database-startup.ts';
import { waitForRedis } from './workers/redis-startup.ts';
import { StartupServer } from './http/startup-server.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { Metrics } from './http/metrics.ts';
import { buildHttpServer, type ReadinessCheck } from './http/server.ts';
import type { Channel } from './bots/channel-port.ts';
import { MessageRouter } from './bots/message-router.ts';
import { Assistant } from './agent/assistant.ts';
import type { Agent } from './agent/agent.ts';
import { ElderDirectory } from './tasks/elders/elder-directory.ts';
import { TaskService, type TaskQueue } from './tasks/task-service.ts';
import { Task } from './tasks/task.entity.ts';
import type { DeliveryQueue } from './messaging/outbox.ts';
import { createTaskHandlers } from './tasks/task-handlers.ts';
import { ButtonActionRegistry, ChatCommandRegistry, type Actor } from './tasks/button-actions.ts';
import type { Elder } from './tasks/elders/elder.entity.ts';
import { dispatchDueReminders } from './tasks/reminders/reminder-dispatch.ts';
import { TaskRunner } from './workers/task-runner.ts';
import { MessageDelivery } from './workers/message-delivery.ts';
import { InProcessExecutor } from './workers/in-process-executor.ts';
import { BullDeliveryQueue, BullTaskQueue, queueSettings, sendsPerSecond, startDeliveryWorkers, startTaskWorker } from './workers/bullmq-queues.ts';
import { requeueStrandedWork } from './workers/recovery.ts';
import { waitingByLane } from './workers/outbox-depth.ts';
import { Scheduler } from './workers/scheduler.ts';
import { registerFamilyFeatures } from './tasks/family/register-family-features.ts';
import { answerTypedCheckIn } from './tasks/family/check-ins.ts';
import { doseButtonActions } from './tasks/medicines/dose-buttons.ts';
import { dispatchDueDoses } from './tasks/medicines/dose-dispatch.ts';
import { escalateUnansweredDoses } from './tasks/medicines/dose-escalation.ts';
import type { TelegramChannel } from './bots/telegram/telegram-channel.ts';
import { defaultBookingProviders } from './tasks/bookings/booking-service.ts';
import { bookingButtonActions } from './tasks/bookings/booking-buttons.ts';
import { dispatchBookingReminders } from './tasks/bookings/booking-reminders.ts';
import { createVenueCommands } from './tasks/bookings/venue-commands.ts';
import { ABOUT_THE_ASSISTANT, helpCommand } from './tasks/help-command.ts';
import { seedVenues, DEFAULT_VENUES_FILE } from './tasks/bookings/venue-directory.ts';
import { PartnerProvider } from './tasks/bookings/providers/partner-provider.ts';
import { registerMedicineFeatures } from './tasks/medicines/register-medicine-features.ts';
import { sendDailySummaries } from './tasks/medicines/daily-summary.ts';
import { sendWeeklyCharts } from './tasks/medicines/weekly-chart.ts';
import { secretsOfConfig } from './lib/log-masking.ts';
import { familyViewLinks } from './http/family-view/family-view-config.ts';
import { offerViewMenu, viewCommand, type ViewCommandDeps } from './tasks/family/view-command.ts';

/** What a process does: everything (embedded), talk on channels (scale front), or run tasks and sweeps (scale worker). */
export type ProcessRole = 'all' | 'front' | 'worker';

/** How to build the app; tests pass a fake clock, their own channels and database target. */
export interface AppOptions {
  config: Config;
  role?: ProcessRole;
  clock?: Clock;
  logger?: Logger;
  channels?: Channel[];
  agent?: Agent;
  database?: DatabaseTarget;
  /** Start the HTTP server (default true). */
  http?: boolean;
  /** Start the cron schedule (default true); tests call tick() instead. */
  cron?: boolean;
}

/** The running application graph, built once from config in one place. */
export interface App {
  config: Config;
  orm: MikroORM;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  tasks: TaskService;
  runner: TaskRunner;
  /** Absent in worker processes, which talk on no channel. */
  router: MessageRouter | undefined;
  scheduler: Scheduler;
  /** Embedded mode only: the in-process queue (tests drain it). */
  executor: InProcessExecutor | undefined;
  http: FastifyInstance | undefined;
  /** Runs the periodic sweeps once, now. */
  tick(): Promise<void>;
  /** Waits until the in-process executor has nothing runnable (embedded mode; no-op in scale mode). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The database target for a config: Postgres when DATABASE_URL is set, else the SQLite file. */
export { databaseTarget };

/** Builds and starts the application for a process role. The one composition root. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const role = config.mode === 'embedded' ? 'all' : (options.role ?? 'all');
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, undefined, { secrets: secretsOfConfig(config) });
  const metrics = new Metrics(options.http !== false);
  const channels = [...(options.channels ?? [])];
  // Until the database, its schema and Redis answer, a start-up server says alive (/healthz) and not ready (/readyz).
  const startup = options.http !== false ? await StartupServer.listen(config.HTTP_HOST, config.HTTP_PORT) : undefined;
  const closeStartup = async (err: unknown): Promise<never> => {
    await startup?.close();
    throw err;
  };
  const orm = await startDatabase({ target: options.database ?? databaseTarget(config), migrateOnStart: config.MIGRATE_ON_START === 'true', logger, ...(startup ? { reporter: startup } : {}) }).catch(closeStartup);
  if (config.mode === 'scale') await waitForRedis({ url: config.REDIS_URL!, logger, ...(startup ? { reporter: startup } : {}) }).catch(closeStartup);
  // WhatsApp keeps one connection per session: only processes that talk on channels open it (and load Baileys).
  const whatsapp =
    role !== 'worker' && config.WHATSAPP_ENABLED === 'true'
      ? (await import('./bots/whatsapp/create-whatsapp-channel.ts')).createWhatsAppChannel({ config, orm, logger })
      : undefined;
  if (whatsapp) channels.push(whatsapp);
  // Telegram likewise: polling (or the webhook) belongs to the processes that talk on channels.
  let telegram: TelegramChannel | undefined;
  if (role !== 'worker' && config.TELEGRAM_BOT_TOKEN) {
    telegram = (await import('./bots/telegram/create-telegram-channel.ts')).createTelegramChannel(config, logger);
    if (telegram) channels.push(telegram);
  }
  await seedVenues(orm, config.VENUES_FILE ?? DEFAULT_VENUES_FILE);
  const partner =
    config.PARTNER_API_URL && config.PARTNER_API_KEY
      ? new PartnerProvider({ baseUrl: config.PARTNER_API_URL, apiKey: config.PARTNER_API_KEY, timeoutMs: config.PARTNER_TIMEOUT_MS, logger: logger.child({ provider: 'partner' }) })
      : undefined;
  const bookingProviders = defaultBookingProviders(partner ? { partner } : {});
  const handlers = createTaskHandlers({ refillWarnDays: config.REFILL_WARN_DAYS, bookingProviders, checkInMinutes: config.CHECKIN_MINUTES });
  const buttons = new ButtonActionRegistry();
  const commands = new ChatCommandRegistry();
  const delivery = new MessageDelivery({ orm, channels, clock, logger, metrics, lateNoticeMinutes: config.LATE_NOTICE_MINUTES });
  const lateWindowMinutes = config.LATE_WINDOW_MINUTES;

  let taskQueue: TaskQueue;
  let deliveryQueue: DeliveryQueue;
  let executor: InProcessExecutor | undefined;
  let redis: Redis | undefined;
  const workers: Worker[] = [];
  const slowBulk = new Map<string, (ms: number) => Promise<void>>();
  const closers: (() => Promise<unknown>)[] = [];
  let runner: TaskRunner;

  if (config.mode === 'embedded') {
    let exec: InProcessExecutor | undefined;
    const lazyQueue: DeliveryQueue = { enqueueDeliveries: async (messages) => exec?.enqueueDeliveries(messages) };
    runner = new TaskRunner({ orm, handlers, delivery: lazyQueue, clock, logger, leaseMs: config.TASK_LEASE_MS, backoffMs: config.TASK_BACKOFF_MS, metrics });
    exec = new InProcessExecutor({ orm, runner, delivery, clock, logger });
    executor = exec;
    taskQueue = exec;
    deliveryQueue = exec;
  } else {
    const connection = queueSettings(config.REDIS_URL!, config.REDIS_PREFIX);
    redis = new Redis(config.REDIS_URL!, { maxRetriesPerRequest: 1, lazyConnect: true });
    const bullTasks = new BullTaskQueue(connection);
    const bullDelivery = new BullDeliveryQueue(connection);
    taskQueue = bullTasks;
    deliveryQueue = bullDelivery;
    runner = new TaskRunner({ orm, handlers, delivery: bullDelivery, clock, logger, leaseMs: config.TASK_LEASE_MS, backoffMs: config.TASK_BACKOFF_MS, metrics });
    if (role !== 'front') workers.push(startTaskWorker(connection, runner, config.WORKER_CONCURRENCY, logger));
    for (const channel of channels) {
      // Per-chat pacing is the channel's own; the bot-wide rate of bulk sends must hold across every process, so
      // BullMQ's limiter keeps it (alerts and replies have a queue of their own, not held to it).
      const bulkRate = config.TELEGRAM_PAID_BROADCAST === 'true' ? config.TELEGRAM_PAID_BROADCAST_PER_SECOND : config.TELEGRAM_SENDS_PER_SECOND;
      const started = startDeliveryWorkers(connection, channel, delivery, logger, channel.name === 'telegram' ? { bulkLimiter: sendsPerSecond(bulkRate) } : {});
      workers.push(...started.workers);
      slowBulk.set(channel.name, started.slowBulk);
      closers.push(() => started.close());
    }
    closers.push(() => bullTasks.close(), () => bullDelivery.close());
  }
  // A 429 on any call slows the channel's bulk sending for Telegram's wait (in every process, at scale).
  for (const channel of channels) {
    channel.onRateLimited?.((event) => {
      metrics.rateLimited.inc({ channel: channel.name, method: event.method });
      executor?.delivery.holdBulk(channel.name, event.retryAfterMs);
      void slowBulk.get(channel.name)?.(event.retryAfterMs).catch((err: unknown) => logger.warn({ err: String(err), channel: channel.name }, 'could not pause bulk sending'));
    });
  }
  delivery.useQueue(deliveryQueue);
  for (const action of doseButtonActions({ orm, delivery: deliveryQueue, clock, refillWarnDays: config.REFILL_WARN_DAYS })) buttons.register(action);
  registerMedicineFeatures({ orm, clock, delivery: deliveryQueue, buttons, commands });
  // The family view (off without PUBLIC_BASE_URL): /view, the buttons under digests, Telegram's menu button, the page.
  const view = familyViewLinks(config);
  const viewDeps: ViewCommandDeps = {
    orm,
    clock,
    logger,
    ...(view ? { links: view } : {}),
    menu: { show: async (chat, page) => channels.find((c) => c.name === chat.channel)?.setPageMenu?.(chat.chatId, page) },
  };
  commands.register(viewCommand(viewDeps));
  // The assistant is built below; caregivers' requests reach it once it exists.
  let assistantForCaregivers: Assistant | undefined;
  const caregiverRequests = {
    propose: async (actor: Actor, elder: Elder, text: string, nickname?: string | null) => (assistantForCaregivers ? assistantForCaregivers.proposeForCaregiver(actor, elder, text, nickname ?? null) : null),
    asksToArrange: async (elder: Elder, text: string, nickname?: string | null) => (assistantForCaregivers ? assistantForCaregivers.asksToArrange(elder, text, nickname ?? null) : false),
  };
  const family = registerFamilyFeatures({
    orm,
    clock,
    delivery: deliveryQueue,
    buttons,
    commands,
    logger,
    defaults: { timezone: config.DEFAULT_TIMEZONE, locale: config.DEFAULT_LOCALE },
    options: {
      inviteTtlHours: config.INVITE_TTL_HOURS,
      alertRepeatMinutes: config.ALERT_REPEAT_MINUTES,
      checkInMinutes: config.CHECKIN_MINUTES,
      activityReplyWindowMinutes: config.ACTIVITY_REPLY_WINDOW_MINUTES,
      ...(config.INVITE_CODE_PEPPER ? { inviteCodePepper: config.INVITE_CODE_PEPPER } : {}),
      caregiverRequests,
      summaryTime: config.FAMILY_SUMMARY_TIME,
      ...(view ? { onJoined: (joined: { channel: Channel['name']; chatId: string; elderId: string; elderName: string }) => offerViewMenu(viewDeps, joined, { id: joined.elderId, name: joined.elderName }) } : {}),
    },
  });

  const tasks = new TaskService({ orm, handlers, queue: taskQueue, clock, maxAttempts: config.TASK_MAX_ATTEMPTS });
  for (const command of createVenueCommands({ orm, tasks, handlers })) commands.register(command);
  commands.register(helpCommand({ orm, commands }));
  for (const action of bookingButtonActions({ orm, tasks, handlers, delivery: deliveryQueue, clock, providers: bookingProviders })) buttons.register(action);
  const directory = new ElderDirectory(orm, { timezone: config.DEFAULT_TIMEZONE, locale: config.DEFAULT_LOCALE });
  let router: MessageRouter | undefined;
  if (role !== 'worker') {
    // Loaded only where messages are understood: worker processes never load the models.
    const agent = options.agent ?? (await (await import('./agent/build-agent.ts')).buildAgent(config, logger));
    const runInline = async (task: Task): Promise<void> => {
      // A failed inline run stays queued for the workers; the elder is told by the task's own failure path.
      await runner.run(task.id).catch((err: unknown) => logger.warn({ taskId: task.id, err: String(err) }, 'inline task deferred'));
    };
    const checkIns = { answerTyped: (elderId: string, text: string) => answerTypedCheckIn(family.checkIns, elderId, text) };
    const assistant = new Assistant({ agent, tasks, handlers, buttons, runInline, clock, logger, checkIns });
    assistantForCaregivers = assistant;
    router = new MessageRouter({ orm, directory, assistant, delivery: deliveryQueue, commands, buttons, conversations: family.conversations, logger, metrics });
  }

  const sweeps = [];
  if (role !== 'front') {
    sweeps.push(
      { name: 'due-reminders', run: (now: Date) => dispatchDueReminders(orm, deliveryQueue, now, { lateWindowMinutes, lateNoticeMinutes: config.LATE_NOTICE_MINUTES }) },
      {
        name: 'due-doses',
        run: (now: Date) =>
          dispatchDueDoses(orm, deliveryQueue, now, {
            lateWindowMinutes,
            lateNoticeMinutes: config.LATE_NOTICE_MINUTES,
            remindAgainMinutes: config.DOSE_REMIND_AGAIN_MINUTES,
            concurrency: config.mode === 'scale' ? 2 : 1,
          }),
      },
      {
        name: 'unanswered-doses',
        run: (now: Date) =>
          escalateUnansweredDoses(orm, deliveryQueue, now, { escalateMinutes: config.DOSE_ESCALATE_MINUTES, missedAfterMinutes: config.DOSE_MISSED_AFTER_MINUTES }),
      },
      { name: 'daily-summaries', run: (now: Date) => sendDailySummaries(orm, deliveryQueue, now, { summaryTime: config.FAMILY_SUMMARY_TIME, ...(view ? { view } : {}) }) },
      {
        name: 'weekly-charts',
        run: (now: Date) =>
          sendWeeklyCharts(orm, deliveryQueue, now, { dir: config.WEEKLY_CHART_DIR, summaryTime: config.FAMILY_SUMMARY_TIME, lateAfterMinutes: config.DOSE_REMIND_AGAIN_MINUTES, ...(view ? { view } : {}) }),
      },
      { name: 'booking-reminders', run: (now: Date) => dispatchBookingReminders(orm, deliveryQueue, now) },
      ...family.sweeps,
    );
  }
  if (config.mode === 'scale') sweeps.push({ name: 'requeue-stranded', run: (now: Date) => requeueStrandedWork(orm, taskQueue, deliveryQueue, now) });
  const scheduler = new Scheduler({ sweeps, now: () => clock.now(), logger });

  const checks: ReadinessCheck[] = [{ name: 'database', check: async () => void (await orm.em.getConnection().execute('select 1')) }];
  if (redis) {
    const r = redis;
    checks.push({ name: 'redis', check: async () => void (await r.ping()) });
  }
  let http: FastifyInstance | undefined;
  if (options.http !== false) {
    http = buildHttpServer({
      metrics,
      checks,
      beforeScrape: async () => {
        const em = orm.em.fork();
        // Unfinished tasks only (a small partial index); finished ones are counted as they finish (assistant_tasks_total).
        for (const status of ['pending_confirmation', 'queued', 'running'] as const) {
          metrics.tasksByStatus.set({ status }, await em.count(Task, { status, finishedAt: null }));
        }
        const lanes = await waitingByLane(orm, clock.now());
        metrics.queueDepth.set({ queue: 'outbound' }, lanes.reduce((sum, l) => sum + l.waiting, 0));
        for (const l of lanes) {
          metrics.outboundWaiting.set({ lane: l.lane }, l.waiting);
          metrics.outboundOldestAge.set({ lane: l.lane }, l.oldestAgeSeconds);
        }
        if (taskQueue instanceof BullTaskQueue) metrics.queueDepth.set({ queue: 'tasks' }, await taskQueue.queue.count());
      },
    });
    if (telegram && config.TELEGRAM_WEBHOOK_URL) {
      const { mountTelegramWebhook } = await import('./bots/telegram/telegram-webhook.ts');
      mountTelegramWebhook(http, telegram, { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET });
    }
    if (view && role !== 'worker') {
      const { mountFamilyView } = await import('./http/family-view/family-view-routes.ts');
      const { webAppSecretKey } = await import('./http/family-view/telegram-init-data.ts');
      mountFamilyView(http, {
        orm,
        clock,
        delivery: deliveryQueue,
        logger,
        links: view,
        ...(config.TELEGRAM_BOT_TOKEN ? { telegramKey: webAppSecretKey(config.TELEGRAM_BOT_TOKEN) } : {}),
        lateAfterMinutes: config.DOSE_REMIND_AGAIN_MINUTES,
      });
    }
    if (config.PARTNER_WEBHOOK_SECRET) {
      const { mountPartnerWebhook } = await import('./tasks/bookings/providers/partner-webhook.ts');
      mountPartnerWebhook(http, { orm, delivery: deliveryQueue, clock, secret: config.PARTNER_WEBHOOK_SECRET, logger: logger.child({ webhook: 'partner' }) });
    }
    await startup?.close();
    await http.listen({ host: config.HTTP_HOST, port: startup?.port ?? config.HTTP_PORT });
  }

  if (router) {
    const r = router;
    const menu = (chat: 'private' | 'group') => commands.offered(chat).map(({ name, description }) => ({ name, description }));
    for (const channel of channels) channel.useBotProfile?.({ commands: { private: menu('private'), group: menu('group') }, ...ABOUT_THE_ASSISTANT });
    for (const channel of channels) await channel.start((inbound) => r.route(inbound));
  }
  executor?.start();
  if (config.mode === 'scale' && role !== 'front') await requeueStrandedWork(orm, taskQueue, deliveryQueue, clock.now(), 0);
  if (options.cron !== false) scheduler.start(config.SWEEP_CRON);
  logger.info({ mode: config.mode, role, model: config.model, channels: channels.map((c) => c.name) }, 'assistant started');

  let stopped = false;
  return {
    config,
    orm,
    clock,
    logger,
    metrics,
    tasks,
    runner,
    router,
    scheduler,
    executor,
    http,
    tick: () => scheduler.tick(),
    settle: async () => {
      await executor?.drain();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await scheduler.stop();
      for (const channel of channels) await channel.stop();
      // Workers finish the job in hand (BullMQ waits for active jobs on close) before connections go.
      await Promise.all(workers.map((w) => w.close()));
      await executor?.stop();
      await http?.close();
      for (const close of closers) await close();
      redis?.disconnect();
      await orm.close();
      logger.info('assistant stopped');
    },
  };
}
