import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, aFamilyCircle, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { aBookableVenue, bookingButtons, pressedBy } from './booking-factories.ts';

describe.each(MODES)('the built-in reservation book (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  // Tuesday 24 November 2026, 10:00 in London (UTC+0 in winter).
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  const lastTo = async (chatId: string) => (await outboxTo(app, chatId)).at(-1);

  it('books a free table at once, tells the elder the reference and tells the family', async () => {
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 40 });
    const who = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, who.elder);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 4, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const booking = await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id });
    expect(booking).toMatchObject({ venueId: venue.id, status: 'confirmed', partySize: 4, localStart: '2026-11-25T19:00' });
    expect(booking.reference).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect((await lastTo(who.account.chatId))?.text).toBe(`Booked: ${venue.name}, 4 people, Wednesday 25 November at 7:00 pm. Your reference is ${booking.reference}.`);
    expect((await outboxTo(app, circle.groupChatId)).map((m) => m.text)).toEqual([
      `Margaret has booked ${venue.name}, 4 people, Wednesday 25 November at 7:00 pm. Reference ${booking.reference}.`,
    ]);
  });

  it('lets exactly as many elders as there are seats take the last places when they all ask at once', async () => {
    // Eight seats; twelve couples ask for 7 pm at the same moment: four fit.
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 8 });
    const elders = await Promise.all(Array.from({ length: 12 }, () => anElder(app.orm)));
    const tasks = [];
    for (const who of elders) tasks.push(await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' }));
    const outcomes = await Promise.all(tasks.map((t) => app.runner.run(t.id)));
    expect(outcomes.every((o) => o === 'succeeded')).toBe(true);
    const em = app.orm.em.fork();
    const confirmed = await em.find(Booking, { venueId: venue.id, status: 'confirmed' });
    expect(confirmed).toHaveLength(4);
    const results = (await em.find(Task, { id: { $in: tasks.map((t) => t.id) } })).map((t) => t.result?.status);
    expect(results.filter((s) => s === 'confirmed')).toHaveLength(4);
    expect(results.filter((s) => s === 'unavailable')).toHaveLength(8);
  });

  it('gives two haircuts at once to a salon with two hairdressers, and no third', async () => {
    const venue = await aBookableVenue(app.orm, { kind: 'salon', openingHours: { wed: [['09:00', '17:00']] }, capacityPerSlot: null, services: { haircut: { minutes: 30, staff: 2 } } });
    const elders = await Promise.all(Array.from({ length: 5 }, () => anElder(app.orm)));
    const tasks = [];
    for (const who of elders) tasks.push(await aConfirmedTask(app, who, 'book_salon', { venue: venue.name, service: 'haircut', start: '2026-11-25T10:00' }));
    await Promise.all(tasks.map((t) => app.runner.run(t.id)));
    const confirmed = await app.orm.em.fork().find(Booking, { venueId: venue.id, status: 'confirmed' });
    expect(confirmed).toHaveLength(2);
    expect(confirmed.every((b) => b.endAt.getTime() - b.startAt.getTime() === 30 * 60_000)).toBe(true);
  });

  it('books once when the same job is delivered twice, even at the same moment', async () => {
    const venue = await aBookableVenue(app.orm);
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
    const both = await Promise.allSettled([app.runner.run(task.id), app.runner.run(task.id)]);
    expect(both.filter((r) => r.status === 'fulfilled' && r.value === 'succeeded')).toHaveLength(1);
    expect(await app.runner.run(task.id)).toBe('skipped');
    expect(await app.orm.em.fork().count(Booking, { taskId: task.id })).toBe(1);
    expect((await outboxTo(app, who.account.chatId)).filter((m) => m.text.startsWith('Booked:'))).toHaveLength(1);
  });

  it('offers the nearest free times as buttons when the slot is taken, and a press reads the new time back', async () => {
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 4 });
    const first = await anElder(app.orm);
    const taken = await aConfirmedTask(app, first, 'book_restaurant', { venue: venue.name, party_size: 4, start: '2026-11-25T19:00' });
    expect(await app.runner.run(taken.id)).toBe('succeeded');

    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect(await app.orm.em.fork().count(Booking, { taskId: task.id })).toBe(0);
    const offer = await lastTo(who.account.chatId);
    // 90-minute tables: the 7 pm party blocks the 6:00 to 8:00 pm starts; 5:30 and 8:30 pm are nearest, then 1:00 pm at lunch.
    expect(offer?.text).toBe(`Sorry, ${venue.name} has no table free at 7:00 pm on Wednesday 25 November. I could book 1:00 pm, 5:30 pm or 8:30 pm instead. Which would you like?`);
    expect(offer?.buttons).toEqual([
      [
        { label: '1:00 pm', data: `rebook:${task.id}:0` },
        { label: '5:30 pm', data: `rebook:${task.id}:1` },
        { label: '8:30 pm', data: `rebook:${task.id}:2` },
      ],
    ]);

    const press = bookingButtons(app);
    const stranger = await anElder(app.orm);
    expect((await press(`rebook:${task.id}:2`, pressedBy(stranger.account, stranger.elder)))[0]?.text).toBe('Sorry, that button no longer works. What would you like to do?');
    const [readBack] = await press(`rebook:${task.id}:2`, pressedBy(who.account, who.elder));
    expect(readBack?.text).toBe(`${venue.name}, 2 people, Wednesday 25 November at 8:30 pm. Shall I book it?`);
    const proposed = await app.tasks.pendingFor(who.elder.id, who.account.id);
    expect(readBack?.buttons).toEqual([[{ label: 'Yes', data: `yes:${proposed!.id}` }, { label: 'No', data: `no:${proposed!.id}` }]]);
    expect(await app.tasks.confirm(proposed!.id)).toBe(true);
    expect(await app.runner.run(proposed!.id)).toBe('succeeded');
    const booking = await app.orm.em.fork().findOneOrFail(Booking, { taskId: proposed!.id });
    expect(booking).toMatchObject({ status: 'confirmed', localStart: '2026-11-25T20:30' });
  });

  it('offers the next open day when the venue is closed that day', async () => {
    const venue = await aBookableVenue(app.orm, { openingHours: { thu: [['18:00', '21:00']] } });
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect((await lastTo(who.account.chatId))?.buttons?.[0]?.map((b) => b.label)).toEqual(['Thu 26 Nov, 6:00 pm', 'Thu 26 Nov, 6:30 pm', 'Thu 26 Nov, 7:00 pm']);
  });

  it('says simply when a party is too big for the venue, and books nothing', async () => {
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 6 });
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 10, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('failed');
    expect((await lastTo(who.account.chatId))?.text).toBe(`Sorry, I could not book your table. ${venue.name} has no table free around then. Nothing has been done.`);
    expect(await app.orm.em.fork().count(Booking, { venueId: venue.id })).toBe(0);
  });

  it('frees the place when a booking is cancelled, so the next elder gets it', async () => {
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 2 });
    const first = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, first.elder);
    const booked = await aConfirmedTask(app, first, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
    await app.runner.run(booked.id);
    const cancel = await aConfirmedTask(app, first, 'cancel_booking', { venue: venue.name });
    expect(await app.runner.run(cancel.id)).toBe('succeeded');
    const reference = (await app.orm.em.fork().findOneOrFail(Booking, { taskId: booked.id })).reference;
    expect((await lastTo(first.account.chatId))?.text).toBe(`Done. Your booking at ${venue.name} on Wednesday 25 November at 7:00 pm is cancelled.`);
    expect((await lastTo(circle.groupChatId))?.text).toBe(`Margaret has cancelled the booking at ${venue.name} on Wednesday 25 November at 7:00 pm (reference ${reference}).`);

    const next = await anElder(app.orm);
    const task = await aConfirmedTask(app, next, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect((await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id })).status).toBe('confirmed');
  });

  describe('moving a booking ("move dinner to 8")', () => {
    async function aBookedDinner(capacityPerSlot = 8) {
      const venue = await aBookableVenue(app.orm, { capacityPerSlot });
      const who = await anElder(app.orm);
      const first = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
      expect(await app.runner.run(first.id)).toBe('succeeded');
      const booking = await app.orm.em.fork().findOneOrFail(Booking, { taskId: first.id });
      return { venue, who, booking };
    }

    it('asks before moving a booking at the same place that evening, moves it on yes keeping the reference, and a second press is harmless', async () => {
      const { venue, who, booking } = await aBookedDinner();
      const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T20:00' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      const ask = await lastTo(who.account.chatId);
      expect(ask?.text).toBe(`You already have a table at ${venue.name} on Wednesday 25 November at 7:00 pm. Shall I move it to 8:00 pm?`);
      expect(ask?.buttons).toEqual([[{ label: 'Yes, move it to 8:00 pm', data: `bookmove:${task.id}:yes` }, { label: 'No, leave it', data: `bookmove:${task.id}:no` }]]);
      const press = bookingButtons(app);
      expect((await press(`bookmove:${task.id}:yes`, pressedBy(who.account, who.elder)))[0]?.text).toBe(
        `Moved: ${venue.name}, 2 people, Wednesday 25 November at 8:00 pm. Your reference is still ${booking.reference}.`,
      );
      expect((await press(`bookmove:${task.id}:yes`, pressedBy(who.account, who.elder)))[0]?.text).toBe(`That's done: your booking at ${venue.name} is at 8:00 pm.`);
      const em = app.orm.em.fork();
      expect(await em.count(Booking, { elderId: who.elder.id })).toBe(1);
      expect(await em.findOneOrFail(Booking, { id: booking.id })).toMatchObject({ status: 'confirmed', localStart: '2026-11-25T20:00', reference: booking.reference });
    });

    it('keeps the booking where it was when the new time is full, or when the elder says no', async () => {
      const { venue, who } = await aBookedDinner(2);
      const other = await anElder(app.orm);
      const theirs = await aConfirmedTask(app, other, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T20:30' });
      expect(await app.runner.run(theirs.id)).toBe('succeeded');
      const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T20:30' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      const press = bookingButtons(app);
      expect((await press(`bookmove:${task.id}:yes`, pressedBy(who.account, who.elder)))[0]?.text).toBe(`Sorry, ${venue.name} has nothing free at 8:30 pm. Your booking stays at 7:00 pm.`);
      expect((await press(`bookmove:${task.id}:no`, pressedBy(who.account, who.elder)))[0]?.text).toBe(`Okay, I've left your booking at ${venue.name} at 7:00 pm.`);
      const mine = await app.orm.em.fork().find(Booking, { elderId: who.elder.id });
      expect(mine.map((b) => b.localStart)).toEqual(['2026-11-25T19:00']);
    });

    it('books lunch and dinner at the same place on one day without asking', async () => {
      const { venue, who } = await aBookedDinner();
      const lunch = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T12:30' });
      expect(await app.runner.run(lunch.id)).toBe('succeeded');
      expect(await app.orm.em.fork().count(Booking, { elderId: who.elder.id, status: 'confirmed' })).toBe(2);
    });
  });
});
