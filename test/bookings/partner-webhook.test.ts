import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import type { DeliveryQueue } from '../../src/messaging/outbox.ts';
import { mountPartnerWebhook, partnerSignature } from '../../src/tasks/bookings/providers/partner-webhook.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aBooking, aFamilyCircle, aFamilyMember, anElder, aVenue, outboxTo, unusedAgent } from '../support/factories.ts';

const SECRET = 'whsec_test_partner';

describe.each(MODES)('partner webhook (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let http: FastifyInstance;
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const dispatched: string[] = [];
  const delivery: DeliveryQueue = { enqueueDeliveries: async (rows) => void dispatched.push(...rows.map((r) => r.id)) };

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
    http = Fastify({ logger: false });
    // Another JSON route on the same server must keep its parsed body.
    http.post('/echo', async (request) => ({ body: request.body }));
    mountPartnerWebhook(http, { orm: app.orm, delivery, clock, secret: SECRET, logger: createLogger('silent') });
    await http.ready();
  });
  afterAll(async () => {
    await http.close();
    await app.stop();
    await storage.cleanup();
  });

  /** An elder with a family circle and a caregiver, a partner venue, and a booking the partner knows by `providerRef`. */
  async function aPartnerBooking(status: Booking['status'] = 'requested') {
    const who = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, who.elder);
    const carer = await aFamilyMember(app.orm, who.elder, { role: 'caregiver', name: 'Priya' });
    const venue = await aVenue(app.orm, { name: `The Ivy ${randomUUID().slice(0, 6)}`, provider: 'partner', phone: '020 7836 4751' });
    const booking = await aBooking(app.orm, who.elder, venue, '2026-11-25T19:00', { status, partySize: 4 });
    const providerRef = `pb_${randomUUID().slice(0, 8)}`;
    await app.orm.em.fork().nativeUpdate(Booking, { id: booking.id }, { providerRef });
    return { ...who, venue, booking, providerRef, family: [circle.groupChatId, carer.account.chatId] };
  }

  function post(body: unknown, options: { secret?: string; timestamp?: number; signature?: string } = {}) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const timestamp = options.timestamp ?? Math.floor(clock.now().getTime() / 1000);
    return http.inject({
      method: 'POST',
      url: '/partner/webhook',
      headers: {
        'content-type': 'application/json',
        'x-partner-timestamp': String(timestamp),
        'x-partner-signature': options.signature ?? partnerSignature(options.secret ?? SECRET, raw),
      },
      payload: raw,
    });
  }

  const statusOf = async (id: string) => (await app.orm.em.fork().findOneOrFail(Booking, { id })).status;
  const messagesAbout = async (elderId: string) => app.orm.em.fork().find(MessageLog, { elderId, direction: 'out' });

  it('refuses a body signed with another secret, or whose signature is of other bytes, and changes nothing', async () => {
    const { booking, providerRef, elder } = await aPartnerBooking();
    const event = { event: 'booking.confirmed', booking_id: providerRef, reference: booking.reference };

    expect((await post(event, { secret: 'not-the-secret' })).statusCode).toBe(401);
    // Signed over a re-serialisation with other spacing: the raw bytes are what count.
    const raw = JSON.stringify(event, null, 2);
    expect((await post(raw, { signature: partnerSignature(SECRET, JSON.stringify(event)) })).statusCode).toBe(401);
    expect((await post(event, { signature: 'sha256=abc' })).statusCode).toBe(401);
    expect((await post(event, { signature: '' })).statusCode).toBe(401);

    expect(await statusOf(booking.id)).toBe('requested');
    expect(await messagesAbout(elder.id)).toHaveLength(0);
  });

  it('refuses a correctly signed event older than five minutes, or from the future', async () => {
    const { booking, providerRef, elder } = await aPartnerBooking();
    const event = { event: 'booking.confirmed', booking_id: providerRef };
    const now = Math.floor(clock.now().getTime() / 1000);

    expect((await post(event, { timestamp: now - 301 })).statusCode).toBe(401);
    expect((await post(event, { timestamp: now + 301 })).statusCode).toBe(401);
    expect(await statusOf(booking.id)).toBe('requested');
    expect(await messagesAbout(elder.id)).toHaveLength(0);

    expect((await post(event, { timestamp: now - 299 })).statusCode).toBe(200);
    expect(await statusOf(booking.id)).toBe('confirmed');
  });

  it('confirms a requested booking and tells the elder and the family, once, however often the event is delivered', async () => {
    const { booking, providerRef, account, elder, family, venue } = await aPartnerBooking();
    const event = { event: 'booking.confirmed', booking_id: providerRef, reference: booking.reference };

    const first = await post(event);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ ok: true, result: 'applied' });
    expect(await statusOf(booking.id)).toBe('confirmed');

    const again = await Promise.all([post(event), post(event)]);
    expect(again.map((r) => r.json<{ result: string }>().result)).toEqual(['unchanged', 'unchanged']);

    const toElder = await outboxTo(app, account.chatId);
    expect(toElder.map((m) => m.text)).toEqual([
      `Good news: ${venue.name} has confirmed your table for 4 on Wednesday 25 November at 7:00 pm. Your reference is ${booking.reference}.`,
    ]);
    for (const chatId of family) {
      const told = await outboxTo(app, chatId);
      expect(told).toHaveLength(1);
      expect(told[0]!.text).toContain("Margaret's table for 4 on Wednesday 25 November at 7:00 pm");
    }
    const all = await messagesAbout(elder.id);
    expect(all).toHaveLength(3);
    expect(all.every((m) => dispatched.includes(m.id))).toBe(true);
    expect(all.map((m) => m.idempotencyKey)).toContain(`partner:${booking.id}:booking.confirmed:elder`);
  });

  it('tells the elder kindly and the family when the venue cancels a confirmed booking, once', async () => {
    const { booking, providerRef, account, elder, family, venue } = await aPartnerBooking('confirmed');
    const event = { event: 'booking.cancelled', booking_id: providerRef, reference: booking.reference };

    expect((await post(event)).json()).toEqual({ ok: true, result: 'applied' });
    expect((await post(event)).json()).toEqual({ ok: true, result: 'unchanged' });
    expect(await statusOf(booking.id)).toBe('cancelled');

    expect((await outboxTo(app, account.chatId)).map((m) => m.text)).toEqual([
      `I'm sorry, ${venue.name} has had to cancel your table for 4 on Wednesday 25 November at 7:00 pm. If you'd like another time, just ask me.`,
    ]);
    for (const chatId of family) expect((await outboxTo(app, chatId)).map((m) => m.text)).toEqual([expect.stringContaining(`${venue.name} (020 7836 4751) has cancelled Margaret's table for 4`)]);
    expect(await messagesAbout(elder.id)).toHaveLength(3);

    // A late confirmation does not bring a cancelled booking back.
    expect((await post({ event: 'booking.confirmed', booking_id: providerRef })).json()).toEqual({ ok: true, result: 'unchanged' });
    expect(await statusOf(booking.id)).toBe('cancelled');
    expect(await messagesAbout(elder.id)).toHaveLength(3);
  });

  it('answers 404 for a booking it does not know (yet), so the partner delivers it again, and 400 for a body that is not an event', async () => {
    const unknown = await post({ event: 'booking.confirmed', booking_id: 'pb_nobody' });
    expect(unknown.statusCode).toBe(404);
    expect((await post({ event: 'booking.moved', booking_id: 'pb_nobody' })).statusCode).toBe(400);
    expect((await post('{not json')).statusCode).toBe(400);
  });

  it('does not touch a booking at a venue that is not the partner\'s', async () => {
    const { elder } = await anElder(app.orm);
    const venue = await aVenue(app.orm, { name: `Family Cafe ${randomUUID().slice(0, 6)}`, provider: 'family' });
    const booking = await aBooking(app.orm, elder, venue, '2026-11-25T12:00', { status: 'requested' });
    const providerRef = `pb_${randomUUID().slice(0, 8)}`;
    await app.orm.em.fork().nativeUpdate(Booking, { id: booking.id }, { providerRef });

    expect((await post({ event: 'booking.confirmed', booking_id: providerRef })).statusCode).toBe(404);
    expect(await statusOf(booking.id)).toBe('requested');
  });

  it('keeps JSON parsing as it was for the server\'s other routes', async () => {
    const echoed = await http.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(echoed.json()).toEqual({ body: { a: 1 } });
  });
});
