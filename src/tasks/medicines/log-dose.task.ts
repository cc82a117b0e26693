import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { DoseEvent } from './dose-event.entity.ts';
import { firstDoseFrom } from './dose-schedule.ts';
import { doseName, doseText, sayDoseTime } from './dose-messages.ts';
import type { TaskHandler } from '../task-handler.ts';
import { NothingToConfirmError, PermanentTaskError } from '../task-errors.ts';
import { tellFamily } from '../family/family-notifier.ts';
import { doseNoticesFor } from '../family/notification-preferences.ts';
import { logDoseArgs, type LogDoseArgs } from '../tool-args.ts';
import { instantToLocal } from '../../lib/local-time.ts';
import { countTakenDose } from './refills.ts';

// A dose logged this close to a scheduled dose that has not been reminded yet is that dose, so its reminder
// is not sent afterwards (the sweep keeps a dose event that already exists).
const NEAR_SCHEDULED_MS = 2 * 60 * 60_000;

// Words that name no medicine in particular ("my pills", "the evening one").
const GENERIC = new Set(['my', 'the', 'a', 'an', 'all', 'of', 'pill', 'pills', 'tablet', 'tablets', 'medicine', 'medicines', 'medication', 'medications', 'meds', 'dose', 'doses', 'one', 'ones', 'morning', 'evening', 'night', 'lunchtime', 'bedtime']);

const normalise = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** The medicine the elder named, without words that name no medicine; null when nothing specific is left. */
function namedMedicine(medicine: string | undefined): string | null {
  if (!medicine) return null;
  const words = normalise(medicine).split(' ').filter((w) => w && !GENERIC.has(w));
  return words.length > 0 ? words.join(' ') : null;
}

/** Lowercase containment either way, against the medicine alone and with its dose ("metformin 500mg"). */
function matches(schedule: MedicationSchedule, named: string): boolean {
  return [schedule.medicine, doseName(schedule)].some((n) => {
    const known = normalise(n);
    return known.includes(named) || named.includes(known);
  });
}

const NO_MEDICINES = "You don't have any medicines on your list yet. To add one, tell me its name and time, like \"my heart pill at 8 am every day\".";

/** "a", "a and b", "a, b and c" (or "a, b or c" for a choice). */
const sayList = (words: string[], last = 'and'): string => (words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${last} ${words.at(-1)}`);

/**
 * log_dose: the elder says they took or are skipping a dose. Answers the latest dose still waiting for an
 * answer (of the named medicine, if one was named); with none waiting, records the dose of the matching
 * schedule now. The family is told as their settings say (by default a skipped dose, not a taken one), and
 * always when they had been told the dose was unconfirmed.
 */
export function createLogDoseTask(options: { refillWarnDays: number }): TaskHandler<LogDoseArgs> {
  return {
    kind: 'log_dose',
    label: 'note your dose',
    schema: logDoseArgs,
    groupCommit: true,
    // Nothing to note (no medicines at all, none by that name, or all of them paused with no dose waiting):
    // she is told so at once instead of being asked for a yes that can only end in "I could not".
    async prepare(args, { em, elder }) {
      const named = namedMedicine(args.medicine);
      const schedules = await em.find(MedicationSchedule, { elderId: elder.id, status: { $ne: 'stopped' } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      if (schedules.length === 0) throw new NothingToConfirmError('elder has no medicines', NO_MEDICINES);
      const matching = named ? schedules.filter((s) => matches(s, named)) : schedules;
      if (matching.length === 0) {
        const list = sayList(schedules.map(doseName).sort((a, b) => a.localeCompare(b)));
        throw new NothingToConfirmError(`no medicine matching "${named}"`, `I can't find ${args.medicine} on your list of medicines. Your list has ${list}.`);
      }
      if (matching.every((s) => s.status !== 'active')) {
        const waiting = await em.count(DoseEvent, { elderId: elder.id, status: 'pending', scheduleId: { $in: matching.map((s) => s.id) } });
        if (waiting === 0) {
          const which = named ? sayList(matching.map(doseName)) : matching.length === 1 ? 'Your medicine' : 'Your medicines';
          throw new NothingToConfirmError('every matching medicine is paused', `${which} ${matching.length === 1 ? 'is' : 'are'} paused at the moment, so there is no dose to note.`);
        }
      }
      // One medicine on her list answers to what she said: read back its name there ("Metformin 500mg").
      return named && matching.length === 1 ? { ...args, medicine: doseName(matching[0]!) } : args;
    },
    readBack: (args) => {
      const what = args.medicine ? `your ${args.medicine.replace(/^(?:(?:my|the|your|all)\s+)+/i, '')}` : 'your medicine';
      return args.status === 'taken' ? `You took ${what}. Shall I note it?` : `You're skipping ${what}. Shall I note it?`;
    },
    async execute(args, { em, task, elder, outbox, clock }) {
      const now = clock.now();
      const named = namedMedicine(args.medicine);
      const schedules = await em.find(MedicationSchedule, { elderId: elder.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      const matching = named ? schedules.filter((s) => matches(s, named)) : schedules;
      if (matching.length === 0) {
        throw new PermanentTaskError(
          named ? `no medicine matching "${named}"` : 'elder has no medicines',
          named ? `I can't find ${args.medicine} on your list of medicines.` : "You don't have any medicines on your list yet.",
        );
      }
      const byId = new Map(matching.map((s) => [s.id, s]));

      const pending = await em.find(
        DoseEvent,
        { elderId: elder.id, status: 'pending', scheduleId: { $in: [...byId.keys()] } },
        { orderBy: { dueAt: 'desc', id: 'asc' } },
      );
      let answered: DoseEvent[];
      if (pending.length > 0) {
        // "I took my pills" answers every dose reminded at the latest time; a named medicine answers its own.
        const latest = pending[0]!.dueAt.getTime();
        answered = named ? [pending[0]!] : pending.filter((d) => d.dueAt.getTime() === latest);
        for (const dose of answered) {
          dose.status = args.status;
          dose.answeredAt = now;
          dose.nextActionAt = null;
        }
      } else {
        const active = matching.filter((s) => s.status === 'active');
        if (active.length === 0) {
          throw new PermanentTaskError(
            `no active schedule matching "${named ?? ''}"`,
            named ? `${args.medicine} is not on your list of medicines right now.` : "You don't have any medicines on your list right now.",
          );
        }
        if (active.length > 1) {
          throw new PermanentTaskError('several medicines match', `Which medicine was it: ${sayList(active.map(doseName).sort((a, b) => a.localeCompare(b)), 'or')}?`);
        }
        answered = [await recordDose(active[0]!, args.status, now, em)];
      }

      if (args.status === 'taken') {
        // Each taken dose counts a pill; the count may cross the refill line and warn the elder and family.
        for (const dose of answered) await countTakenDose(em, outbox, dose, { warnDays: options.refillWarnDays });
      }
      const name = sayList(answered.map((d) => doseName(byId.get(d.scheduleId)!)).sort((a, b) => a.localeCompare(b)));
      const time = sayDoseTime(answered[0]!.localTime);
      // The family was told a dose was unconfirmed: they always hear the answer. Otherwise their settings decide.
      if (answered.some((d) => d.escalatedAt)) {
        await tellFamily({ em, task, elder, outbox }, { text: doseText.familyAnswered(elder.name, name, time, args.status), topic: 'dose-answered' });
      } else if ((await doseNoticesFor(em, elder.id))[args.status]) {
        const text = args.status === 'taken' ? doseText.familyTaken(elder.name, name, time) : doseText.familySkipped(elder.name, name, time);
        await tellFamily({ em, task, elder, outbox }, { text, topic: `dose-${args.status}` });
      }
      return {
        result: { doseEventIds: answered.map((d) => d.id), status: args.status },
        reply: args.status === 'taken' ? doseText.taken(name, time) : doseText.skipped(name, time),
      };
    },
  };
}

/** log_dose with the default refill warning (5 days). */
export const logDoseTask: TaskHandler<LogDoseArgs> = createLogDoseTask({ refillWarnDays: 5 });

/**
 * A dose answered with no reminder waiting: the scheduled dose it stands for when one is near and not yet
 * recorded (so its reminder is not sent after it was taken), otherwise a dose at the current time.
 */
async function recordDose(schedule: MedicationSchedule, status: LogDoseArgs['status'], now: Date, em: EntityManager): Promise<DoseEvent> {
  let dueAt = now;
  let localTime = instantToLocal(now, schedule.timezone).slice(11, 16);
  const next = schedule.nextDoseAt;
  if (next && Math.abs(next.getTime() - now.getTime()) <= NEAR_SCHEDULED_MS) {
    const recorded = await em.count(DoseEvent, { scheduleId: schedule.id, dueAt: next });
    if (recorded === 0) {
      dueAt = next;
      const scheduled = firstDoseFrom(schedule, next);
      localTime = scheduled && scheduled.dueAt.getTime() === next.getTime() ? scheduled.localTime : instantToLocal(next, schedule.timezone).slice(11, 16);
    }
  }
  return em.create(DoseEvent, {
    id: randomUUID(),
    scheduleId: schedule.id,
    elderId: schedule.elderId,
    dueAt,
    localTime,
    status,
    snoozes: 0,
    remindedAt: null,
    escalatedAt: null,
    nextActionAt: null,
    answeredAt: now,
  });
}
