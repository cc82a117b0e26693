import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { InviteAttempt } from './invite-attempt.entity.ts';

/** How many wrong invite codes a scope may try within a window before it is refused without checking. */
export interface AttemptLimit {
  max: number;
  windowMinutes: number;
}

/** The limits for wrong codes: per sender account, per group chat, and per elder whose code was tried. */
export interface InviteAttemptLimits {
  account: AttemptLimit;
  chat: AttemptLimit;
  elder: AttemptLimit;
}

/** Five wrong codes per person or group in 15 minutes; twenty against one elder's codes in an hour. */
export const DEFAULT_ATTEMPT_LIMITS: InviteAttemptLimits = {
  account: { max: 5, windowMinutes: 15 },
  chat: { max: 5, windowMinutes: 15 },
  elder: { max: 20, windowMinutes: 60 },
};

/** A counted scope: which limit applies and its hashed key. */
export interface AttemptScope {
  limit: keyof InviteAttemptLimits;
  key: string;
}

const hashScope = (key: string): string => createHash('sha256').update(key).digest('hex');

/** The scope of a person on a channel (counted before they have an account, so by channel identity). */
export const accountScope = (channel: string, userId: string): AttemptScope => ({ limit: 'account', key: hashScope(`account:${channel}:${userId}`) });
/** The scope of a group chat. */
export const chatScope = (channel: string, chatId: string): AttemptScope => ({ limit: 'chat', key: hashScope(`chat:${channel}:${chatId}`) });
/** The scope of an elder whose (used or expired) code was tried. */
export const elderScope = (elderId: string): AttemptScope => ({ limit: 'elder', key: hashScope(`elder:${elderId}`) });

/** True when any of the scopes has used up its wrong attempts in its window. One count query per scope. */
export async function isRateLimited(em: EntityManager, scopes: AttemptScope[], limits: InviteAttemptLimits, now: Date): Promise<boolean> {
  for (const scope of scopes) {
    const limit = limits[scope.limit];
    const since = new Date(now.getTime() - limit.windowMinutes * 60_000);
    if ((await em.count(InviteAttempt, { scope: scope.key, attemptedAt: { $gt: since } })) >= limit.max) return true;
  }
  return false;
}

/** Records one wrong code against each scope. */
export async function recordWrongAttempt(em: EntityManager, scopes: AttemptScope[], now: Date): Promise<void> {
  for (const scope of scopes) em.create(InviteAttempt, { id: randomUUID(), scope: scope.key, attemptedAt: now });
  await em.flush();
}

/** Deletes attempts older than a day (longer than any window); run by a sweep. Returns how many went. */
export async function pruneInviteAttempts(em: EntityManager, now: Date): Promise<number> {
  return em.nativeDelete(InviteAttempt, { attemptedAt: { $lt: new Date(now.getTime() - 24 * 3_600_000) } });
}
