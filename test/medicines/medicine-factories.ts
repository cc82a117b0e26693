import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { App } from '../../src/app.ts';
import type { TestStorage } from '../support/test-app.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { firstDoseFrom } from '../../src/tasks/medicines/dose-schedule.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { BullDeliveryQueue, queueSettings } from '../../src/workers/bullmq-queues.ts';
import type { DeliveryQueue } from '../../src/messaging/outbox.ts';
import type { Actor } from '../../src/tasks/button-actions.ts';
import { nextLinkTime } from '../support/factories.ts';

/** Saves a medication schedule for an elder, its next dose the first one from `from`; override any field. */
export async function aSchedule(
  orm: MikroORM,
  elder: Elder,
  from: Date,
  overrides: Partial<Pick<MedicationSchedule, 'medicine' | 'dose' | 'times' | 'days' | 'startDate' | 'endDate' | 'pillCount'>> = {},
): Promise<MedicationSchedule> {
  const em = orm.em.fork();
  const timetable = { times: ['08:00'], days: null, startDate: null, endDate: null, ...overrides, timezone: elder.timezone };
  const schedule = em.create(MedicationSchedule, {
    id: randomUUID(),
    elderId: elder.id,
    medicine: 'Metformin',
    dose: '500mg',
    status: 'active',
    pillCount: null,
    ...overrides,
    ...timetable,
    nextDoseAt: firstDoseFrom(timetable, from)?.dueAt ?? null,
  });
  await em.flush();
  return schedule;
}

/** Links a family member (own private chat) to an elder; with `group`, also gives the elder a family group chat. */
export async function aFamilyMember(orm: MikroORM, elder: Elder, options: { name?: string; role?: 'family' | 'caregiver'; group?: boolean } = {}): Promise<{ account: ChannelAccount; groupChatId: string | null }> {
  const em = orm.em.fork();
  const userId = randomUUID();
  const account = em.create(ChannelAccount, {
    id: randomUUID(),
    channel: 'telegram',
    externalUserId: userId,
    chatId: `chat-${userId}`,
    displayName: options.name ?? 'Sarah',
    role: options.role ?? 'family',
    elderId: null,
    active: true,
  });
  em.create(CaregiverLink, { id: randomUUID(), elderId: elder.id, accountId: account.id, role: options.role ?? 'family', createdAt: nextLinkTime() });
  let groupChatId: string | null = null;
  if (options.group) {
    groupChatId = `group-${elder.id}`;
    if (!(await em.findOne(FamilyCircle, { elderId: elder.id }))) em.create(FamilyCircle, { id: randomUUID(), elderId: elder.id, channel: 'telegram', groupChatId });
  }
  await em.flush();
  return { account, groupChatId };
}

/** A button press in a private chat (or the family group). */
export function actorOf(account: ChannelAccount, elder: Elder | null, chat?: { chatId: string; chatType: 'private' | 'group' }): Actor {
  return { account, elder, chat: { channel: account.channel, chatId: chat?.chatId ?? account.chatId, chatType: chat?.chatType ?? 'private' } };
}

/**
 * The delivery queue the app's own senders read: the in-process executor when embedded, the BullMQ outbound
 * queues (same Redis prefix as the app's delivery workers) at scale.
 */
export function appDelivery(app: App, storage: TestStorage): DeliveryQueue & { close(): Promise<void> } {
  if (app.executor) {
    const executor = app.executor;
    return { enqueueDeliveries: () => executor.enqueueDeliveries(), close: async () => undefined };
  }
  const bull = new BullDeliveryQueue(queueSettings(storage.config.REDIS_URL!, storage.config.REDIS_PREFIX));
  return { enqueueDeliveries: (rows) => bull.enqueueDeliveries(rows), close: () => bull.close() };
}

/** An instant from an ISO string. */
export const at = (iso: string): Date => new Date(iso);

/** Saves a dose of a schedule in a given state (answered or still pending), due at `dueAt`. */
export async function aDose(orm: MikroORM, schedule: MedicationSchedule, dueAt: Date, localTime: string, status: DoseEvent['status']): Promise<DoseEvent> {
  const em = orm.em.fork();
  const dose = em.create(DoseEvent, {
    id: randomUUID(),
    scheduleId: schedule.id,
    elderId: schedule.elderId,
    dueAt,
    localTime,
    status,
    snoozes: 0,
    remindedAt: null,
    escalatedAt: null,
    nextActionAt: null,
    answeredAt: status === 'pending' || status === 'missed' ? null : dueAt,
  });
  await em.flush();
  return dose;
}
