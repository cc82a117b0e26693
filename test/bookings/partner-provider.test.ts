import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { FakeClock } from '../../src/lib/clock.ts';
import { PermanentTaskError, TaskRetryError } from '../../src/tasks/task-errors.ts';
import type { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import type { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import type { ProviderContext, SlotRequest } from '../../src/tasks/bookings/providers/booking-provider.ts';
import { PartnerProvider, partnerStart, retryAfterMs } from '../../src/tasks/bookings/providers/partner-provider.ts';
import { FakePartnerServer } from '../support/fake-partner-server.ts';

// Short enough that a test waits little for a timeout, long enough for a loopback answer on a busy machine.
const TIMEOUT_MS = 300;
const SLOW_MS = 1_500;

const clock = new FakeClock('2026-11-24T10:00:00Z');
// The partner provider never touches the database.
const ctx: ProviderContext = { em: undefined as unknown as EntityManager, clock };

function aPartnerVenue(partnerRef: string | null, overrides: Partial<Venue> = {}): Venue {
  return { id: randomUUID(), name: 'The Ivy', kind: 'restaurant', address: null, phone: '020 7836 4751', timezone: 'Europe/London', partnerRef, provider: 'partner', ...overrides } as Venue;
}

function aHeldBooking(venue: Venue, startAt: string, overrides: Partial<Booking> = {}): Booking {
  const start = new Date(startAt);
  return {
    id: randomUUID(),
    venueId: venue.id,
    startAt: start,
    endAt: new Date(start.getTime() + 90 * 60_000),
    partySize: 2,
    service: null,
    status: 'held',
    reference: randomUUID().slice(0, 6).toUpperCase(),
    providerRef: null,
    ...overrides,
  } as Booking;
}

function aRequest(venue: Venue, startAt = '2026-11-25T19:00:00Z', overrides: Partial<Booking> = {}, idempotencyKey = randomUUID()): SlotRequest {
  return { venue, booking: aHeldBooking(venue, startAt, overrides), idempotencyKey, elderName: 'Margaret' };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('PartnerProvider against the fake partner API', () => {
  let fake: FakePartnerServer;
  let provider: PartnerProvider;
  let venueRef: string;
  let venue: Venue;

  beforeAll(async () => {
    fake = await FakePartnerServer.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    provider = new PartnerProvider({ baseUrl: fake.baseUrl, apiKey: fake.apiKey, timeoutMs: TIMEOUT_MS });
    venueRef = fake.addVenue(`ivy-${randomUUID().slice(0, 8)}`, { seats: 4 });
    venue = aPartnerVenue(venueRef);
  });

  const bookingsAt = (ref: string) => [...fake.bookings.values()].filter((b) => b.venue === ref);

  it('books a table and answers confirmed with the partner id, sending the key, the bearer token and the local start with its offset', async () => {
    const request = aRequest(venue, '2026-07-25T18:30:00Z');
    const outcome = await provider.book(request, ctx);

    const [made] = bookingsAt(venueRef);
    expect(outcome).toEqual({ kind: 'confirmed', providerRef: made!.id });
    const post = fake.requests.filter((r) => r.method === 'POST').at(-1)!;
    expect(post.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(post.idempotencyKey).toBe(request.idempotencyKey);
    expect(post.body).toEqual({ venue: venueRef, start: '2026-07-25T19:30:00+01:00', party_size: 2, service: null, reference: request.booking.reference, name: 'Margaret' });
  });

  it('answers pending when the venue confirms later', async () => {
    const ref = fake.addVenue(`salon-${randomUUID().slice(0, 8)}`, { confirmation: 'manual' });
    const salon = aPartnerVenue(ref, { kind: 'salon', name: "Tony's" });
    const outcome = await provider.book(aRequest(salon, '2026-11-26T10:00:00Z', { partySize: null, service: 'haircut' }), ctx);
    expect(outcome).toEqual({ kind: 'pending', providerRef: bookingsAt(ref)[0]!.id });
    expect(bookingsAt(ref)[0]).toMatchObject({ service: 'haircut', partySize: 1, status: 'pending' });
  });

  it('answers unavailable with the partner\'s alternatives, earliest first, when the slot is full', async () => {
    await provider.book(aRequest(venue, '2026-11-25T19:00:00Z', { partySize: 4 }), ctx);
    await provider.book(aRequest(venue, '2026-11-25T19:30:00Z', { partySize: 4 }), ctx);

    const outcome = await provider.book(aRequest(venue, '2026-11-25T19:00:00Z', { partySize: 2 }), ctx);
    expect(outcome).toEqual({
      kind: 'unavailable',
      alternatives: [new Date('2026-11-25T20:00:00Z'), new Date('2026-11-25T20:30:00Z'), new Date('2026-11-25T21:00:00Z')],
    });
    expect(bookingsAt(venueRef)).toHaveLength(2);
  });

  it('refuses for good, with a kind sentence naming the venue and its phone, when the partner rejects the request (4xx)', async () => {
    const tooMany = await rejection(provider.book(aRequest(venue, '2026-11-25T19:00:00Z', { partySize: 12 }), ctx));
    expect(tooMany).toBeInstanceOf(PermanentTaskError);
    expect((tooMany as PermanentTaskError).elderMessage).toBe("The Ivy couldn't accept that booking. You could ring them on 020 7836 4751.");

    const unknownVenue = await rejection(provider.book(aRequest(aPartnerVenue('no-such-venue', { phone: null })), ctx));
    expect(unknownVenue).toBeInstanceOf(PermanentTaskError);
    expect((unknownVenue as PermanentTaskError).elderMessage).toBe("The Ivy isn't taking bookings through me at the moment.");

    const wrongKey = new PartnerProvider({ baseUrl: fake.baseUrl, apiKey: 'pk_wrong', timeoutMs: TIMEOUT_MS });
    const unauthorised = await rejection(wrongKey.book(aRequest(venue), ctx));
    expect(unauthorised).toBeInstanceOf(PermanentTaskError);
    expect((unauthorised as PermanentTaskError).elderMessage).toBe("I can't book at The Ivy online right now. You could ring them on 020 7836 4751.");
    expect((unauthorised as Error).message).not.toContain('pk_wrong');
    expect(bookingsAt(venueRef)).toHaveLength(0);
  });

  it('asks for a retry on a 5xx, and on a 429 after the partner\'s Retry-After', async () => {
    fake.inject({ kind: 'status', status: 503 }, { method: 'POST' });
    const unavailable = await rejection(provider.book(aRequest(venue), ctx));
    expect(unavailable).toBeInstanceOf(TaskRetryError);
    expect(unavailable).not.toBeInstanceOf(PermanentTaskError);

    fake.inject({ kind: 'rate-limit', retryAfter: '120' }, { method: 'POST' });
    const limited = await rejection(provider.book(aRequest(venue), ctx));
    expect(limited).toBeInstanceOf(TaskRetryError);
    expect((limited as TaskRetryError).delayMs).toBe(120_000);
    expect(bookingsAt(venueRef)).toHaveLength(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs('Tue, 24 Nov 2026 10:01:30 GMT', now)).toBe(90_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });

  it('asks for a retry when the partner is slower than the timeout, and books once on the retry', async () => {
    const request = aRequest(venue);
    fake.inject({ kind: 'delay', ms: SLOW_MS }, { method: 'POST' });
    expect(await rejection(provider.book(request, ctx))).toBeInstanceOf(TaskRetryError);
    expect(bookingsAt(venueRef)).toHaveLength(0);

    const outcome = await provider.book(request, ctx);
    expect(outcome.kind).toBe('confirmed');
    expect(bookingsAt(venueRef)).toHaveLength(1);
  });

  it('finds the booking the partner made before it timed out, by looking the key up instead of posting again', async () => {
    const request = aRequest(venue);
    fake.inject({ kind: 'commit-then-delay', ms: SLOW_MS }, { method: 'POST' });
    expect(await rejection(provider.book(request, ctx))).toBeInstanceOf(TaskRetryError);
    expect(bookingsAt(venueRef)).toHaveLength(1);
    const posts = fake.count('POST');

    // The task is retried: the booking row and its reference are made afresh, the key is the task id.
    const retried = { ...aRequest(venue), idempotencyKey: request.idempotencyKey };
    const outcome = await provider.book(retried, ctx);
    expect(outcome).toEqual({ kind: 'confirmed', providerRef: bookingsAt(venueRef)[0]!.id });
    expect(bookingsAt(venueRef)).toHaveLength(1);
    expect(fake.count('POST')).toBe(posts);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/bookings?idempotency_key=${request.idempotencyKey}` });
  });

  it('gets the same booking back when another process retries a timed-out booking with the same key', async () => {
    const request = aRequest(venue);
    fake.inject({ kind: 'commit-then-delay', ms: SLOW_MS }, { method: 'POST' });
    expect(await rejection(provider.book(request, ctx))).toBeInstanceOf(TaskRetryError);

    const otherWorker = new PartnerProvider({ baseUrl: fake.baseUrl, apiKey: fake.apiKey, timeoutMs: TIMEOUT_MS });
    const outcome = await otherWorker.book(request, ctx);
    expect(outcome).toEqual({ kind: 'confirmed', providerRef: bookingsAt(venueRef)[0]!.id });
    expect(bookingsAt(venueRef)).toHaveLength(1);
  });

  it('posts again after a lookup finds nothing, and asks for a retry when the lookup itself fails', async () => {
    const request = aRequest(venue);
    fake.inject({ kind: 'status', status: 502 }, { method: 'POST' });
    expect(await rejection(provider.book(request, ctx))).toBeInstanceOf(TaskRetryError);
    fake.inject({ kind: 'delay', ms: SLOW_MS }, { method: 'GET' });
    expect(await rejection(provider.book(request, ctx))).toBeInstanceOf(TaskRetryError);
    expect(bookingsAt(venueRef)).toHaveLength(0);

    expect((await provider.book(request, ctx)).kind).toBe('confirmed');
    expect(bookingsAt(venueRef)).toHaveLength(1);
  });

  it('makes one booking however often the same key is sent, even at the same moment', async () => {
    const request = aRequest(venue);
    const outcomes = await Promise.all([provider.book(request, ctx), provider.book(request, ctx), provider.book(request, ctx)]);
    await provider.book(request, ctx);
    const ids = new Set(outcomes.map((o) => (o.kind === 'unavailable' ? null : o.providerRef)));
    expect(ids).toEqual(new Set([bookingsAt(venueRef)[0]!.id]));
    expect(bookingsAt(venueRef)).toHaveLength(1);
  });

  it('refuses a partner venue with no partner reference without calling the partner', async () => {
    const before = fake.requests.length;
    const err = await rejection(provider.book(aRequest(aPartnerVenue(null)), ctx));
    expect(err).toBeInstanceOf(PermanentTaskError);
    expect(fake.requests.length).toBe(before);
  });

  it('cancels at the partner, and a second cancel of the same booking is fine', async () => {
    const request = aRequest(venue);
    const outcome = await provider.book(request, ctx);
    if (outcome.kind === 'unavailable') throw new Error('expected a booking');
    const booking = { ...request.booking, providerRef: outcome.providerRef } as Booking;

    await provider.cancel(booking, venue, ctx);
    await provider.cancel(booking, venue, ctx);
    expect(fake.bookings.get(outcome.providerRef!)!.status).toBe('cancelled');
    expect(fake.requests.filter((r) => r.method === 'DELETE').slice(-2).map((r) => r.path)).toEqual([`/v1/bookings/${outcome.providerRef}`, `/v1/bookings/${outcome.providerRef}`]);

    // Nothing was ever booked at the partner: nothing to cancel.
    const deletes = fake.count('DELETE');
    await provider.cancel(aHeldBooking(venue, '2026-11-25T19:00:00Z'), venue, ctx);
    expect(fake.count('DELETE')).toBe(deletes);
  });

  it('asks for a retry when a cancel gets no answer in time', async () => {
    const outcome = await provider.book(aRequest(venue), ctx);
    if (outcome.kind === 'unavailable') throw new Error('expected a booking');
    fake.inject({ kind: 'delay', ms: SLOW_MS }, { method: 'DELETE' });
    const err = await rejection(provider.cancel(aHeldBooking(venue, '2026-11-25T19:00:00Z', { providerRef: outcome.providerRef }), venue, ctx));
    expect(err).toBeInstanceOf(TaskRetryError);
  });

  it('sends the venue\'s local time with the offset of the day (winter and summer in London)', () => {
    expect(partnerStart(new Date('2026-11-25T19:00:00Z'), 'Europe/London')).toBe('2026-11-25T19:00:00+00:00');
    expect(partnerStart(new Date('2026-07-25T18:00:00Z'), 'Europe/London')).toBe('2026-07-25T19:00:00+01:00');
  });
});
