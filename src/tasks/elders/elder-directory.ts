import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ChannelAccount, type ChannelName } from './channel-account.entity.ts';
import { Elder } from './elder.entity.ts';
import { columnsOf, prefixedColumns, quotedColumn, quotedTable } from '../../db/orm.ts';

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
  private findSql: string | undefined;

  constructor(orm: MikroORM, defaults: { timezone: string; locale: string }) {
    this.orm = orm;
    this.defaults = defaults;
  }

  /** The account and its elder, or null when this identity has never written. */
  async find(channel: ChannelName, userId: string): Promise<KnownSender | null> {
    // Every message starts here: the account and its elder in one statement, built once.
    const em = this.orm.em.fork();
    const sql = (this.findSql ??= findStatement(this.orm));
    const [row] = (await em.getConnection().execute(sql, [channel, userId], 'all')) as Record<string, unknown>[];
    if (!row) return null;
    const elder = columnsOf(row, 'e');
    return { account: em.map(ChannelAccount, columnsOf(row, 'a')), elder: elder['id'] ? em.map(Elder, elder) : null };
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

/** The account of a channel identity ($1 channel, $2 user id) with its elder, if any, as prefixed columns. */
function findStatement(orm: MikroORM): string {
  const a = (property: string): string => `a.${quotedColumn(orm, ChannelAccount, property)}`;
  return (
    `select ${[...prefixedColumns(orm, ChannelAccount, 'a'), ...prefixedColumns(orm, Elder, 'e')].join(', ')}` +
    ` from ${quotedTable(orm, ChannelAccount)} a left join ${quotedTable(orm, Elder)} e on e.${quotedColumn(orm, Elder, 'id')} = ${a('elderId')}` +
    ` where ${a('channel')} = ? and ${a('externalUserId')} = ? limit 1`
  );
}
