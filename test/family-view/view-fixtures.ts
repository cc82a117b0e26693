import type { App } from '../../src/app.ts';
import { buildApp } from '../../src/app.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { Clock } from '../../src/lib/clock.ts';
import type { Channel } from '../../src/bots/channel-port.ts';
import type { Agent } from '../../src/agent/agent.ts';
import { testStorage, type Mode, type TestStorage } from '../support/test-app.ts';
import { FakeTelegramServer } from '../support/fake-telegram-server.ts';
import { freePort } from './seeded-family.ts';

export { SEEDED_NOW, aSeededFamily, aTelegramPerson, freePort, initDataFor, type SeededFamily, type TelegramPerson } from './seeded-family.ts';

/** The app with its HTTP server and the family view on, Telegram on a fake Bot API. */
export interface ViewApp {
  app: App;
  storage: TestStorage;
  telegram: FakeTelegramServer;
  /** http://127.0.0.1:<port>: PUBLIC_BASE_URL. */
  base: string;
  stop(): Promise<void>;
}

/** Starts the real app with HTTP, the family view (PUBLIC_BASE_URL) and Telegram on the fake Bot API. */
export async function startViewApp(mode: Mode, deps: { clock: Clock; channels?: Channel[]; agent?: Agent; env?: Record<string, string> }): Promise<ViewApp> {
  const telegram = await FakeTelegramServer.start();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const storage = testStorage(mode, { HTTP_PORT: String(port), PUBLIC_BASE_URL: base, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, ...deps.env });
  const app = await buildApp({
    config: storage.config,
    clock: deps.clock,
    logger: createLogger('silent'),
    channels: deps.channels ?? [],
    database: storage.database,
    cron: false,
    ...(deps.agent ? { agent: deps.agent } : {}),
  });
  return {
    app,
    storage,
    telegram,
    base,
    stop: async () => {
      await app.stop();
      await telegram.close();
      await storage.cleanup();
    },
  };
}

