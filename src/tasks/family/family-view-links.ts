import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { linkButton, type ButtonSpec } from '../../messaging/message-log.entity.ts';
import type { ChannelName } from '../elders/channel-account.entity.ts';

/** A signed family-view link never lasts longer than this. */
export const MAX_VIEW_LINK_HOURS = 24;

/** Who a signed link was given to: one person's account, or a family circle's group (everyone in it sees the same). */
export type ViewLinkHolder = { kind: 'account'; id: string } | { kind: 'circle'; id: string };

/** What a valid link says: who holds it, which elder it shows, and until when. */
export interface ViewLinkClaims {
  holder: ViewLinkHolder;
  elderId: string;
  expiresAt: Date;
}

const PREFIX = 'fv1';
const claimsSchema = z.object({ h: z.enum(['a', 'c']), i: z.uuid(), e: z.uuid(), x: z.number().int().positive() }).strict();

/**
 * Signs and checks the family view's links: `fv1.<claims>.<HMAC-SHA256>` in base64url, with a server secret.
 * A link names one holder and one elder and expires within MAX_VIEW_LINK_HOURS; checking it says nothing about
 * whether the holder is still linked (the view asks the database every time).
 */
export class ViewLinkSigner {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    this.key = Buffer.from(createHmac('sha256', secret).update('family-view-link').digest());
  }

  /** A token for the holder and elder, valid until `expiresAt` (at most MAX_VIEW_LINK_HOURS after `now`). */
  sign(claims: ViewLinkClaims, now: Date): string {
    const latest = now.getTime() + MAX_VIEW_LINK_HOURS * 3_600_000;
    if (claims.expiresAt.getTime() > latest) throw new RangeError(`a view link lasts at most ${MAX_VIEW_LINK_HOURS} hours`);
    const body = { h: claims.holder.kind === 'account' ? 'a' : 'c', i: claims.holder.id, e: claims.elderId, x: Math.floor(claims.expiresAt.getTime() / 1000) };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${PREFIX}.${payload}.${this.mac(payload)}`;
  }

  /** The claims of a token signed here and not yet expired at `now`; null for anything else (no reason given). */
  verify(token: string, now: Date): ViewLinkClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) return null;
    const [, payload, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let parsed: z.infer<typeof claimsSchema>;
    try {
      parsed = claimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      return null;
    }
    const expiresAt = new Date(parsed.x * 1000);
    // A link for longer than the maximum was never issued here, whatever its signature says.
    if (expiresAt.getTime() <= now.getTime() || expiresAt.getTime() > now.getTime() + MAX_VIEW_LINK_HOURS * 3_600_000) return null;
    return { holder: { kind: parsed.h === 'a' ? 'account' : 'circle', id: parsed.i }, elderId: parsed.e, expiresAt };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`${PREFIX}.${payload}`).digest('base64url');
  }
}

/** A chat a "See Margaret's week" button goes to. */
export interface ViewChat {
  channel: ChannelName;
  /** The person's account for a private chat; null for a family group. */
  accountId: string | null;
}

/** The first word of a name: "Margaret" of "Margaret Smith". */
const firstName = (name: string): string => name.trim().split(/\s+/)[0] ?? name;

/**
 * Where the family view lives and how to open it: in a Telegram private chat the page itself (Telegram signs
 * who opens it), everywhere else a link signed for that chat's holder. Built from PUBLIC_BASE_URL and a secret.
 */
export class FamilyViewLinks {
  /** The page's address, e.g. https://assistant.example.org/family/. */
  readonly pageUrl: string;
  /** Signs the links and, on the page's server side, checks them. */
  readonly signer: ViewLinkSigner;
  private readonly hours: number;

  constructor(options: { baseUrl: string; signer: ViewLinkSigner; hours?: number }) {
    this.pageUrl = `${options.baseUrl.replace(/\/+$/, '')}/family/`;
    this.signer = options.signer;
    this.hours = Math.min(options.hours ?? MAX_VIEW_LINK_HOURS, MAX_VIEW_LINK_HOURS);
  }

  /** The page for one elder, opened inside Telegram (the person comes from Telegram's signed initData). */
  telegramPage(elderId: string): string {
    return `${this.pageUrl}?elder=${elderId}`;
  }

  /** A link signed for one holder and elder, valid for the configured hours; the token rides in the fragment, never in server logs. */
  signedLink(holder: ViewLinkHolder, elderId: string, now: Date): string {
    const token = this.signer.sign({ holder, elderId, expiresAt: new Date(now.getTime() + this.hours * 3_600_000) }, now);
    return `${this.pageUrl}#link=${token}`;
  }

  /** How long a signed link lasts, in hours. */
  get linkHours(): number {
    return this.hours;
  }

  /** The "See Margaret's week" button for a chat: the Telegram page in a Telegram private chat, else a signed link. */
  buttonFor(chat: ViewChat & { circleId?: string | null }, elder: { id: string; name: string }, now: Date): ButtonSpec | null {
    const label = `See ${firstName(elder.name)}'s week`;
    if (chat.accountId && chat.channel === 'telegram') return linkButton(label, this.telegramPage(elder.id));
    if (chat.accountId) return linkButton(label, this.signedLink({ kind: 'account', id: chat.accountId }, elder.id, now));
    if (chat.circleId) return linkButton(label, this.signedLink({ kind: 'circle', id: chat.circleId }, elder.id, now));
    return null;
  }
}
