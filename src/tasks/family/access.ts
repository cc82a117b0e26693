import type { EntityManager } from '@mikro-orm/core';
import { ChannelAccount, type Role } from '../elders/channel-account.entity.ts';
import { CaregiverLink } from './caregiver-link.entity.ts';
import type { ActionReply } from '../button-actions.ts';

/** Who may see an elder's records and be told about them: the elder, their family and caregivers. */
export const CAN_SEE: readonly Role[] = ['elder', 'family', 'caregiver'];
/** Who may change things for an elder (medicines, bookings, venues, settings, invites, members). */
export const CAN_MANAGE: readonly Role[] = ['elder', 'caregiver'];
/** The people linked to an elder, not the elder themself: they answer alerts. */
export const LINKED_ONLY: readonly Role[] = ['family', 'caregiver'];

/** What a refused request is told, the same for every refusal so it reveals nothing about the elder. */
export const NOT_LINKED_REPLY = "Sorry, I can't help with that: you are not linked to that person.";

/** The actor is not linked to the elder with a role that allows this; nothing was read or changed. */
export class NotLinkedError extends Error {
  override name = 'NotLinkedError';
  readonly accountId: string;
  readonly elderId: string;

  constructor(accountId: string, elderId: string) {
    super(`account ${accountId} may not act for elder ${elderId}`);
    this.accountId = accountId;
    this.elderId = elderId;
  }
}

/** What `orNotLinked` gives back when the actor was not linked (NotLinkedError): nothing was read or changed. */
export const NOT_LINKED: unique symbol = Symbol('not linked');

/** `work`'s value, or NOT_LINKED when it refused because the actor is not linked; any other error is rethrown. */
export async function orNotLinked<T>(work: () => Promise<T>): Promise<T | typeof NOT_LINKED> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NotLinkedError) return NOT_LINKED;
    throw err;
  }
}

/** `work`'s replies, or the not-linked reply when it refused because the actor is not linked. */
export async function repliesUnlessNotLinked(work: () => Promise<ActionReply[]>): Promise<ActionReply[]> {
  const replies = await orNotLinked(work);
  return replies === NOT_LINKED ? [{ text: NOT_LINKED_REPLY }] : replies;
}

/** The role an account holds for an elder now: 'elder' for their own active account, or an active link's role. */
export async function roleFor(em: EntityManager, accountId: string, elderId: string): Promise<Role | null> {
  const account = await em.findOne(ChannelAccount, { id: accountId, active: true });
  if (!account) return null;
  if (account.role === 'elder' && account.elderId === elderId) return 'elder';
  const link = await em.findOne(CaregiverLink, { elderId, accountId, removedAt: null });
  return link?.role ?? null;
}

/**
 * Checks that the actor may act for the elder with one of `roles`, and returns the role they hold.
 * Every family service calls this before reading or changing anything; throws NotLinkedError otherwise
 * (strangers, other families' members, removed caregivers, deactivated accounts).
 */
export async function requireLink(em: EntityManager, actorAccountId: string, elderId: string, roles: readonly Role[]): Promise<Role> {
  const role = await roleFor(em, actorAccountId, elderId);
  if (!role || !roles.includes(role)) throw new NotLinkedError(actorAccountId, elderId);
  return role;
}

/** The elders an account is actively linked to (not its own elder record), with the role for each. */
export async function activeLinksOf(em: EntityManager, accountId: string): Promise<CaregiverLink[]> {
  return em.find(CaregiverLink, { accountId, removedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}
