import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { Elder } from '../elders/elder.entity.ts';
import { ChannelAccount, type Role } from '../elders/channel-account.entity.ts';
import { CaregiverLink } from './caregiver-link.entity.ts';
import { FamilyCircle } from './family-circle.entity.ts';
import type { Actor } from '../button-actions.ts';
import { ElderChoice } from './elder-choice.entity.ts';
import { CAN_MANAGE, CAN_SEE, activeLinksOf, requireLink, roleFor } from './access.ts';
import type { LinkRole } from './invite-codes.ts';

/** An elder a family member or caregiver is linked to, with what they call them and when they last chose them. */
export interface LinkedElder {
  elder: Elder;
  /** 'elder' when the actor is the elder themself; null for a group member who is not linked. */
  role: Role | null;
  nickname: string | null;
  chosenAt: Date | null;
}

/** Which elder a family member's message is about. */
export type ElderResolution = { kind: 'one'; linked: LinkedElder } | { kind: 'ask'; options: LinkedElder[] } | { kind: 'none' };

/** The elders an account is actively linked to, oldest link first (three queries whatever the count). */
export async function linkedEldersOf(em: EntityManager, accountId: string): Promise<LinkedElder[]> {
  const links = await activeLinksOf(em, accountId);
  if (links.length === 0) return [];
  const ids = links.map((l) => l.elderId);
  const elders = new Map((await em.find(Elder, { id: { $in: ids } })).map((e) => [e.id, e]));
  const choices = new Map((await em.find(ElderChoice, { accountId, elderId: { $in: ids } })).map((c) => [c.elderId, c]));
  return links.flatMap((l) => {
    const elder = elders.get(l.elderId);
    const choice = choices.get(l.elderId);
    return elder ? [{ elder, role: l.role, nickname: choice?.nickname ?? null, chosenAt: choice?.chosenAt ?? null }] : [];
  });
}

const words = (text: string): Set<string> => new Set(text.toLowerCase().match(/[\p{L}']+/gu) ?? []);
const firstName = (name: string): string => name.trim().split(/\s+/)[0]!.toLowerCase();

/** The elders whose name or nickname the text says ("did Mum…", "has Margaret…"). */
export function mentionedElders(linked: LinkedElder[], text: string): LinkedElder[] {
  const said = words(text);
  return linked.filter((l) => said.has(firstName(l.elder.name)) || (l.nickname !== null && said.has(l.nickname.toLowerCase())));
}

/** Picks the elder a message is about: one it names, else the last chosen, else the only one; otherwise ask. */
export function pickElder(linked: LinkedElder[], text: string): ElderResolution {
  if (linked.length === 0) return { kind: 'none' };
  const named = mentionedElders(linked, text);
  if (named.length === 1) return { kind: 'one', linked: named[0]! };
  const chosen = [...linked].filter((l) => l.chosenAt).sort((a, b) => b.chosenAt!.getTime() - a.chosenAt!.getTime())[0];
  if (chosen) return { kind: 'one', linked: chosen };
  if (linked.length === 1) return { kind: 'one', linked: linked[0]! };
  return { kind: 'ask', options: linked };
}

/**
 * The elder an actor's message is about: a group's is the elder whose family circle it is; an elder's own
 * account is about themself; a family member's is picked from their links. Says nothing about permission:
 * the services check the link.
 */
export async function elderForActor(orm: MikroORM, actor: Actor, text = ''): Promise<ElderResolution> {
  const em = orm.em.fork();
  if (actor.chat.chatType === 'group') {
    const circle = await em.findOne(FamilyCircle, { channel: actor.chat.channel, groupChatId: actor.chat.chatId });
    const elder = circle ? await em.findOne(Elder, { id: circle.elderId }) : null;
    return elder ? { kind: 'one', linked: { elder, role: await roleFor(em, actor.account.id, elder.id), nickname: null, chosenAt: null } } : { kind: 'none' };
  }
  if (actor.account.role === 'elder' && actor.elder && actor.account.elderId === actor.elder.id) {
    return { kind: 'one', linked: { elder: actor.elder, role: 'elder', nickname: null, chosenAt: null } };
  }
  return pickElder(await linkedEldersOf(em, actor.account.id), text);
}

/** Makes an elder the one a member's private questions are about, remembering what they call them. */
export async function chooseElder(orm: MikroORM, request: { actorAccountId: string; elderId: string; nickname?: string; now: Date }): Promise<Elder> {
  const em = orm.em.fork();
  await requireLink(em, request.actorAccountId, request.elderId, CAN_SEE);
  const elder = await em.findOneOrFail(Elder, { id: request.elderId });
  const nickname = request.nickname?.trim().slice(0, 40) || undefined;
  // The latest choice wins, so two choices within the same instant still keep their order.
  const latest = await em.findOne(ElderChoice, { accountId: request.actorAccountId, chosenAt: { $ne: null } }, { orderBy: { chosenAt: 'desc' } });
  const chosenAt = latest?.chosenAt && latest.chosenAt >= request.now ? new Date(latest.chosenAt.getTime() + 1) : request.now;
  const choice = await em.findOne(ElderChoice, { accountId: request.actorAccountId, elderId: request.elderId });
  if (choice) {
    choice.chosenAt = chosenAt;
    if (nickname && nickname.toLowerCase() !== firstName(elder.name)) choice.nickname = nickname;
  } else {
    em.create(ElderChoice, { id: randomUUID(), accountId: request.actorAccountId, elderId: request.elderId, nickname: nickname ?? null, chosenAt });
  }
  await em.flush();
  return elder;
}

/** A person in an elder's family circle, as the elder and caregivers see them. */
export interface Member {
  linkId: string;
  accountId: string;
  name: string;
  role: LinkRole;
  chatId: string;
  channel: ChannelAccount['channel'];
}

/** The people actively linked to an elder; anyone linked (or the elder) may see who they are. */
export async function listMembers(orm: MikroORM, request: { actorAccountId: string; elderId: string }): Promise<Member[]> {
  const em = orm.em.fork();
  await requireLink(em, request.actorAccountId, request.elderId, CAN_SEE);
  return membersOf(em, request.elderId);
}

/** The active members of an elder's circle with their private chats (one query for links, one for accounts). */
export async function membersOf(em: EntityManager, elderId: string): Promise<Member[]> {
  const links = await em.find(CaregiverLink, { elderId, removedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (links.length === 0) return [];
  const accounts = new Map((await em.find(ChannelAccount, { id: { $in: links.map((l) => l.accountId) }, active: true })).map((a) => [a.id, a]));
  return links.flatMap((l) => {
    const a = accounts.get(l.accountId);
    return a ? [{ linkId: l.id, accountId: a.id, name: a.displayName ?? 'A family member', role: l.role, chatId: a.chatId, channel: a.channel }] : [];
  });
}

/** What came of asking to remove someone. */
export type RemovalResult = { kind: 'removed'; member: Member } | { kind: 'not_found'; members: Member[] } | { kind: 'ambiguous'; matches: Member[] } | { kind: 'not_allowed' };

/**
 * Removes a member from an elder's circle (the link keeps its row, with `removedAt`). The elder may remove
 * anyone; a caregiver may remove family members; nobody else may (NotLinkedError).
 */
export async function removeMember(orm: MikroORM, request: { actorAccountId: string; elderId: string; name: string; now: Date }): Promise<RemovalResult> {
  const em = orm.em.fork();
  const actorRole = await requireLink(em, request.actorAccountId, request.elderId, CAN_MANAGE);
  const members = await membersOf(em, request.elderId);
  const wanted = request.name.trim().toLowerCase();
  const matches = members.filter((m) => m.name.toLowerCase() === wanted || firstName(m.name) === wanted);
  if (matches.length === 0) return { kind: 'not_found', members };
  if (matches.length > 1) return { kind: 'ambiguous', matches };
  const member = matches[0]!;
  if (member.accountId === request.actorAccountId || (actorRole === 'caregiver' && member.role !== 'family')) return { kind: 'not_allowed' };
  await em.nativeUpdate(CaregiverLink, { id: member.linkId, removedAt: null }, { removedAt: request.now });
  await em.nativeUpdate(ElderChoice, { accountId: member.accountId, elderId: request.elderId }, { chosenAt: null });
  return { kind: 'removed', member };
}
