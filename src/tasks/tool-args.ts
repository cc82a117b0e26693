import { z } from 'zod';
import { DateTime } from 'luxon';

/** The tools of the contract, in the order they are offered to a model. */
export const TOOL_NAMES = [
  'book_restaurant',
  'book_salon',
  'cancel_booking',
  'reschedule_booking',
  'add_medication',
  'log_dose',
  'set_reminder',
  'notify_family',
  'share_activity',
  'get_schedule',
  'emergency_alert',
] as const;
/** The name of one tool of the contract. */
export type ToolArgsName = (typeof TOOL_NAMES)[number];

/** Weekdays as the contract writes them, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** How a reminder repeats. */
export const REMINDER_REPEATS = ['daily', 'weekly'] as const;
/** Whether a dose was taken or skipped. */
export const DOSE_STATUSES = ['taken', 'skipped'] as const;

const isRealLocal = (value: string, format: string): boolean => DateTime.fromFormat(value, format, { zone: 'UTC' }).isValid;

/** A local wall-clock date-time 'YYYY-MM-DDTHH:mm' in the elder's timezone (no seconds, no offset). */
export const localDateTimeArg = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'expected local time as YYYY-MM-DDTHH:mm, without seconds or timezone')
  .refine((v) => isRealLocal(v, "yyyy-MM-dd'T'HH:mm"), 'not a real calendar date and time');

/** A local date 'YYYY-MM-DD'. */
export const localDateArg = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((v) => isRealLocal(v, 'yyyy-MM-dd'), 'not a real calendar date');

/** A 24-hour clock time 'HH:mm'. */
export const clockTimeArg = z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time as HH:mm');

const text = (max: number) => z.string().trim().min(1).max(max);

/** Arguments of book_restaurant. */
export const bookRestaurantArgs = z.object({
  venue: text(120).describe('Name of the restaurant, café or pub exactly as the elder said it, e.g. "Red Lion".'),
  party_size: z
    .number()
    .int()
    .min(1)
    .max(30)
    .describe('How many people in total, counting the elder ("me and my husband" = 2, "just me" = 1).'),
  start: localDateTimeArg.describe('When the table is for: local time YYYY-MM-DDTHH:mm, resolved from the context line.'),
  notes: text(500)
    .optional()
    .describe('Special needs the venue should know, e.g. "wheelchair access", "birthday". Omit when none.'),
});
/** Validated book_restaurant arguments. */
export type BookRestaurantArgs = z.infer<typeof bookRestaurantArgs>;

/** Arguments of book_salon. */
export const bookSalonArgs = z.object({
  venue: text(120).describe('Name of the salon, hairdresser, barber or nail bar as the elder said it.'),
  // The contract lists service without '?', but its corpus expects a booking for "a barber appointment at
  // Tony's" with no service said; so it is optional here, and models are told to give it whenever it is said.
  service: text(60)
    .toLowerCase()
    .optional()
    .describe('Short lowercase noun phrase for the service: "haircut", "manicure", "blow dry", "trim". Give it whenever the elder says it.'),
  start: localDateTimeArg.describe('Appointment time: local time YYYY-MM-DDTHH:mm, resolved from the context line.'),
  notes: text(500).optional().describe('Anything else the salon should know. Omit when none.'),
});
/** Validated book_salon arguments. */
export type BookSalonArgs = z.infer<typeof bookSalonArgs>;

/** Arguments of cancel_booking. */
export const cancelBookingArgs = z.object({
  venue: text(120).optional().describe('Name of the venue of the booking to cancel, if the elder named it.'),
  date: localDateArg.optional().describe('Date of the booking to cancel, YYYY-MM-DD, if the elder said a day.'),
});
/** Validated cancel_booking arguments. */
export type CancelBookingArgs = z.infer<typeof cancelBookingArgs>;

/** The kinds of booking an elder names instead of the venue ("dinner" is a restaurant, "hair" a salon). */
export const BOOKING_KINDS = ['restaurant', 'salon'] as const;

/** The fields of reschedule_booking; a move needs one of `start`, `time` or `shift_minutes`. */
const rescheduleBookingFields = z.object({
  venue: text(120).optional().describe('Name of the venue of the booking to move, if the elder named it.'),
  kind: z
    .enum(BOOKING_KINDS)
    .optional()
    .describe('"restaurant" when the elder calls it a table, lunch or dinner; "salon" for hair, nails or barber. Omit when not said.'),
  date: localDateArg.optional().describe('The day the booking is on now, YYYY-MM-DD, if the elder said it ("move Friday\'s dinner").'),
  start: localDateTimeArg
    .optional()
    .describe('The new day and time when the elder says a day ("to Friday at 10"): local time YYYY-MM-DDTHH:mm.'),
  time: clockTimeArg
    .optional()
    .describe('The new time, 24-hour HH:mm, when the elder says only a time ("move dinner to 8" = 20:00): the booking keeps its day.'),
  shift_minutes: z
    .number()
    .int()
    .min(-720)
    .max(720)
    .refine((m) => m !== 0, 'a move of 0 minutes changes nothing')
    .optional()
    .describe('Move by this many minutes when the elder says so: "push it back an hour" = 60, "half an hour earlier" = -30.'),
});
const saysNewTime = (a: { start?: string | undefined; time?: string | undefined; shift_minutes?: number | undefined }): boolean =>
  a.start !== undefined || a.time !== undefined || a.shift_minutes !== undefined;
const NEW_TIME_MISSING = { message: 'say the new time: start, time or shift_minutes' };

/** Arguments of reschedule_booking: which booking (venue, kind, its day) and its new time. */
export const rescheduleBookingArgs = rescheduleBookingFields.refine(saysNewTime, NEW_TIME_MISSING);
/** Validated reschedule_booking arguments. */
export type RescheduleBookingArgs = z.infer<typeof rescheduleBookingArgs>;

/**
 * The reschedule task's own schema: the tool's arguments plus what the task settles against the elder's
 * bookings before the read-back (the booking, its current local start and what it is), so the elder says
 * yes to "from 7:00 pm to 8:00 pm" and the worker moves that very booking.
 */
export const rescheduleBookingTaskArgs = rescheduleBookingFields
  .extend({
    booking_id: z.uuid().optional(),
    from: localDateTimeArg.optional(),
    what: text(60).optional(),
  })
  .refine(saysNewTime, NEW_TIME_MISSING);
/** Validated reschedule task arguments. */
export type RescheduleBookingTaskArgs = z.infer<typeof rescheduleBookingTaskArgs>;

/** Arguments of add_medication. */
export const addMedicationArgs = z.object({
  medicine: text(120).describe('Name of the medicine as the elder said it, e.g. "Metformin", "eye drops".'),
  dose: text(60).optional().describe('Strength or amount if said, e.g. "500mg", "2 tablets". Omit when not said.'),
  times: z
    .array(clockTimeArg)
    .min(1)
    .max(12)
    .overwrite((times) => [...new Set(times)].sort())
    .describe('Every time of day to take it, 24-hour HH:mm. Only exact times the elder said; never guess.'),
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .max(7)
    .overwrite((days) => WEEKDAYS.filter((d) => days.includes(d)))
    .optional()
    .describe('Weekdays (mon..sun) when it is only taken on some days. Omit for every day.'),
  start_date: localDateArg.optional().describe('First day, YYYY-MM-DD, when the elder said one.'),
  end_date: localDateArg.optional().describe('Last day, YYYY-MM-DD, e.g. for a 7-day course.'),
  notes: text(500).optional().describe('Instructions such as "with food" or "before breakfast". Omit when none.'),
});
/** Validated add_medication arguments. */
export type AddMedicationArgs = z.infer<typeof addMedicationArgs>;

/** Arguments of log_dose. */
export const logDoseArgs = z.object({
  medicine: text(120).optional().describe('Which medicine, if the elder named it.'),
  status: z.enum(DOSE_STATUSES).describe('"taken" when the elder took it, "skipped" when they will not take it.'),
});
/** Validated log_dose arguments. */
export type LogDoseArgs = z.infer<typeof logDoseArgs>;

/** Arguments of set_reminder (also the reminder task's schema). */
export const setReminderArgs = z.object({
  text: text(500).describe('What to remind the elder of, as a short phrase, e.g. "call Sarah".'),
  at: localDateTimeArg.describe('When to remind (the first time if it repeats): local time YYYY-MM-DDTHH:mm.'),
  repeat: z.enum(REMINDER_REPEATS).optional().describe('"daily" or "weekly" when it repeats. Omit for once.'),
});
/** Validated set_reminder arguments. */
export type SetReminderArgs = z.infer<typeof setReminderArgs>;

/** Arguments of notify_family. */
export const notifyFamilyArgs = z.object({
  message: text(1000).describe("What to tell the family, in the elder's own words (without \"tell my daughter\")."),
  urgent: z.boolean().optional().describe('True only when the elder says it is urgent or it cannot wait.'),
});
/** Validated notify_family arguments. */
export type NotifyFamilyArgs = z.infer<typeof notifyFamilyArgs>;

/** Arguments of share_activity. */
export const shareActivityArgs = z.object({
  activity: text(500).describe('What the elder did or is doing, e.g. "a walk in the park".'),
});
/** Validated share_activity arguments. */
export type ShareActivityArgs = z.infer<typeof shareActivityArgs>;

/** What a schedule question can be about. */
export const SCHEDULE_TOPICS = ['medicines', 'bookings', 'reminders'] as const;
/** The longest span a schedule question covers: a fortnight. */
export const SCHEDULE_MAX_DAYS = 14;

/** Arguments of get_schedule. */
export const getScheduleArgs = z
  .object({
    date: localDateArg.optional().describe('The day asked about, YYYY-MM-DD (the first day of a span). Omit for "next" questions.'),
    until: localDateArg
      .optional()
      .describe('The last day of a span, YYYY-MM-DD, with date as its first: "this week" is today to Sunday, "next week" Monday to Sunday, "the weekend" Saturday to Sunday.'),
    about: z
      .enum(SCHEDULE_TOPICS)
      .optional()
      .describe('Only when the question names one kind of thing: "when is my next pill?" → medicines, "when is my table / hair appointment?" → bookings, "what reminders do I have?" → reminders.'),
  })
  .refine((a) => !a.until || (a.date !== undefined && a.until >= a.date), { error: 'until needs date, and comes on or after it', path: ['until'] })
  .refine((a) => !a.until || !a.date || DateTime.fromISO(a.until).diff(DateTime.fromISO(a.date), 'days').days < SCHEDULE_MAX_DAYS, {
    error: `a span covers at most ${SCHEDULE_MAX_DAYS} days`,
    path: ['until'],
  });
/** Validated get_schedule arguments. */
export type GetScheduleArgs = z.infer<typeof getScheduleArgs>;

/** Arguments of emergency_alert. */
export const emergencyAlertArgs = z.object({
  description: text(1000).describe('What is happening, in the elder\'s words, e.g. "fell in the bathroom, can\'t get up".'),
});
/** Validated emergency_alert arguments. */
export type EmergencyAlertArgs = z.infer<typeof emergencyAlertArgs>;

/** The argument schema of every tool, by name. */
export const TOOL_ARGS = {
  book_restaurant: bookRestaurantArgs,
  book_salon: bookSalonArgs,
  cancel_booking: cancelBookingArgs,
  reschedule_booking: rescheduleBookingArgs,
  add_medication: addMedicationArgs,
  log_dose: logDoseArgs,
  set_reminder: setReminderArgs,
  notify_family: notifyFamilyArgs,
  share_activity: shareActivityArgs,
  get_schedule: getScheduleArgs,
  emergency_alert: emergencyAlertArgs,
} as const satisfies Record<ToolArgsName, z.ZodObject>;

/** True when a string names a tool of the contract. */
export const isToolName = (name: string): name is ToolArgsName => (TOOL_NAMES as readonly string[]).includes(name);
