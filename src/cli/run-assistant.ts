import type { MikroORM } from '@mikro-orm/core';
import { loadConfigOrExit, describeConfig, exitOnConfigError, type Config } from '../config.ts';
import { buildApp, type App } from '../app.ts';
import { TerminalChannel } from '../bots/terminal-channel.ts';
import { createLogger, createTerminalLogger } from '../lib/logger.ts';
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

/** Which command started the terminal chat: `npm start` (a server too) or `npm run chat` (the chat only). */
export type TerminalCommand = 'start' | 'chat';

/**
 * Whether the screen belongs to the conversation, so logs go to the log file (warnings also to stderr, readable):
 * always for `npm run chat`; for `npm start` when a person sits at the terminal (stdin is a TTY) and no other
 * channel is configured. Otherwise the process is a server and logs JSON to stderr.
 */
export function isQuietTerminal(command: TerminalCommand, config: Pick<Config, 'TELEGRAM_BOT_TOKEN' | 'WHATSAPP_ENABLED'>, stdinIsTTY: boolean): boolean {
  if (command === 'chat') return true;
  return stdinIsTTY && !config.TELEGRAM_BOT_TOKEN && config.WHATSAPP_ENABLED !== 'true';
}

/**
 * Runs the assistant with the terminal chat: `npm start` (with HTTP and sweeps, keeps running after input
 * ends) and `npm run chat` (leaves when input ends). The one place processes are started and stopped.
 */
export async function runAssistant(options: { command: TerminalCommand; http: boolean; exitWhenInputEnds: boolean }): Promise<void> {
  const config = loadConfigOrExit();
  const secrets = secretsOfConfig(config);
  const logger = isQuietTerminal(options.command, config, Boolean(process.stdin.isTTY))
    ? createTerminalLogger(config.LOG_LEVEL, config.LOG_FILE, { secrets })
    : createLogger(config.LOG_LEVEL, undefined, { secrets });
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
  app = await exitOnConfigError(buildApp({ config, logger, role: config.mode === 'scale' ? 'front' : 'all', channels: [terminal], http: options.http }));
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
