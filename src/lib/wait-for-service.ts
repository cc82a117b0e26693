import { ConfigError } from '../config.ts';
import type { Logger } from './logger.ts';

/** Where start-up progress goes (the start-up server's /readyz): a check's reason while waiting, undefined once ok. */
export interface StartupReporter {
  report(check: string, waiting: string | undefined): void;
}

/** How long to wait between attempts: doubling from `initialMs`, never more than `maxMs`. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** A quarter of a second, doubling, at most five seconds: a service that comes up is noticed within five seconds. */
export const SERVICE_BACKOFF: Backoff = { initialMs: 250, maxMs: 5000 };

/** An attempt that has not answered in this long counts as failed (a host that drops packets never refuses). */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** The delay after failed attempt number `attempt` (counting from 1). */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 30));
}

/**
 * How a failed attempt reads: worth another try (the service is not up yet), a configuration error (retrying
 * cannot fix a wrong password), or undefined for a failure that is neither — it is thrown as it is.
 */
export type AttemptFailure = { retry: true; reason: string } | { retry: false; setting: string; reason: string } | undefined;

/** What waitForService needs: the attempt, how to read its failures, and where to say so. */
export interface WaitOptions<T> {
  /** The service's name in the logs and in /readyz, e.g. `database`. */
  service: string;
  attempt(): Promise<T>;
  classify(err: unknown): AttemptFailure;
  logger: Logger;
  backoff?: Backoff;
  attemptTimeoutMs?: number;
  /** Told the reason before each wait, and undefined once the attempt succeeds (what /readyz shows meanwhile). */
  onWaiting?(reason: string | undefined): void;
  /** Waits between attempts; tests pass one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** The message of the warn line logged per failed attempt. */
  message?: string;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The attempt took longer than the attempt timeout. */
export class AttemptTimeoutError extends Error {
  override name = 'AttemptTimeoutError';
}

async function withTimeout<T>(attempt: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeoutError(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `attempt` until it succeeds, with capped exponential backoff and one warn line per failed attempt naming
 * the reason, so a process started before its database or Redis waits for them instead of crash-looping. A
 * failure no wait can fix (bad credentials, a database that does not exist) throws a ConfigError naming the
 * setting at once.
 */
export async function waitForService<T>(options: WaitOptions<T>): Promise<T> {
  const backoff = options.backoff ?? SERVICE_BACKOFF;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await withTimeout(options.attempt(), options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS);
      options.onWaiting?.(undefined);
      if (attempt > 1) options.logger.info({ service: options.service, attempts: attempt }, `${options.service} is ready`);
      return result;
    } catch (err) {
      const failure = err instanceof AttemptTimeoutError ? { retry: true as const, reason: err.message } : options.classify(err);
      if (!failure) throw err;
      if (!failure.retry) throw new ConfigError(`Invalid setting ${failure.setting}: ${failure.reason}`);
      const retryInMs = backoffDelay(backoff, attempt);
      options.onWaiting?.(failure.reason);
      options.logger.warn({ service: options.service, attempt, retryInMs, reason: failure.reason }, options.message ?? `${options.service} is not reachable yet; retrying`);
      await sleep(retryInMs);
    }
  }
}

/** The message of an error, or of the first error inside an AggregateError (Node tries each address of a host). */
export function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reasonOf(err.errors[0]);
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** The `code` of a Node system error or a driver error (`ECONNREFUSED`, Postgres' `28P01`), if it has one. */
export function codeOf(err: unknown): string | undefined {
  if (err instanceof AggregateError && err.errors.length > 0 && !('code' in err)) return codeOf(err.errors[0]);
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** Node's codes for a server that is not (yet) there: refused, reset, unreachable, or a name not resolvable yet. */
export const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);
