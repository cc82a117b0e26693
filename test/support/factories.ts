import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import type { Agent } from '../../src/agent/agent.ts';
import { DateTime } from 'luxon';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { DoseEvent } from '../../src/tasks/medicines/dose-event.entity.ts';
import { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { TaskBusyError } from '../../src/tasks/task-errors.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import type { App } from '../../src/app.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { Activity } from '../../src/tasks/family/activity.entity.ts';

/** Saves an elder with their own channel account; override any field. */
export async function anElder(orm: MikroORM, overrides: Partial<Pick<Elder, 'name' | 'timezone'>> & { channel?: ChannelAccount['channel'] } = {}): Promise<{ elder: Elder; account: ChannelAccount }> {
  const em = orm.em.fork();
  const elder = em.create(Elder, { id: randomUUID(), name: overrides.name ?? 'Margaret', timezone: overrides.timezone ?? 'Europe/London', locale: 'en-GB' });
  const userId = randomUUID();
  const account = em.create(ChannelAccount, {
    id: randomUUID(),
    channel: overrides.channel ?? 'telegram',
    externalUserId: userId,
    chatId: `chat-${userId}`,
    role: 'elder',
    elderId: elder.id,
    active: true,
  });
  await em.flush();
  return { elder, account };
}

/** An agent for tests that exercise the task path only; it must never be asked anything. */
export const unusedAgent: Agent = {
  respond: async () => {
    throw new Error('the agent should not be called in this test');
  },
};

/** Links a family member or caregiver (their own channel account) to an elder; `removed` or `inactive` make a link that must be ignored. */
export async function aFamilyMember(
  orm: MikroORM,
  elder: Elder,
  options: { role?: 'family' | 'caregiver'; channel?: ChannelAccount['channel']; removed?: boolean; inactive?: boolean; name?: string } = {},
): Promise<{ account: ChannelAccount; link: CaregiverLink }> {
  const em = orm.em.fork();
  const userId = randomUUID();
  const role = options.role ?? 'family';
  const account = em.create(ChannelAccount, {
    id: randomUUID(),
    channel: options.channel ?? 'telegram',
    externalUserId: userId,
    chatId: `chat-${userId}`,
    displayName: options.name ?? 'Sarah',
    role,
    elderId: null,
    active: !options.inactive,
  });
  const link = em.create(CaregiverLink, { id: randomUUID(), elderId: elder.id, accountId: account.id, role, createdAt: nextLinkTime(), removedAt: options.removed ? new Date('2026-01-01T00:00:00Z') : null });
  await em.flush();
  return { account, link };
}

let lastLinkTime = 0;
/**
 * Link times that strictly increase, so people linked one after another in a test are in that order:
 * family chats are listed by when they were linked, and two links made in the same millisecond would
 * otherwise be ordered by their random ids.
 */
export function nextLinkTime(): Date {
  lastLinkTime = Math.max(Date.now(), lastLinkTime + 1);
  return new Date(lastLinkTime);
}

/** Links a family group chat to an elder as their family circle. */
export async function aFamilyCircle(orm: MikroORM, elder: Elder, options: { channel?: ChannelAccount['channel'] } = {}): Promise<FamilyCircle> {
  const em = orm.em.fork();
  const circle = em.create(FamilyCircle, { id: randomUUID(), elderId: elder.id, channel: options.channel ?? 'telegram', groupChatId: `group-${randomUUID()}` });
  await em.flush();
  return circle;
}

/** Saves an active medication schedule in the elder's timezone; override any field. */
export async function aMedicationSchedule(
  orm: MikroORM,
  elder: Elder,
  overrides: Partial<Pick<MedicationSchedule, 'medicine' | 'dose' | 'times' | 'days' | 'startDate' | 'endDate' | 'notes' | 'status' | 'nextDoseAt' | 'pillCount'>> = {},
): Promise<MedicationSchedule> {
  const em = orm.em.fork();
  const schedule = em.create(MedicationSchedule, {
    id: randomUUID(),
    elderId: elder.id,
    taskId: null,
    medicine: 'Metformin',
    dose: '500mg',
    times: ['08:00', '20:00'],
    days: null,
    startDate: null,
    endDate: null,
    notes: null,
    timezone: elder.timezone,
    status: 'active',
    nextDoseAt: null,
    pillCount: null,
    ...overrides,
  });
  await em.flush();
  return schedule;
}

/** Saves a dose of a schedule that was reminded and waits for an answer. */
export async function aPendingDose(orm: MikroORM, schedule: MedicationSchedule, dueAt: Date, localTime: string): Promise<DoseEvent> {
  const em = orm.em.fork();
  const dose = em.create(DoseEvent, {
    id: randomUUID(),
    scheduleId: schedule.id,
    elderId: schedule.elderId,
    dueAt,
    localTime,
    status: 'pending',
    snoozes: 0,
    remindedAt: dueAt,
    escalatedAt: null,
    nextActionAt: new Date(dueAt.getTime() + 30 * 60_000),
    answeredAt: null,
  });
  await em.flush();
  return dose;
}

/** Saves a venue booked through the family; override any field. */
export async function aVenue(orm: MikroORM, overrides: Partial<Pick<Venue, 'name' | 'kind' | 'timezone' | 'provider' | 'phone'>> = {}): Promise<Venue> {
  const em = orm.em.fork();
  const venue = em.create(Venue, {
    id: randomUUID(),
    name: 'Olive Garden',
    kind: 'restaurant',
    address: null,
    phone: null,
    timezone: 'Europe/London',
    openingHours: {},
    capacityPerSlot: null,
    services: null,
    provider: 'family',
    partnerRef: null,
    ...overrides,
  });
  await em.flush();
  return venue;
}

/** Saves a booking of an elder at a venue for a local time in the elder's timezone; confirmed unless told otherwise. */
export async function aBooking(
  orm: MikroORM,
  elder: Elder,
  venue: Venue,
  localStart: string,
  overrides: Partial<Pick<Booking, 'status' | 'partySize' | 'service'>> = {},
): Promise<Booking> {
  const em = orm.em.fork();
  const startAt = DateTime.fromISO(localStart, { zone: elder.timezone }).toJSDate();
  const booking = em.create(Booking, {
    id: randomUUID(),
    elderId: elder.id,
    venueId: venue.id,
    taskId: null,
    service: null,
    partySize: 2,
    startAt,
    endAt: new Date(startAt.getTime() + 90 * 60_000),
    localStart,
    status: 'confirmed',
    reference: randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase(),
    providerRef: null,
    notes: null,
    ...overrides,
  });
  await em.flush();
  return booking;
}

/** Saves an active reminder for the elder at a local time, sent to their own chat. */
export async function aReminder(orm: MikroORM, elder: Elder, account: ChannelAccount, localAt: string, overrides: Partial<Pick<Reminder, 'text' | 'repeat' | 'status'>> = {}): Promise<Reminder> {
  const em = orm.em.fork();
  const reminder = em.create(Reminder, {
    id: randomUUID(),
    elderId: elder.id,
    taskId: null,
    text: 'call Sarah',
    localAt,
    timezone: elder.timezone,
    repeat: null,
    status: 'active',
    nextFireAt: DateTime.fromISO(localAt, { zone: elder.timezone }).toJSDate(),
    lastFiredAt: null,
    channel: account.channel,
    chatId: account.chatId,
    ...overrides,
  });
  await em.flush();
  return reminder;
}

/** Proposes a task for an elder as the assistant would, and answers Yes: the task is queued, ready for the runner. */
export async function aConfirmedTask(app: App, who: { elder: Elder; account: ChannelAccount }, kind: string, args: Record<string, unknown>): Promise<Task> {
  const task = await app.tasks.propose({ elder: who.elder, kind, args, requestedByAccountId: who.account.id, replyChannel: who.account.channel, replyChatId: who.account.chatId });
  if (!(await app.tasks.confirm(task.id))) throw new Error(`task ${task.id} could not be confirmed`);
  return task;
}

/**
 * Runs a queued task here, or, when a worker (in-process or BullMQ) took it first, waits for that run to
 * finish: either way its effects commit once. Returns the task's final status.
 */
export async function runTaskHere(app: App, taskId: string): Promise<Task['status']> {
  try {
    await app.runner.run(taskId);
  } catch (err) {
    if (!(err instanceof TaskBusyError)) throw err;
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const task = await app.orm.em.fork().findOneOrFail(Task, { id: taskId });
    if (task.status !== 'queued' && task.status !== 'running') return task.status;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${task.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The messages written to one chat's outbox, oldest first. */
export async function outboxTo(app: App, chatId: string): Promise<MessageLog[]> {
  return app.orm.em.fork().find(MessageLog, { chatId, direction: 'out' }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** Saves an open emergency alert for an elder, due to be repeated at `nextNotifyAt` (default: now). */
export async function anOpenAlert(orm: MikroORM, elder: Elder, options: { nextNotifyAt?: Date; description?: string; notifyCount?: number } = {}): Promise<Alert> {
  const em = orm.em.fork();
  const alert = em.create(Alert, {
    id: randomUUID(),
    elderId: elder.id,
    taskId: null,
    description: options.description ?? 'fell in the kitchen',
    status: 'open',
    nextNotifyAt: options.nextNotifyAt ?? new Date(),
    notifyCount: options.notifyCount ?? 1,
    acknowledgedByAccountId: null,
    acknowledgedAt: null,
  });
  await em.flush();
  return alert;
}

/** Saves an activity the elder shared, at `createdAt`. */
export async function anActivity(orm: MikroORM, elder: Elder, createdAt: Date, text = 'a walk in the park'): Promise<Activity> {
  const em = orm.em.fork();
  const activity = em.create(Activity, { id: randomUUID(), elderId: elder.id, taskId: null, text, photoRef: null, createdAt });
  await em.flush();
  return activity;
}
