import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/lib/logger.ts';
import { secretsOfConfig } from '../../src/lib/log-masking.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import { TelegramChannel } from '../../src/bots/telegram/telegram-channel.ts';
import type { App } from '../../src/app.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeTelegramServer, aTelegramUser } from '../support/fake-telegram-server.ts';

/** A logger at debug level whose output is kept, line by line, for assertions. */
function aCapturingLogger(secrets: readonly string[] = []): { logger: Logger; output: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('debug', sink, { secrets }), output: () => lines.join('') };
}

// Realistic shapes of each secret (none of them real).
const BOT_TOKEN = '7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw2';
const OPENAI_KEY = 'sk-proj-4f9Qw2LmZx8RtY6uIo3PaSdFgHjKl0ZxCvBn';
const PARTNER_KEY = 'pk_live_9f8e7d6c5b4a3210';
const WEBHOOK_SECRET = 'tg_webhook_Zq81Lp0wXy';
const PARTNER_WEBHOOK_SECRET = 'partner-hmac-secret-0042';
const PEPPER = 'pepper:Vx9!kQ2#';
const DB_PASSWORD = 'Tr0ub4dor&3';
const REDIS_PASSWORD = 'r3d1s-s3cr3t';
const DATABASE_URL = `postgresql://app:${encodeURIComponent(DB_PASSWORD)}@db.internal:5432/grandma`;
const REDIS_URL = `redis://:${REDIS_PASSWORD}@cache.internal:6379`;

const configuredSecrets = (): string[] =>
  secretsOfConfig({
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    OPENAI_API_KEY: OPENAI_KEY,
    PARTNER_API_KEY: PARTNER_KEY,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PARTNER_WEBHOOK_SECRET,
    INVITE_CODE_PEPPER: PEPPER,
    DATABASE_URL,
    REDIS_URL,
  });

describe('masking secrets in the logs', () => {
  it('keeps every configured secret out of messages, fields, nested objects, child bindings and error stacks at debug level', () => {
    const { logger, output } = aCapturingLogger(configuredSecrets());
    logger.debug(`calling the partner with key ${PARTNER_KEY}`);
    logger.info({ settings: { hook: WEBHOOK_SECRET, signing: PARTNER_WEBHOOK_SECRET, salt: PEPPER } }, 'settings loaded');
    logger.child({ connection: DATABASE_URL }).warn({ redis: REDIS_URL }, 'connecting');
    logger.error({ err: new Error(`request to https://api.telegram.org/bot${BOT_TOKEN}/getUpdates failed, reason: ECONNRESET`) }, 'telegram getUpdates failed');
    logger.error(new Error(`401 from the model: header was Authorization: Bearer ${OPENAI_KEY}`));
    logger.debug({ raw: `db password ${DB_PASSWORD} and redis ${REDIS_PASSWORD}` }, 'leaked by a library');

    const out = output();
    for (const secret of [BOT_TOKEN, BOT_TOKEN.split(':')[1]!, OPENAI_KEY, PARTNER_KEY, WEBHOOK_SECRET, PARTNER_WEBHOOK_SECRET, PEPPER, DB_PASSWORD, encodeURIComponent(DB_PASSWORD), REDIS_PASSWORD]) {
      expect({ secret, found: out.includes(secret) }).toEqual({ secret, found: false });
    }
    // The lines still say what happened.
    expect(out).toContain('calling the partner with key ***');
    expect(out).toContain('postgresql://app:***@db.internal:5432/grandma');
    expect(out).toContain('redis://:***@cache.internal:6379');
    expect(out).toContain('https://api.telegram.org/bot***/getUpdates failed, reason: ECONNRESET');
    expect(out).toContain('"stack":"Error: request to https://api.telegram.org/bot***/getUpdates');
    expect(out).toContain('401 from the model: header was Authorization: Bearer ***');
    expect(out.split('\n').filter(Boolean)).toHaveLength(6);
  });

  it('masks tokens, keys and URL passwords by their shape even when nobody configured them', () => {
    const { logger, output } = aCapturingLogger();
    logger.warn({ err: `FetchError: request to https://api.telegram.org/bot${BOT_TOKEN}/sendMessage failed` }, 'could not send');
    logger.warn({ headers: `Authorization: Bearer ${OPENAI_KEY}` }, 'remote model refused');
    logger.warn(`Redis connection to ${REDIS_URL} lost`);
    const out = output();
    for (const secret of [BOT_TOKEN.split(':')[1]!, OPENAI_KEY, REDIS_PASSWORD]) expect(out).not.toContain(secret);
    expect(out).toContain('bot7123456789:***/sendMessage failed');
    expect(out).toContain('Redis connection to redis://:***@cache.internal:6379 lost');
  });

  it('masks invite codes in commands, as shown and as typed, leaving the command readable', () => {
    const { logger, output } = aCapturingLogger();
    logger.debug({ text: '/join FAMILY-K7M-Q2X-PRT' }, 'message in');
    logger.debug({ text: '/link k7m q2x prt' }, 'message in');
    logger.debug({ text: '/start CAREGIVERH4NR8TWXZ' }, 'message in');
    logger.debug('Here is your code: CAREGIVER-H4N-R8T-WXZ, valid for 24 hours');
    logger.debug('the code 9PD-V3K-MEB was used twice');
    const out = output();
    for (const code of ['K7M-Q2X-PRT', 'k7m q2x prt', 'H4NR8TWXZ', 'H4N-R8T-WXZ', '9PD-V3K-MEB']) expect(out).not.toContain(code);
    expect(out).toContain('"text":"/join ***"');
    expect(out).toContain('"text":"/link ***"');
    expect(out).toContain('Here is your code: CAREGIVER-***, valid for 24 hours');
    expect(out).toContain('the code ***-***-*** was used twice');
  });

  it("masks the family view's signed links and Telegram's initData, leaving the address readable", () => {
    const { logger, output } = aCapturingLogger();
    const token = 'fv1.eyJoIjoiYSIsImkiOiI5YzJlIn0.q0F3k1m2Zb8vPqLr7xT9WcD4yHnE6sUaJgKoM5iB2Nw';
    const initData = 'query_id=AAHdF6IQ&user=%7B%22id%22%3A424242%7D&auth_date=1795633200&hash=2d865928b70dbf4dbbeb5898d9774522';
    logger.debug({ text: `See Margaret's week: https://view.example.org/family/#link=${token}` }, 'message out');
    logger.debug({ headers: { authorization: `tma ${initData}` } }, 'request');
    const out = output();
    expect(out).not.toContain(token.split('.')[2]);
    expect(out).not.toContain('2d865928b70dbf4dbbeb5898d9774522');
    expect(out).toContain('https://view.example.org/family/#link=fv1.***');
    expect(out).toContain('"authorization":"tma ***"');
  });

  it('masks phone numbers and WhatsApp ids but keeps their last two digits for support', () => {
    const { logger, output } = aCapturingLogger();
    logger.debug({ venue: { name: 'Olive Garden', tel: '+44 7700 900123' } }, 'venue loaded');
    logger.debug('ring the salon on 020 7946 0011 or 07700 900456');
    logger.warn({ jid: '447700900123@s.whatsapp.net', device: '447700900789:12@s.whatsapp.net', group: '447700900555-1612345678@g.us' }, 'could not send');
    const out = output();
    for (const phone of ['7700 900123', '7946 0011', '900456', '447700900123', '447700900789', '447700900555', '1612345678']) expect(out).not.toContain(phone);
    expect(out).toContain('"tel":"+44********23"');
    expect(out).toContain('ring the salon on 0********11 or 0********56');
    expect(out).toContain('"jid":"**********23@s.whatsapp.net"');
    expect(out).toContain('"device":"**********89:12@s.whatsapp.net"');
    expect(out).toContain('"group":"**********55-***@g.us"');
    expect(out).toContain('"name":"Olive Garden"');
  });

  it('leaves ids, times and counts alone', () => {
    const { logger, output } = aCapturingLogger(configuredSecrets());
    const line = { taskId: '0b1c2d3e-0123-4567-8901-abcdefabcdef', at: '2026-11-29T03:41:24.000+00:00', delayMs: 1500, reference: 'A1B2C3D4', chatId: '-1001234567890' };
    logger.info(line, 'task will be retried');
    const parsed = JSON.parse(output()) as Record<string, unknown>;
    expect(parsed).toMatchObject({ ...line, msg: 'task will be retried' });
  });
});

describe.each(MODES)('the running app keeps the bot token and invite codes out of its logs (%s)', (mode) => {
  let storage: TestStorage;
  let fake: FakeTelegramServer;
  let app: App | undefined;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    fake = await FakeTelegramServer.start();
  });
  afterAll(async () => {
    await app?.stop();
    await fake.close().catch(() => undefined);
    await storage.cleanup();
  });

  it('logs a family joining with a code and a lost Bot API connection at debug level without the code or the token', async () => {
    // Wired as src/app.ts would: the secrets of the whole configuration.
    const { logger, output } = aCapturingLogger(secretsOfConfig({ ...storage.config, TELEGRAM_BOT_TOKEN: fake.token }));
    const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger, pollTimeoutSeconds: 1 });
    app = await startTestApp(storage, { clock, channels: [channel], logger });

    const margaret = aTelegramUser({ first_name: 'Margaret' });
    fake.userSays(margaret, 'Can you add my daughter please');
    const invite = await fake.waitForMessage(margaret.id, (m) => /\/join FAMILY-/.test(m.text ?? ''), 20_000);
    const code = /FAMILY-[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}/.exec(invite.text!)![0];
    const sarah = aTelegramUser({ first_name: 'Sarah' });
    fake.userSays(sarah, `/join ${code}`);
    await fake.waitForMessage(margaret.id, (m) => (m.text ?? '').includes('Sarah has joined your family circle'), 20_000);
    fake.userSays(sarah, 'My number is +44 7700 900123 if she needs me');

    // The Bot API goes away: the error names the request URL, which carries the token (telegraf 4.16 redacts it
    // itself; the logger would mask it anyway).
    await fake.close();
    const deadline = Date.now() + 20_000;
    while (!output().includes('telegram getUpdates failed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await app.stop();
    app = undefined;

    const out = output();
    expect(out).toContain('invite code redeemed');
    expect(out).toContain('telegram getUpdates failed');
    expect(out).not.toContain(fake.token);
    expect(out).not.toContain(fake.token.split(':')[1]!);
    expect(out).not.toContain(code);
    expect(out).not.toContain(code.slice('FAMILY-'.length));
    expect(out).not.toContain('7700 900123');
  }, 60_000);
});
