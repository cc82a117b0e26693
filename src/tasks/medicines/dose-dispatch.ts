import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { LockMode, type EntityManager, type EntityName, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { DoseEvent, DOSE_STATUSES } from './dose-event.entity.ts';
import { nextDoseAfter, type DoseTimetable, type DueDose } from './dose-schedule.ts';
import { elderChats, familyChatsOf, type DoseRecipient } from './dose-recipients.ts';
import { doseButtons, doseName, doseText, sayDoseTime } from './dose-messages.ts';
import { OutboxBatch, nextMessageTime, type DeliveryQueue, type OutboundRef } from '../../messaging/outbox.ts';
import { tableId } from '../../db/orm.ts';
import { MessageLog } from '../../messaging/message-log.entity.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { instantToLocal, sayLocalDateTime } from '../../lib/local-time.ts';
import { Elder } from '../elders/elder.entity.ts';
import { doseNoticesOf } from '../family/notification-preferences.ts';

/** How the due-dose sweep behaves. */
export interface DoseDispatchOptions {
  /** A dose found due later than this (after downtime) is recorded missed instead of sent (LATE_WINDOW_MINUTES). */
  lateWindowMinutes: number;
  /** A reminder sent more than this after its time says when it was due (LATE_NOTICE_MINUTES, default 5). */
  lateNoticeMinutes?: number;
  /** Minutes without an answer before the gentle re-reminder (DOSE_REMIND_AGAIN_MINUTES, default 30). */
  remindAgainMinutes?: number;
  /** Schedules claimed per transaction (default 1000). */
  batchSize?: number;
  /** Claim loops run side by side in this process (default 1); on SQLite, whose one writer serialises them, more gain nothing. */
  concurrency?: number;
}

/** What one sweep did. */
export interface DoseDispatchCounts {
  /** Reminders handed to the delivery queue, late ones included. */
  sent: number;
  /** Of those, sent late with "this was due at …". */
  late: number;
  /** Doses recorded missed without a reminder: found too late, or overtaken by a later dose of the same medicine. */
  missed: number;
}

/** A due schedule as claimed, with its elder's private chat. */
interface ClaimedSchedule extends DoseTimetable {
  id: string;
  elderId: string;
  medicine: string;
  dose: string | null;
  nextDoseAt: Date;
  chat: DoseRecipient | null;
}

/** One DoseEvent to record and, when it is sent, its reminder. */
interface PlannedDose {
  event: { id: string; scheduleId: string; elderId: string; dueAt: Date; localTime: string; status: (typeof DOSE_STATUSES)[number]; nextActionAt: Date | null };
  reminder: { id: string; channel: DoseRecipient['channel']; chatId: string; accountId: string | null; text: string; lateText: string; idempotencyKey: string } | null;
  late: boolean;
  /** For a dose recorded missed: "Metformin 500mg due Wednesday 25 November at 8:00 am", as the family is told it. */
  missedAs: string | null;
}

/** What a batch writes: the dose events with their reminders, and each claimed schedule's next dose time. */
interface BatchPlan {
  doses: PlannedDose[];
  advances: { id: string; nextDoseAt: Date | null }[];
}

/** What a committed batch produced. */
interface BatchOutcome {
  claimed: number;
  counts: DoseDispatchCounts;
  messages: OutboundRef[];
}
// Doses one schedule catches up in one claim after a long downtime; the rest wait for the next batch.
const MAX_CATCH_UP = 500;

/** The dose a schedule's stored next dose time stands for, with the wall time it was set for. */
function doseAt(schedule: ClaimedSchedule, dueAt: Date): DueDose {
  const onTimetable = nextDoseAfter(schedule, new Date(dueAt.getTime() - 1));
  if (onTimetable && onTimetable.dueAt.getTime() === dueAt.getTime()) return onTimetable;
  return { dueAt, localTime: instantToLocal(dueAt, schedule.timezone).slice(11, 16) };
}

/**
 * The doses due schedules owe at `now` and their next dose times. After downtime only the latest overdue
 * dose of a medicine is sent (two reminders for one medicine at once invite a double dose), and only inside
 * the late window; every other overdue dose is recorded missed, never dropped.
 */
function planBatch(schedules: ClaimedSchedule[], now: Date, options: DoseDispatchOptions): BatchPlan {
  const lateWindowMs = options.lateWindowMinutes * 60_000;
  const lateNoticeMs = (options.lateNoticeMinutes ?? 5) * 60_000;
  const remindAgainAt = new Date(now.getTime() + (options.remindAgainMinutes ?? 30) * 60_000);
  const plan: BatchPlan = { doses: [], advances: [] };
  const record = (s: ClaimedSchedule, dose: DueDose, send: boolean): void => {
    const id = randomUUID();
    const late = now.getTime() - dose.dueAt.getTime() > lateNoticeMs;
    const name = doseName(s);
    const time = sayDoseTime(dose.localTime);
    plan.doses.push({
      event: { id, scheduleId: s.id, elderId: s.elderId, dueAt: dose.dueAt, localTime: dose.localTime, status: send ? 'pending' : 'missed', nextActionAt: send ? remindAgainAt : null },
      // Without an account to remind the dose still waits for an answer, so escalation tells the family.
      reminder:
        send && s.chat
          ? { id: randomUUID(), ...s.chat, text: late ? doseText.lateReminder(name, time) : doseText.reminder(name, time), lateText: doseText.lateReminder(name, time), idempotencyKey: `dose:${id}:reminder` }
          : null,
      late,
      missedAs: send ? null : `${name} due ${sayLocalDateTime(instantToLocal(dose.dueAt, s.timezone), s.timezone)}`,
    });
  };
  for (const s of schedules) {
    let current = doseAt(s, s.nextDoseAt);
    let next = nextDoseAfter(s, current.dueAt);
    let caughtUp = 0;
    while (next && next.dueAt.getTime() <= now.getTime() && caughtUp < MAX_CATCH_UP) {
      record(s, current, false);
      current = next;
      next = nextDoseAfter(s, current.dueAt);
      caughtUp++;
    }
    if (next && next.dueAt.getTime() <= now.getTime()) {
      plan.advances.push({ id: s.id, nextDoseAt: current.dueAt });
      continue;
    }
    record(s, current, now.getTime() - current.dueAt.getTime() <= lateWindowMs);
    plan.advances.push({ id: s.id, nextDoseAt: next?.dueAt ?? null });
  }
  return plan;
}

/** What a batch wrote, counted from the dose events and reminders actually created. */
function outcomeOf(claimed: number, plan: BatchPlan, createdDoses: Set<string>, messages: BatchOutcome['messages']): BatchOutcome {
  const counts: DoseDispatchCounts = { sent: 0, late: 0, missed: 0 };
  const sentIds = new Set(messages.map((m) => m.id));
  for (const d of plan.doses) {
    if (!createdDoses.has(d.event.id)) continue;
    if (d.event.status === 'missed') counts.missed++;
    if (d.reminder && sentIds.has(d.reminder.id)) {
      counts.sent++;
      if (d.late) counts.late++;
    }
  }
  return { claimed, counts, messages };
}

/**
 * Stages, in the batch's transaction, one message to each family chat of every elder whose family hears about
 * missed doses (by default they do), naming the doses this batch recorded missed without a reminder. Three
 * queries for the batch, and none when nothing was missed.
 */
async function stageMissedNotices(tx: EntityManager, outbox: OutboxBatch, missed: PlannedDose[]): Promise<MessageLog[]> {
  if (missed.length === 0) return [];
  const byElder = new Map<string, PlannedDose[]>();
  for (const d of missed) byElder.set(d.event.elderId, [...(byElder.get(d.event.elderId) ?? []), d]);
  const notices = await doseNoticesOf(tx, [...byElder.keys()]);
  const hearing = [...byElder.keys()].filter((id) => notices.get(id)?.missed);
  if (hearing.length === 0) return [];
  const families = await familyChatsOf(tx, hearing);
  const names = new Map((await tx.find(Elder, { id: { $in: hearing } }, { fields: ['id', 'name'] })).map((e) => [e.id, e.name]));
  const rows: MessageLog[] = [];
  for (const elderId of hearing) {
    const doses = byElder.get(elderId)!.sort((a, b) => a.event.dueAt.getTime() - b.event.dueAt.getTime());
    const text = doseText.familyMissedOffline(names.get(elderId) ?? 'Your relative', doses.map((d) => d.missedAs ?? 'medicine'));
    for (const chat of families.get(elderId) ?? []) {
      rows.push(outbox.stage(tx, { channel: chat.channel, chatId: chat.chatId, accountId: chat.accountId, elderId, text, idempotencyKey: `dose:${doses[0]!.event.id}:missed:${chat.key}`, lane: 'escalation' }));
    }
  }
  return rows;
}

/** The doses of a batch that were written as missed (not those that already existed). */
const missedIn = (plan: BatchPlan, created: Set<string>): PlannedDose[] => plan.doses.filter((d) => d.event.status === 'missed' && created.has(d.event.id));

/** A due schedule loaded through the ORM, with its elder's chat. */
const claimedFrom = (s: MedicationSchedule, chat: DoseRecipient | undefined): ClaimedSchedule => ({
  id: s.id,
  elderId: s.elderId,
  medicine: s.medicine,
  dose: s.dose ?? null,
  times: s.times,
  days: s.days,
  startDate: s.startDate,
  endDate: s.endDate,
  timezone: s.timezone,
  nextDoseAt: s.nextDoseAt!,
  chat: chat ?? null,
});

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * Postgres: claim with `for update skip locked` (concurrent schedulers take disjoint schedules), then write
 * every dose event, reminder and next dose time of the batch in one statement. A dose event that already
 * exists (unique per schedule and due time, e.g. logged as taken before its reminder) is kept as it is and
 * gets no reminder. Batches travel as one JSON parameter each, bound rather than inlined into the SQL.
 */
async function dispatchBatchPostgres(orm: MikroORM, now: Date, limit: number, options: DoseDispatchOptions): Promise<BatchOutcome> {
  const [schedules, doses, messages, accounts] = [MedicationSchedule, DoseEvent, MessageLog, ChannelAccount].map((entity) => tableId(orm, entity));
  return orm.em.fork().transactional(async (tx: EntityManager) => {
    const db = (tx as SqlEntityManager).getKysely();
    const { rows: claimedRows } = await sql<Record<string, unknown>>`
      select s.id, s.elder_id, s.medicine, s.dose, s.times, s.days, s.start_date, s.end_date, s.timezone,
             to_json(s.next_dose_at) #>> '{}' as next_dose_at, a.id as account_id, a.channel, a.chat_id
        from ${schedules} s
        left join lateral (select a.id, a.channel, a.chat_id from ${accounts} a
                            where a.elder_id = s.elder_id and a.role = 'elder' and a.active
                            order by a.created_at, a.id limit 1) a on true
       where s.status = 'active' and s.next_dose_at <= ${now.toISOString()}::timestamptz
       order by s.next_dose_at
       limit ${limit}::int
         for update of s skip locked`.execute(db);
    if (claimedRows.length === 0) return outcomeOf(0, { doses: [], advances: [] }, new Set(), []);
    const claimed: ClaimedSchedule[] = claimedRows.map((r) => ({
      id: r.id as string,
      elderId: r.elder_id as string,
      medicine: r.medicine as string,
      dose: r.dose as string | null,
      times: r.times as string[],
      days: r.days as string[] | null,
      startDate: r.start_date as string | null,
      endDate: r.end_date as string | null,
      timezone: r.timezone as string,
      nextDoseAt: new Date(r.next_dose_at as string),
      chat: r.account_id ? { channel: r.channel as DoseRecipient['channel'], chatId: r.chat_id as string, accountId: r.account_id as string } : null,
    }));
    const plan = planBatch(claimed, now, options);
    // After every message this process wrote before (a chat's messages go out in creation order).
    const createdAt = nextMessageTime().toISOString();
    const eventRows = plan.doses.map((d) => ({ ...d.event, dueAt: d.event.dueAt.toISOString(), nextActionAt: iso(d.event.nextActionAt) }));
    const advanceRows = plan.advances.map((a) => ({ id: a.id, nextDoseAt: iso(a.nextDoseAt) }));
    const messageRows = plan.doses.flatMap((d) =>
      d.reminder ? [{ ...d.reminder, doseId: d.event.id, elderId: d.event.elderId, buttons: doseButtons(d.event.id), dueAt: d.event.dueAt.toISOString() }] : [],
    );
    const { rows: written } = await sql<{ kind: 'dose' | 'message'; id: string; channel: MessageLog['channel'] | null; chat_id: string | null }>`
      with new_doses as (
        insert into ${doses} (id, schedule_id, elder_id, due_at, local_time, status, snoozes, reminded_at, escalated_at, next_action_at, answered_at, created_at)
        select r."id", r."scheduleId", r."elderId", r."dueAt", r."localTime", r."status", 0, null, null, r."nextActionAt", null, ${createdAt}::timestamptz
          from json_to_recordset(${JSON.stringify(eventRows)}::json)
            as r("id" uuid, "scheduleId" uuid, "elderId" uuid, "dueAt" timestamptz, "localTime" text, "status" text, "nextActionAt" timestamptz)
        on conflict (schedule_id, due_at) do nothing
        returning id
      ), advanced as (
        update ${schedules} s set next_dose_at = r."nextDoseAt"
          from json_to_recordset(${JSON.stringify(advanceRows)}::json) as r("id" uuid, "nextDoseAt" timestamptz)
         where s.id = r."id"
      ), new_messages as (
        insert into ${messages} (id, direction, channel, chat_id, elder_id, account_id, text, buttons, photo, status, idempotency_key, attempts, error, created_at, sent_at, lane, due_at, late_text)
        select m."id", 'out', m."channel", m."chatId", m."elderId", m."accountId", m."text", m."buttons", null, 'queued', m."idempotencyKey", 0, null, ${createdAt}::timestamptz, null,
               'reminder', m."dueAt", m."lateText"
          from json_to_recordset(${JSON.stringify(messageRows)}::json)
            as m("id" uuid, "doseId" uuid, "channel" text, "chatId" text, "elderId" uuid, "accountId" uuid, "text" text, "buttons" jsonb, "idempotencyKey" text, "dueAt" timestamptz, "lateText" text)
         where m."doseId" in (select id from new_doses)
        on conflict (idempotency_key) do nothing
        returning id, channel, chat_id
      )
      select 'dose' as kind, id, null as channel, null as chat_id from new_doses
      union all
      select 'message', id, channel, chat_id from new_messages`.execute(db);
    const createdDoses = new Set(written.filter((w) => w.kind === 'dose').map((w) => w.id));
    const sent: OutboundRef[] = written.filter((w) => w.kind === 'message').map((w) => ({ id: w.id, channel: w.channel!, chatId: w.chat_id!, lane: 'reminder' }));
    const notices = await stageMissedNotices(tx, new OutboxBatch(), missedIn(plan, createdDoses));
    if (notices.length > 0) await tx.flush();
    return outcomeOf(claimed.length, plan, createdDoses, [...sent, ...notices.map((m) => ({ id: m.id, channel: m.channel, chatId: m.chatId, lane: m.lane }))]);
  });
}

/**
 * Starts a SQLite transaction's write at once. A deferred transaction that reads and then writes fails with
 * "database is locked" when another process did the same meanwhile; taking the write lock first makes the
 * other wait (busy_timeout) instead. A no-op on Postgres.
 */
export async function lockForWrite(em: EntityManager, table: EntityName<object>): Promise<void> {
  if (em.getPlatform() instanceof PostgreSqlPlatform) return;
  await (em as SqlEntityManager).execute(`update "${em.getMetadata().get(table).tableName}" set id = id where 0`);
}

/**
 * SQLite (embedded, one writer): the transaction itself is the claim. Written through the ORM; the volume of
 * one household does not need the set-based path.
 */
async function dispatchBatchOrm(orm: MikroORM, now: Date, limit: number, options: DoseDispatchOptions): Promise<BatchOutcome> {
  const outbox = new OutboxBatch();
  return orm.em.fork().transactional(async (tx: EntityManager) => {
    await lockForWrite(tx, MedicationSchedule);
    const found = await tx.find(
      MedicationSchedule,
      { status: 'active', nextDoseAt: { $lte: now } },
      { orderBy: { nextDoseAt: 'asc', id: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
    );
    if (found.length === 0) return outcomeOf(0, { doses: [], advances: [] }, new Set(), []);
    const chats = await elderChats(tx, found.map((s) => s.elderId));
    const plan = planBatch(found.map((s) => claimedFrom(s, chats.get(s.elderId))), now, options);
    // A dose already recorded (e.g. logged as taken before its reminder) is kept as it is and not reminded.
    const earliest = new Date(Math.min(...plan.doses.map((d) => d.event.dueAt.getTime())));
    const existing = await tx.find(
      DoseEvent,
      { scheduleId: { $in: found.map((s) => s.id) }, dueAt: { $gte: earliest, $lte: now } },
      { fields: ['scheduleId', 'dueAt'] },
    );
    const recorded = new Set(existing.map((e) => `${e.scheduleId}|${e.dueAt.getTime()}`));
    const createdDoses = new Set<string>();
    const sent: BatchOutcome['messages'] = [];
    for (const d of plan.doses) {
      if (recorded.has(`${d.event.scheduleId}|${d.event.dueAt.getTime()}`)) continue;
      tx.create(DoseEvent, { ...d.event, snoozes: 0, remindedAt: null, escalatedAt: null, answeredAt: null });
      createdDoses.add(d.event.id);
      if (!d.reminder) continue;
      const { id: _planned, ...draft } = d.reminder;
      const row = outbox.stage(tx, { ...draft, elderId: d.event.elderId, buttons: doseButtons(d.event.id), lane: 'reminder', dueAt: d.event.dueAt });
      d.reminder.id = row.id;
      sent.push({ id: row.id, channel: row.channel, chatId: row.chatId, lane: row.lane });
    }
    for (const m of await stageMissedNotices(tx, outbox, missedIn(plan, createdDoses))) sent.push({ id: m.id, channel: m.channel, chatId: m.chatId, lane: m.lane });
    for (const a of plan.advances) await tx.nativeUpdate(MedicationSchedule, { id: a.id }, { nextDoseAt: a.nextDoseAt });
    await tx.flush();
    return outcomeOf(found.length, plan, createdDoses, sent);
  });
}

/**
 * The due-dose sweep: finds schedules whose next dose time has come by the (status, next_dose_at) index,
 * claims them in batches, records one DoseEvent per dose, advances each schedule to its next dose, and
 * hands the elder's reminders (Taken / Snooze / Skip) to the delivery queue once each batch has committed.
 * Doses recorded missed after downtime are told to the family when their settings say so (by default).
 * Several schedulers running it at once send each dose once. Returns what it did.
 */
export async function dispatchDueDoses(orm: MikroORM, delivery: DeliveryQueue, now: Date, options: DoseDispatchOptions): Promise<DoseDispatchCounts> {
  const batchSize = options.batchSize ?? 1000;
  const dispatchBatch = orm.em.getPlatform() instanceof PostgreSqlPlatform ? dispatchBatchPostgres : dispatchBatchOrm;
  const total: DoseDispatchCounts = { sent: 0, late: 0, missed: 0 };
  const loop = async (): Promise<void> => {
    let handing: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const { claimed, counts, messages } = await dispatchBatch(orm, now, batchSize, options);
        total.sent += counts.sent;
        total.late += counts.late;
        total.missed += counts.missed;
        // Hand this batch to the queue while the next one is claimed; one hand-off in flight at a time.
        await handing;
        handing = messages.length > 0 ? delivery.enqueueDeliveries(messages) : Promise.resolve();
        // Awaited on the next turn or in `finally`; marked handled now so a failure is not reported twice.
        handing.catch(() => undefined);
        if (claimed < batchSize) break;
      }
    } finally {
      await handing;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, loop));
  return total;
}
