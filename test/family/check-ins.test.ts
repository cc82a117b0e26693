import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../src/db/orm.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import { CheckIn } from '../../src/tasks/family/check-in.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { answerCheckIn, escalateSilentCheckIns, type CheckInDeps } from '../../src/tasks/family/check-ins.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { MODES, testStorage, type TestStorage } from '../support/test-app.ts';
import { aFamilyMember, anElder } from '../support/factories.ts';

const T = new Date('2026-12-03T10:00:00Z');
const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);

describe.each(MODES)('safety check-ins (%s database)', (mode) => {
  let storage: TestStorage;
  let orm: MikroORM;
  let second: MikroORM;
  const delivery = { enqueueDeliveries: async () => undefined };
  const deps = (db: MikroORM): CheckInDeps => ({ orm: db, delivery, clock: new FakeClock(T.toISOString()), checkInMinutes: 5, repeatMinutes: 3 });

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

  const aWaitingCheckIn = async (elder: Elder, chatId: string, createdAt = T): Promise<CheckIn> => {
    const em = orm.em.fork();
    const checkIn = em.create(CheckIn, { id: randomUUID(), elderId: elder.id, taskId: null, description: 'I feel a bit off', category: 'unwell', status: 'waiting', channel: 'telegram', chatId, answeredAt: null, alertId: null, createdAt });
    await em.flush();
    return checkIn;
  };
  const toFamily = (checkInId: string) => orm.em.fork().find(MessageLog, { idempotencyKey: { $like: `checkin:${checkInId}:silent_check_in:%` } });

  it('tells the family only once the check-in has waited CHECKIN_MINUTES', async () => {
    const margaret = await anElder(orm);
    const sarah = await aFamilyMember(orm, margaret.elder, { name: 'Sarah' });
    const checkIn = await aWaitingCheckIn(margaret.elder, margaret.account.chatId);
    expect(await escalateSilentCheckIns(deps(orm), at(4))).toBe(0);
    expect(await escalateSilentCheckIns(deps(orm), at(5))).toBe(1);
    const told = await toFamily(checkIn.id);
    expect(told.map((m) => m.chatId)).toEqual([sarah.account.chatId]);
    expect(await escalateSilentCheckIns(deps(orm), at(6))).toBe(0);
    const alert = await orm.em.fork().findOneOrFail(Alert, { elderId: margaret.elder.id });
    expect(alert).toMatchObject({ kind: 'silent_check_in', status: 'open', notifyCount: 1, nextNotifyAt: at(8) });
  });

  const inScaleMode = mode === 'scale' ? it : it.skip;
  inScaleMode('escalates a check-in once when two schedulers sweep at the same moment', async () => {
    const margaret = await anElder(orm);
    await aFamilyMember(orm, margaret.elder);
    const checkIn = await aWaitingCheckIn(margaret.elder, margaret.account.chatId);
    const counts = await Promise.all([escalateSilentCheckIns(deps(orm), at(5)), escalateSilentCheckIns(deps(second), at(5))]);
    expect(counts[0] + counts[1]).toBe(1);
    expect(await toFamily(checkIn.id)).toHaveLength(1);
  });

  it('tells an elder with nobody linked that no family could be told, with the number to call', async () => {
    const lone = await anElder(orm, { timezone: 'Australia/Sydney' });
    const checkIn = await aWaitingCheckIn(lone.elder, lone.account.chatId);
    await escalateSilentCheckIns(deps(orm), at(5));
    const told = await orm.em.fork().findOneOrFail(MessageLog, { idempotencyKey: `checkin:${checkIn.id}:told-elder` });
    expect(told.text).toBe("I haven't heard from you, and no family is linked yet. If you need help, call 000.");
  });

  it('lets only the elder herself answer her check-in, and an answer twice changes nothing', async () => {
    const margaret = await anElder(orm);
    const other = await anElder(orm, { name: 'Albert' });
    const checkIn = await aWaitingCheckIn(margaret.elder, margaret.account.chatId);
    expect(await answerCheckIn(deps(orm), { checkInId: checkIn.id, answer: 'help', elderId: other.elder.id })).toEqual([{ text: 'Sorry, that button no longer works.' }]);
    await answerCheckIn(deps(orm), { checkInId: checkIn.id, answer: 'help', elderId: margaret.elder.id });
    await answerCheckIn(deps(orm), { checkInId: checkIn.id, answer: 'help', elderId: margaret.elder.id });
    expect(await orm.em.fork().count(Alert, { elderId: margaret.elder.id })).toBe(1);
    expect(await orm.em.fork().findOneOrFail(CheckIn, { id: checkIn.id })).toMatchObject({ status: 'help' });
  });
});
