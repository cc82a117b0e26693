import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Reminder, REPEATS } from './reminder.entity.ts';
import type { TaskHandler } from '../task-handler.ts';
import { PermanentTaskError } from '../task-errors.ts';
import { sayLocalDateTime, sayClockTime, instantToLocal } from '../../lib/local-time.ts';
import { firstFireAt } from './reminder-schedule.ts';
import { DateTime } from 'luxon';

/** A local date-time 'YYYY-MM-DDTHH:mm' in the elder's timezone. */
export const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'expected YYYY-MM-DDTHH:mm');

/** Arguments of set_reminder, as in the tool contract. */
export const setReminderArgs = z.object({
  text: z.string().trim().min(1).max(500),
  at: localDateTime,
  repeat: z.enum(REPEATS).optional(),
});
/** Validated set_reminder arguments. */
export type SetReminderArgs = z.infer<typeof setReminderArgs>;

const when = (args: SetReminderArgs, timezone: string): string => {
  if (args.repeat === 'daily') return `every day at ${sayClockTime(DateTime.fromISO(args.at))}, starting ${sayLocalDateTime(args.at, timezone)}`;
  if (args.repeat === 'weekly') return `every ${DateTime.fromISO(args.at).toFormat('cccc')} at ${sayClockTime(DateTime.fromISO(args.at))}, starting ${sayLocalDateTime(args.at, timezone)}`;
  return `on ${sayLocalDateTime(args.at, timezone)}`;
};

/** set_reminder: a one-off or repeating reminder delivered to the elder's chat at local time. */
export const setReminderTask: TaskHandler<SetReminderArgs> = {
  kind: 'set_reminder',
  label: 'set your reminder',
  schema: setReminderArgs,
  groupCommit: true,
  readBack: (args, elder) => `I'll remind you: "${args.text}" ${when(args, elder.timezone)}. Shall I set it?`,
  async execute(args, { em, task, elder, clock }) {
    const next = firstFireAt(args.at, args.repeat ?? null, elder.timezone, clock.now());
    if (!next) throw new PermanentTaskError(`reminder time ${args.at} has passed`, 'That time has already passed.');
    em.create(Reminder, {
      id: randomUUID(),
      elderId: elder.id,
      taskId: task.id,
      text: args.text,
      localAt: args.at,
      timezone: elder.timezone,
      repeat: args.repeat ?? null,
      status: 'active',
      nextFireAt: next,
      channel: task.replyChannel,
      chatId: task.replyChatId,
    });
    const local = instantToLocal(next, elder.timezone);
    return {
      result: { nextFireAt: next.toISOString() },
      reply: `All set. I'll remind you to ${args.text.replace(/^to /i, '')} ${when({ ...args, at: local }, elder.timezone)}.`,
    };
  },
};
