import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/core';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { dispatchDueDoses, type DoseDispatchCounts, type DoseDispatchOptions } from '../../src/tasks/medicines/dose-dispatch.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder } from '../support/factories.ts';
import { aSchedule, appDelivery, at } from './medicine-factories.ts';

/** Starts a second scheduler process on the test's storage; `go()` makes it sweep once and returns its counts. */
async function startScheduler(storage: TestStorage, now: string, options: DoseDispatchOptions): Promise<{ go(): Promise<DoseDispatchCounts> }> {
  const redis = storage.mode === 'scale' ? { url: storage.config.REDIS_URL!, prefix: storage.config.REDIS_PREFIX } : undefined;
  const child = spawn(process.execPath, ['test/medicines/fixtures/dispatch-doses.ts', JSON.stringify({ database: storage.database, redis, now, options })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`scheduler process did not start: ${String(first.value)}`);
  return {
    go: async () => {
      child.stdin.write('go\n');
      const counts = await lines.next();
      return JSON.parse(String(counts.value)) as DoseDispatchCounts;
    },
  };
}

/** Waits for asynchronous delivery (scale mode) until the condition holds. */
async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
}

describe.each(MODES)('due doses are sent (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-11-24T06:00:00Z');
  const options = { lateWindowMinutes: 120 };

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
  });
  // Each test's schedules stop with it, so the next test's sweeps (at other instants) count only its own.
  afterEach(async () => {
    await app.orm.em.fork().nativeUpdate(MedicationSchedule, { status: 'active' }, { status: 'stopped' });
  });
  afterAll(async () => {
    await delivery.close();
    await app.stop();
    await storage.cleanup();
  });

  const sweep = async (now: string, orm: MikroORM = app.orm, extra: { batchSize?: number; concurrency?: number } = {}) => {
    clock.set(now);
    const counts = await dispatchDueDoses(orm, delivery, at(now), { ...options, ...extra });
    await app.settle();
    return counts;
  };
  const dosesOf = (scheduleId: string) => app.orm.em.fork().find(DoseEvent, { scheduleId }, { orderBy: { dueAt: 'asc' } });
  const outboxOf = (elderId: string) => app.orm.em.fork().find(MessageLog, { elderId, direction: 'out' }, { orderBy: { createdAt: 'asc' } });

  it('sends the 08:00 dose at 08:00 London time once, with Taken / Snooze 10 min / Skip', async () => {
    const { elder, account } = await anElder(app.orm);
    const schedule = await aSchedule(app.orm, elder, at('2026-11-24T06:00:00Z'), { times: ['08:00', '20:00'] });

    await sweep('2026-11-24T07:59:00Z');
    expect(await dosesOf(schedule.id)).toHaveLength(0);

    expect(await sweep('2026-11-24T08:00:00Z')).toEqual({ sent: 1, late: 0, missed: 0 });
    const [dose] = await dosesOf(schedule.id);
    expect(dose).toMatchObject({ elderId: elder.id, dueAt: at('2026-11-24T08:00:00Z'), localTime: '08:00', status: 'pending', snoozes: 0 });
    expect(dose!.nextActionAt).toEqual(at('2026-11-24T08:30:00Z'));
    const sent = await channel.waitFor((m) => m.chatId === account.chatId);
    expect(sent).toEqual({
      chatId: account.chatId,
      text: 'Time for your Metformin 500mg (8:00 am).',
      lane: 'reminder',
      buttons: [[
        { label: 'Taken', data: `dose:${dose!.id}:taken` },
        { label: 'Snooze 10 min', data: `dose:${dose!.id}:snooze` },
        { label: 'Skip', data: `dose:${dose!.id}:skip` },
      ]],
    });

    await sweep('2026-11-24T08:01:00Z');
    expect(await dosesOf(schedule.id)).toHaveLength(1);
    expect(await outboxOf(elder.id)).toHaveLength(1);
    expect((await app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id })).nextDoseAt).toEqual(at('2026-11-24T20:00:00Z'));
  });

  it('sends each dose once when two scheduler processes sweep at the same moment', async () => {
    const elders = await Promise.all(Array.from({ length: 40 }, () => anElder(app.orm, { timezone: 'Asia/Kolkata' })));
    const schedules = await Promise.all(elders.map(({ elder }) => aSchedule(app.orm, elder, at('2026-11-25T00:00:00Z'), { times: ['08:00'] })));
    const now = '2026-11-25T02:30:00Z';
    const race = { batchSize: 4, concurrency: 2 };
    const other = await startScheduler(storage, now, { ...options, ...race });
    const [mine, theirs] = await Promise.all([sweep(now, app.orm, race), other.go()]);
    expect(mine.sent + theirs.sent).toBe(40);
    await app.settle();
    for (const [i, { elder, account }] of elders.entries()) {
      expect(await dosesOf(schedules[i]!.id)).toHaveLength(1);
      expect(await outboxOf(elder.id)).toHaveLength(1);
      await channel.waitFor((m) => m.chatId === account.chatId);
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const { account } of elders) expect(channel.to(account.chatId)).toHaveLength(1);
  });

  it('sends a dose late, saying when it was due, after a downtime inside the late window', async () => {
    const { elder, account } = await anElder(app.orm, { timezone: 'America/New_York' });
    const schedule = await aSchedule(app.orm, elder, at('2026-11-26T00:00:00Z'), { times: ['08:00'] });
    // 08:00 in New York is 13:00 UTC; the scheduler was down until 14:45.
    expect(await sweep('2026-11-26T14:45:00Z')).toEqual({ sent: 1, late: 1, missed: 0 });
    const sent = await channel.waitFor((m) => m.chatId === account.chatId);
    expect(sent.text).toBe('Time for your Metformin 500mg. (This was due at 8:00 am.)');
    expect(await dosesOf(schedule.id)).toMatchObject([{ dueAt: at('2026-11-26T13:00:00Z'), status: 'pending' }]);
  });

  it('records a dose missed, without sending it, when the downtime outlasted the late window', async () => {
    const { elder, account } = await anElder(app.orm, { timezone: 'Australia/Sydney' });
    const schedule = await aSchedule(app.orm, elder, at('2026-11-26T00:00:00Z'), { times: ['08:00'] });
    // 08:00 in Sydney (summer time, UTC+11) is 21:00 UTC the day before; back at 23:30, 2.5 hours late.
    expect(await sweep('2026-11-26T23:30:00Z')).toEqual({ sent: 0, late: 0, missed: 1 });
    expect(await dosesOf(schedule.id)).toMatchObject([{ dueAt: at('2026-11-26T21:00:00Z'), status: 'missed', nextActionAt: null }]);
    expect(await outboxOf(elder.id)).toHaveLength(0);
    expect(channel.to(account.chatId)).toHaveLength(0);
    expect((await app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id })).nextDoseAt).toEqual(at('2026-11-27T21:00:00Z'));
  });

  it('drops no dose over a two-day downtime: every one is recorded, and only the latest is sent', async () => {
    const { elder, account } = await anElder(app.orm, { timezone: 'Europe/London' });
    const schedule = await aSchedule(app.orm, elder, at('2026-12-01T00:00:00Z'), { times: ['08:00', '20:00'] });
    expect(await sweep('2026-12-03T09:00:00Z')).toEqual({ sent: 1, late: 1, missed: 4 });
    const doses = await dosesOf(schedule.id);
    expect(doses.map((d) => [d.dueAt.toISOString(), d.status])).toEqual([
      ['2026-12-01T08:00:00.000Z', 'missed'],
      ['2026-12-01T20:00:00.000Z', 'missed'],
      ['2026-12-02T08:00:00.000Z', 'missed'],
      ['2026-12-02T20:00:00.000Z', 'missed'],
      ['2026-12-03T08:00:00.000Z', 'pending'],
    ]);
    const sent = await channel.waitFor((m) => m.chatId === account.chatId);
    expect(sent.text).toBe('Time for your Metformin 500mg. (This was due at 8:00 am.)');
    expect(await outboxOf(elder.id)).toHaveLength(1);
  });

  it('does not remind a dose already recorded before its time, and still moves on to the next', async () => {
    const { elder } = await anElder(app.orm);
    const schedule = await aSchedule(app.orm, elder, at('2026-12-05T00:00:00Z'), { times: ['08:00'] });
    const em = app.orm.em.fork();
    em.create(DoseEvent, { id: randomUUID(), scheduleId: schedule.id, elderId: elder.id, dueAt: at('2026-12-05T08:00:00Z'), localTime: '08:00', status: 'taken', answeredAt: at('2026-12-05T07:50:00Z') });
    await em.flush();
    expect(await sweep('2026-12-05T08:00:00Z')).toEqual({ sent: 0, late: 0, missed: 0 });
    expect(await dosesOf(schedule.id)).toMatchObject([{ status: 'taken' }]);
    expect(await outboxOf(elder.id)).toHaveLength(0);
    expect((await app.orm.em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id })).nextDoseAt).toEqual(at('2026-12-06T08:00:00Z'));
  });

  it('sends the 08:00 dose at 08:00 on the days before and after London clocks go forward', async () => {
    const { elder, account } = await anElder(app.orm);
    const schedule = await aSchedule(app.orm, elder, at('2027-03-27T00:00:00Z'), { times: ['08:00'] });
    await sweep('2027-03-27T08:00:00Z');
    // Sent on its day (a day later it would say it was late).
    await waitUntil(() => channel.to(account.chatId).length === 1);
    await sweep('2027-03-28T06:59:00Z');
    expect(await dosesOf(schedule.id)).toHaveLength(1);
    await sweep('2027-03-28T07:00:00Z');
    expect((await dosesOf(schedule.id)).map((d) => d.dueAt.toISOString())).toEqual(['2027-03-27T08:00:00.000Z', '2027-03-28T07:00:00.000Z']);
    await waitUntil(() => channel.to(account.chatId).length === 2);
    expect(channel.to(account.chatId).map((m) => m.text)).toEqual(['Time for your Metformin 500mg (8:00 am).', 'Time for your Metformin 500mg (8:00 am).']);
  });

  it('gives a 02:30 dose at 03:00 on the night Sydney skips 02:00-03:00', async () => {
    const { elder } = await anElder(app.orm, { timezone: 'Australia/Sydney' });
    const schedule = await aSchedule(app.orm, elder, at('2026-10-03T12:00:00Z'), { times: ['02:30'] });
    await sweep('2026-10-03T15:59:00Z');
    expect(await dosesOf(schedule.id)).toHaveLength(0);
    await sweep('2026-10-03T16:00:00Z');
    expect(await dosesOf(schedule.id)).toMatchObject([{ dueAt: at('2026-10-03T16:00:00Z'), localTime: '02:30' }]);
    expect((await outboxOf(elder.id))[0]!.text).toBe('Time for your Metformin 500mg (2:30 am).');
  });
});
