import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Logger } from '../../../lib/logger.ts';
import { PermanentTaskError, TaskRetryError } from '../../task-errors.ts';
import type { Booking } from '../booking.entity.ts';
import type { Venue } from '../venue.entity.ts';
import type { BookingProvider, ProviderContext, ProviderOutcome, SlotRequest } from './booking-provider.ts';

/** How to reach the partner booking API (PARTNER_API_URL, PARTNER_API_KEY, PARTNER_TIMEOUT_MS). */
export interface PartnerSettings {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  logger?: Logger;
}

/** The partner's answer to POST /bookings. */
const createdBooking = z.object({ id: z.string().min(1).max(200), status: z.enum(['confirmed', 'pending']) });
/** The partner's answer to a 409: the nearest free start times. */
const conflict = z.object({ alternatives: z.array(z.iso.datetime({ offset: true })).default([]) });
/** The partner's answer to GET /bookings?idempotency_key=…: the bookings made with that key (none or one). */
const lookup = z.object({ bookings: z.array(z.object({ id: z.string().min(1).max(200), status: z.enum(['confirmed', 'pending', 'cancelled']) })) });

// Waits used when the partner gives no Retry-After (the runner's own backoff may be longer).
const SERVER_ERROR_DELAY_MS = 2_000;
const RATE_LIMIT_DELAY_MS = 30_000;
const MAX_RETRY_AFTER_MS = 3_600_000;
// Keys whose outcome is unknown, remembered per process; beyond this the oldest are forgotten (the POST stays idempotent).
const MAX_UNKNOWN_KEYS = 1_000;

/** The partner answered with an HTTP status we have to act on. */
class PartnerStatusError extends Error {
  override name = 'PartnerStatusError';
  readonly status: number;
  readonly retryAfter: string | null;
  /** The answer's JSON body, if it had one (a 409 lists alternatives). */
  readonly body: unknown;

  constructor(method: string, path: string, status: number, retryAfter: string | null, body: unknown) {
    super(`partner ${method} ${path} answered ${status}`);
    this.status = status;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime();
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** A venue's start time as the partner wants it: ISO 8601 in the venue's local time with its offset. */
export function partnerStart(startAt: Date, timezone: string): string {
  return DateTime.fromJSDate(startAt, { zone: timezone }).toISO({ suppressMilliseconds: true }) ?? startAt.toISOString();
}

/**
 * Books at venues that take reservations through the partner's HTTP API. A POST carries the task id as its
 * Idempotency-Key, so a retry never makes a second booking. When an attempt ended without an answer (a
 * timeout, a dropped connection, a 5xx, an unreadable body) the next attempt in this process first looks
 * the key up with GET and only POSTs again when the partner has nothing. The retried body is the same as
 * the first (the booking reference is derived from the task id), so a strict partner that compares the
 * bodies of a reused key accepts it; another process has no such note and relies on the idempotent POST alone.
 */
export class PartnerProvider implements BookingProvider {
  readonly name = 'partner' as const;
  private readonly base: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger | undefined;
  /** Idempotency keys whose last attempt's outcome is unknown, oldest first. */
  private readonly unknownOutcomes = new Set<string>();

  constructor(settings: PartnerSettings) {
    this.base = settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`;
    this.apiKey = settings.apiKey;
    this.timeoutMs = settings.timeoutMs;
    this.logger = settings.logger;
  }

  async book(request: SlotRequest, ctx: ProviderContext): Promise<ProviderOutcome> {
    const { venue, booking, idempotencyKey } = request;
    if (!venue.partnerRef) throw new PermanentTaskError(`venue ${venue.id} has no partnerRef`, cannotBookOnline(venue));
    const log = this.logger?.child({ bookingId: booking.id, venueId: venue.id, idempotencyKey });

    if (this.unknownOutcomes.has(idempotencyKey)) {
      const made = await this.findByKey(idempotencyKey, venue, ctx);
      this.unknownOutcomes.delete(idempotencyKey);
      if (made) {
        log?.info({ providerRef: made.id, status: made.status }, 'partner booking found after an unknown outcome');
        if (made.status === 'cancelled') return { kind: 'unavailable', alternatives: [] };
        return { kind: made.status, providerRef: made.id };
      }
    }

    let answer: { status: number; body: unknown };
    try {
      answer = await this.call(
        'POST',
        'bookings',
        venue,
        { unknownKey: idempotencyKey, idempotencyKey },
        {
          venue: venue.partnerRef,
          start: partnerStart(booking.startAt, venue.timezone),
          party_size: booking.partySize,
          service: booking.service,
          reference: booking.reference,
          name: request.elderName,
        },
      );
    } catch (err) {
      if (err instanceof PartnerStatusError && err.status === 409) {
        const parsed = conflict.safeParse(err.body);
        const alternatives = parsed.success ? parsed.data.alternatives.map((a) => new Date(a)).sort((a, b) => a.getTime() - b.getTime()) : [];
        return { kind: 'unavailable', alternatives };
      }
      throw this.failure(err, venue, ctx);
    }
    const made = createdBooking.safeParse(answer.body);
    if (!made.success) {
      // It may well have been booked: remember to look the key up before posting again.
      this.rememberUnknown(idempotencyKey);
      throw new TaskRetryError('partner answered an unreadable booking', SERVER_ERROR_DELAY_MS);
    }
    this.unknownOutcomes.delete(idempotencyKey);
    log?.info({ providerRef: made.data.id, status: made.data.status }, 'partner booking made');
    return { kind: made.data.status, providerRef: made.data.id };
  }

  /** The booking the partner made with an idempotency key, if any; a 404 means none. */
  private async findByKey(idempotencyKey: string, venue: Venue, ctx: ProviderContext): Promise<z.infer<typeof lookup>['bookings'][number] | null> {
    let found: { body: unknown };
    try {
      found = await this.call('GET', `bookings?idempotency_key=${encodeURIComponent(idempotencyKey)}`, venue, { unknownKey: null });
    } catch (err) {
      if (err instanceof PartnerStatusError && err.status === 404) return null;
      throw this.failure(err, venue, ctx);
    }
    const existing = lookup.safeParse(found.body);
    if (!existing.success) throw new TaskRetryError('partner lookup answered an unreadable body', SERVER_ERROR_DELAY_MS);
    return existing.data.bookings[0] ?? null;
  }

  /** Cancels at the partner; a booking the partner no longer has (404, 410) counts as cancelled. */
  async cancel(booking: Booking, venue: Venue, ctx: ProviderContext): Promise<void> {
    if (!booking.providerRef) return;
    try {
      await this.call('DELETE', `bookings/${encodeURIComponent(booking.providerRef)}`, venue, { unknownKey: null });
    } catch (err) {
      if (err instanceof PartnerStatusError && (err.status === 404 || err.status === 410)) return;
      throw this.failure(err, venue, ctx);
    }
  }

  /** One JSON request with the key and a timeout; non-2xx answers throw PartnerStatusError, the rest is mapped by `failure`. */
  private async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    venue: Venue,
    options: { unknownKey: string | null; idempotencyKey?: string },
    body?: Record<string, unknown>,
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let response: Response;
    let text: string;
    try {
      response = await fetch(new URL(path, this.base), { method, headers, signal: AbortSignal.timeout(this.timeoutMs), ...(body ? { body: JSON.stringify(body) } : {}) });
      text = await response.text();
    } catch (err) {
      // No answer: the partner may have acted on the request (a POST may have booked).
      if (options.unknownKey) this.rememberUnknown(options.unknownKey);
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      this.logger?.warn({ venueId: venue.id, method, err: timedOut ? 'timeout' : String(err) }, 'partner request got no answer');
      throw new TaskRetryError(timedOut ? `partner ${method} timed out after ${this.timeoutMs} ms` : `partner ${method} failed: ${err instanceof Error ? err.message : String(err)}`, SERVER_ERROR_DELAY_MS);
    }
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) return { status: response.status, body: parsed };
    // A 5xx may come after the partner committed the booking.
    if (response.status >= 500 && options.unknownKey) this.rememberUnknown(options.unknownKey);
    throw new PartnerStatusError(method, path.split('?')[0] ?? path, response.status, response.headers.get('retry-after'), parsed);
  }

  /** What a failed call means for the task: retry later (with the partner's Retry-After) or tell the elder. */
  private failure(err: unknown, venue: Venue, ctx: ProviderContext): Error {
    if (!(err instanceof PartnerStatusError)) return err instanceof Error ? err : new Error(String(err));
    const { status } = err;
    if (status === 429 || status === 408 || status === 425 || status >= 500) {
      const fallback = status === 429 ? RATE_LIMIT_DELAY_MS : SERVER_ERROR_DELAY_MS;
      return new TaskRetryError(err.message, retryAfterMs(err.retryAfter, ctx.clock.now()) ?? fallback);
    }
    this.logger?.error({ venueId: venue.id, status }, 'partner refused the request');
    if (status === 401 || status === 403) return new PermanentTaskError(err.message, cannotBookOnline(venue));
    if (status === 404) return new PermanentTaskError(err.message, `${venue.name} isn't taking bookings through me at the moment.${ringThem(venue)}`);
    return new PermanentTaskError(err.message, `${venue.name} couldn't accept that booking.${ringThem(venue)}`);
  }

  private rememberUnknown(key: string): void {
    this.unknownOutcomes.delete(key);
    this.unknownOutcomes.add(key);
    if (this.unknownOutcomes.size > MAX_UNKNOWN_KEYS) {
      const oldest = this.unknownOutcomes.values().next().value;
      if (oldest !== undefined) this.unknownOutcomes.delete(oldest);
    }
  }
}

/** " You could ring them on 020 …" when the venue has a phone number, else nothing. */
function ringThem(venue: Venue): string {
  return venue.phone ? ` You could ring them on ${venue.phone}.` : '';
}

/** The elder's sentence when the partner link itself is broken (not their doing). */
function cannotBookOnline(venue: Venue): string {
  return `I can't book at ${venue.name} online right now.${venue.phone ? ` You could ring them on ${venue.phone}.` : ' Please try again later.'}`;
}
