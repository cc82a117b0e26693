import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/core';
import { openDatabase } from '../../src/db/orm.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { dispatchDueAlerts } from '../../src/tasks/family/alert-sweep.ts';
import { acknowledgeAlert } from '../../src/tasks/family/alert-acknowledgement.ts';
import { MODES, testStorage, type TestStorage } from '../support/test-app.ts';
import { aFamilyCircle, aFamilyMember, anElder, anOpenAlert } from '../support/factories.ts';

const T = new Date('2026-11-24T10:03:00Z');
const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);

describe.each(MODES)('repeating emergency alerts (%s database)', (mode) => {
  let storage: TestStorage;
  let orm: MikroORM;
  let second: MikroORM;
  const handed: string[] = [];
  const delivery = { enqueueDeliveries: async (rows: { id: string }[]) => void handed.push(...rows.map((r) => r.id)) };

  beforeAll(async () => {
    storage = testStorage(mode);
    orm = await openDatabase(storage.database);
    second = await openDatabase(storage.database);
  });
  afterAll(async () => {
    await second.close();
    await orm.close();
    await storage.cleanup();
  });

  const aFamily = async () => {
    const margaret = await anElder(orm);
    const sarah = await aFamilyMember(orm, margaret.elder, { name: 'Sarah' });
    const carer = await aFamilyMember(orm, margaret.elder, { role: 'caregiver', name: 'Claire' });
    const removed = await aFamilyMember(orm, margaret.elder, { removed: true, name: 'Rob' });
    const inactive = await aFamilyMember(orm, margaret.elder, { inactive: true, name: 'Ivy' });
    const circle = await aFamilyCircle(orm, margaret.elder);
    return { margaret, sarah, carer, removed, inactive, circle };
  };
  const repeatsOf = (alertId: string) => orm.em.fork().find(MessageLog, { idempotencyKey: { $like: `alert:${alertId}:%` } }, { orderBy: { chatId: 'asc' } });

  it('repeats an open alert every 3 minutes to each linked person and the group, never to removed or deactivated ones', async () => {
    const f = await aFamily();
    const alert = await anOpenAlert(orm, f.margaret.elder, { nextNotifyAt: T });
    expect(await dispatchDueAlerts(orm, delivery, at(-1), { repeatMinutes: 3 })).toBe(0);
    expect(await dispatchDueAlerts(orm, delivery, T, { repeatMinutes: 3 })).toBe(1);
    const first = await repeatsOf(alert.id);
    expect(first.map((m) => m.chatId).sort()).toEqual([f.sarah.account.chatId, f.carer.account.chatId, f.circle.groupChatId].sort());
    for (const m of first) {
      expect(m.text).toBe('URGENT, still unanswered: Margaret needs help: "fell in the kitchen". Press "I\'m on it" if you are dealing with it.');
      expect(m.buttons).toEqual([[{ label: "I'm on it", data: `ack:${alert.id}` }]]);
    }
    expect(handed).toEqual(expect.arrayContaining(first.map((m) => m.id)));
    expect(await orm.em.fork().findOneOrFail(Alert, { id: alert.id })).toMatchObject({ nextNotifyAt: at(3), notifyCount: 2 });

    expect(await dispatchDueAlerts(orm, delivery, at(2), { repeatMinutes: 3 })).toBe(0);
    expect(await dispatchDueAlerts(orm, delivery, at(3), { repeatMinutes: 3 })).toBe(1);
    expect(await repeatsOf(alert.id)).toHaveLength(6);
  });

  // Several schedulers share a database only in scale mode; embedded mode is one process on one SQLite file.
  const inScaleMode = mode === 'scale' ? it : it.skip;
  inScaleMode('sends each repeat once when two schedulers sweep at the same moment', async () => {
    const f = await aFamily();
    const alert = await anOpenAlert(orm, f.margaret.elder, { nextNotifyAt: T });
    const counts = await Promise.all([dispatchDueAlerts(orm, delivery, T, { repeatMinutes: 3 }), dispatchDueAlerts(second, delivery, T, { repeatMinutes: 3 })]);
    expect(counts[0] + counts[1]).toBe(1);
    expect(await repeatsOf(alert.id)).toHaveLength(3);
  });

  it('stops repeating once someone is on it', async () => {
    const f = await aFamily();
    const alert = await anOpenAlert(orm, f.margaret.elder, { nextNotifyAt: T });
    await acknowledgeAlert(orm, delivery, { alertId: alert.id, actor: { account: f.carer.account, chat: { channel: 'telegram', chatId: f.carer.account.chatId, chatType: 'private' } }, now: at(1) });
    await dispatchDueAlerts(orm, delivery, at(30), { repeatMinutes: 3 });
    expect(await repeatsOf(alert.id)).toHaveLength(0);
    const told = await orm.em.fork().find(MessageLog, { idempotencyKey: { $like: `alert-ack:${alert.id}:%` } });
    expect(told.map((m) => m.chatId).sort()).toEqual([f.margaret.account.chatId, f.sarah.account.chatId, f.circle.groupChatId].sort());
    expect(told.find((m) => m.chatId === f.margaret.account.chatId)!.text).toBe('Claire has seen your alert and is on it.');
    expect(told.find((m) => m.chatId === f.sarah.account.chatId)!.text).toBe('Claire is on it: Margaret\'s alert "fell in the kitchen".');
  });
});
