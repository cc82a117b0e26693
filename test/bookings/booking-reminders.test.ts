import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { dispatchBookingReminders } from '../../src/tasks/bookings/booking-reminders.ts';
import type { DeliveryQueue } from '../../src/messaging/outbox.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { aBookableVenue } from './booking-factories.ts';

describe.each(MODES)('booking reminders (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  const clock = new FakeClock('2026-11-23T10:00:00Z');
  const delivery: DeliveryQueue = { enqueueDeliveries: async () => {} };

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  const textsTo = async (chatId: string): Promise<string[]> => (await outboxTo(app, chatId)).map((m) => m.text);

  it('reminds the day before and two hours before, once each, however many schedulers sweep', async () => {
    clock.set('2026-11-23T10:00:00Z');
    const venue = await aBookableVenue(app.orm);
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 4, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const reference = (await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id })).reference;
    const before = (await textsTo(who.account.chatId)).length;

    // Monday: nothing due yet.
    expect(await dispatchBookingReminders(app.orm, delivery, clock.now())).toBe(0);
    // Tuesday 19:00, a day ahead: two schedulers at once send one reminder.
    clock.set('2026-11-24T19:00:00Z');
    const [a, b] = await Promise.all([dispatchBookingReminders(app.orm, delivery, clock.now()), dispatchBookingReminders(app.orm, delivery, clock.now())]);
    expect(a + b).toBe(1);
    expect(await dispatchBookingReminders(app.orm, delivery, clock.now())).toBe(0);
    // Wednesday 17:00, two hours ahead.
    clock.set('2026-11-25T17:00:00Z');
    expect(await dispatchBookingReminders(app.orm, delivery, clock.now())).toBe(1);
    clock.set('2026-11-25T17:30:00Z');
    expect(await dispatchBookingReminders(app.orm, delivery, clock.now())).toBe(0);
    expect((await textsTo(who.account.chatId)).slice(before)).toEqual([
      `Reminder: tomorrow at 7:00 pm you have your table for 4 at ${venue.name} (reference ${reference}).`,
      `Your table for 4 at ${venue.name} is at 7:00 pm; leave around 6:30.`,
    ]);
  });

  it('sends only the two-hour reminder for a booking made the same day, and nothing for a cancelled one', async () => {
    clock.set('2026-11-26T09:00:00Z');
    const venue = await aBookableVenue(app.orm, { kind: 'salon', openingHours: { thu: [['09:00', '17:00']] }, capacityPerSlot: null, services: { haircut: { minutes: 30, staff: 2 } } });
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_salon', { venue: venue.name, service: 'haircut', start: '2026-11-26T15:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const other = await anElder(app.orm);
    const cancelled = await aConfirmedTask(app, other, 'book_salon', { venue: venue.name, service: 'haircut', start: '2026-11-26T15:00' });
    expect(await app.runner.run(cancelled.id)).toBe('succeeded');
    await app.orm.em.fork().nativeUpdate(Booking, { taskId: cancelled.id }, { status: 'cancelled' });
    const before = (await textsTo(who.account.chatId)).length;
    const otherBefore = (await textsTo(other.account.chatId)).length;

    expect(await dispatchBookingReminders(app.orm, delivery, clock.now())).toBe(0);
    clock.set('2026-11-26T13:05:00Z');
    expect(await dispatchBookingReminders(app.orm, delivery, clock.now())).toBe(1);
    expect((await textsTo(who.account.chatId)).slice(before)).toEqual([`Your haircut at ${venue.name} is at 3:00 pm; leave around 2:30.`]);
    expect(await textsTo(other.account.chatId)).toHaveLength(otherBefore);
  });

  it('reminds in the elder\'s local time after the clocks change', async () => {
    // Booked in summer for the Monday after the clocks go back (Sunday 25 October 2026).
    clock.set('2026-10-22T09:00:00Z');
    const arms = await aBookableVenue(app.orm);
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: arms.name, party_size: 2, start: '2026-10-26T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const before = (await textsTo(who.account.chatId)).length;
    // 19:00 GMT is 19:00 UTC after the change; two hours before is 17:00 UTC.
    clock.set('2026-10-26T16:59:00Z');
    await dispatchBookingReminders(app.orm, delivery, clock.now());
    clock.set('2026-10-26T17:00:00Z');
    expect(await dispatchBookingReminders(app.orm, delivery, clock.now())).toBe(1);
    expect((await textsTo(who.account.chatId)).at(-1)).toBe(`Your table for 2 at ${arms.name} is at 7:00 pm; leave around 6:30.`);
    expect((await textsTo(who.account.chatId)).slice(before)).toHaveLength(2);
  });
});
