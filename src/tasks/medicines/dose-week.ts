import type { DoseEvent } from './dose-event.entity.ts';
import type { MedicationSchedule } from './medication-schedule.entity.ts';
import { nextDoseAfter, NOT_SENT_YET_MS } from './dose-schedule.ts';
import { doseName } from './dose-messages.ts';
import { addLocalDays, instantToLocal, wallClockToInstant } from '../../lib/local-time.ts';

/** How one dose stands on the family's grid and chart. */
export const DOSE_MARKS = ['taken', 'late', 'skipped', 'missed', 'pending', 'to-come'] as const;
/** A dose's mark: taken (on time or late), skipped, missed, sent and not answered yet, or still to come today. */
export type DoseMark = (typeof DOSE_MARKS)[number];

/** One dose of one day. */
export interface WeekDose {
  /** Elder-local 'HH:mm'. */
  localTime: string;
  mark: DoseMark;
}

/** One medicine's doses, day by day (aligned with `DoseWeek.dates`). */
export interface MedicineWeek {
  scheduleId: string;
  /** "Metformin 500mg". */
  name: string;
  status: MedicationSchedule['status'];
  days: WeekDose[][];
}

/** Doses answered over the last seven days (today included), counted by how they were answered. */
export interface WeekTotals {
  taken: number;
  late: number;
  skipped: number;
  missed: number;
}

/** An elder's doses per medicine over some local dates (oldest first, the last one today), with the week's totals. */
export interface DoseWeek {
  dates: string[];
  medicines: MedicineWeek[];
  totals: WeekTotals;
}

/** The facts a dose week is made of (one query each, for any number of medicines and days). */
export interface DoseWeekFacts {
  /** The elder's local date today 'YYYY-MM-DD'. */
  today: string;
  /** How many days end with today (8 for the page: the last seven days and today; 7 for the weekly chart). */
  dayCount: number;
  timezone: string;
  now: Date;
  schedules: Pick<MedicationSchedule, 'id' | 'medicine' | 'dose' | 'status' | 'times' | 'days' | 'startDate' | 'endDate' | 'timezone'>[];
  doses: Pick<DoseEvent, 'scheduleId' | 'dueAt' | 'localTime' | 'status' | 'answeredAt'>[];
  /** A dose taken more than this after it was due counts as late (the re-reminder's delay). */
  lateAfterMs: number;
}

/** The first local instant of the oldest date of a dose week and the first of the day after today: what to load. */
export function doseWeekRange(today: string, dayCount: number, timezone: string): { from: Date; to: Date } {
  return { from: wallClockToInstant(addLocalDays(today, 1 - dayCount), '00:00', timezone), to: wallClockToInstant(addLocalDays(today, 1), '00:00', timezone) };
}

/** How a recorded dose is marked. */
function markOf(dose: DoseWeekFacts['doses'][number], lateAfterMs: number): DoseMark {
  if (dose.status === 'taken') return dose.answeredAt && dose.answeredAt.getTime() - dose.dueAt.getTime() > lateAfterMs ? 'late' : 'taken';
  return dose.status;
}

/** A week's totals in words: "12 of 14 doses". */
export function answeredOf(totals: WeekTotals): { taken: number; answered: number } {
  const taken = totals.taken + totals.late;
  return { taken, answered: taken + totals.skipped + totals.missed };
}

/**
 * Lays out an elder's doses per medicine and local day: every recorded dose on the day it was due, and today's
 * doses still to come from active schedules (a past dose never sent did not exist: the medicine was added or
 * resumed later). Medicines are the active and paused ones, and any other with a dose in the range, by name.
 */
export function buildDoseWeek(facts: DoseWeekFacts): DoseWeek {
  const dates = Array.from({ length: facts.dayCount }, (_, i) => addLocalDays(facts.today, i + 1 - facts.dayCount));
  const index = new Map(dates.map((d, i) => [d, i]));
  const weekFrom = Math.max(0, dates.length - 7);
  const totals: WeekTotals = { taken: 0, late: 0, skipped: 0, missed: 0 };
  const rows = new Map<string, { schedule: DoseWeekFacts['schedules'][number]; days: (WeekDose & { at: number })[][] }>();
  const rowOf = (schedule: DoseWeekFacts['schedules'][number]) => {
    let row = rows.get(schedule.id);
    if (!row) {
      row = { schedule, days: dates.map(() => []) };
      rows.set(schedule.id, row);
    }
    return row;
  };
  const schedules = new Map(facts.schedules.map((s) => [s.id, s]));
  for (const s of facts.schedules) if (s.status !== 'stopped') rowOf(s);

  const recorded = new Set<string>();
  for (const dose of facts.doses) {
    const day = index.get(instantToLocal(dose.dueAt, facts.timezone).slice(0, 10));
    const schedule = schedules.get(dose.scheduleId);
    if (day === undefined || !schedule) continue;
    recorded.add(`${dose.scheduleId}|${dose.dueAt.getTime()}`);
    const mark = markOf(dose, facts.lateAfterMs);
    rowOf(schedule).days[day]!.push({ localTime: dose.localTime, mark, at: dose.dueAt.getTime() });
    if (day >= weekFrom && (mark === 'taken' || mark === 'late' || mark === 'skipped' || mark === 'missed')) totals[mark]++;
  }

  const todayIndex = dates.length - 1;
  const { from: todayStart, to: todayEnd } = doseWeekRange(facts.today, 1, facts.timezone);
  for (const s of facts.schedules) {
    if (s.status !== 'active') continue;
    for (let next = nextDoseAfter(s, new Date(todayStart.getTime() - 1)); next && next.dueAt < todayEnd; next = nextDoseAfter(s, next.dueAt)) {
      if (recorded.has(`${s.id}|${next.dueAt.getTime()}`)) continue;
      const waiting = facts.now.getTime() - next.dueAt.getTime();
      if (waiting > NOT_SENT_YET_MS) continue;
      rowOf(s).days[todayIndex]!.push({ localTime: next.localTime, mark: waiting < 0 ? 'to-come' : 'pending', at: next.dueAt.getTime() });
    }
  }

  const medicines = [...rows.values()]
    .map(({ schedule, days }) => ({
      scheduleId: schedule.id,
      name: doseName(schedule),
      status: schedule.status,
      days: days.map((list) => list.sort((a, b) => a.at - b.at).map(({ localTime, mark }) => ({ localTime, mark }))),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.scheduleId.localeCompare(b.scheduleId));
  return { dates, medicines, totals };
}
