import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { buildApp, type App } from '../../src/app.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { VIEW_OFF_REPLY } from '../../src/tasks/family/view-command.ts';
import { sendDailySummaries } from '../../src/tasks/medicines/daily-summary.ts';
import { testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aFamilyCircle, aFamilyMember, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { freePort } from './seeded-family.ts';

describe('the family view switched off (no PUBLIC_BASE_URL)', () => {
  let storage: TestStorage;
  let app: App;
  let port: number;
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-11-25T20:00:00Z');

  beforeAll(async () => {
    port = await freePort();
    storage = testStorage('embedded', { HTTP_PORT: String(port) });
    app = await buildApp({ config: storage.config, clock, logger: createLogger('silent'), channels: [channel], agent: unusedAgent, database: storage.database, cron: false });
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it('serves no page, puts no button under the summary, and /view says it is off', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/family/`)).status).toBe(404);
    const { elder } = await anElder(app.orm, { name: 'Margaret' });
    const circle = await aFamilyCircle(app.orm, elder);
    const { account } = await aFamilyMember(app.orm, elder);
    await sendDailySummaries(app.orm, { enqueueDeliveries: async () => undefined }, clock.now());
    expect((await outboxTo(app, circle.groupChatId)).map((m) => m.buttons)).toEqual([null]);
    await channel.say(account.externalUserId, '/view');
    await app.settle();
    expect((await outboxTo(app, account.chatId)).at(-1)?.text).toBe(VIEW_OFF_REPLY);
  });
});
