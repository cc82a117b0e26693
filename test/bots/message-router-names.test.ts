import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { App } from '../../src/app.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';

describe.each(MODES)('a person whose display name carries control characters (%s)', (mode) => {
  let storage: TestStorage;
  let channel: FakeChannel;
  let app: App;

  beforeAll(async () => {
    storage = testStorage(mode);
    channel = new FakeChannel('telegram');
    app = await startTestApp(storage, { clock: new FakeClock('2026-11-24T10:00:00Z'), channels: [channel] });
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it('is registered under the name without them, and what they write is taken in and answered', async () => {
    // A NUL ends a string for SQLite and is refused by Postgres; a right-to-left override turns a name around.
    const sender = { channel: 'telegram' as const, userId: '9100', chatId: '9100', chatType: 'private' as const, displayName: '\u0000Mar\u0007garet \u202eevil\u202c\u001b[31m' };
    await app.router!.route({ kind: 'message', sender, updateId: '1', text: 'hello' });
    await app.router!.route({ kind: 'button', sender, updateId: '2', data: 'dose:\u00001:taken' });

    await channel.waitFor((m) => m.chatId === '9100');
    const em = app.orm.em.fork();
    expect((await em.findOneOrFail(ChannelAccount, { channel: 'telegram', externalUserId: '9100' })).displayName).toBe('Margaret evil[31m');
    expect((await em.find(MessageLog, { direction: 'in', chatId: '9100' })).map((m) => m.text).sort()).toEqual(['[button] dose:1:taken', 'hello']);
  });

  it('keeps a name of 64 characters at most, without cutting an emoji in two', async () => {
    const name = `${'A'.repeat(63)}👵🏻 and more`;
    await app.router!.route({ kind: 'message', sender: { channel: 'telegram', userId: '9200', chatId: '9200', chatType: 'private', displayName: name }, updateId: '1', text: 'hello' });
    const account = await app.orm.em.fork().findOneOrFail(ChannelAccount, { channel: 'telegram', externalUserId: '9200' });
    expect(account.displayName).toBe(`${'A'.repeat(63)}👵`);
  });
});
