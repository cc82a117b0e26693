import { z } from 'zod';
import { LockMode, type EntityManager, type MikroORM } from '@mikro-orm/core';
import { FamilyCircle } from './family-circle.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { CAN_SEE, NotLinkedError, requireLink } from './access.ts';

/**
 * The dose events a family can choose to hear about at once. The "hasn't confirmed" alert for an unanswered
 * dose, and the answer that follows it, are not among them: they always reach the family.
 */
export const DOSE_NOTICES = ['taken', 'skipped', 'missed'] as const;

/** One dose event a family can switch on or off. */
export type DoseNotice = (typeof DOSE_NOTICES)[number];

/** What a family chose, as stored on the family circle: a missing key means the default. */
export const doseNoticeChoices = z.object({ taken: z.boolean(), skipped: z.boolean(), missed: z.boolean() }).partial();

/** What a family chose, as stored. */
export type DoseNoticeChoices = z.infer<typeof doseNoticeChoices>;

/** Whether the family is told at once about each dose event. */
export type DoseNoticeSettings = Record<DoseNotice, boolean>;

/**
 * What a family hears before choosing: not every dose taken (several a day would bury the alerts that
 * matter, and the evening summary shows them), but a skipped dose (the elder decided against a medicine)
 * and a missed one (nobody answered, or the reminder could not be sent in time).
 */
export const DEFAULT_DOSE_NOTICES: Readonly<DoseNoticeSettings> = Object.freeze({ taken: false, skipped: true, missed: true });

/** The settings a stored value stands for: the family's choices over the defaults; an unreadable value is the defaults. */
export function doseNoticeSettings(stored: unknown): DoseNoticeSettings {
  const parsed = doseNoticeChoices.safeParse(stored ?? {});
  return { ...DEFAULT_DOSE_NOTICES, ...(parsed.success ? parsed.data : {}) };
}

/** The dose-notice settings of one elder's family (the defaults when no family circle is linked). */
export async function doseNoticesFor(em: EntityManager, elderId: string): Promise<DoseNoticeSettings> {
  const circle = await em.findOne(FamilyCircle, { elderId }, { fields: ['id', 'doseNotices'] });
  return doseNoticeSettings(circle?.doseNotices);
}

/** The dose-notice settings of many elders' families in one query; every elder asked about has an entry. */
export async function doseNoticesOf(em: EntityManager, elderIds: string[]): Promise<Map<string, DoseNoticeSettings>> {
  const ids = [...new Set(elderIds)];
  const settings = new Map<string, DoseNoticeSettings>(ids.map((id) => [id, { ...DEFAULT_DOSE_NOTICES }]));
  if (ids.length === 0) return settings;
  const circles = await em.find(FamilyCircle, { elderId: { $in: ids } }, { fields: ['id', 'elderId', 'doseNotices'] });
  for (const c of circles) settings.set(c.elderId, doseNoticeSettings(c.doseNotices));
  return settings;
}

/** A family circle's settings, with the elder they are about. */
export interface CircleDoseNotices {
  circleId: string;
  elder: Elder;
  settings: DoseNoticeSettings;
}

/**
 * The settings of the family circle of a group chat, for someone who may see the elder's records (the elder,
 * a family member or a caregiver with an active link and an active account). Null when the chat is no
 * family circle; throws NotLinkedError for anyone else.
 */
export async function circleDoseNotices(orm: MikroORM, request: { actorAccountId: string; channel: FamilyCircle['channel']; chatId: string }): Promise<CircleDoseNotices | null> {
  const em = orm.em.fork();
  const circle = await em.findOne(FamilyCircle, { channel: request.channel, groupChatId: request.chatId });
  if (!circle) return null;
  await requireLink(em, request.actorAccountId, circle.elderId, CAN_SEE);
  const elder = await em.findOne(Elder, { id: circle.elderId });
  if (!elder) throw new NotLinkedError(request.actorAccountId, circle.elderId);
  return { circleId: circle.id, elder, settings: doseNoticeSettings(circle.doseNotices) };
}

/**
 * Switches one dose event on or off for a family circle, for the same people who may see it. Setting a value
 * (not toggling) makes a double press harmless; the row is locked while it is read and written so two people
 * changing different events at once both keep their change. `changed` is false when it was already so.
 */
export async function setDoseNotice(
  orm: MikroORM,
  request: { actorAccountId: string; circleId: string; notice: DoseNotice; on: boolean },
): Promise<CircleDoseNotices & { changed: boolean }> {
  return orm.em.fork().transactional(async (tx: EntityManager) => {
    const circle = await tx.findOne(FamilyCircle, { id: request.circleId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!circle) throw new NotLinkedError(request.actorAccountId, 'unknown');
    await requireLink(tx, request.actorAccountId, circle.elderId, CAN_SEE);
    const elder = await tx.findOne(Elder, { id: circle.elderId });
    if (!elder) throw new NotLinkedError(request.actorAccountId, circle.elderId);
    const before = doseNoticeSettings(circle.doseNotices);
    const settings = { ...before, [request.notice]: request.on };
    if (before[request.notice] === request.on) return { circleId: circle.id, elder, settings, changed: false };
    const stored = doseNoticeChoices.safeParse(circle.doseNotices ?? {});
    circle.doseNotices = { ...(stored.success ? stored.data : {}), [request.notice]: request.on };
    return { circleId: circle.id, elder, settings, changed: true };
  });
}
