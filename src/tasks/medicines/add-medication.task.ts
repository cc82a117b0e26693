import { randomUUID } from 'node:crypto';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { firstDoseFrom } from './dose-schedule.ts';
import { doseName, sayDoseTime } from './dose-messages.ts';
import type { TaskHandler } from '../task-handler.ts';
import { PermanentTaskError } from '../task-errors.ts';
import { addMedicationArgs, WEEKDAYS, type AddMedicationArgs } from '../tool-args.ts';
import { instantToLocal, sayLocalDate, sayLocalDateTime } from '../../lib/local-time.ts';

const DAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** "a", "a and b", "a, b and c". */
const sayList = (words: string[]): string => (words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`);

/** "every day at 8:00 am and 8:00 pm, from Wednesday 25 November to Tuesday 1 December". */
function sayTimetable(args: AddMedicationArgs): string {
  const days = !args.days || args.days.length === WEEKDAYS.length ? 'every day' : `every ${sayList(args.days.map((d) => DAY_NAMES[d]))}`;
  let said = `${days} at ${sayList(args.times.map(sayDoseTime))}`;
  if (args.start_date && args.end_date) said += `, from ${sayLocalDate(args.start_date)} to ${sayLocalDate(args.end_date)}`;
  else if (args.start_date) said += `, starting ${sayLocalDate(args.start_date)}`;
  else if (args.end_date) said += `, until ${sayLocalDate(args.end_date)}`;
  return said;
}

/**
 * add_medication: a medicine schedule at local wall-clock times in the elder's timezone, with its first dose
 * time set so the due-dose sweep reminds the elder from then on.
 */
export const addMedicationTask: TaskHandler<AddMedicationArgs> = {
  kind: 'add_medication',
  label: 'add your medicine',
  schema: addMedicationArgs,
  groupCommit: true,
  readBack: (args) => {
    const notes = args.notes ? ` (${args.notes.replace(/[.\s]+$/, '')})` : '';
    const said = `${doseName({ medicine: args.medicine, dose: args.dose ?? null })} ${sayTimetable(args)}${notes}. Shall I add it?`;
    // A sentence starts with a capital, however she wrote the name ("heart pill" → "Heart pill every day…").
    return said.charAt(0).toUpperCase() + said.slice(1);
  },
  async execute(args, { em, task, elder, clock }) {
    if (args.start_date && args.end_date && args.end_date < args.start_date) {
      throw new PermanentTaskError(`end date ${args.end_date} before start date ${args.start_date}`, 'The last day comes before the first day.');
    }
    const timetable = {
      times: args.times,
      days: args.days ?? null,
      startDate: args.start_date ?? null,
      endDate: args.end_date ?? null,
      timezone: elder.timezone,
    };
    const first = firstDoseFrom(timetable, clock.now());
    if (!first) throw new PermanentTaskError('schedule has no dose from now on', 'There is no dose left in those dates to remind you of.');
    const schedule = em.create(MedicationSchedule, {
      id: randomUUID(),
      elderId: elder.id,
      taskId: task.id,
      medicine: args.medicine,
      dose: args.dose ?? null,
      ...timetable,
      notes: args.notes ?? null,
      status: 'active',
      nextDoseAt: first.dueAt,
      pillCount: null,
    });
    const when = sayLocalDateTime(instantToLocal(first.dueAt, elder.timezone), elder.timezone);
    return {
      result: { scheduleId: schedule.id, nextDoseAt: first.dueAt.toISOString() },
      reply: `Added. I'll remind you to take your ${doseName(schedule)}, starting ${when}.`,
    };
  },
};
