import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.ts';
import { NETWORK_ERROR_CODES, codeOf, reasonOf, waitForService, type AttemptFailure, type Backoff, type StartupReporter } from '../lib/wait-for-service.ts';

// Redis' replies to a wrong or missing password or user, and to a database number it does not have.
const WRONG_CREDENTIALS = /^(WRONGPASS|NOAUTH|ERR AUTH|ERR invalid password|ERR Client sent AUTH)/;
const NO_SUCH_DATABASE = /^ERR (DB index is out of range|invalid DB index)/;
// Redis is loading its data set, or a replica is syncing: it will answer soon.
const NOT_READY = /^(LOADING|MASTERDOWN|BUSY)/;

/** Reads a Redis failure at start: not there yet (retry), wrong credentials or database (configuration), or neither. */
export function classifyRedisError(err: unknown): AttemptFailure {
  const code = codeOf(err);
  const reason = reasonOf(err);
  if (WRONG_CREDENTIALS.test(reason) || NO_SUCH_DATABASE.test(reason)) return { retry: false, setting: 'REDIS_URL', reason };
  if ((code && NETWORK_ERROR_CODES.has(code)) || NOT_READY.test(reason) || /Connection is closed|connect ETIMEDOUT/i.test(reason)) return { retry: true, reason };
  return undefined;
}

/** Connects once, pings and disconnects; throws the connection's own error (ioredis reports it as an event). */
async function pingOnce(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, connectTimeout: 5000 });
  let connectionError: unknown;
  client.on('error', (err: unknown) => {
    connectionError ??= err;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw connectionError ?? err;
  } finally {
    client.disconnect();
  }
}

/**
 * Waits until Redis answers a ping (capped backoff, one warn line per attempt with the reason), before the
 * queues and workers connect; a wrong password or database number is a ConfigError naming REDIS_URL.
 */
export async function waitForRedis(options: { url: string; logger: Logger; reporter?: StartupReporter; backoff?: Backoff; sleep?: (ms: number) => Promise<void> }): Promise<void> {
  options.reporter?.report('redis', 'connecting');
  await waitForService({
    service: 'redis',
    attempt: () => pingOnce(options.url),
    classify: classifyRedisError,
    logger: options.logger,
    message: 'redis is not reachable yet; retrying',
    onWaiting: (reason) => options.reporter?.report('redis', reason),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}
