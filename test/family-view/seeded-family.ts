import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { MikroORM } from '@mikro-orm/core';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { outboundRow } from '../../src/messaging/outbox.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import type { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { signInitData } from '../../src/http/family-view/telegram-init-data.ts';
import { aBooking, aMedicationSchedule, aReminder, aVenue, anActivity } from '../support/factories.ts';
import { aDose, at } from '../medicines/medicine-factories.ts';

// Margaret's family for the family view's tests and benchmark (no jest here: the benchmark imports it too).

/** A free loopback port (so PUBLIC_BASE_URL can name the port before the server listens on it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Telegram's initData for a user, signed with the bot's token as Telegram signs it, `authDate` seconds since 1970. */
export function initDataFor(token: string, userId: number, authDate: number, firstName = 'Sarah'): string {
  return signInitData({ query_id: `AAH${randomUUID().slice(0, 8)}`, user: JSON.stringify({ id: userId, first_name: firstName, language_code: 'en' }), auth_date: String(authDate) }, token);
}

/** A person on Telegram: their numeric user id and account. */
export interface TelegramPerson {
  userId: number;
  account: ChannelAccount;
}

let nextUserId = 700_000_000;

/** Saves a Telegram account (the elder's own, or a family member's with a link). */
export async function aTelegramPerson(orm: MikroORM, elder: Elder, role: 'elder' | 'family' | 'caregiver', name: string, options: { removed?: boolean } = {}): Promise<TelegramPerson> {
  const em = orm.em.fork();
  const userId = ++nextUserId + Math.floor(Math.random() * 1000) * 1000;
  const account = em.create(ChannelAccount, {
    id: randomUUID(),
    channel: 'telegram',
    externalUserId: String(userId),
    chatId: String(userId),
    displayName: name,
    role,
    elderId: role === 'elder' ? elder.id : null,
    active: true,
  });
  if (role !== 'elder') em.create(CaregiverLink, { id: randomUUID(), elderId: elder.id, accountId: account.id, role, removedAt: options.removed ? new Date('2026-11-01T00:00:00Z') : null });
  await em.flush();
  return { userId, account };
}

/** Margaret's family as the view tests see it. */
export interface SeededFamily {
  elder: Elder;
  margaret: TelegramPerson;
  /** Caregiver. */
  sarah: TelegramPerson;
  /** Family member. */
  tom: TelegramPerson;
  circle: FamilyCircle;
  metformin: MedicationSchedule;
  donepezil: MedicationSchedule;
  openAlert: Alert;
}

/**
 * Margaret (Europe/London) on Wednesday 25 November 2026 at 19:00: Metformin 500mg at 8:00 and 20:00 and
 * Donepezil 5mg at 21:00 since Tuesday 17, with a missed, a skipped and a late dose this week; a reminder on
 * Friday, a table at the Anchor on Saturday, a walk shared yesterday with Sarah's reply, an open alert and an
 * acknowledged one. Sarah is her caregiver, Tom her grandson (family), and the family group is on Telegram.
 */
export async function aSeededFamily(orm: MikroORM, name = 'Margaret Smith'): Promise<SeededFamily> {
  const em = orm.em.fork();
  const elder = em.create(Elder, { id: randomUUID(), name, timezone: 'Europe/London', locale: 'en-GB' });
  const circle = em.create(FamilyCircle, { id: randomUUID(), elderId: elder.id, channel: 'telegram', groupChatId: String(-1_000_000_000_000 - Math.floor(Math.random() * 1e9)) });
  await em.flush();
  const margaret = await aTelegramPerson(orm, elder, 'elder', name.split(' ')[0]!);
  const sarah = await aTelegramPerson(orm, elder, 'caregiver', 'Sarah');
  const tom = await aTelegramPerson(orm, elder, 'family', 'Tom');
  const metformin = await aMedicationSchedule(orm, elder, { medicine: 'Metformin', dose: '500mg', times: ['08:00', '20:00'], startDate: '2026-11-17' });
  const donepezil = await aMedicationSchedule(orm, elder, { medicine: 'Donepezil', dose: '5mg', times: ['21:00'], startDate: '2026-11-17' });
  // 17 to 24 November and today's 8:00: everything taken except Thursday 19's 8:00 (missed), Saturday 21's
  // 20:00 (skipped) and Monday 23's 21:00 Donepezil (taken 50 minutes late). London is on UTC in November.
  for (let day = 17; day <= 25; day++) {
    const date = `2026-11-${day}`;
    await aDose(orm, metformin, at(`${date}T08:00:00Z`), '08:00', day === 19 ? 'missed' : 'taken');
    if (day === 25) break;
    await aDose(orm, metformin, at(`${date}T20:00:00Z`), '20:00', day === 21 ? 'skipped' : 'taken');
    const late = await aDose(orm, donepezil, at(`${date}T21:00:00Z`), '21:00', 'taken');
    if (day === 23) await orm.em.fork().nativeUpdate(DoseEvent, { id: late.id }, { answeredAt: at(`${date}T21:50:00Z`) });
  }
  await aReminder(orm, elder, margaret.account, '2026-11-27T10:00', { text: 'call the surgery' });
  const anchor = await aVenue(orm, { name: 'The Anchor' });
  await aBooking(orm, elder, anchor, '2026-11-28T12:30', { partySize: 4 });
  const walk = await anActivity(orm, elder, at('2026-11-24T15:00:00Z'), 'A walk by the river with Jean');
  await orm.em.fork().insert(MessageLog, {
    ...outboundRow({ channel: 'telegram', chatId: margaret.account.chatId, elderId: elder.id, accountId: margaret.account.id, text: 'Sarah replied: Lovely! Say hello to Jean.', idempotencyKey: `reply:${walk.id}:${randomUUID()}:${margaret.account.id}` }),
    createdAt: at('2026-11-24T15:20:00Z'),
  });
  const alerts = orm.em.fork();
  const openAlert = alerts.create(Alert, { id: randomUUID(), elderId: elder.id, taskId: null, description: 'She says she feels dizzy', status: 'open', nextNotifyAt: at('2026-11-25T19:03:00Z'), notifyCount: 1, acknowledgedByAccountId: null, acknowledgedAt: null, createdAt: at('2026-11-25T18:55:00Z') });
  alerts.create(Alert, { id: randomUUID(), elderId: elder.id, taskId: null, description: 'Fell in the kitchen', status: 'acknowledged', nextNotifyAt: null, notifyCount: 2, acknowledgedByAccountId: sarah.account.id, acknowledgedAt: at('2026-11-22T09:14:00Z'), createdAt: at('2026-11-22T09:10:00Z') });
  await alerts.flush();
  return { elder, margaret, sarah, tom, circle, metformin, donepezil, openAlert };
}

/** 19:00 on Wednesday 25 November 2026 in London: the seeded family's "now". */
export const SEEDED_NOW = '2026-11-25T19:00:00Z';
