import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { DoseEvent } from './dose-event.entity.ts';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { renderAdherenceChart } from './adherence-chart.ts';
import { answeredOf, buildDoseWeek, doseWeekRange, type DoseWeek } from './dose-week.ts';
import { sendFamilyDigests, viewButtons, type Digest, type DigestTiming, type DueElder } from './family-digests.ts';
import { sayLocalDate } from '../../lib/local-time.ts';
import type { DeliveryQueue } from '../../messaging/outbox.ts';
import type { FamilyViewLinks } from '../family/family-view-links.ts';

/** How the weekly chart sweep behaves. */
export interface WeeklyChartOptions extends DigestTiming {
  /** Folder the PNG files are written to (e.g. ./data/charts); created when missing. */
  dir: string;
  /** A dose taken more than this many minutes after it was due is drawn as late (default 30, DOSE_REMIND_AGAIN_MINUTES). */
  lateAfterMinutes?: number;
  /** When the family view is on: a "See Margaret's week" button under each chart. */
  view?: FamilyViewLinks;
}

const SUNDAY = 7;

/** The week's totals, for the caption. */
function captionOf(elder: DueElder, week: DoseWeek): string {
  const { taken, answered } = answeredOf(week.totals);
  const { missed, skipped } = week.totals;
  const rest = [missed > 0 ? `${missed} missed` : '', skipped > 0 ? `${skipped} skipped` : ''].filter(Boolean).join(', ');
  return `${elder.name}'s medicines this week, to ${sayLocalDate(elder.localDate)}: ${taken} of ${answered} ${answered === 1 ? 'dose' : 'doses'} taken${rest ? `, ${rest}` : ''}.`;
}

/**
 * Reads each elder's doses of the week ending on their Sunday and the medicines they belong to (two queries
 * for the batch), draws the chart (one row per medicine, titled in words), writes it to
 * `<dir>/<elderId>-<yyyy-mm-dd>.png` and captions it. An elder with no answered doses that week gets no chart.
 */
async function composeCharts(em: EntityManager, elders: DueElder[], now: Date, options: WeeklyChartOptions): Promise<Digest[]> {
  const weeks = new Map(elders.map((e) => [e.id, doseWeekRange(e.localDate, 7, e.timezone)]));
  const from = new Date(Math.min(...[...weeks.values()].map((w) => w.from.getTime())));
  const to = new Date(Math.max(...[...weeks.values()].map((w) => w.to.getTime())));
  const ids = elders.map((e) => e.id);
  const doses = await em.find(
    DoseEvent,
    { elderId: { $in: ids }, dueAt: { $gte: from, $lt: to } },
    { fields: ['id', 'elderId', 'scheduleId', 'dueAt', 'localTime', 'status', 'answeredAt'] },
  );
  const scheduleIds = [...new Set(doses.map((d) => d.scheduleId))];
  const schedules = await em.find(MedicationSchedule, { $or: [{ elderId: { $in: ids }, status: 'active' }, ...(scheduleIds.length > 0 ? [{ id: { $in: scheduleIds } }] : [])] });
  const lateAfterMs = (options.lateAfterMinutes ?? 30) * 60_000;

  await mkdir(options.dir, { recursive: true });
  const digests: Digest[] = [];
  for (const elder of elders) {
    const week = buildDoseWeek({
      today: elder.localDate,
      dayCount: 7,
      timezone: elder.timezone,
      now,
      schedules: schedules.filter((s) => s.elderId === elder.id),
      doses: doses.filter((d) => d.elderId === elder.id),
      lateAfterMs,
    });
    if (answeredOf(week.totals).answered === 0) continue;
    // An absolute path: the Telegram channel uploads a photo given as an absolute or ./-relative file path.
    const path = join(resolve(options.dir), `${elder.id}-${elder.localDate}.png`);
    await writeFile(path, await renderAdherenceChart(elder.name, week));
    digests.push({ elderId: elder.id, text: captionOf(elder, week), photo: path });
  }
  return digests;
}

/**
 * The weekly adherence chart for the family: on the elder's local Sunday, once their time reaches the
 * summary time (the family's /summary choice or the default; none when they turned the summary off), a PNG of
 * the last seven days' doses (one row per medicine, a mark per dose: taken, late, skipped, missed) is written
 * under `dir` and sent as a photo with a caption to each family chat, once per elder per week (idempotency key
 * `chart:<elderId>:<sunday>:<chat>`), with a "See Margaret's week" button when the family view is on.
 */
export async function sendWeeklyCharts(orm: MikroORM, delivery: DeliveryQueue, now: Date, options: WeeklyChartOptions): Promise<number> {
  const view = options.view;
  return sendFamilyDigests(
    orm,
    delivery,
    now,
    { kind: 'chart', dueOn: (local) => local.weekday === SUNDAY, compose: (em, elders) => composeCharts(em, elders, now, options), ...(view ? { buttons: viewButtons(view, now) } : {}) },
    options,
  );
}
