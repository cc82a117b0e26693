import type { MikroORM } from '@mikro-orm/core';
import { loadConfigOrExit, describeConfig } from '../config.ts';
import { buildApp, type App } from '../app.ts';
import { TerminalChannel } from '../bots/terminal-channel.ts';
import { createLogger } from '../lib/logger.ts';
import { Task } from '../tasks/task.entity.ts';
import { MessageLog } from '../messaging/message-log.entity.ts';
import { secretsOfConfig } from '../lib/log-masking.ts';

/** Waits until nothing is queued or running for a chat (scale mode: the work happens in worker processes). */
async function settleChat(orm: MikroORM, chatId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await new Promise((r) => setTimeout(r, 100));
  while (Date.now() < deadline) {
    const em = orm.em.fork();
    const busy =
      (await em.count(Task, { replyChatId: chatId, status: { $in: ['queued', 'running'] }, finishedAt: null })) +
      (await em.count(MessageLog, { chatId, direction: 'out', status: 'queued' }));
    if (busy === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs the assistant with the terminal chat: `npm start` (with HTTP and sweeps, keeps running after input
 * ends) and `npm run chat` (leaves when input ends). The one place processes are started and stopped.
 */
export async function runAssistant(options: { http: boolean; exitWhenInputEnds: boolean; quietLogs: boolean }): Promise<void> {
  const config = loadConfigOrExit();
  // In the terminal chat, routine logs would interleave with the conversation: warnings and errors only,
  // unless LOG_LEVEL is set explicitly.
  const level = options.quietLogs && !process.env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL;
  const logger = createLogger(level, undefined, { secrets: secretsOfConfig(config) });
  logger.debug({ config: describeConfig(config) }, 'configuration');
  let app: App | undefined;
  const terminal = new TerminalChannel({
    input: process.stdin,
    output: process.stdout,
    userId: config.CHAT_USER,
    displayName: config.CHAT_ELDER_NAME,
    settle: async () => {
      if (!app) return;
      if (config.mode === 'embedded') await app.settle();
      else await settleChat(app.orm, `terminal:${config.CHAT_USER}`, 15_000);
    },
  });
  app = await buildApp({ config, logger, role: config.mode === 'scale' ? 'front' : 'all', channels: [terminal], http: options.http });
  const running = app;
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'shutting down');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  if (options.exitWhenInputEnds) {
    await terminal.whenInputEnds();
    await running.stop();
    process.exit(0);
  }
}
