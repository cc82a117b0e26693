import { pino, type DestinationStream, type Level, type Logger } from 'pino';
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

/** Keys whose values never reach a log line, wherever they appear. */
const REDACTED_PATHS = ['token', '*.token', 'apiKey', '*.apiKey', 'code', '*.code', 'password', '*.password', 'phone', '*.phone'];

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
        paths: REDACTED_PATHS,
        censor: '***',
      },
    },
    new MaskingDestination(destination ?? pino.destination(2), createSecretMasker(options.secrets)),
  );
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * One JSON log line as a person reads it: `12:04:05 WARN database is not reachable yet; retrying (attempt=2
 * reason=connect ECONNREFUSED 127.0.0.1:5432)`. What the terminal chat shows on stderr instead of JSON, with no
 * pretty-printing library at run time.
 */
export function readableLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { level, time, msg, ...fields } = entry;
  const at = typeof time === 'number' ? new Date(time).toTimeString().slice(0, 8) : '';
  const name = typeof level === 'number' ? (LEVEL_NAMES[level] ?? String(level)) : String(level);
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${[at, name, typeof msg === 'string' ? msg : ''].filter(Boolean).join(' ')}${details ? ` (${details})` : ''}\n`;
}

/** Writes each log line it is given to a stream as readableLogLine renders it. */
class ReadableDestination implements DestinationStream {
  private readonly inner: NodeJS.WritableStream;

  constructor(inner: NodeJS.WritableStream) {
    this.inner = inner;
  }

  write(line: string): void {
    this.inner.write(readableLogLine(line.trimEnd()));
  }
}

/**
 * The logger of the terminal chat, whose screen belongs to the conversation: every line at `level` goes to
 * `file` as JSON (appended, written synchronously so nothing is lost when the chat exits), and warnings and
 * errors also to `screen` (stderr) as one readable line each. Masked like createLogger's lines.
 */
export function createTerminalLogger(level: Level | 'silent', file: string, options: LoggerOptions & { screen?: NodeJS.WritableStream } = {}): Logger {
  const mask = createSecretMasker(options.secrets);
  const toFile = new MaskingDestination(pino.destination({ dest: file, mkdir: true, append: true, sync: true }), mask);
  const toScreen = new MaskingDestination(new ReadableDestination(options.screen ?? process.stderr), mask);
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: REDACTED_PATHS,
        censor: '***',
      },
    },
    pino.multistream([
      { level: level === 'silent' ? 'fatal' : level, stream: toFile },
      { level: 'warn', stream: toScreen },
    ]),
  );
}
