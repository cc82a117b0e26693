import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/core';
import { FamilyCircle } from './family-circle.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { CAN_SEE, NotLinkedError, requireLink } from './access.ts';

/** When the family's digests go out unless the deployment or the family says otherwise: 8 pm the elder's time. */
export const DEFAULT_SUMMARY_TIME = '20:00';

/** The stored value of a family that stopped its daily summary and Sunday chart. */
export const SUMMARY_OFF = 'off';

/** What a family circle may store as its summary time: an elder-local 'HH:mm', or 'off'. */
export const summaryTimeChoice = z.union([z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/), z.literal(SUMMARY_OFF)]);

/** A family's choice: an elder-local 'HH:mm', 'off', or null for the deployment's default time. */
export type SummaryTimeChoice = z.infer<typeof summaryTimeChoice> | null;

/** A family circle's summary time, with the elder it is about. */
export interface CircleSummaryTime {
  circleId: string;
  elder: Elder;
  /** As stored: null means the deployment's default time. */
  choice: SummaryTimeChoice;
}

/** The choice a stored value stands for; an unreadable value is the default (null). */
export function readSummaryTime(stored: unknown): SummaryTimeChoice {
  const parsed = summaryTimeChoice.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/**
 * The summary time of the family circle of a group chat, for someone who may see the elder's records (the
 * elder, or a person with an active link and an active account). Null when the chat is no family circle;
 * throws NotLinkedError for anyone else.
 */
export async function circleSummaryTime(orm: MikroORM, request: { actorAccountId: string; channel: FamilyCircle['channel']; chatId: string }): Promise<CircleSummaryTime | null> {
  const em = orm.em.fork();
  const circle = await em.findOne(FamilyCircle, { channel: request.channel, groupChatId: request.chatId });
  if (!circle) return null;
  await requireLink(em, request.actorAccountId, circle.elderId, CAN_SEE);
  const elder = await em.findOne(Elder, { id: circle.elderId });
  if (!elder) throw new NotLinkedError(request.actorAccountId, circle.elderId);
  return { circleId: circle.id, elder, choice: readSummaryTime(circle.summaryTime) };
}

/**
 * Sets a family circle's summary time, for the same people who may see it. Setting a value (not toggling)
 * makes a second press harmless; `changed` is false when it was already so.
 */
export async function setSummaryTime(orm: MikroORM, request: { actorAccountId: string; circleId: string; choice: SummaryTimeChoice }): Promise<CircleSummaryTime & { changed: boolean }> {
  const choice = request.choice === null ? null : summaryTimeChoice.parse(request.choice);
  const em = orm.em.fork();
  const circle = await em.findOne(FamilyCircle, { id: request.circleId });
  if (!circle) throw new NotLinkedError(request.actorAccountId, 'unknown');
  await requireLink(em, request.actorAccountId, circle.elderId, CAN_SEE);
  const elder = await em.findOne(Elder, { id: circle.elderId });
  if (!elder) throw new NotLinkedError(request.actorAccountId, circle.elderId);
  const before = readSummaryTime(circle.summaryTime);
  if (before === choice) return { circleId: circle.id, elder, choice, changed: false };
  await em.nativeUpdate(FamilyCircle, { id: circle.id }, { summaryTime: choice });
  return { circleId: circle.id, elder, choice, changed: true };
}
