import { TaskHandlerRegistry } from './task-handler.ts';
import { setReminderTask } from './reminders/set-reminder.task.ts';

/** Every task kind the assistant can run. */
export function createTaskHandlers(): TaskHandlerRegistry {
  return new TaskHandlerRegistry().register(setReminderTask);
}
