import type { EntityManager } from '@mikro-orm/core';
import { ChannelAccount, type Role } from '../elders/channel-account.entity.ts';
import { Elder } from '../elders/elder.entity.ts';
import { CaregiverLink } from './caregiver-link.entity.ts';
import { FamilyCircle } from './family-circle.entity.ts';
import { CAN_MANAGE } from './access.ts';
import type { ViewLinkHolder } from './family-view-links.ts';

/** Who is looking, as the page proved it: a Telegram user (initData checked), or the holder of a signed link. */
export type ViewerProof = { kind: 'telegram'; userId: string } | { kind: 'link'; holder: ViewLinkHolder; elderId: string };

/** A person (or a family group) allowed to see one elder's week, and what they may do there. */
export interface Viewer {
  elder: Elder;
  role: Role;
  /** The person's account; null for a family group's link, which only shows. */
  account: ChannelAccount | null;
  /** The other elders the person may switch to (Telegram only; a link shows one elder). */
  others: { id: string; name: string }[];
}

/** What a viewer may do on the page: change medicines as in chat (the elder or a caregiver); acknowledge alerts (caregivers). */
export function viewerPermissions(viewer: Pick<Viewer, 'role' | 'account'>): { changeMedicines: boolean; acknowledgeAlerts: boolean } {
  const person = viewer.account !== null;
  return { changeMedicines: person && CAN_MANAGE.includes(viewer.role), acknowledgeAlerts: person && viewer.role === 'caregiver' };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The viewer of an elder's week, from what the page proved and the elder asked for (none: the person's own or
 * first linked elder), read from the database every time: an active account with an active link (or the elder's
 * own account), or a family circle that still belongs to the link's elder. Null for everyone else — strangers,
 * removed caregivers, deactivated accounts, another elder's id, an elder that does not exist — with no reason,
 * so a refusal tells nothing. At most four queries.
 */
export async function resolveViewer(em: EntityManager, proof: ViewerProof, requestedElderId: string | undefined): Promise<Viewer | null> {
  if (requestedElderId !== undefined && !UUID.test(requestedElderId)) return null;
  if (proof.kind === 'link') {
    if (requestedElderId !== undefined && requestedElderId !== proof.elderId) return null;
    if (proof.holder.kind === 'circle') {
      const circle = await em.findOne(FamilyCircle, { id: proof.holder.id, elderId: proof.elderId });
      const elder = circle ? await em.findOne(Elder, { id: proof.elderId }) : null;
      return elder ? { elder, role: 'family', account: null, others: [] } : null;
    }
    const account = await em.findOne(ChannelAccount, { id: proof.holder.id, active: true });
    if (!account) return null;
    const own = account.role === 'elder' && account.elderId === proof.elderId;
    const link = own ? null : await em.findOne(CaregiverLink, { accountId: account.id, elderId: proof.elderId, removedAt: null });
    const elder = own || link ? await em.findOne(Elder, { id: proof.elderId }) : null;
    return elder ? { elder, role: own ? 'elder' : link!.role, account, others: [] } : null;
  }
  const account = await em.findOne(ChannelAccount, { channel: 'telegram', externalUserId: proof.userId, active: true });
  if (!account) return null;
  // The elders this person may see: their own (an elder's account), then their links, oldest first.
  const links = await em.find(CaregiverLink, { accountId: account.id, removedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const roles = new Map<string, Role>();
  if (account.role === 'elder' && account.elderId) roles.set(account.elderId, 'elder');
  for (const l of links) if (!roles.has(l.elderId)) roles.set(l.elderId, l.role);
  const elderId = requestedElderId ?? roles.keys().next().value;
  if (elderId === undefined || !roles.has(elderId)) return null;
  const elders = await em.find(Elder, { id: { $in: [...roles.keys()] } });
  const elder = elders.find((e) => e.id === elderId);
  if (!elder) return null;
  const others = [...roles.keys()].flatMap((id) => {
    const other = id === elderId ? undefined : elders.find((e) => e.id === id);
    return other ? [{ id: other.id, name: other.name }] : [];
  });
  return { elder, role: roles.get(elderId)!, account, others };
}
