import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import type { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import type { DeliveryQueue } from '../../src/messaging/outbox.ts';
import { createTaskHandlers } from '../../src/tasks/task-handlers.ts';
import { TaskService } from '../../src/tasks/task-service.ts';
import { TaskRunner } from '../../src/workers/task-runner.ts';
import { NothingToConfirmError, TaskRetryError } from '../../src/tasks/task-errors.ts';
import { defaultBookingProviders } from '../../src/tasks/bookings/booking-service.ts';
import { bookingButtonActions } from '../../src/tasks/bookings/booking-buttons.ts';
import { PartnerProvider } from '../../src/tasks/bookings/providers/partner-provider.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import type { ActionReply, ButtonAction } from '../../src/tasks/button-actions.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { FakePartnerServer } from '../support/fake-partner-server.ts';
import { aBooking, aFamilyCircle, aFamilyMember, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { aBookableVenue, pressedBy } from './booking-factories.ts';

type Who = { elder: Elder; account: ChannelAccount };

describe.each(MODES)('moving a booking by chat (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let fake: FakePartnerServer;
  let tasks: TaskService;
  let runner: TaskRunner;
  let press: (data: string, actor: ReturnType<typeof pressedBy>) => Promise<ActionReply[]>;
  // Tuesday 24 November 2026, 10:00 in London (UTC+0 in winter).
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const delivery: DeliveryQueue = { enqueueDeliveries: async () => undefined };
  let taskHandlers: ReturnType<typeof createTaskHandlers>;

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
    fake = await FakePartnerServer.start();
    const providers = defaultBookingProviders({ partner: new PartnerProvider({ baseUrl: fake.baseUrl, apiKey: fake.apiKey, timeoutMs: 300 }) });
    // The same graph the composition root builds.
    taskHandlers = createTaskHandlers({ bookingProviders: providers });
    tasks = new TaskService({ orm: app.orm, handlers: taskHandlers, queue: { enqueueTasks: async () => undefined }, clock, maxAttempts: 5 });
    runner = new TaskRunner({ orm: app.orm, handlers: taskHandlers, delivery, clock, logger: createLogger('silent'), leaseMs: 60_000, backoffMs: 10 });
    const byPrefix = new Map<string, ButtonAction>(bookingButtonActions({ orm: app.orm, tasks, handlers: taskHandlers, delivery, clock, providers }).map((a) => [a.prefix, a]));
    press = (data, actor) => byPrefix.get(data.split(':', 1)[0]!)!.handle(data, actor);
  });
  afterAll(async () => {
    await fake.close();
    await app.stop();
    await storage.cleanup();
  });

  const lastTo = async (chatId: string) => (await outboxTo(app, chatId)).at(-1);
  const reload = (id: string) => app.orm.em.fork().findOneOrFail(Booking, { id });

  /** Proposes a task as the assistant does and returns it with its read-back. */
  async function propose(who: Who, kind: string, args: Record<string, unknown>): Promise<{ task: Task; readBack: string }> {
    const task = await tasks.propose({ elder: who.elder, kind, args, requestedByAccountId: who.account.id, replyChannel: who.account.channel, replyChatId: who.account.chatId });
    const handler = taskHandlers.get(kind)!;
    return { task, readBack: handler.readBack(handler.schema.parse(task.args), who.elder) };
  }

  /** Runs a task to its end, advancing the clock past each retry's backoff. */
  async function runUntilDone(taskId: string): Promise<{ result: string; retries: number }> {
    for (let retries = 0; retries < 5; retries++) {
      try {
        return { result: await runner.run(taskId), retries };
      } catch (err) {
        if (!(err instanceof TaskRetryError)) throw err;
        clock.advance(60_000);
      }
    }
    throw new Error('the task never finished');
  }

  async function saidYes(task: Task): Promise<string> {
    expect(await tasks.confirm(task.id)).toBe(true);
    return (await runUntilDone(task.id)).result;
  }

  /** A table for two booked through the task pipeline, as the elder would have booked it. */
  async function aTable(who: Who, venue: Venue, start: string, partySize = 2): Promise<Booking> {
    const { task } = await propose(who, 'book_restaurant', { venue: venue.name, party_size: partySize, start });
    expect(await saidYes(task)).toBe('succeeded');
    return app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id });
  }

  it('reads "move dinner to 8" back from the old time to 8 pm on the same day, moves it on yes keeping the reference, and tells the family', async () => {
    const venue = await aBookableVenue(app.orm);
    const who = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, who.elder);
    const booking = await aTable(who, venue, '2026-11-25T19:00');

    const { task, readBack } = await propose(who, 'reschedule_booking', { kind: 'restaurant', time: '20:00' });
    expect(readBack).toBe(`Move your table at ${venue.name} from Wednesday 25 November at 7:00 pm to Wednesday 25 November at 8:00 pm?`);
    expect(await saidYes(task)).toBe('succeeded');

    expect(await reload(booking.id)).toMatchObject({ status: 'confirmed', localStart: '2026-11-25T20:00', reference: booking.reference, endAt: new Date('2026-11-25T21:30:00Z') });
    expect(await app.orm.em.fork().count(Booking, { elderId: who.elder.id })).toBe(1);
    expect((await lastTo(who.account.chatId))?.text).toBe(`Done. Your table at ${venue.name} is now on Wednesday 25 November at 8:00 pm. Your reference is still ${booking.reference}.`);
    expect((await lastTo(circle.groupChatId))?.text).toBe(
      `Margaret has moved the table at ${venue.name} from Wednesday 25 November at 7:00 pm to Wednesday 25 November at 8:00 pm (reference ${booking.reference}).`,
    );
  });

  it('moves a booking into a time its own old place overlaps, and frees the old place for the next elder, never going over capacity', async () => {
    // Two seats: Margaret's couple fills 7 pm; moving half an hour later must not count her own table.
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 2 });
    const who = await anElder(app.orm);
    const booking = await aTable(who, venue, '2026-11-25T19:00');
    const { task } = await propose(who, 'reschedule_booking', { venue: venue.name, shift_minutes: 30 });
    expect(await saidYes(task)).toBe('succeeded');
    expect((await reload(booking.id)).localStart).toBe('2026-11-25T19:30');

    // 6:00 pm is free again (her old table is gone); 8:00 pm still overlaps her 7:30 table, so it is refused.
    const next = await anElder(app.orm);
    const free = await aTable(next, venue, '2026-11-25T18:00');
    expect(free.status).toBe('confirmed');
    const { task: clash } = await propose(next, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T20:00' });
    expect(await saidYes(clash)).toBe('succeeded');
    expect(await app.orm.em.fork().count(Booking, { taskId: clash.id })).toBe(0);
  });

  it('gives the last place to exactly one of a move and a new booking made at the same moment', async () => {
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 2 });
    const who = await anElder(app.orm);
    const booking = await aTable(who, venue, '2026-11-25T19:00');
    const other = await anElder(app.orm);
    const { task: move } = await propose(who, 'reschedule_booking', { venue: venue.name, time: '20:30' });
    const { task: fresh } = await propose(other, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T20:30' });
    expect(await tasks.confirm(move.id)).toBe(true);
    expect(await tasks.confirm(fresh.id)).toBe(true);
    const outcomes = await Promise.all([runUntilDone(move.id), runUntilDone(fresh.id)]);
    expect(outcomes.map((o) => o.result)).toEqual(['succeeded', 'succeeded']);
    const atHalfEight = await app.orm.em.fork().find(Booking, { venueId: venue.id, status: 'confirmed', localStart: '2026-11-25T20:30' });
    expect(atHalfEight).toHaveLength(1);
    const moved = (await reload(booking.id)).localStart === '2026-11-25T20:30';
    expect(await app.orm.em.fork().count(Booking, { taskId: fresh.id })).toBe(moved ? 0 : 1);
  });

  it('offers the nearest free times as buttons when the new time is taken, keeps the booking, and a press reads the move back', async () => {
    const venue = await aBookableVenue(app.orm, { capacityPerSlot: 2 });
    const who = await anElder(app.orm);
    const booking = await aTable(who, venue, '2026-11-25T19:00');
    await aTable(await anElder(app.orm), venue, '2026-11-25T20:30');

    const { task } = await propose(who, 'reschedule_booking', { kind: 'restaurant', time: '20:30' });
    expect(await saidYes(task)).toBe('succeeded');
    const offer = await lastTo(who.account.chatId);
    // 90-minute tables: 8:30 pm is full and 7:30 and 8:00 pm overlap it; her own 7:00 pm is no alternative.
    expect(offer?.text).toBe(
      `Sorry, ${venue.name} has no table free at 8:30 pm on Wednesday 25 November. Your table is still on Wednesday 25 November at 7:00 pm. I could move it to 6:00 pm or 6:30 pm instead. Which would you like?`,
    );
    expect(offer?.buttons).toEqual([[{ label: '6:00 pm', data: `rebook:${task.id}:0` }, { label: '6:30 pm', data: `rebook:${task.id}:1` }]]);
    expect((await reload(booking.id)).localStart).toBe('2026-11-25T19:00');

    const [readBack] = await press(`rebook:${task.id}:1`, pressedBy(who.account, who.elder));
    expect(readBack?.text).toBe(`Move your table at ${venue.name} from Wednesday 25 November at 7:00 pm to Wednesday 25 November at 6:30 pm?`);
    const picked = await tasks.pendingFor(who.elder.id, who.account.id);
    expect(await saidYes(picked!)).toBe('succeeded');
    expect((await reload(booking.id)).localStart).toBe('2026-11-25T18:30');
  });

  it('asks which booking with buttons when several could be meant, and the pick reads that move back', async () => {
    const first = await aBookableVenue(app.orm);
    const second = await aBookableVenue(app.orm);
    const who = await anElder(app.orm);
    await aTable(who, first, '2026-11-25T19:00');
    const thursday = await aTable(who, second, '2026-11-26T19:00');

    const { task, readBack } = await propose(who, 'reschedule_booking', { kind: 'restaurant', time: '20:00' });
    expect(readBack).toBe('Move your table to 8:00 pm?');
    expect(await saidYes(task)).toBe('succeeded');
    const ask = await lastTo(who.account.chatId);
    expect(ask?.text).toBe('You have 2 bookings that could be moved. Which one shall I move?');
    expect(ask?.buttons).toEqual([
      [{ label: `${first.name} on Wednesday 25 November at 7:00 pm`, data: `reschedpick:${task.id}:0` }],
      [{ label: `${second.name} on Thursday 26 November at 7:00 pm`, data: `reschedpick:${task.id}:1` }],
    ]);
    const stranger = await anElder(app.orm);
    expect((await press(`reschedpick:${task.id}:1`, pressedBy(stranger.account, stranger.elder)))[0]?.text).toBe('Sorry, that button no longer works. What would you like to do?');
    const [picked] = await press(`reschedpick:${task.id}:1`, pressedBy(who.account, who.elder));
    expect(picked?.text).toBe(`Move your table at ${second.name} from Thursday 26 November at 7:00 pm to Thursday 26 November at 8:00 pm?`);
    expect(await saidYes((await tasks.pendingFor(who.elder.id, who.account.id))!)).toBe('succeeded');
    expect((await reload(thursday.id)).localStart).toBe('2026-11-26T20:00');
  });

  it('finds the one booking of the kind named ("hair" is the salon, not the dinner)', async () => {
    const restaurant = await aBookableVenue(app.orm);
    const salon = await aBookableVenue(app.orm, { kind: 'salon', openingHours: { fri: [['09:00', '17:00']], thu: [['09:00', '17:00']] }, capacityPerSlot: null, services: { haircut: { minutes: 30, staff: 1 } } });
    const who = await anElder(app.orm);
    await aTable(who, restaurant, '2026-11-26T19:00');
    const { task: booked } = await propose(who, 'book_salon', { venue: salon.name, service: 'haircut', start: '2026-11-26T11:00' });
    expect(await saidYes(booked)).toBe('succeeded');

    const { task, readBack } = await propose(who, 'reschedule_booking', { kind: 'salon', start: '2026-11-27T10:00' });
    expect(readBack).toBe(`Move your haircut at ${salon.name} from Thursday 26 November at 11:00 am to Friday 27 November at 10:00 am?`);
    expect(await saidYes(task)).toBe('succeeded');
    const haircut = await app.orm.em.fork().findOneOrFail(Booking, { taskId: booked.id });
    expect(haircut).toMatchObject({ localStart: '2026-11-27T10:00', endAt: new Date('2026-11-27T10:30:00Z') });
  });

  it('says kindly that there is nothing to move when the elder has no such booking, asks no yes, and changes nothing', async () => {
    const who = await anElder(app.orm);
    const salon = await aBookableVenue(app.orm, { kind: 'salon' });
    const haircut = await aBooking(app.orm, who.elder, salon, '2026-11-26T11:00', { service: 'haircut' });
    const refused = propose(who, 'reschedule_booking', { kind: 'restaurant', time: '20:00' });
    await expect(refused).rejects.toBeInstanceOf(NothingToConfirmError);
    await expect(refused).rejects.toHaveProperty('elderMessage', 'I couldn\'t find a table to move. You can ask me "what have I booked?" to see them.');
    expect(await app.orm.em.fork().count(Task, { elderId: who.elder.id, kind: 'reschedule_booking' })).toBe(0);
    expect((await reload(haircut.id)).localStart).toBe('2026-11-26T11:00');
  });

  it('says the booking no longer stands when it was cancelled between the read-back and the yes', async () => {
    const who = await anElder(app.orm);
    const salon = await aBookableVenue(app.orm, { kind: 'salon' });
    const haircut = await aBooking(app.orm, who.elder, salon, '2026-11-26T11:00', { service: 'haircut' });
    const { task, readBack } = await propose(who, 'reschedule_booking', { kind: 'salon', time: '14:00' });
    expect(readBack).toContain('from Thursday 26 November at 11:00 am to Thursday 26 November at 2:00 pm');
    await app.orm.em.fork().nativeUpdate(Booking, { id: haircut.id }, { status: 'cancelled' });
    expect(await saidYes(task)).toBe('failed');
    expect((await lastTo(who.account.chatId))?.text).toBe('Sorry, I could not move your booking. That booking is no longer standing, so there is nothing to move. Nothing has been done.');
  });

  it('at a partner venue books the new time with the task as key, then cancels the old one; a timeout on the cancel is retried without a second booking', async () => {
    const ref = fake.addVenue(`ref-${randomUUID().slice(0, 8)}`, { seats: 20, confirmation: 'instant' });
    const em = app.orm.em.fork();
    const venue = em.create(Venue, {
      id: randomUUID(), name: `Partner Bistro ${randomUUID().slice(0, 6)}`, kind: 'restaurant', address: null, phone: null, timezone: 'Europe/London',
      openingHours: {}, capacityPerSlot: null, services: null, provider: 'partner', partnerRef: ref,
    });
    await em.flush();
    const who = await anElder(app.orm);
    const booking = await aTable(who, venue, '2026-11-25T19:00', 3);
    const oldRef = booking.providerRef!;

    fake.inject({ kind: 'commit-then-delay', ms: 1_500 }, { method: 'DELETE' });
    const { task } = await propose(who, 'reschedule_booking', { venue: venue.name, shift_minutes: 60 });
    expect(await tasks.confirm(task.id)).toBe(true);
    expect(await runUntilDone(task.id)).toEqual({ result: 'succeeded', retries: 1 });

    const live = fake.liveBookings.filter((b) => b.venue === ref);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ start: '2026-11-25T20:00:00+00:00', partySize: 3, idempotencyKey: task.id, reference: booking.reference });
    expect(fake.bookings.get(oldRef)?.status).toBe('cancelled');
    expect(await reload(booking.id)).toMatchObject({ status: 'confirmed', providerRef: live[0]!.id, localStart: '2026-11-25T20:00', reference: booking.reference });
  });

  it('lets go of the old partner booking when a move offered while booking is accepted', async () => {
    const ref = fake.addVenue(`ref-${randomUUID().slice(0, 8)}`, { seats: 20, confirmation: 'instant' });
    const em = app.orm.em.fork();
    const venue = em.create(Venue, {
      id: randomUUID(), name: `Partner Grill ${randomUUID().slice(0, 6)}`, kind: 'restaurant', address: null, phone: null, timezone: 'Europe/London',
      openingHours: {}, capacityPerSlot: null, services: null, provider: 'partner', partnerRef: ref,
    });
    await em.flush();
    const who = await anElder(app.orm);
    const booking = await aTable(who, venue, '2026-11-25T19:00');
    const { task } = await propose(who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T20:00' });
    expect(await saidYes(task)).toBe('succeeded');
    expect((await press(`bookmove:${task.id}:yes`, pressedBy(who.account, who.elder)))[0]?.text).toBe(
      `Moved: ${venue.name}, 2 people, Wednesday 25 November at 8:00 pm. Your reference is still ${booking.reference}.`,
    );
    const live = fake.liveBookings.filter((b) => b.venue === ref);
    expect(live.map((b) => b.start)).toEqual(['2026-11-25T20:00:00+00:00']);
    expect((await reload(booking.id)).providerRef).toBe(live[0]!.id);
  });

  it('at a venue the family books by hand asks the family to move it, keeps the booking until they press Moved, and a second press is harmless', async () => {
    const venue = await aBookableVenue(app.orm, { provider: 'family', phone: '020 7946 0999' });
    const who = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, who.elder);
    const carer = await aFamilyMember(app.orm, who.elder, { role: 'caregiver', name: 'Priya' });
    const booking = await aBooking(app.orm, who.elder, venue, '2026-11-25T19:00');

    const { task } = await propose(who, 'reschedule_booking', { venue: venue.name, time: '20:00' });
    expect(await saidYes(task)).toBe('succeeded');
    expect((await lastTo(who.account.chatId))?.text).toBe(`I've asked your family to move your table at ${venue.name} to Wednesday 25 November at 8:00 pm. I'll tell you when they answer.`);
    const ask = await lastTo(circle.groupChatId);
    expect(ask?.text).toBe(
      `Margaret would like to move the table for 2 at ${venue.name} from Wednesday 25 November at 7:00 pm to Wednesday 25 November at 8:00 pm. Could you change it with them?\nPhone: 020 7946 0999\nReference: ${booking.reference}`,
    );
    expect(ask?.buttons).toEqual([[{ label: 'Moved', data: `bookmoved:${task.id}` }, { label: "Can't", data: `cantmove:${task.id}` }]]);
    expect((await reload(booking.id)).localStart).toBe('2026-11-25T19:00');

    const stranger = await anElder(app.orm);
    expect((await press(`bookmoved:${task.id}`, pressedBy(stranger.account)))[0]?.text).toBe(NOT_LINKED_REPLY);
    expect((await press(`bookmoved:${task.id}`, pressedBy(carer.account)))[0]?.text).toBe('Thank you. I\'ve told Margaret it\'s moved to Wednesday 25 November at 8:00 pm.');
    expect((await press(`cantmove:${task.id}`, pressedBy(carer.account)))[0]?.text).toBe('That was already answered.');
    expect(await reload(booking.id)).toMatchObject({ localStart: '2026-11-25T20:00', status: 'confirmed' });
    expect((await lastTo(who.account.chatId))?.text).toBe(`Your family has moved your table at ${venue.name} to Wednesday 25 November at 8:00 pm. Your reference is still ${booking.reference}.`);
  });
});
