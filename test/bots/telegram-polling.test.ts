import { describe, it, expect, afterEach } from '@jest/globals';
import { TelegramChannel } from '../../src/bots/telegram/telegram-channel.ts';
import type { Inbound } from '../../src/bots/channel-port.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { FakeTelegramServer, aTelegramUser, type TgUpdate } from '../support/fake-telegram-server.ts';

/** Calls getUpdates on the fake directly, as a bot would. */
async function getUpdates(fake: FakeTelegramServer, params: { offset?: number; limit?: number; timeout?: number }): Promise<number[]> {
  const response = await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ timeout: 0, ...params }),
  });
  const body = (await response.json()) as { ok: boolean; result: TgUpdate[] };
  return body.result.map((u) => u.update_id);
}

describe('long polling for updates', () => {
  let fake: FakeTelegramServer | undefined;
  let channel: TelegramChannel | undefined;
  afterEach(async () => {
    await channel?.stop();
    await fake?.close();
    channel = undefined;
    fake = undefined;
  });

  it('hands out updates as Telegram does: in id order, at most the limit, forgetting those below the offset, a redelivered one in its place', async () => {
    fake = await FakeTelegramServer.start();
    const margaret = aTelegramUser();
    const updates = Array.from({ length: 6 }, (_, i) => fake!.userSays(margaret, `message ${i}`));
    const ids = updates.map((u) => u.update_id);
    // A lost confirmation for the fourth update, before it was ever handed out.
    fake.redeliver(updates[3]!);

    expect(await getUpdates(fake, { limit: 3 })).toEqual([ids[0], ids[1], ids[2]]);
    expect(await getUpdates(fake, { offset: ids[2]! + 1, limit: 3 })).toEqual([ids[3], ids[3], ids[4]]);
    expect(await getUpdates(fake, { offset: ids[4]! + 1 })).toEqual([ids[5]]);
    expect(await getUpdates(fake, { offset: ids[5]! + 1 })).toEqual([]);
    // Confirmed updates are gone for good.
    expect(await getUpdates(fake, { offset: 0 })).toEqual([]);
  });

  it('takes in every update once more than a batch is waiting and one of the last is redelivered ahead of the rest', async () => {
    fake = await FakeTelegramServer.start();
    const users = Array.from({ length: 10 }, () => aTelegramUser());
    const sent = Array.from({ length: 150 }, (_, i) => fake!.userSays(users[i % users.length]!, `message ${i}`));
    fake.redeliver(sent.at(-1)!);
    const received = new Set<string>();
    channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger: createLogger('silent'), pollTimeoutSeconds: 1 });
    await channel.start(async (inbound: Inbound) => void received.add(inbound.updateId));

    const deadline = Date.now() + 10_000;
    while (received.size < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sent.filter((u) => !received.has(String(u.update_id))).map((u) => u.update_id)).toEqual([]);
  });
});
