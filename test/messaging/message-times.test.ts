import { describe, it, expect, beforeAll, afterAll, jest } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/core';
import { openDatabase } from '../../src/db/orm.ts';
import { OutboxBatch, nextMessageTime } from '../../src/messaging/outbox.ts';
import { testStorage, type TestStorage } from '../support/test-app.ts';

// Delivery keeps a chat's messages in creation order (a later message carries along the earlier ones still
// waiting). Writers that stage in the same millisecond must not tie, or the order falls to random ids.
describe('creation times of outbound messages', () => {
  let storage: TestStorage;
  let orm: MikroORM;

  beforeAll(async () => {
    storage = testStorage('embedded');
    orm = await openDatabase(storage.database);
  });
  afterAll(async () => {
    await orm.close();
    await storage.cleanup();
  });

  it('increase across separate batches written in the same millisecond', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-24T08:00:00.000Z'));
    try {
      const em = orm.em.fork();
      const reminder = new OutboxBatch().stage(em, { channel: 'telegram', chatId: 'margaret', text: 'Reminder: call Sarah.', lane: 'reminder' });
      const reply = new OutboxBatch().stage(orm.em.fork(), { channel: 'telegram', chatId: 'margaret', text: 'You said: hello', lane: 'reply' });
      const another = nextMessageTime();
      expect(reply.createdAt.getTime()).toBeGreaterThan(reminder.createdAt.getTime());
      expect(another.getTime()).toBeGreaterThan(reply.createdAt.getTime());
    } finally {
      now.mockRestore();
    }
  });

  it('follow the wall clock when it is ahead', () => {
    const before = nextMessageTime().getTime();
    const now = jest.spyOn(Date, 'now').mockReturnValue(before + 60_000);
    try {
      expect(nextMessageTime().getTime()).toBe(before + 60_000);
    } finally {
      now.mockRestore();
    }
  });
});
