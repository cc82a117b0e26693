import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ChannelAccount, type ChannelName } from './channel-account.entity.ts';
import { Elder } from './elder.entity.ts';

/** Who is writing, as the assistant knows them. */
export interface KnownSender {
  account: ChannelAccount;
  /** The elder this conversation is about; null for a linked person who has not chosen an elder. */
  elder: Elder | null;
}

/** What a channel says about a new private-chat sender. */
export interface SenderIdentity {
  channel: ChannelName;
  userId: string;
  chatId: string;
  displayName?: string;
}

/** Finds the account behind a channel identity, and registers a first-time private sender as an elder. */
export class ElderDirectory {
  private readonly orm: MikroORM;
  private readonly defaults: { timezone: string; locale: string };

  constructor(orm: MikroORM, defaults: { timezone: string; locale: string }) {
    this.orm = orm;
    this.defaults = defaults;
  }

  /** The account and its elder, or null when this identity has never written. */
  async find(channel: ChannelName, userId: string): Promise<KnownSender | null> {
    const em = this.orm.em.fork();
    const account = await em.findOne(ChannelAccount, { channel, externalUserId: userId });
    if (!account) return null;
    const elder = account.elderId ? await em.findOne(Elder, { id: account.elderId }) : null;
    return { account, elder };
  }

  /**
   * The person wrote, so the chat works again: an account marked inactive because the platform refused a
   * message (blocked bot) is active again. Returns true when it was inactive.
   */
  async markReachable(accountId: string): Promise<boolean> {
    return (await this.orm.em.fork().nativeUpdate(ChannelAccount, { id: accountId, active: false }, { active: true })) > 0;
  }

  /** Registers a new elder with their own account; a concurrent first message of the same person finds the winner's. */
  async registerElder(identity: SenderIdentity, name?: string, timezone?: string): Promise<KnownSender> {
    const em = this.orm.em.fork();
    const elder = em.create(Elder, {
      id: randomUUID(),
      name: name ?? identity.displayName ?? 'Friend',
      timezone: timezone ?? this.defaults.timezone,
      locale: this.defaults.locale,
    });
    const account = em.create(ChannelAccount, {
      id: randomUUID(),
      channel: identity.channel,
      externalUserId: identity.userId,
      chatId: identity.chatId,
      displayName: identity.displayName ?? null,
      role: 'elder',
      elderId: elder.id,
      active: true,
    });
    try {
      await em.flush();
      return { account, elder };
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const existing = await this.find(identity.channel, identity.userId);
      if (!existing) throw err;
      return existing;
    }
  }
}
