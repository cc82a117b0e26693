import { describe, it, expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { parseConfig, ConfigError, describeConfig } from '../../src/config.ts';
import { updatesInFlight } from '../../src/bots/telegram/create-telegram-channel.ts';

describe('configuration', () => {
  it('runs embedded with the offline model when nothing is set', () => {
    const config = parseConfig({});
    expect(config.mode).toBe('embedded');
    expect(config.model).toBe('offline');
    expect(config.SQLITE_PATH).toBe('./data/assistant.db');
  });

  it('switches to scale mode when DATABASE_URL and REDIS_URL are both set', () => {
    const config = parseConfig({ DATABASE_URL: 'postgresql://u@h/db', REDIS_URL: 'redis://h:6379' });
    expect(config.mode).toBe('scale');
  });

  it('names the setting that is wrong and what it expects', () => {
    expect(() => parseConfig({ REDIS_URL: 'http://nope' })).toThrow(new ConfigError('Invalid setting REDIS_URL: expected a redis:// or rediss:// URL'));
    expect(() => parseConfig({ HTTP_PORT: 'eighty' })).toThrow(/^Invalid setting HTTP_PORT:/);
    expect(() => parseConfig({ DEFAULT_TIMEZONE: 'Mars/Olympus' })).toThrow(/DEFAULT_TIMEZONE: expected an IANA timezone/);
    expect(() => parseConfig({ SWEEP_CRON: 'every minute' })).toThrow(/SWEEP_CRON/);
  });

  it('refuses half of scale mode', () => {
    expect(() => parseConfig({ DATABASE_URL: 'postgresql://u@h/db' })).toThrow(/Invalid setting REDIS_URL: scale mode needs both/);
  });

  it('uses the remote model only when one is configured', () => {
    expect(parseConfig({ OPENAI_API_KEY: 'sk-x' }).model).toBe('hybrid');
    expect(() => parseConfig({ MODEL: 'openai' })).toThrow(/Invalid setting MODEL/);
  });

  it('switches the family view on with PUBLIC_BASE_URL, and asks for a secret to sign its links when there is no bot token', () => {
    const secret = 'a secret of at least thirty-two characters!';
    expect(parseConfig({ PUBLIC_BASE_URL: 'https://view.example.org', FAMILY_VIEW_SECRET: secret }).PUBLIC_BASE_URL).toBe('https://view.example.org');
    expect(() => parseConfig({ PUBLIC_BASE_URL: 'https://view.example.org' })).toThrow(/^Invalid setting FAMILY_VIEW_SECRET: the family view \(PUBLIC_BASE_URL\) needs a secret/);
    expect(() => parseConfig({ PUBLIC_BASE_URL: 'https://view.example.org', FAMILY_VIEW_SECRET: 'short' })).toThrow(/^Invalid setting FAMILY_VIEW_SECRET: expected at least 32 characters/);
    expect(() => parseConfig({ PUBLIC_BASE_URL: 'ftp://view.example.org', FAMILY_VIEW_SECRET: secret })).toThrow(/^Invalid setting PUBLIC_BASE_URL:/);
    expect(() => parseConfig({ PUBLIC_BASE_URL: 'https://view.example.org/?x=1', FAMILY_VIEW_SECRET: secret })).toThrow(/^Invalid setting PUBLIC_BASE_URL:/);
    // Telegram opens Mini Apps from https only; a loopback address is for trials against a local Bot API.
    expect(() => parseConfig({ PUBLIC_BASE_URL: 'http://view.example.org', TELEGRAM_BOT_TOKEN: '1:x' })).toThrow(/^Invalid setting PUBLIC_BASE_URL: Telegram opens Mini Apps from https/);
    expect(parseConfig({ PUBLIC_BASE_URL: 'http://127.0.0.1:3000', TELEGRAM_BOT_TOKEN: '1:x' }).PUBLIC_BASE_URL).toBe('http://127.0.0.1:3000');
    expect(describeConfig(parseConfig({ PUBLIC_BASE_URL: 'https://view.example.org', FAMILY_VIEW_SECRET: secret })).FAMILY_VIEW_SECRET).toBe('***');
  });

  it('handles a few Telegram updates at once with the offline model and many with a remote one, unless told', () => {
    expect(updatesInFlight(parseConfig({}))).toBe(8);
    expect(updatesInFlight(parseConfig({ OPENAI_API_KEY: 'sk-x' }))).toBe(100);
    expect(updatesInFlight(parseConfig({ TELEGRAM_UPDATES_IN_FLIGHT: '20' }))).toBe(20);
    expect(() => parseConfig({ TELEGRAM_UPDATES_IN_FLIGHT: '0' })).toThrow(/^Invalid setting TELEGRAM_UPDATES_IN_FLIGHT:/);
  });

  it("says a reminder is late after five minutes unless told, and caps paid broadcasts at Telegram's 1,000 a second", () => {
    expect(parseConfig({}).LATE_NOTICE_MINUTES).toBe(5);
    expect(parseConfig({ LATE_NOTICE_MINUTES: '10' }).LATE_NOTICE_MINUTES).toBe(10);
    expect(() => parseConfig({ LATE_NOTICE_MINUTES: '-1' })).toThrow(/^Invalid setting LATE_NOTICE_MINUTES:/);
    expect(parseConfig({}).TELEGRAM_PAID_BROADCAST).toBe('false');
    expect(parseConfig({ TELEGRAM_PAID_BROADCAST: 'true' }).TELEGRAM_PAID_BROADCAST_PER_SECOND).toBe(1000);
    expect(() => parseConfig({ TELEGRAM_PAID_BROADCAST_PER_SECOND: '5000' })).toThrow(/^Invalid setting TELEGRAM_PAID_BROADCAST_PER_SECOND:/);
    expect(() => parseConfig({ TELEGRAM_PAID_BROADCAST: 'yes' })).toThrow(/^Invalid setting TELEGRAM_PAID_BROADCAST:/);
  });

  it('masks secrets when the configuration is described', () => {
    const described = describeConfig(parseConfig({ OPENAI_API_KEY: 'sk-secret', DATABASE_URL: 'postgresql://u:pw@h/db', REDIS_URL: 'redis://h' }));
    expect(JSON.stringify(described)).not.toContain('sk-secret');
    expect(JSON.stringify(described)).not.toContain(':pw@');
  });

  it('stops the process with one line naming the bad setting', () => {
    let stderr = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['src/cli/worker.ts'], { env: { ...process.env, HTTP_PORT: '99999' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { status: number; stderr: string };
      status = e.status;
      stderr = e.stderr;
    }
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual(['Invalid setting HTTP_PORT: Too big: expected number to be <=65535']);
  });
});
