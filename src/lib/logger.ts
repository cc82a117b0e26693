import { pino, type Logger } from 'pino';

/** The structured logger type used everywhere. */
export type { Logger };

/**
 * Creates the JSON logger. Secrets are redacted by key wherever they appear; message text is only
 * logged at debug level by the callers.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'apiKey', '*.apiKey', 'code', '*.code', 'password', '*.password', 'phone', '*.phone'],
        censor: '***',
      },
    },
    destination ?? pino.destination(2),
  );
}
