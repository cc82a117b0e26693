/**
 * Errors a task handler throws to steer what happens next. Everything else counts as retryable
 * (a crash, a timeout, a database hiccup) until the task's attempts run out.
 */

/** Trying again cannot help (the venue does not exist, the arguments are wrong). `elderMessage` is said to the elder. */
export class PermanentTaskError extends Error {
  override name = 'PermanentTaskError';
  readonly elderMessage: string;

  constructor(message: string, elderMessage: string) {
    super(message);
    this.elderMessage = elderMessage;
  }
}

/** Another worker holds the task right now; the job should come back later without using an attempt. */
export class TaskBusyError extends Error {
  override name = 'TaskBusyError';
}

/** A retryable failure that has been recorded; the queue should retry after `delayMs`. */
export class TaskRetryError extends Error {
  override name = 'TaskRetryError';
  readonly delayMs: number;

  constructor(message: string, delayMs: number) {
    super(message);
    this.delayMs = delayMs;
  }
}
