import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { MessageLog } from '../messaging/message-log.entity.ts';
import { quotedColumn, quotedTable } from '../db/orm.ts';

/**
 * Claims outbox rows for one sender at a time: a conditional update sets `sendingUntil`, so two senders (two
 * processes, or a message carried along by a later one of its chat) never send the same row, and a crashed
 * sender's claim runs out. One statement (UPDATE … RETURNING) claims and loads the row on both databases.
 */
export class OutboxClaims {
  private readonly orm: MikroORM;
  private readonly inTurnSql: string;
  private readonly anySql: string;
  private readonly postgres: boolean;

  constructor(orm: MikroORM) {
    this.orm = orm;
    this.postgres = orm.em.getPlatform() instanceof PostgreSqlPlatform;
    const table = quotedTable(orm, MessageLog);
    const c = (property: string): string => quotedColumn(orm, MessageLog, property);
    const claimable = `m.${c('id')} = ? and m.${c('direction')} = 'out' and m.${c('status')} = 'queued' and (m.${c('sendingUntil')} is null or m.${c('sendingUntil')} < ?)`;
    const set = `update ${table} as m set ${c('sendingUntil')} = ? where ${claimable}`;
    // Its chat's turn: nothing older still waits for the chat (through the partial index of queued rows), except
    // that an alert goes whatever waits before it.
    const inTurn =
      `(m.${c('lane')} = 'alert' or not exists (select 1 from ${table} e where e.${c('chatId')} = m.${c('chatId')} and e.${c('status')} = 'queued'` +
      ` and e.${c('channel')} = m.${c('channel')} and e.${c('direction')} = 'out' and e.${c('createdAt')} < m.${c('createdAt')}))`;
    this.inTurnSql = `${set} and ${inTurn} returning *`;
    this.anySql = `${set} returning *`;
  }

  /** Claims the row until `until` when it waits, is unclaimed, and is its chat's next (or an alert). */
  claimInTurn(id: string, now: Date, until: Date): Promise<MessageLog | null> {
    return this.run(this.inTurnSql, id, now, until);
  }

  /** Claims the row until `until` when it waits and is unclaimed, whatever waits before it in its chat. */
  claim(id: string, now: Date, until: Date): Promise<MessageLog | null> {
    return this.run(this.anySql, id, now, until);
  }

  /** The messages still waiting for the row's chat that were written before it, oldest first. */
  waitingBefore(row: Pick<MessageLog, 'channel' | 'chatId' | 'createdAt'>, limit: number): Promise<MessageLog[]> {
    return this.orm.em
      .fork()
      .find(
        MessageLog,
        { chatId: row.chatId, status: 'queued', channel: row.channel, direction: 'out', createdAt: { $lt: row.createdAt } },
        { orderBy: { createdAt: 'asc' }, limit },
      );
  }

  private async run(sql: string, id: string, now: Date, until: Date): Promise<MessageLog | null> {
    const em = this.orm.em.fork() as unknown as SqlEntityManager;
    if (!this.postgres) {
      const rows = await em.getConnection().execute<Record<string, unknown>[]>(sql, [until, id, now], 'all');
      return rows[0] ? em.map(MessageLog, rows[0]) : null;
    }
    // A claim need not survive a database crash (it runs out anyway): Postgres need not wait for the disk.
    return em.transactional(async (tx) => {
      await tx.getConnection().execute('set local synchronous_commit = off', [], 'run', tx.getTransactionContext());
      const rows = await tx.getConnection().execute<Record<string, unknown>[]>(sql, [until, id, now], 'all', tx.getTransactionContext());
      return rows[0] ? tx.map(MessageLog, rows[0]) : null;
    });
  }
}
