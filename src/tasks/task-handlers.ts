import { TaskHandlerRegistry } from './task-handler.ts';
import { setReminderTask } from './reminders/set-reminder.task.ts';
import { createBookRestaurantTask, createBookSalonTask } from './bookings/book-venue.task.ts';
import { defaultBookingProviders, type BookingProviders } from './bookings/booking-service.ts';
import { createCancelBookingTask } from './bookings/cancel-booking.task.ts';
import { createRescheduleBookingTask } from './bookings/reschedule-booking.task.ts';
import { createAddVenueTask } from './bookings/add-venue.task.ts';
import { addMedicationTask } from './medicines/add-medication.task.ts';
import { createLogDoseTask } from './medicines/log-dose.task.ts';
import { notifyFamilyTask } from './family/notify-family.task.ts';
import { shareActivityTask } from './family/share-activity.task.ts';
import { emergencyAlertTaskFor } from './family/emergency-alert.task.ts';
import { getScheduleTask } from './schedule/get-schedule.task.ts';

/** Settings the task handlers take from the configuration. */
export interface TaskHandlerOptions {
  /** REFILL_WARN_DAYS: a taken dose may warn that a counted medicine runs out within this many days. */
  refillWarnDays?: number;
  /** How bookings are made, by `venue.provider` (default: the built-in book and asking the family; add 'partner'). */
  bookingProviders?: BookingProviders;
  /** CHECKIN_MINUTES: how long a safety check-in waits for her answer (said in its question). */
  checkInMinutes?: number;
}

/** Every task kind the assistant can run: one per tool of the contract, and a caregiver's new venue. */
export function createTaskHandlers(options: TaskHandlerOptions = {}): TaskHandlerRegistry {
  const providers = options.bookingProviders ?? defaultBookingProviders();
  return new TaskHandlerRegistry()
    .register(createBookRestaurantTask(providers))
    .register(createBookSalonTask(providers))
    .register(createCancelBookingTask(providers))
    .register(createRescheduleBookingTask(providers))
    .register(createAddVenueTask())
    .register(addMedicationTask)
    .register(createLogDoseTask({ refillWarnDays: options.refillWarnDays ?? 5 }))
    .register(setReminderTask)
    .register(notifyFamilyTask)
    .register(shareActivityTask)
    .register(getScheduleTask)
    .register(emergencyAlertTaskFor(options.checkInMinutes === undefined ? {} : { checkInMinutes: options.checkInMinutes }));
}
