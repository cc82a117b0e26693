import { UniqueConstraintViolationException, type EntityKey, type EntityManager, type EntityName, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { Elder } from '../elders/elder.entity.ts';
import { MessageLog } from '../../messaging/message-log.entity.ts';
import { OutboxBatch, type DeliveryQueue } from '../../messaging/outbox.ts';
import type { FamilyChat } from '../family/family-notifier.ts';
import { familyChatsOf } from './dose-recipients.ts';
import { lockForWrite } from './dose-dispatch.ts';
import { tableId } from '../../db/orm.ts';
import { FamilyCircle } from '../family/family-circle.entity.ts';
import { DEFAULT_SUMMARY_TIME, SUMMARY_OFF } from '../family/summary-time.ts';
import type { ButtonSpec } from '../../messaging/message-log.entity.ts';
import type { FamilyViewLinks } from '../family/family-view-links.ts';

/** When digests for the family go out. */
export interface DigestTiming {
  /** Elder-local time 'HH:mm' from which the digest is due when the family has not chosen one (default '20:00'). */
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
  /** Buttons under the digest in one chat (they may differ per chat: a signed link is for that chat only). */
  buttons?: (elder: DueElder, chat: FamilyChat) => ButtonSpec[][] | undefined;
}

/** The family view's "See Margaret's week" button for each chat a digest goes to. */
export function viewButtons(view: FamilyViewLinks, now: Date): NonNullable<DigestSpec['buttons']> {
  return (elder, chat) => {
    const circleId = chat.key.startsWith('circle:') ? chat.key.slice('circle:'.length) : null;
    const button = view.buttonFor({ channel: chat.channel, accountId: chat.accountId, circleId }, elder, now);
    return button ? [[button]] : undefined;
  };
}

const CLAIM_ATTEMPTS = 3;

/** The idempotency key of an elder's digest in one chat. */
export function digestKey(kind: string, elderId: string, localDate: string, chat: Pick<FamilyChat, 'key'>): string {
  return `${kind}:${elderId}:${localDate}:${chat.key}`;
}

/** An elder timezone's local date and time now. */
interface ZoneNow {
  localDate: string;
  localTime: string;
}

/** The column of a property, as `alias.column`. */
function columnOf<T extends object>(orm: MikroORM, entity: EntityName<T>, alias: string, property: EntityKey<T>) {
  const column = orm.getMetadata().get(entity).properties[property]?.fieldNames[0];
  if (!column) throw new Error(`no column for ${property}`);
  return sql.id(alias, column);
}

/**
 * Each elder timezone where some elder's digest is due now (their local time has reached their family's time,
 * or the default, and `dueOn` accepts the day), with its local date and time. One query over the distinct
 * timezone and family-time pairs, however many elders share them: when nobody is due, no elder is read.
 */
async function dueZones(orm: MikroORM, now: Date, defaultTime: string, dueOn: DigestSpec['dueOn']): Promise<Map<string, ZoneNow>> {
  const em = orm.em.fork() as SqlEntityManager;
  const { rows } = await sql<{ timezone: string; summary_time: string | null }>`
    select distinct ${columnOf(orm, Elder, 'e', 'timezone')} as timezone, ${columnOf(orm, FamilyCircle, 'c', 'summaryTime')} as summary_time
    from ${tableId(orm, Elder)} as e
    left join ${tableId(orm, FamilyCircle)} as c on ${columnOf(orm, FamilyCircle, 'c', 'elderId')} = ${columnOf(orm, Elder, 'e', 'id')}`.execute(em.getKysely());
  const zones = new Map<string, ZoneNow>();
  for (const { timezone, summary_time: chosen } of rows) {
    if (zones.has(timezone) || chosen === SUMMARY_OFF) continue;
    const local = DateTime.fromJSDate(now, { zone: timezone });
    if (!local.isValid || local.toFormat('HH:mm') < (chosen ?? defaultTime)) continue;
    if (dueOn && !dueOn(local)) continue;
    zones.set(timezone, { localDate: local.toFormat('yyyy-LL-dd'), localTime: local.toFormat('HH:mm') });
  }
  return zones;
}

/**
 * One page of elders (by id, after `after`) whose local time has reached their family's summary time (the
 * deployment's when the family kept it), leaving out families that turned it off. One query: the elders
 * joined to their family circle, with one condition per local time now shared by a group of timezones.
 */
async function dueElderPage(
  orm: MikroORM,
  em: EntityManager,
  zones: Map<string, ZoneNow>,
  defaultTime: string,
  after: string,
  limit: number,
): Promise<{ id: string; name: string; timezone: string }[]> {
  const byTime = new Map<string, string[]>();
  for (const [timezone, zone] of zones) byTime.set(zone.localTime, [...(byTime.get(zone.localTime) ?? []), timezone]);
  const id = columnOf(orm, Elder, 'e', 'id');
  const timezone = columnOf(orm, Elder, 'e', 'timezone');
  const summaryTime = columnOf(orm, FamilyCircle, 'c', 'summaryTime');
  // 'HH:mm' strings compare in time order; 'off' never reaches the condition.
  const reached = [...byTime].map(([localTime, timezones]) => sql`(${timezone} in (${sql.join(timezones)}) and coalesce(${summaryTime}, ${defaultTime}) <= ${localTime})`);
  const { rows } = await sql<{ id: string; name: string; timezone: string }>`
    select ${id} as id, ${columnOf(orm, Elder, 'e', 'name')} as name, ${timezone} as timezone
    from ${tableId(orm, Elder)} as e
    left join ${tableId(orm, FamilyCircle)} as c on ${columnOf(orm, FamilyCircle, 'c', 'elderId')} = ${id}
    where (${sql.join(reached, sql` or `)})
      and (${summaryTime} is null or ${summaryTime} <> ${SUMMARY_OFF})
      ${after ? sql`and ${id} > ${after}` : sql``}
    order by ${id}
    limit ${limit}`.execute((em as SqlEntityManager).getKysely());
  return rows;
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
async function stageDigests(orm: MikroORM, delivery: DeliveryQueue, spec: DigestSpec, elders: DueElder[], digests: Digest[]): Promise<number> {
  const { kind } = spec;
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
            const buttons = spec.buttons?.(elder, chat);
            outbox.stage(tx, {
              channel: chat.channel,
              chatId: chat.chatId,
              accountId: chat.accountId,
              elderId: elder.id,
              text: digest.text,
              ...(digest.photo ? { photo: digest.photo } : {}),
              ...(buttons ? { buttons } : {}),
              idempotencyKey: digestKey(kind, elder.id, elder.localDate, chat),
              lane: 'digest',
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
 * Sends a digest to the family of every elder whose local time has reached the summary time (the time their
 * family chose with /summary, else `timing.summaryTime`; none when the family turned it off), once per elder
 * per local date: due elders are read in batches by id in one query, then their family chats, what was
 * already sent and the digest's own facts in a bounded number of queries per batch. A digest is only ever
 * for the elder's current local date, so after downtime it goes out late the same day and never for a day
 * that has passed. Returns how many elders' families were sent one.
 */
export async function sendFamilyDigests(orm: MikroORM, delivery: DeliveryQueue, now: Date, spec: DigestSpec, timing: DigestTiming = {}): Promise<number> {
  const summaryTime = timing.summaryTime ?? DEFAULT_SUMMARY_TIME;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(summaryTime)) throw new RangeError(`summary time is not HH:mm: ${summaryTime}`);
  const limit = timing.batchSize ?? 500;
  const zones = await dueZones(orm, now, summaryTime, spec.dueOn);
  if (zones.size === 0) return 0;
  let sent = 0;
  let after = '';
  for (;;) {
    const em = orm.em.fork();
    const page = await dueElderPage(orm, em, zones, summaryTime, after, limit);
    if (page.length === 0) return sent;
    after = page[page.length - 1]!.id;
    const chats = await familyChatsOf(em, page.map((e) => e.id));
    const withFamily: DueElder[] = page.flatMap((e) => {
      const list = chats.get(e.id) ?? [];
      return list.length > 0 ? [{ id: e.id, name: e.name, timezone: e.timezone, localDate: zones.get(e.timezone)!.localDate, chats: list }] : [];
    });
    const done = await alreadySent(em, spec.kind, withFamily);
    const due = withFamily.filter((e) => !done.has(e.id));
    if (due.length > 0) {
      const digests = await spec.compose(em, due);
      if (digests.length > 0) sent += await stageDigests(orm, delivery, spec, due, digests);
    }
    if (page.length < limit) return sent;
  }
}
