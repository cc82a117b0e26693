import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder, unusedAgent } from '../support/factories.ts';

describe.each(MODES)('the read-back of a booking (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    // The app seeds the venue directory from its file at start.
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  const propose = async (kind: string, args: Record<string, unknown>) => {
    const { elder, account } = await anElder(app.orm);
    return app.tasks.propose({ elder, kind, args, requestedByAccountId: account.id, replyChannel: account.channel, replyChatId: account.chatId });
  };

  it('names the venue as the directory does, so the elder says yes to the real place', async () => {
    const task = await propose('book_restaurant', { venue: 'olive gardn', party_size: 4, start: '2026-11-27T19:00' });
    expect(task.args.venue).toBe('Olive Garden');
  });

  it('finds a salon by the street it is on', async () => {
    const task = await propose('book_salon', { venue: 'the barber on king st', service: 'haircut', start: '2026-12-01T10:00' });
    expect(task.args.venue).toBe('The Barber');
  });

  it('keeps the words of a venue the directory does not know (the family is asked)', async () => {
    const task = await propose('book_restaurant', { venue: "Luigi's Trattoria", party_size: 2, start: '2026-11-27T19:00' });
    expect(task.args.venue).toBe("Luigi's Trattoria");
  });
});
