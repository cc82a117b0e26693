import type { MikroORM } from '@mikro-orm/core';
import { MessageLog } from '../messaging/message-log.entity.ts';
import { LANES, laneOrDefault, type Lane } from '../messaging/lanes.ts';
import { quotedColumn, quotedTable } from '../db/orm.ts';

/** How many outbound messages wait in one lane, and how long the oldest has waited. */
export interface LaneDepth {
  lane: Lane;
  waiting: number;
  oldestAgeSeconds: number;
}

/**
 * Every lane's backlog from the outbox (the source of truth, the same in every process and mode): one grouped
 * query over the queued rows. Lanes with nothing waiting are reported as 0.
 */
export async function waitingByLane(orm: MikroORM, now: Date): Promise<LaneDepth[]> {
  const c = (property: string): string => quotedColumn(orm, MessageLog, property);
  const rows = (await orm.em
    .fork()
    .getConnection()
    .execute(
      `select ${c('lane')} as lane, count(*) as waiting, min(${c('createdAt')}) as oldest from ${quotedTable(orm, MessageLog)}` +
        ` where ${c('status')} = 'queued' and ${c('direction')} = 'out' group by ${c('lane')}`,
      [],
      'all',
    )) as { lane: unknown; waiting: unknown; oldest: unknown }[];
  const found = new Map(rows.map((r) => [laneOrDefault(r.lane), r]));
  return LANES.map((lane) => {
    const row = found.get(lane);
    if (!row) return { lane, waiting: 0, oldestAgeSeconds: 0 };
    // SQLite keeps instants as epoch milliseconds, Postgres hands back a timestamp (text or a Date).
    const oldest = typeof row.oldest === 'number' ? row.oldest : row.oldest instanceof Date ? row.oldest.getTime() : new Date(String(row.oldest)).getTime();
    return { lane, waiting: Number(row.waiting), oldestAgeSeconds: Number.isFinite(oldest) ? Math.max(0, (now.getTime() - oldest) / 1000) : 0 };
  });
}
