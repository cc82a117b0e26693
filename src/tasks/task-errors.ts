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

/**
 * Raised before a read-back when the records show the request cannot be done ("move my hair appointment" with
 * none booked): no task is saved and `elderMessage` is said instead of a question.
 */
export class NothingToConfirmError extends Error {
  override name = 'NothingToConfirmError';
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
