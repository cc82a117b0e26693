import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { Elder } from '../elders/elder.entity.ts';
import { MessageLog } from '../../messaging/message-log.entity.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import type { FamilyChat } from '../family/family-notifier.ts';
import { familyChatsOf } from './dose-recipients.ts';
import { lockForWrite } from './dose-dispatch.ts';

/** When digests for the family go out. */
export interface DigestTiming {
  /** Elder-local time 'HH:mm' from which the digest is due (default '20:00'). */
  summaryTime?: string;
  /** Elders handled per batch (default 500). */
  batchSize?: number;
}

/** An elder whose digest is due, with the chats their family hears in. */
export interface DueElder {
  id: string;
  name: string;
  timezone: string;
  /** The elder's local date now, 'YYYY-MM-DD': the day the digest is about. */
  localDate: string;
  chats: FamilyChat[];
}

/** One elder's digest: one message, staged to each of their family chats. */
export interface Digest {
  elderId: string;
  text: string;
  photo?: string;
}

/** What kind of digest a sweep sends and how it is written. */
export interface DigestSpec {
  /** First part of every message's idempotency key, `<kind>:<elderId>:<local date>:<chat key>`. */
  kind: string;
  /** Whether the digest is due at all on an elder-local date-time past the summary time (e.g. only Sundays). */
  dueOn?: (local: DateTime) => boolean;
  /** Writes the digests of a batch of due elders; an elder left out gets nothing this time. */
  compose(em: EntityManager, elders: DueElder[]): Promise<Digest[]>;
}

/** When the family's digests go out unless told otherwise: 8 pm the elder's time. */
export const DEFAULT_SUMMARY_TIME = '20:00';
const CLAIM_ATTEMPTS = 3;

/** The idempotency key of an elder's digest in one chat. */
export function digestKey(kind: string, elderId: string, localDate: string, chat: Pick<FamilyChat, 'key'>): string {
  return `${kind}:${elderId}:${localDate}:${chat.key}`;
}

/**
 * Each elder timezone whose local time now has reached the summary time (and that `dueOn` accepts), with
 * the local date there. One query over the distinct timezones, however many elders share them.
 */
async function dueTimezones(orm: MikroORM, now: Date, summaryTime: string, dueOn: DigestSpec['dueOn']): Promise<Map<string, string>> {
  const schema = orm.config.get('schema');
  const name = orm.getMetadata().get(Elder).tableName;
  const em = orm.em.fork() as SqlEntityManager;
  const { rows } = await sql<{ timezone: string }>`select distinct timezone from ${schema ? sql.id(schema, name) : sql.id(name)}`.execute(em.getKysely());
  const due = new Map<string, string>();
  for (const { timezone } of rows) {
    const local = DateTime.fromJSDate(now, { zone: timezone });
    if (!local.isValid || local.toFormat('HH:mm') < summaryTime) continue;
    if (dueOn && !dueOn(local)) continue;
    due.set(timezone, local.toFormat('yyyy-LL-dd'));
  }
  return due;
}

/** The elders of a batch that already have this digest in any chat (it went out, or another sweep is sending it). */
async function alreadySent(em: EntityManager, kind: string, elders: DueElder[]): Promise<Set<string>> {
  const keys = elders.flatMap((e) => e.chats.map((c) => digestKey(kind, e.id, e.localDate, c)));
  if (keys.length === 0) return new Set();
  const rows = await em.find(MessageLog, { idempotencyKey: { $in: keys } }, { fields: ['id', 'elderId'] });
  return new Set(rows.map((r) => r.elderId).filter((id): id is string => id !== null));
}

/**
 * Stages the digests of one batch and commits them. Each message carries its digest key, which is unique
 * in the outbox: a sweep that finds the digest already there skips the elder, and one that loses a race
 * with another scheduler gets a unique violation, rolls back and tries again without that elder.
 */
async function stageDigests(orm: MikroORM, delivery: DeliveryQueue, kind: string, elders: DueElder[], digests: Digest[]): Promise<number> {
  const byId = new Map(elders.map((e) => [e.id, e]));
  for (let attempt = 1; ; attempt++) {
    const outbox = new OutboxBatch();
    let sent = 0;
    try {
      await orm.em.fork().transactional(async (tx: EntityManager) => {
        await lockForWrite(tx, MessageLog);
        const done = await alreadySent(tx, kind, elders);
        for (const digest of digests) {
          const elder = byId.get(digest.elderId);
          if (!elder || done.has(elder.id)) continue;
          for (const chat of elder.chats) {
            outbox.stage(tx, {
              channel: chat.channel,
              chatId: chat.chatId,
              accountId: chat.accountId,
              elderId: elder.id,
              text: digest.text,
              ...(digest.photo ? { photo: digest.photo } : {}),
              idempotencyKey: digestKey(kind, elder.id, elder.localDate, chat),
            });
          }
          sent++;
        }
        await tx.flush();
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException && attempt < CLAIM_ATTEMPTS) continue;
      throw err;
    }
    await outbox.dispatch(delivery);
    return sent;
  }
}

/**
 * Sends a digest to the family of every elder whose local time has reached the summary time, once per elder
 * per local date: elders are read in batches by id (only those in a due timezone), their family chats,
 * what was already sent and the digest's own facts in a bounded number of queries per batch. A digest is only
 * ever for the elder's current local date, so after downtime it goes out late the same evening and never
 * for a day that has passed. Returns how many elders' families were sent one.
 */
export async function sendFamilyDigests(orm: MikroORM, delivery: DeliveryQueue, now: Date, spec: DigestSpec, timing: DigestTiming = {}): Promise<number> {
  const summaryTime = timing.summaryTime ?? DEFAULT_SUMMARY_TIME;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(summaryTime)) throw new RangeError(`summary time is not HH:mm: ${summaryTime}`);
  const limit = timing.batchSize ?? 500;
  const zones = await dueTimezones(orm, now, summaryTime, spec.dueOn);
  if (zones.size === 0) return 0;
  let sent = 0;
  let after = '';
  for (;;) {
    const em = orm.em.fork();
    const page = await em.find(
      Elder,
      { timezone: { $in: [...zones.keys()] }, ...(after ? { id: { $gt: after } } : {}) },
      { fields: ['id', 'name', 'timezone'], orderBy: { id: 'asc' }, limit },
    );
    if (page.length === 0) return sent;
    after = page[page.length - 1]!.id;
    const chats = await familyChatsOf(em, page.map((e) => e.id));
    const withFamily: DueElder[] = page.flatMap((e) => {
      const list = chats.get(e.id) ?? [];
      return list.length > 0 ? [{ id: e.id, name: e.name, timezone: e.timezone, localDate: zones.get(e.timezone)!, chats: list }] : [];
    });
    const done = await alreadySent(em, spec.kind, withFamily);
    const due = withFamily.filter((e) => !done.has(e.id));
    if (due.length > 0) {
      const digests = await spec.compose(em, due);
      if (digests.length > 0) sent += await stageDigests(orm, delivery, spec.kind, due, digests);
    }
    if (page.length < limit) return sent;
  }
}
