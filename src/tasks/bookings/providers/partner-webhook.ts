import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Booking } from '../booking.entity.ts';
import { Venue } from '../venue.entity.ts';
import { Elder } from '../../elders/elder.entity.ts';
import { ChannelAccount } from '../../elders/channel-account.entity.ts';
import { findFamilyChats } from '../../family/family-notifier.ts';
import { OutboxBatch, type DeliveryQueue } from '../../../messaging/outbox.ts';
import { instantToLocal, sayLocalDateTime } from '../../../lib/local-time.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Logger } from '../../../lib/logger.ts';

/** Where the partner posts booking events. */
export const PARTNER_WEBHOOK_PATH = '/partner/webhook';
/** `sha256=<hex HMAC-SHA256 of the raw body>` with the shared secret. */
export const SIGNATURE_HEADER = 'x-partner-signature';
/** Unix seconds when the partner sent the event. */
export const TIMESTAMP_HEADER = 'x-partner-timestamp';
/** Events older (or further in the future) than this are refused. */
export const MAX_WEBHOOK_AGE_MS = 5 * 60_000;

/** A booking event from the partner. */
const partnerEvent = z.object({
  event: z.enum(['booking.confirmed', 'booking.cancelled']),
  booking_id: z.string().min(1).max(200),
  reference: z.string().max(64).optional(),
});
/** A booking event from the partner, as validated. */
export type PartnerEvent = z.infer<typeof partnerEvent>;

/** What mountPartnerWebhook needs. */
export interface PartnerWebhookDeps {
  orm: MikroORM;
  delivery: DeliveryQueue;
  clock: Clock;
  secret: string;
  logger: Logger;
}

/** The X-Partner-Signature value for a raw body: `sha256=` and the hex HMAC-SHA256 with the shared secret. */
export function partnerSignature(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** True when the header is the body's signature; compared in constant time. */
export function isPartnerSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(partnerSignature(secret, rawBody));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** True when the timestamp header (unix seconds) is within five minutes of now, either way. */
export function isFreshTimestamp(header: string | undefined, now: Date): boolean {
  if (!header || !/^\d{1,12}$/.test(header)) return false;
  return Math.abs(now.getTime() - Number(header) * 1000) <= MAX_WEBHOOK_AGE_MS;
}

const single = (v: string | string[] | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Receives the partner's signed booking events on POST /partner/webhook: 401 unless the signature of the raw
 * body matches and the timestamp is fresh, 400 for a body that is not an event, 404 for a booking we do not
 * (yet) know, so the partner delivers it again after our booking commits. A confirmation or a cancellation by
 * the venue changes the booking with a conditional update and tells the elder and the family once, however
 * often the event is delivered. Call before the server listens.
 */
export function mountPartnerWebhook(http: FastifyInstance, deps: PartnerWebhookDeps): void {
  if (deps.secret.length === 0) throw new Error('the partner webhook needs a secret');
  void http.register(async (scope) => {
    // The signature covers the exact bytes: keep the body raw in this scope only.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post(PARTNER_WEBHOOK_PATH, { bodyLimit: 64 * 1024 }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!isPartnerSignature(deps.secret, raw, single(request.headers[SIGNATURE_HEADER]))) {
        deps.logger.warn({ ip: request.ip }, 'partner webhook with a bad signature');
        return reply.code(401).send({ ok: false, error: 'bad signature' });
      }
      if (!isFreshTimestamp(single(request.headers[TIMESTAMP_HEADER]), deps.clock.now())) {
        deps.logger.warn({ ip: request.ip }, 'partner webhook with a stale timestamp');
        return reply.code(401).send({ ok: false, error: 'stale timestamp' });
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply.code(400).send({ ok: false, error: 'not JSON' });
      }
      const parsed = partnerEvent.safeParse(json);
      if (!parsed.success) return reply.code(400).send({ ok: false, error: 'not a booking event' });
      const result = await applyPartnerEvent(deps, parsed.data);
      if (result === 'unknown') return reply.code(404).send({ ok: false, error: 'unknown booking' });
      return reply.code(200).send({ ok: true, result });
    });
  });
}

/** What an event did: changed the booking, nothing (already done, or too late), or found no such booking. */
export type PartnerEventResult = 'applied' | 'unchanged' | 'unknown';

/**
 * Applies one partner event in a transaction: the status moves with a conditional update (so two deliveries
 * at once apply it once), and the elder and the family are told in the same transaction, dispatched after
 * the commit. A booking is found by the partner's id (Booking.providerRef) at a partner venue.
 */
export async function applyPartnerEvent(deps: Pick<PartnerWebhookDeps, 'orm' | 'delivery' | 'clock' | 'logger'>, event: PartnerEvent): Promise<PartnerEventResult> {
  const em = deps.orm.em.fork();
  const booking = await em.findOne(Booking, { providerRef: event.booking_id });
  const venue = booking ? await em.findOne(Venue, { id: booking.venueId }) : null;
  if (!booking || !venue || venue.provider !== 'partner') {
    deps.logger.warn({ providerRef: event.booking_id, event: event.event }, 'partner webhook for an unknown booking');
    return 'unknown';
  }
  const log = deps.logger.child({ bookingId: booking.id, elderId: booking.elderId, event: event.event });
  if (event.reference && event.reference !== booking.reference) log.warn({ partnerReference: event.reference }, 'partner reference differs from ours');
  const outbox = new OutboxBatch();
  const applied = await em.transactional(async (tx) => {
    const from = event.event === 'booking.confirmed' ? (['held', 'requested'] as const) : (['held', 'requested', 'confirmed'] as const);
    const to = event.event === 'booking.confirmed' ? 'confirmed' : 'cancelled';
    const changed = await tx.nativeUpdate(Booking, { id: booking.id, status: { $in: [...from] } }, { status: to });
    if (changed !== 1) return false;
    const elder = await tx.findOneOrFail(Elder, { id: booking.elderId });
    await stageNotices(tx, outbox, { booking, venue, elder, event: event.event, wasConfirmed: booking.status === 'confirmed' });
    await tx.flush();
    return true;
  });
  await outbox.dispatch(deps.delivery);
  log.info({ applied }, applied ? 'partner event applied' : 'partner event changed nothing');
  return applied ? 'applied' : 'unchanged';
}

/** Stages the elder's and the family's messages about an event, keyed `partner:<bookingId>:<event>:…`. */
async function stageNotices(
  tx: EntityManager,
  outbox: OutboxBatch,
  about: { booking: Booking; venue: Venue; elder: Elder; event: PartnerEvent['event']; wasConfirmed: boolean },
): Promise<void> {
  const { booking, venue, elder, event } = about;
  const when = sayLocalDateTime(instantToLocal(booking.startAt, elder.timezone), elder.timezone);
  const what = venue.kind === 'restaurant' ? `your table for ${booking.partySize ?? 1}` : booking.service ? `your ${booking.service}` : 'your appointment';
  const theirs = venue.kind === 'restaurant' ? `table for ${booking.partySize ?? 1}` : (booking.service ?? 'appointment');
  const ring = venue.phone ? ` (${venue.phone})` : '';
  const texts =
    event === 'booking.confirmed'
      ? {
          elder: `Good news: ${venue.name} has confirmed ${what} on ${when}. Your reference is ${booking.reference}.`,
          family: `${venue.name} has confirmed ${elder.name}'s ${theirs} on ${when}. Reference ${booking.reference}.`,
        }
      : about.wasConfirmed
        ? {
            elder: `I'm sorry, ${venue.name} has had to cancel ${what} on ${when}. If you'd like another time, just ask me.`,
            family: `${venue.name}${ring} has cancelled ${elder.name}'s ${theirs} on ${when} (reference ${booking.reference}). ${elder.name} has been told; they may like help finding another time.`,
          }
        : {
            elder: `I'm sorry, ${venue.name} couldn't take ${what} on ${when}. If you'd like another time, just ask me.`,
            family: `${venue.name}${ring} couldn't take ${elder.name}'s ${theirs} on ${when} (reference ${booking.reference}). ${elder.name} has been told.`,
          };
  const key = `partner:${booking.id}:${event}`;
  const own = await tx.findOne(ChannelAccount, { elderId: elder.id, role: 'elder', active: true }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (own) outbox.stage(tx, { channel: own.channel, chatId: own.chatId, elderId: elder.id, accountId: own.id, text: texts.elder, idempotencyKey: `${key}:elder` });
  for (const chat of await findFamilyChats(tx, elder.id)) {
    outbox.stage(tx, { channel: chat.channel, chatId: chat.chatId, elderId: elder.id, accountId: chat.accountId, text: texts.family, idempotencyKey: `${key}:${chat.key}` });
  }
}
