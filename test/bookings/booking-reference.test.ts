import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import type { DeliveryQueue } from '../../src/messaging/outbox.ts';
import { createTaskHandlers } from '../../src/tasks/task-handlers.ts';
import { bookingReferenceFor, defaultBookingProviders } from '../../src/tasks/bookings/booking-service.ts';
import { TaskRunner } from '../../src/workers/task-runner.ts';
import { TaskRetryError } from '../../src/tasks/task-errors.ts';
import { PartnerProvider } from '../../src/tasks/bookings/providers/partner-provider.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { FakePartnerServer } from '../support/fake-partner-server.ts';
import { aBooking, aConfirmedTask, anElder, unusedAgent } from '../support/factories.ts';
import { aBookableVenue } from './booking-factories.ts';

describe.each(MODES)('the booking reference of a task (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let fake: FakePartnerServer;
  // Tuesday 24 November 2026, 10:00 in London.
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const delivery: DeliveryQueue = { enqueueDeliveries: async () => undefined };

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
    fake = await FakePartnerServer.start();
  });
  afterAll(async () => {
    await fake.close();
    await app.stop();
    await storage.cleanup();
  });

  /** A runner with its own partner client, as one worker process has. */
  function aWorker(): TaskRunner {
    const partner = new PartnerProvider({ baseUrl: fake.baseUrl, apiKey: fake.apiKey, timeoutMs: 300 });
    const handlers = createTaskHandlers({ bookingProviders: defaultBookingProviders({ partner }) });
    return new TaskRunner({ orm: app.orm, handlers, delivery, clock, logger: createLogger('silent'), leaseMs: 60_000, backoffMs: 10 });
  }

  async function aPartnerVenue(): Promise<Venue> {
    const ref = fake.addVenue(`ref-${randomUUID().slice(0, 8)}`, { seats: 20, confirmation: 'instant' });
    const em = app.orm.em.fork();
    const venue = em.create(Venue, {
      id: randomUUID(), name: `Partner Bistro ${randomUUID().slice(0, 6)}`, kind: 'restaurant', address: null, phone: null, timezone: 'Europe/London',
      openingHours: {}, capacityPerSlot: null, services: null, provider: 'partner', partnerRef: ref,
    });
    await em.flush();
    return venue;
  }

  /** Runs one attempt that must time out, then the retry to its end. */
  async function timeoutThenRetry(first: TaskRunner, retry: TaskRunner, taskId: string): Promise<string> {
    await expect(first.run(taskId)).rejects.toBeInstanceOf(TaskRetryError);
    clock.advance(60_000);
    return retry.run(taskId);
  }

  const postedReferences = (idempotencyKey: string): unknown[] =>
    fake.requests.filter((r) => r.method === 'POST' && r.idempotencyKey === idempotencyKey).map((r) => (r.body as { reference?: unknown }).reference);

  it('sends and stores the same reference on every attempt when the partner timed out having booked nothing', async () => {
    const worker = aWorker();
    const venue = await aPartnerVenue();
    const who = await anElder(app.orm);
    fake.inject({ kind: 'delay', ms: 1_500 }, { method: 'POST' });
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });

    expect(await timeoutThenRetry(worker, worker, task.id)).toBe('succeeded');
    const reference = bookingReferenceFor(task.id);
    expect(postedReferences(task.id)).toEqual([reference, reference]);
    expect((await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id })).reference).toBe(reference);
    expect(fake.liveBookings.filter((b) => b.venue === venue.partnerRef).map((b) => b.reference)).toEqual([reference]);
  });

  it('agrees with the hold the partner kept from a timed-out first attempt when another worker retries', async () => {
    const venue = await aPartnerVenue();
    const who = await anElder(app.orm);
    fake.inject({ kind: 'commit-then-delay', ms: 1_500 }, { method: 'POST' });
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });

    // The second worker has no note of the first one's timeout: it posts again, with an identical body.
    expect(await timeoutThenRetry(aWorker(), aWorker(), task.id)).toBe('succeeded');
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.idempotencyKey === task.id);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body).toEqual(posts[0]!.body);
    const held = fake.liveBookings.filter((b) => b.venue === venue.partnerRef);
    expect(held).toHaveLength(1);
    const ours = await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id });
    expect(ours).toMatchObject({ reference: held[0]!.reference, providerRef: held[0]!.id, status: 'confirmed' });
  });

  it("takes the task's next reference when another booking already holds the first, and keeps it on a retry", async () => {
    const venue = await aBookableVenue(app.orm);
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
    const holder = await aBooking(app.orm, (await anElder(app.orm)).elder, venue, '2026-11-26T19:00');
    await app.orm.em.fork().nativeUpdate(Booking, { id: holder.id }, { reference: bookingReferenceFor(task.id) });

    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect((await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id })).reference).toBe(bookingReferenceFor(task.id, 1));
    expect(bookingReferenceFor(task.id, 1)).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect(bookingReferenceFor(randomUUID())).not.toBe(bookingReferenceFor(task.id));
  });
});
