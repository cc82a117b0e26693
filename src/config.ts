import { existsSync } from 'node:fs';
import { z } from 'zod';
import cron from 'node-cron';

const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const url = (schemes: string[]) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .refine((v) => URL.canParse(v) && schemes.includes(new URL(v).protocol.replace(':', '')), {
        error: `expected a ${schemes.map((s) => `${s}://`).join(' or ')} URL`,
      })
      .optional(),
  );
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess((v) => (v === '' || v === undefined ? def : v), z.coerce.number().int().min(min).max(max));
const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an IANA timezone such as Europe/London' },
);

/** Every setting the assistant reads from the environment (documented in .env.example). */
export const configSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['postgres', 'postgresql']),
  DATABASE_SCHEMA: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a lowercase Postgres schema name').optional()),
  SQLITE_PATH: z.string().min(1).default('./data/assistant.db'),
  MIGRATE_ON_START: z.enum(['true', 'false']).default('true'),
  LOG_FILE: z.string().min(1).default('./data/assistant.log'),
  REDIS_URL: url(['redis', 'rediss']),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, - or _').default('grandma'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: int(3000, 0, 65535),
  DEFAULT_TIMEZONE: timezone.default('Europe/London'),
  DEFAULT_LOCALE: z.string().default('en-GB'),
  MODEL: z.enum(['offline', 'openai', 'hybrid']).optional(),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url(['http', 'https']),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: int(15000, 100),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: url(['http', 'https']),
  TELEGRAM_WEBHOOK_URL: url(['https', 'http']),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1-256 of A-Z a-z 0-9 _ -').optional()),
  WHATSAPP_ENABLED: z.enum(['true', 'false']).default('false'),
  WHATSAPP_SESSION: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, - or _').default('default'),
  WHATSAPP_MIN_SEND_INTERVAL_MS: int(1500, 250),
  WHATSAPP_MAX_SEND_JITTER_MS: int(1500, 0),
  TASK_MAX_ATTEMPTS: int(5, 1, 100),
  TASK_BACKOFF_MS: int(2000, 0),
  TASK_LEASE_MS: int(60000, 1000),
  WORKER_CONCURRENCY: int(10, 1, 1000),
  SWEEP_CRON: z.string().refine((v) => cron.validate(v), { error: 'expected a cron expression such as "* * * * *"' }).default('* * * * *'),
  WORKER_HTTP: z.enum(['true', 'false']).default('false'),
  LATE_WINDOW_MINUTES: int(120, 0),
  DOSE_REMIND_AGAIN_MINUTES: int(30, 1),
  DOSE_ESCALATE_MINUTES: int(30, 1),
  DOSE_MISSED_AFTER_MINUTES: int(60, 1),
  REFILL_WARN_DAYS: int(5, 0, 365),
  FAMILY_SUMMARY_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm').default('20:00'),
  WEEKLY_CHART_DIR: z.string().min(1).default('./data/charts'),
  INVITE_TTL_HOURS: int(24, 1, 24 * 30),
  ALERT_REPEAT_MINUTES: int(3, 1, 120),
  CHECKIN_MINUTES: int(5, 1, 60),
  ACTIVITY_REPLY_WINDOW_MINUTES: int(180, 1),
  INVITE_CODE_PEPPER: optionalString,
  VENUES_FILE: optionalString,
  PARTNER_API_URL: url(['https', 'http']),
  PARTNER_API_KEY: optionalString,
  PARTNER_TIMEOUT_MS: int(10000, 100, 120000),
  PARTNER_WEBHOOK_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'expected at least 16 characters').optional()),
  TELEGRAM_SENDS_PER_SECOND: int(30, 1, 100000),
  TELEGRAM_PAID_BROADCAST: z.enum(['true', 'false']).default('false'),
  TELEGRAM_PAID_BROADCAST_PER_SECOND: int(1000, 1, 1000),
  LATE_NOTICE_MINUTES: int(5, 0, 24 * 60),
  TELEGRAM_UPDATES_IN_FLIGHT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(1000).optional()),
  TELEGRAM_TRANSCRIBE: z.enum(['true', 'false']).default('false'),
  TELEGRAM_TRANSCRIBE_MODEL: z.string().default('whisper-1'),
  PUBLIC_BASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .refine((v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol) && !new URL(v).search && !new URL(v).hash, {
        error: 'expected an http:// or https:// URL without ? or # (Telegram opens Mini Apps from https only)',
      })
      .optional(),
  ),
  FAMILY_VIEW_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'expected at least 32 characters').optional()),
  CHAT_USER: z.string().min(1).default('local'),
  CHAT_ELDER_NAME: z.string().min(1).default('Grandma'),
});

/** Whether a host name is this machine (a local trial or a test may serve the family view over plain http). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The validated configuration, with the derived mode. */
export type Config = z.infer<typeof configSchema> & {
  /** 'embedded': SQLite and in-process tasks; 'scale': Postgres and BullMQ. */
  mode: 'embedded' | 'scale';
  /** Which model understands messages. */
  model: 'offline' | 'openai' | 'hybrid';
};

/** A setting had a bad value; the message names it and what was expected, in one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The one-line error for the first bad setting zod found. */
function invalidSetting(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  return new ConfigError(`Invalid setting ${String(issue.path[0] ?? 'config')}: ${issue.message}`);
}

/** Validates an environment into a Config, or throws a ConfigError naming the first bad setting. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw invalidSetting(parsed.error);
  const c = parsed.data;
  if (Boolean(c.DATABASE_URL) !== Boolean(c.REDIS_URL)) {
    const missing = c.DATABASE_URL ? 'REDIS_URL' : 'DATABASE_URL';
    throw new ConfigError(`Invalid setting ${missing}: scale mode needs both DATABASE_URL and REDIS_URL`);
  }
  if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid setting TELEGRAM_WEBHOOK_SECRET: webhook mode (TELEGRAM_WEBHOOK_URL) needs a secret of 1-256 of A-Z a-z 0-9 _ -');
  }
  if (c.PARTNER_API_URL && !c.PARTNER_API_KEY) throw new ConfigError('Invalid setting PARTNER_API_KEY: the partner API (PARTNER_API_URL) needs a key');
  if (c.PARTNER_API_URL && c.PARTNER_TIMEOUT_MS >= c.TASK_LEASE_MS) throw new ConfigError('Invalid setting PARTNER_TIMEOUT_MS: must be shorter than TASK_LEASE_MS');
  if (c.PUBLIC_BASE_URL && !c.FAMILY_VIEW_SECRET && !c.TELEGRAM_BOT_TOKEN) {
    throw new ConfigError('Invalid setting FAMILY_VIEW_SECRET: the family view (PUBLIC_BASE_URL) needs a secret of at least 32 characters to sign its links (or TELEGRAM_BOT_TOKEN to derive one from)');
  }
  if (c.PUBLIC_BASE_URL && c.TELEGRAM_BOT_TOKEN && new URL(c.PUBLIC_BASE_URL).protocol !== 'https:' && !isLoopback(new URL(c.PUBLIC_BASE_URL).hostname)) {
    throw new ConfigError('Invalid setting PUBLIC_BASE_URL: Telegram opens Mini Apps from https:// addresses only');
  }
  const model = c.MODEL ?? (c.OPENAI_API_KEY || c.OPENAI_BASE_URL ? 'hybrid' : 'offline');
  if (model !== 'offline' && !c.OPENAI_API_KEY && !c.OPENAI_BASE_URL) {
    throw new ConfigError(`Invalid setting MODEL: '${model}' needs OPENAI_API_KEY or OPENAI_BASE_URL`);
  }
  return { ...c, mode: c.DATABASE_URL ? 'scale' : 'embedded', model };
}

/** What a database tool (the MikroORM CLI, the migrate command) needs: where the database is, and the log level. */
export type DatabaseSettings = Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'SQLITE_PATH' | 'LOG_LEVEL'>;

/** Validates only the database settings of an environment (a database tool needs no Redis), or throws a ConfigError. */
export function parseDatabaseSettings(env: Record<string, string | undefined>): DatabaseSettings {
  const parsed = configSchema.pick({ DATABASE_URL: true, DATABASE_SCHEMA: true, SQLITE_PATH: true, LOG_LEVEL: true }).safeParse(env);
  if (!parsed.success) throw invalidSetting(parsed.error);
  return parsed.data;
}

/** Reads .env (when present) into process.env without overriding what is already set. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** Loads and validates the process configuration; on a bad setting prints one line and exits. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    loadDotEnv();
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Awaits a start-up step (building the app, migrating); a ConfigError it throws — bad credentials or an unknown
 * database, found only when the service answers — prints its one line and exits, like a bad setting at load.
 */
export async function exitOnConfigError<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** The configuration with secrets masked, for a debug log line. */
export function describeConfig(config: Config): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...config };
  for (const key of ['OPENAI_API_KEY', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'INVITE_CODE_PEPPER', 'PARTNER_API_KEY', 'PARTNER_WEBHOOK_SECRET', 'FAMILY_VIEW_SECRET']) {
    if (masked[key]) masked[key] = '***';
  }
  for (const key of ['DATABASE_URL', 'REDIS_URL']) {
    const v = masked[key];
    if (typeof v === 'string') masked[key] = v.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
  }
  return masked;
}
