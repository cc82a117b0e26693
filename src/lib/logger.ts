import { pino, type DestinationStream, type Logger } from 'pino';
import { createSecretMasker, type SecretMasker } from './log-masking.ts';

/** The structured logger type used everywhere. */
export type { Logger };

/** What the logger must keep out of its output beyond the built-in patterns. */
export interface LoggerOptions {
  /**
   * Secret values to mask wherever they appear (message, any field, error message and stack): the bot token,
   * API keys, webhook secrets, the invite code pepper, database and Redis passwords. `secretsOfConfig(config)`
   * in src/lib/log-masking.ts lists them for a configuration.
   */
  secrets?: readonly (string | null | undefined)[];
}

/**
 * A destination that masks each serialised line before it is written. pino writes one string per log call,
 * so every field, child binding and serialised error passes through here once; lines below the level are
 * never serialised and cost nothing.
 */
class MaskingDestination implements DestinationStream {
  private readonly inner: NodeJS.WritableStream | DestinationStream;
  private readonly mask: SecretMasker;

  constructor(inner: NodeJS.WritableStream | DestinationStream, mask: SecretMasker) {
    this.inner = inner;
    this.mask = mask;
  }

  write(line: string): void {
    this.inner.write(this.mask(line));
  }

  /** pino's logger.flush() calls this when the destination has one (sonic-boom does). */
  flush(cb?: (err?: Error) => void): void {
    const inner = this.inner as { flush?: (cb?: (err?: Error) => void) => void };
    if (typeof inner.flush === 'function') inner.flush(cb);
    else cb?.();
  }

  /** Synchronous flush before exit (sonic-boom). */
  flushSync(): void {
    const inner = this.inner as { flushSync?: () => void };
    if (typeof inner.flushSync === 'function') inner.flushSync();
  }
}

/**
 * Creates the JSON logger. Secrets are redacted by key wherever they appear, and masked by value in every
 * line written: the configured `options.secrets`, and patterns (Telegram bot tokens, API keys, Bearer
 * tokens, URL passwords, invite codes, phone numbers and WhatsApp ids). Message text is only logged at debug
 * level by the callers. Masking costs about 1.5 µs per line written; lines below the level cost nothing.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'apiKey', '*.apiKey', 'code', '*.code', 'password', '*.password', 'phone', '*.phone'],
        censor: '***',
      },
    },
    new MaskingDestination(destination ?? pino.destination(2), createSecretMasker(options.secrets)),
  );
}
