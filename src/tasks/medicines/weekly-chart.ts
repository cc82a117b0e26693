import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import { DoseEvent } from './dose-event.entity.ts';
import { renderAdherenceChart, type AdherenceDay } from './adherence-chart.ts';
import { sendFamilyDigests, type Digest, type DigestTiming, type DueElder } from './family-digests.ts';
import { addLocalDays, instantToLocal, sayLocalDate } from '../../lib/local-time.ts';
import type { DeliveryQueue } from '../../messaging/outbox.ts';

/** How the weekly chart sweep behaves. */
export interface WeeklyChartOptions extends DigestTiming {
  /** Folder the PNG files are written to (e.g. ./data/charts); created when missing. */
  dir: string;
}

const SUNDAY = 7;

/** The week's totals, for the caption. */
function captionOf(elder: DueElder, week: AdherenceDay[]): string {
  const taken = week.reduce((n, d) => n + d.taken, 0);
  const missed = week.reduce((n, d) => n + d.missed, 0);
  const skipped = week.reduce((n, d) => n + d.skipped, 0);
  const total = taken + missed + skipped;
  const rest = [missed > 0 ? `${missed} missed` : '', skipped > 0 ? `${skipped} skipped` : ''].filter(Boolean).join(', ');
  return `${elder.name}'s medicines this week, to ${sayLocalDate(elder.localDate)}: ${taken} of ${total} ${total === 1 ? 'dose' : 'doses'} taken${rest ? `, ${rest}` : ''}.`;
}

/**
 * Counts each elder's answered doses per local day of the week ending on their Sunday (one query for the
 * batch), draws the chart, writes it to `<dir>/<elderId>-<yyyy-mm-dd>.png` and captions it. An elder with no
 * answered doses that week gets no chart.
 */
async function composeCharts(em: EntityManager, elders: DueElder[], dir: string): Promise<Digest[]> {
  const weeks = new Map(
    elders.map((e) => {
      const end = DateTime.fromISO(e.localDate, { zone: e.timezone }).startOf('day').plus({ days: 1 });
      return [e.id, { start: end.minus({ days: 7 }).toJSDate(), end: end.toJSDate() }];
    }),
  );
  const from = new Date(Math.min(...[...weeks.values()].map((w) => w.start.getTime())));
  const to = new Date(Math.max(...[...weeks.values()].map((w) => w.end.getTime())));
  const doses = await em.find(
    DoseEvent,
    { elderId: { $in: elders.map((e) => e.id) }, dueAt: { $gte: from, $lt: to }, status: { $in: ['taken', 'skipped', 'missed'] } },
    { fields: ['id', 'elderId', 'dueAt', 'status'] },
  );
  const byElder = new Map<string, { dueAt: Date; status: string }[]>();
  for (const d of doses) {
    const list = byElder.get(d.elderId) ?? [];
    list.push({ dueAt: d.dueAt, status: d.status });
    byElder.set(d.elderId, list);
  }

  await mkdir(dir, { recursive: true });
  const digests: Digest[] = [];
  for (const elder of elders) {
    const week = weeks.get(elder.id)!;
    const dates = Array.from({ length: 7 }, (_, i) => addLocalDays(elder.localDate, i - 6));
    const days: AdherenceDay[] = dates.map((date) => ({ label: DateTime.fromISO(date).toFormat('ccccc'), taken: 0, missed: 0, skipped: 0 }));
    let answered = 0;
    for (const d of byElder.get(elder.id) ?? []) {
      if (d.dueAt < week.start || d.dueAt >= week.end) continue;
      const day = days[dates.indexOf(instantToLocal(d.dueAt, elder.timezone).slice(0, 10))];
      if (!day) continue;
      if (d.status === 'taken') day.taken++;
      else if (d.status === 'missed') day.missed++;
      else if (d.status === 'skipped') day.skipped++;
      else continue;
      answered++;
    }
    if (answered === 0) continue;
    // An absolute path: the Telegram channel uploads a photo given as an absolute or ./-relative file path.
    const path = join(resolve(dir), `${elder.id}-${elder.localDate}.png`);
    await writeFile(path, renderAdherenceChart(days));
    digests.push({ elderId: elder.id, text: captionOf(elder, days), photo: path });
  }
  return digests;
}

/**
 * The weekly adherence chart for the family: on the elder's local Sunday, once their time reaches the
 * summary time (the family's /summary choice or the default; none when they turned the summary off), a PNG of the last seven days' doses (taken against missed and skipped, one bar group per
 * day) is written under `dir` and sent as a photo with a caption to each family chat, once per elder per
 * week (idempotency key `chart:<elderId>:<sunday>:<chat>`).
 */
export async function sendWeeklyCharts(orm: MikroORM, delivery: DeliveryQueue, now: Date, options: WeeklyChartOptions): Promise<number> {
  const { dir, ...timing } = options;
  return sendFamilyDigests(orm, delivery, now, { kind: 'chart', dueOn: (local) => local.weekday === SUNDAY, compose: (em, elders) => composeCharts(em, elders, dir) }, timing);
}
