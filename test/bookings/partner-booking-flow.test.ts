import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import type { DeliveryQueue } from '../../src/messaging/outbox.ts';
import { createTaskHandlers } from '../../src/tasks/task-handlers.ts';
import { defaultBookingProviders } from '../../src/tasks/bookings/booking-service.ts';
import { TaskRunner } from '../../src/workers/task-runner.ts';
import { TaskRetryError } from '../../src/tasks/task-errors.ts';
import { PartnerProvider } from '../../src/tasks/bookings/providers/partner-provider.ts';
import { mountPartnerWebhook, partnerSignature } from '../../src/tasks/bookings/providers/partner-webhook.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { FakePartnerServer } from '../support/fake-partner-server.ts';
import { aConfirmedTask, aFamilyCircle, anElder, outboxTo, unusedAgent } from '../support/factories.ts';

const SECRET = 'whsec_flow';

describe.each(MODES)('booking at a partner venue through the task runner (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let fake: FakePartnerServer;
  let runner: TaskRunner;
  let http: FastifyInstance;
  // Tuesday 24 November 2026, 10:00 in London.
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const delivery: DeliveryQueue = { enqueueDeliveries: async () => undefined };

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
    fake = await FakePartnerServer.start();
    const partner = new PartnerProvider({ baseUrl: fake.baseUrl, apiKey: fake.apiKey, timeoutMs: 300 });
    const handlers = createTaskHandlers({ bookingProviders: defaultBookingProviders({ partner }) });
    runner = new TaskRunner({ orm: app.orm, handlers, delivery, clock, logger: createLogger('silent'), leaseMs: 60_000, backoffMs: 10 });
    http = Fastify({ logger: false });
    mountPartnerWebhook(http, { orm: app.orm, delivery, clock, secret: SECRET, logger: createLogger('silent') });
    await http.ready();
  });
  afterAll(async () => {
    await http.close();
    await fake.close();
    await app.stop();
    await storage.cleanup();
  });

  async function aPartnerVenueNamed(confirmation: 'instant' | 'manual'): Promise<Venue> {
    const ref = fake.addVenue(`ref-${randomUUID().slice(0, 8)}`, { seats: 20, confirmation });
    const em = app.orm.em.fork();
    const venue = em.create(Venue, {
      id: randomUUID(),
      name: `Partner Bistro ${randomUUID().slice(0, 6)}`,
      kind: 'restaurant',
      address: null,
      phone: null,
      timezone: 'Europe/London',
      openingHours: {},
      capacityPerSlot: null,
      services: null,
      provider: 'partner',
      partnerRef: ref,
    });
    await em.flush();
    return venue;
  }

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

  it('books once at the partner when the first attempt timed out after the partner had booked', async () => {
    const who = await anElder(app.orm);
    const venue = await aPartnerVenueNamed('instant');
    fake.inject({ kind: 'commit-then-delay', ms: 1_500 }, { method: 'POST' });
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 3, start: '2026-11-25T19:00' });

    expect(await runUntilDone(task.id)).toEqual({ result: 'succeeded', retries: 1 });
    const atPartner = [...fake.bookings.values()].filter((b) => b.venue === venue.partnerRef);
    expect(atPartner).toHaveLength(1);
    expect(atPartner[0]).toMatchObject({ start: '2026-11-25T19:00:00+00:00', partySize: 3, idempotencyKey: task.id, name: 'Margaret' });
    const ours = await app.orm.em.fork().find(Booking, { venueId: venue.id });
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ status: 'confirmed', providerRef: atPartner[0]!.id, taskId: task.id });
    expect((await app.orm.em.fork().findOneOrFail(Task, { id: task.id })).status).toBe('succeeded');
  });

  it('waits for the venue, then the signed webhook confirms the booking and the elder and family hear it once', async () => {
    const who = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, who.elder);
    const venue = await aPartnerVenueNamed('manual');
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
    expect(await runUntilDone(task.id)).toEqual({ result: 'succeeded', retries: 0 });
    const [booking] = await app.orm.em.fork().find(Booking, { venueId: venue.id });
    expect(booking).toMatchObject({ status: 'requested' });

    const raw = JSON.stringify({ event: 'booking.confirmed', booking_id: booking!.providerRef, reference: booking!.reference });
    const send = () =>
      http.inject({
        method: 'POST',
        url: '/partner/webhook',
        headers: { 'content-type': 'application/json', 'x-partner-timestamp': String(Math.floor(clock.now().getTime() / 1000)), 'x-partner-signature': partnerSignature(SECRET, raw) },
        payload: raw,
      });
    expect((await send()).statusCode).toBe(200);
    expect((await send()).statusCode).toBe(200);

    expect((await app.orm.em.fork().findOneOrFail(Booking, { id: booking!.id })).status).toBe('confirmed');
    const toElder = (await outboxTo(app, who.account.chatId)).map((m) => m.text);
    expect(toElder.filter((t) => t.startsWith('Good news:'))).toEqual([`Good news: ${venue.name} has confirmed your table for 2 on Wednesday 25 November at 7:00 pm. Your reference is ${booking!.reference}.`]);
    expect((await outboxTo(app, circle.groupChatId)).filter((m) => m.text.includes('has confirmed'))).toHaveLength(1);
  });
});
