import { describe, it, expect } from '@jest/globals';
import { signInitData, verifyInitData, webAppSecretKey } from '../../src/http/family-view/telegram-init-data.ts';

const TOKEN = '7000000001:AAFakeTokenForTestsOnly_abcdefghijk';
const KEY = webAppSecretKey(TOKEN);
// Signed by an independent implementation (Python's hmac, following https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
// every field but hash, sorted, key=value joined by \n, including Telegram's newer `signature` field.
const FROM_TELEGRAM =
  'query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A424242%2C%22first_name%22%3A%22Sarah%22%2C%22language_code%22%3A%22en%22%7D' +
  '&auth_date=1795633200&signature=dGVzdC1zaWduYXR1cmU&hash=2d865928b70dbf4dbbeb5898d9774522ef8a81abdca0258a5aafdb8c9a3bb100';
const SIGNED_AT = new Date('2026-11-25T19:00:00Z');
const minutesLater = (m: number): Date => new Date(SIGNED_AT.getTime() + m * 60_000);

describe("Telegram Mini App initData, checked as Telegram's documentation says", () => {
  it('accepts initData signed with the bot token and gives the user who opened the page', () => {
    expect(verifyInitData(FROM_TELEGRAM, KEY, minutesLater(5))).toEqual({ userId: '424242', firstName: 'Sarah', authDate: SIGNED_AT });
  });

  it('accepts what it signs itself (the tests sign initData the same way)', () => {
    const data = signInitData({ user: JSON.stringify({ id: 99, first_name: 'Tom' }), auth_date: String(SIGNED_AT.getTime() / 1000), chat_type: 'sender' }, TOKEN);
    expect(verifyInitData(data, KEY, SIGNED_AT)?.userId).toBe('99');
  });

  it('refuses initData changed after signing, signed with another token, or without its hash', () => {
    const otherUser = FROM_TELEGRAM.replace('424242', '424243');
    expect(verifyInitData(otherUser, KEY, SIGNED_AT)).toBeNull();
    expect(verifyInitData(FROM_TELEGRAM.replace('&signature=dGVzdC1zaWduYXR1cmU', ''), KEY, SIGNED_AT)).toBeNull();
    expect(verifyInitData(FROM_TELEGRAM, webAppSecretKey('7000000001:AAAnotherBotsToken_abcdefghijklmno'), SIGNED_AT)).toBeNull();
    expect(verifyInitData(FROM_TELEGRAM.replace(/&hash=.*$/, ''), KEY, SIGNED_AT)).toBeNull();
    expect(verifyInitData(FROM_TELEGRAM.replace(/hash=[0-9a-f]+/, 'hash=zz'), KEY, SIGNED_AT)).toBeNull();
    expect(verifyInitData('', KEY, SIGNED_AT)).toBeNull();
  });

  it('refuses a field given twice, which could be signed one way and read another', () => {
    expect(verifyInitData(`${FROM_TELEGRAM}&user=${encodeURIComponent(JSON.stringify({ id: 1 }))}`, KEY, SIGNED_AT)).toBeNull();
  });

  it('refuses initData more than an hour old, or from the future beyond a few minutes of clock skew', () => {
    expect(verifyInitData(FROM_TELEGRAM, KEY, minutesLater(60))).not.toBeNull();
    expect(verifyInitData(FROM_TELEGRAM, KEY, minutesLater(61))).toBeNull();
    expect(verifyInitData(FROM_TELEGRAM, KEY, minutesLater(-4))).not.toBeNull();
    expect(verifyInitData(FROM_TELEGRAM, KEY, minutesLater(-6))).toBeNull();
  });

  it('refuses signed initData without a user in it', () => {
    const noUser = signInitData({ auth_date: String(SIGNED_AT.getTime() / 1000), chat_instance: '1' }, TOKEN);
    expect(verifyInitData(noUser, KEY, SIGNED_AT)).toBeNull();
    const badUser = signInitData({ auth_date: String(SIGNED_AT.getTime() / 1000), user: '{"id":"not a number"}' }, TOKEN);
    expect(verifyInitData(badUser, KEY, SIGNED_AT)).toBeNull();
  });
});
