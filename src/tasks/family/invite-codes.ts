import { createHash, createHmac, randomInt, randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ChannelAccount, type ChannelName } from '../elders/channel-account.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { InviteCode } from './invite-code.entity.ts';
import { CaregiverLink, type LINK_ROLES } from './caregiver-link.entity.ts';
import { FamilyCircle } from './family-circle.entity.ts';
import { ElderChoice } from './elder-choice.entity.ts';
import { Task } from '../task.entity.ts';
import { MessageLog } from '../../messaging/message-log.entity.ts';
import { CAN_MANAGE, requireLink } from './access.ts';
import { accountScope, chatScope, elderScope, isRateLimited, recordWrongAttempt, type AttemptScope, type InviteAttemptLimits } from './invite-attempts.ts';

/** The role an invite code gives: family (sees and is told) or caregiver (also manages). */
export type LinkRole = (typeof LINK_ROLES)[number];

/** Symbols a person can read aloud and type without mixing them up: no 0/O, 1/l/I, and no U. */
export const INVITE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Random symbols per code: 30^9 ≈ 2^44, above the 40 bits asked for. */
export const INVITE_SYMBOLS = 9;
const ROLE_WORD: Record<LinkRole, string> = { family: 'FAMILY', caregiver: 'CAREGIVER' };

/** How invite codes are made and checked. */
export interface InviteSettings {
  ttlHours: number;
  limits: InviteAttemptLimits;
  /** A server secret mixed into the hash, so a leaked table cannot be searched offline. */
  pepper?: string;
}

/** The code as shown: the role word, then the random part in threes ("FAMILY-K7M-Q2X-PRT"). */
export function formatInviteCode(role: LinkRole, secret: string): string {
  return `${ROLE_WORD[role]}-${secret.slice(0, 3)}-${secret.slice(3, 6)}-${secret.slice(6)}`;
}

/** The random part of a typed code (any case, spaces or dashes, with or without the role word), or null. */
export function normaliseInviteCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/^(?:FAMILY|CAREGIVER|CARER)/, '');
  if (compact.length !== INVITE_SYMBOLS) return null;
  return [...compact].every((c) => INVITE_ALPHABET.includes(c)) ? compact : null;
}

/** The stored form of a code's random part. */
export function hashInviteCode(secret: string, pepper?: string): string {
  return pepper ? createHmac('sha256', pepper).update(secret).digest('hex') : createHash('sha256').update(secret).digest('hex');
}

/** A new random part, uniformly from the alphabet. */
export function randomInviteSecret(): string {
  let s = '';
  for (let i = 0; i < INVITE_SYMBOLS; i++) s += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
  return s;
}

/** A code the elder or a caregiver asked for: shown once, stored only as a hash. */
export interface IssuedInvite {
  code: string;
  role: LinkRole;
  expiresAt: Date;
  elderName: string;
}

/** Makes a single-use code for the elder; only the elder and their caregivers may (NotLinkedError otherwise). */
export async function createInviteCode(
  orm: MikroORM,
  request: { actorAccountId: string; elderId: string; role: LinkRole; now: Date },
  settings: InviteSettings,
): Promise<IssuedInvite> {
  const em = orm.em.fork();
  await requireLink(em, request.actorAccountId, request.elderId, CAN_MANAGE);
  const elder = await em.findOneOrFail(Elder, { id: request.elderId });
  const secret = randomInviteSecret();
  const expiresAt = new Date(request.now.getTime() + settings.ttlHours * 3_600_000);
  em.create(InviteCode, {
    id: randomUUID(),
    elderId: request.elderId,
    codeHash: hashInviteCode(secret, settings.pepper),
    role: request.role,
    createdByAccountId: request.actorAccountId,
    expiresAt,
    usedAt: null,
    usedByAccountId: null,
    createdAt: request.now,
  });
  await em.flush();
  return { code: formatInviteCode(request.role, secret), role: request.role, expiresAt, elderName: elder.name };
}

/** Who is redeeming, as the channel knows them, and whether they join privately or link a group. */
export interface Redemption {
  code: string;
  channel: ChannelName;
  userId: string;
  chatId: string;
  chatType: 'private' | 'group';
  displayName?: string;
  purpose: 'join' | 'link';
  now: Date;
}

/** What came of a redemption. `wrong` covers unknown, used and expired codes alike: it reveals nothing. */
export type RedemptionResult =
  | { kind: 'joined'; elderId: string; elderName: string; role: LinkRole | 'elder'; accountId: string }
  | { kind: 'already'; elderName: string }
  | { kind: 'own_code' }
  | { kind: 'group_taken' }
  | { kind: 'wrong' }
  | { kind: 'rate_limited' };

const rank = (role: LinkRole | null | undefined): number => (role === 'caregiver' ? 2 : role === 'family' ? 1 : 0);

class CodeGoneError extends Error {
  override name = 'CodeGoneError';
}

/**
 * Redeems an invite code: links the sender to the elder with the code's role (and, for `link`, makes the
 * group the elder's family circle). Wrong codes are counted per account, group and elder and refused once
 * a limit is reached. The code is consumed by a conditional update on `used_at`, in the same transaction
 * as the link, so two people racing for one code get one link.
 */
export async function redeemInviteCode(orm: MikroORM, r: Redemption, settings: InviteSettings): Promise<RedemptionResult> {
  const em = orm.em.fork();
  const scopes: AttemptScope[] = [accountScope(r.channel, r.userId), ...(r.chatType === 'group' ? [chatScope(r.channel, r.chatId)] : [])];
  if (await isRateLimited(em, scopes, settings.limits, r.now)) return { kind: 'rate_limited' };
  const secret = normaliseInviteCode(r.code);
  const invite = secret ? await em.findOne(InviteCode, { codeHash: hashInviteCode(secret, settings.pepper) }) : null;
  if (!invite || invite.usedAt || invite.expiresAt.getTime() <= r.now.getTime()) {
    await recordWrongAttempt(em, invite ? [...scopes, elderScope(invite.elderId)] : scopes, r.now);
    return { kind: 'wrong' };
  }
  if (await isRateLimited(em, [elderScope(invite.elderId)], settings.limits, r.now)) return { kind: 'rate_limited' };
  for (let attempt = 0; ; attempt++) {
    try {
      return await orm.em.fork().transactional((tx) => redeemIn(tx, invite, r));
    } catch (err) {
      if (err instanceof CodeGoneError) {
        await recordWrongAttempt(em, [...scopes, elderScope(invite.elderId)], r.now);
        return { kind: 'wrong' };
      }
      // A concurrent first message created the same account or circle: once more sees the winner's row.
      if (err instanceof UniqueConstraintViolationException && attempt === 0) continue;
      throw err;
    }
  }
}

/**
 * True when an elder record holds nothing of its own: no task ever asked for (every reminder, medicine,
 * booking, activity and alert comes from one), nobody linked, no family group, no invite code made.
 */
async function isUnusedElder(tx: EntityManager, elderId: string): Promise<boolean> {
  // One after another: the transaction has one connection.
  return (
    (await tx.count(Task, { elderId })) === 0 &&
    (await tx.count(CaregiverLink, { elderId })) === 0 &&
    (await tx.count(FamilyCircle, { elderId })) === 0 &&
    (await tx.count(InviteCode, { elderId })) === 0
  );
}

async function redeemIn(tx: EntityManager, invite: InviteCode, r: Redemption): Promise<RedemptionResult> {
  const elder = await tx.findOneOrFail(Elder, { id: invite.elderId });
  let account = await tx.findOne(ChannelAccount, { channel: r.channel, externalUserId: r.userId });
  const isElder = account?.role === 'elder' && account.elderId === elder.id;
  const link = account ? await tx.findOne(CaregiverLink, { elderId: elder.id, accountId: account.id }) : null;
  const activeRole = link && !link.removedAt ? link.role : null;
  const linkedEnough = isElder || rank(activeRole) >= rank(invite.role);
  if (r.purpose === 'join') {
    if (isElder) return { kind: 'own_code' };
    if (linkedEnough) return { kind: 'already', elderName: elder.name };
  } else {
    const circle = await tx.findOne(FamilyCircle, { channel: r.channel, groupChatId: r.chatId });
    if (circle && circle.elderId !== elder.id) return { kind: 'group_taken' };
    if (circle && linkedEnough) return { kind: 'already', elderName: elder.name };
  }
  if (account?.role === 'elder' && account.elderId && !isElder && (await isUnusedElder(tx, account.elderId))) {
    // She pressed Start before typing her code (Telegram asks everyone to), which registered her as an elder
    // with nothing of her own yet. The code says who she is: her account becomes the code's role, and the
    // empty elder record goes (its few logged messages keep their text, without an elder).
    const unused = account.elderId;
    account.role = invite.role;
    account.elderId = null;
    await tx.flush();
    await tx.nativeUpdate(MessageLog, { elderId: unused }, { elderId: null });
    await tx.nativeDelete(ElderChoice, { elderId: unused });
    await tx.nativeDelete(Elder, { id: unused });
  }
  if (!account) {
    account = tx.create(ChannelAccount, {
      id: randomUUID(),
      channel: r.channel,
      externalUserId: r.userId,
      // Seen first in a group, a person's private chat is their user id on Telegram and WhatsApp.
      chatId: r.chatType === 'private' ? r.chatId : r.userId,
      displayName: r.displayName ?? null,
      role: invite.role,
      elderId: null,
      active: true,
    });
  }
  const won = await tx.nativeUpdate(InviteCode, { id: invite.id, usedAt: null, expiresAt: { $gt: r.now } }, { usedAt: r.now, usedByAccountId: account.id });
  if (won !== 1) throw new CodeGoneError('invite code used by someone else');
  // A caregiver who redeems a family code stays a caregiver.
  const role: LinkRole = activeRole && rank(activeRole) > rank(invite.role) ? activeRole : invite.role;
  if (!isElder) {
    if (link) {
      link.role = role;
      link.removedAt = null;
    } else {
      tx.create(CaregiverLink, { id: randomUUID(), elderId: elder.id, accountId: account.id, role, createdAt: r.now, removedAt: null });
    }
    const choice = await tx.findOne(ElderChoice, { accountId: account.id, elderId: elder.id });
    if (choice) choice.chosenAt = r.now;
    else tx.create(ElderChoice, { id: randomUUID(), accountId: account.id, elderId: elder.id, nickname: null, chosenAt: r.now });
  }
  if (r.purpose === 'link') {
    const current = await tx.findOne(FamilyCircle, { elderId: elder.id });
    if (current) {
      current.channel = r.channel;
      current.groupChatId = r.chatId;
    } else {
      tx.create(FamilyCircle, { id: randomUUID(), elderId: elder.id, channel: r.channel, groupChatId: r.chatId, createdAt: r.now });
    }
  }
  return { kind: 'joined', elderId: elder.id, elderName: elder.name, role: isElder ? 'elder' : role, accountId: account.id };
}
