import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';

/** A venue the fake takes bookings for: seats per start time, and whether bookings wait for the venue. */
export interface FakePartnerVenue {
  /** Covers per start time (a salon booking takes one). */
  seats: number;
  /** 'instant' answers confirmed; 'manual' answers pending (confirmed later by webhook). */
  confirmation: 'instant' | 'manual';
  /** Minutes between start times offered as alternatives. */
  slotMinutes: number;
}

/** A booking the fake holds, as the partner would. */
export interface FakePartnerBooking {
  id: string;
  venue: string;
  start: string;
  startMs: number;
  partySize: number;
  service: string | null;
  reference: string;
  name: string;
  idempotencyKey: string;
  status: 'confirmed' | 'pending' | 'cancelled';
}

/** One request the fake received. */
export interface FakePartnerRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: unknown;
}

/** A failure to inject into the next matching requests. */
export type FakePartnerFailure =
  /** Answer only after `ms` (longer than the client's timeout), having done nothing. */
  | { kind: 'delay'; ms: number }
  /** Do the work (book, cancel), then answer only after `ms`: the client sees a timeout, the booking exists. */
  | { kind: 'commit-then-delay'; ms: number }
  /** Answer this status (500, 503, 400, …) with a small JSON error, doing nothing. */
  | { kind: 'status'; status: number }
  /** Answer 429 with Retry-After (seconds, or any raw header value). */
  | { kind: 'rate-limit'; retryAfter: string };

/**
 * A loopback partner booking API: POST /bookings (Idempotency-Key: same key → same booking, however often),
 * GET /bookings?idempotency_key=, DELETE /bookings/:id, Bearer auth, seat capacity per start time with 409
 * and the nearest free start times, and switches that inject timeouts, 5xx, 429 and "commit then time out".
 */
export class FakePartnerServer {
  readonly apiKey: string;
  readonly requests: FakePartnerRequest[] = [];
  readonly bookings = new Map<string, FakePartnerBooking>();
  private readonly venues = new Map<string, FakePartnerVenue>();
  private readonly failures: { failure: FakePartnerFailure; method: string | null; times: number }[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private port = 0;

  private constructor() {
    this.apiKey = `pk_test_${randomUUID().replace(/-/g, '')}`;
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  /** Starts a fake on a free loopback port. */
  static async start(): Promise<FakePartnerServer> {
    const fake = new FakePartnerServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The PARTNER_API_URL pointing at this fake. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Bookings the partner holds that are not cancelled. */
  get liveBookings(): FakePartnerBooking[] {
    return [...this.bookings.values()].filter((b) => b.status !== 'cancelled');
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Adds a venue with a partner reference; returns the reference. */
  addVenue(ref: string, venue: Partial<FakePartnerVenue> = {}): string {
    this.venues.set(ref, { seats: 10, confirmation: 'instant', slotMinutes: 30, ...venue });
    return ref;
  }

  /** The next `times` requests (of `method`, or any) fail this way. */
  inject(failure: FakePartnerFailure, options: { method?: 'GET' | 'POST' | 'DELETE'; times?: number } = {}): void {
    this.failures.push({ failure, method: options.method ?? null, times: options.times ?? 1 });
  }

  /** How many requests of a method the fake received. */
  count(method: string): number {
    return this.requests.filter((r) => r.method === method).length;
  }

  private takeFailure(method: string): FakePartnerFailure | null {
    const i = this.failures.findIndex((f) => f.method === null || f.method === method);
    if (i < 0) return null;
    const entry = this.failures[i]!;
    entry.times -= 1;
    if (entry.times <= 0) this.failures.splice(i, 1);
    return entry.failure;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const header = (name: string): string | undefined => (typeof req.headers[name] === 'string' ? req.headers[name] : undefined);
    this.requests.push({ method, path: url.pathname + url.search, authorization: header('authorization'), idempotencyKey: header('idempotency-key'), body });

    const send = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const later = (ms: number, then: () => void): void => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        then();
      }, ms);
      this.timers.add(t);
    };

    const failure = this.takeFailure(method);
    if (failure?.kind === 'delay') return later(failure.ms, () => send(503, { error: 'too slow' }));
    if (failure?.kind === 'status') return send(failure.status, { error: `injected ${failure.status}` });
    if (failure?.kind === 'rate-limit') return send(429, { error: 'slow down' }, { 'retry-after': failure.retryAfter });
    if (header('authorization') !== `Bearer ${this.apiKey}`) return send(401, { error: 'bad api key' });

    const answer = this.route(method, url, body, header('idempotency-key'));
    if (failure?.kind === 'commit-then-delay') return later(failure.ms, () => send(answer.status, answer.json));
    send(answer.status, answer.json);
  }

  private route(method: string, url: URL, body: unknown, idempotencyKey: string | undefined): { status: number; json: unknown } {
    const path = url.pathname.replace(/^\/v1/, '');
    if (method === 'POST' && path === '/bookings') return this.create(body, idempotencyKey);
    if (method === 'GET' && path === '/bookings') {
      const key = url.searchParams.get('idempotency_key');
      if (!key) return { status: 400, json: { error: 'idempotency_key is required' } };
      return { status: 200, json: { bookings: [...this.bookings.values()].filter((b) => b.idempotencyKey === key).map((b) => ({ id: b.id, status: b.status })) } };
    }
    const one = /^\/bookings\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && one) {
      const booking = this.bookings.get(decodeURIComponent(one[1]!));
      if (!booking || booking.status === 'cancelled') return { status: 404, json: { error: 'no such booking' } };
      booking.status = 'cancelled';
      return { status: 200, json: { id: booking.id, status: 'cancelled' } };
    }
    return { status: 404, json: { error: 'no such endpoint' } };
  }

  private create(body: unknown, idempotencyKey: string | undefined): { status: number; json: unknown } {
    if (!idempotencyKey) return { status: 400, json: { error: 'Idempotency-Key is required' } };
    const existing = [...this.bookings.values()].find((b) => b.idempotencyKey === idempotencyKey);
    if (existing) return { status: 200, json: { id: existing.id, status: existing.status } };
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const venue = typeof b.venue === 'string' ? this.venues.get(b.venue) : undefined;
    if (!venue) return { status: 404, json: { error: 'unknown venue' } };
    const start = typeof b.start === 'string' ? DateTime.fromISO(b.start, { setZone: true }) : null;
    // The partner insists on a local time with its offset.
    if (!start?.isValid || !/[+-]\d{2}:\d{2}$|Z$/.test(b.start as string)) return { status: 400, json: { error: 'start must be ISO 8601 with an offset' } };
    const partySize = typeof b.party_size === 'number' ? b.party_size : 1;
    if (partySize < 1 || partySize > venue.seats) return { status: 422, json: { error: 'party too large' } };
    if (!this.fits(b.venue as string, start.toMillis(), partySize, venue)) {
      return { status: 409, json: { error: 'slot taken', alternatives: this.alternatives(b.venue as string, start, partySize, venue) } };
    }
    const booking: FakePartnerBooking = {
      id: `pb_${randomUUID().slice(0, 8)}`,
      venue: b.venue as string,
      start: b.start as string,
      startMs: start.toMillis(),
      partySize,
      service: typeof b.service === 'string' ? b.service : null,
      reference: typeof b.reference === 'string' ? b.reference : '',
      name: typeof b.name === 'string' ? b.name : '',
      idempotencyKey,
      status: venue.confirmation === 'instant' ? 'confirmed' : 'pending',
    };
    this.bookings.set(booking.id, booking);
    return { status: 201, json: { id: booking.id, status: booking.status } };
  }

  private fits(venueRef: string, startMs: number, partySize: number, venue: FakePartnerVenue): boolean {
    const taken = this.liveBookings.filter((b) => b.venue === venueRef && b.startMs === startMs).reduce((sum, b) => sum + b.partySize, 0);
    return taken + partySize <= venue.seats;
  }

  /** The three nearest free start times after the one asked for, in the request's offset. */
  private alternatives(venueRef: string, start: DateTime, partySize: number, venue: FakePartnerVenue): string[] {
    const found: string[] = [];
    for (let step = 1; found.length < 3 && step <= 48; step++) {
      const at = start.plus({ minutes: step * venue.slotMinutes });
      if (this.fits(venueRef, at.toMillis(), partySize, venue)) found.push(at.toISO({ suppressMilliseconds: true })!);
    }
    return found;
  }
}
