import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** How old Telegram's initData may be before the page must be opened again from the chat. */
export const INIT_DATA_MAX_AGE_SECONDS = 3600;
/** How far in the future an auth_date may be (clock skew between Telegram and this server). */
const FUTURE_SKEW_SECONDS = 300;

/** The Telegram user who opened the Mini App, as initData's `user` field describes them. */
const userSchema = z.looseObject({ id: z.number().int().positive(), first_name: z.string().optional() });

/** What a valid initData tells: who opened the page, and when Telegram signed it. */
export interface TelegramInitData {
  userId: string;
  firstName: string | undefined;
  authDate: Date;
}

/** The secret key of a bot's Mini App data: HMAC-SHA256 of the bot token with the key "WebAppData". */
export function webAppSecretKey(botToken: string): Buffer {
  return createHmac('sha256', 'WebAppData').update(botToken).digest();
}

/**
 * The data-check-string of initData as Telegram's documentation defines it: every received field but `hash`,
 * as `key=value` with the value URL-decoded, sorted by key, joined by line feeds.
 */
export function dataCheckString(fields: URLSearchParams): string {
  return [...fields.entries()]
    .filter(([key]) => key !== 'hash')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/**
 * Checks a Mini App's initData exactly as https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app
 * says: hash = hex(HMAC-SHA256(data-check-string, key = HMAC-SHA256(bot token, key "WebAppData"))), compared in
 * constant time; then `auth_date` must be at most `maxAgeSeconds` old (and not in the future). Returns the
 * user, or null for anything forged, stale, repeated or malformed.
 */
export function verifyInitData(raw: string, secretKey: Buffer, now: Date, maxAgeSeconds = INIT_DATA_MAX_AGE_SECONDS): TelegramInitData | null {
  if (raw.length === 0 || raw.length > 4096) return null;
  const fields = new URLSearchParams(raw);
  const keys = [...fields.keys()];
  // A repeated field would be signed one way and read another.
  if (new Set(keys).size !== keys.length) return null;
  const hash = fields.get('hash');
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return null;
  const expected = createHmac('sha256', secretKey).update(dataCheckString(fields)).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, 'hex'))) return null;
  const authDate = Number(fields.get('auth_date'));
  if (!Number.isInteger(authDate) || authDate <= 0) return null;
  const age = now.getTime() / 1000 - authDate;
  if (age > maxAgeSeconds || age < -FUTURE_SKEW_SECONDS) return null;
  let user: z.infer<typeof userSchema>;
  try {
    user = userSchema.parse(JSON.parse(fields.get('user') ?? ''));
  } catch {
    return null;
  }
  return { userId: String(user.id), firstName: user.first_name, authDate: new Date(authDate * 1000) };
}

/** Signs initData fields as Telegram does (for tests and local trials with a fake Bot API; never with a real token in the browser). */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const params = new URLSearchParams(fields);
  params.set('hash', createHmac('sha256', webAppSecretKey(botToken)).update(dataCheckString(params)).digest('hex'));
  return params.toString();
}
