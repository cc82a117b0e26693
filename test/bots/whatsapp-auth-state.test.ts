import { describe, it, expect } from '@jest/globals';
import { proto } from '@whiskeysockets/baileys';
import { useDatabaseAuthState, WhatsAppCredsUnreadableError } from '../../src/bots/whatsapp/database-auth-state.ts';
import { WhatsAppAuth } from '../../src/bots/whatsapp/whatsapp-auth.entity.ts';
import { MODES, useTestDatabase } from '../support/test-app.ts';

describe.each(MODES)('WhatsApp auth state in the database (%s)', (mode) => {
  const orm = useTestDatabase(mode);

  it('starts a new session with fresh credentials and reads saved ones back with their Buffers', async () => {
    const first = await useDatabaseAuthState(orm, 'creds-round-trip');
    expect(first.state.creds.registered).toBe(false);
    first.state.creds.registered = true;
    first.state.creds.me = { id: '447700900123:4@s.whatsapp.net', name: 'Assistant' };
    first.state.creds.routingInfo = Buffer.from([1, 2, 3, 250]);
    await first.saveCreds();

    const again = await useDatabaseAuthState(orm, 'creds-round-trip');
    const creds = again.state.creds;
    expect(creds.registered).toBe(true);
    expect(creds.me?.id).toBe('447700900123:4@s.whatsapp.net');
    expect(Buffer.isBuffer(creds.noiseKey.private)).toBe(true);
    expect(Buffer.from(creds.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private))).toBe(true);
    expect(Buffer.from(creds.signedPreKey.signature).equals(Buffer.from(first.state.creds.signedPreKey.signature))).toBe(true);
    expect(creds.routingInfo).toEqual(Buffer.from([1, 2, 3, 250]));
    expect(creds.advSecretKey).toBe(first.state.creds.advSecretKey);
  });

  it('writes the newest credentials when saves overlap', async () => {
    const auth = await useDatabaseAuthState(orm, 'overlapping-saves');
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 5; i++) {
      auth.state.creds.nextPreKeyId = i;
      saves.push(auth.saveCreds());
    }
    await Promise.all(saves);
    expect((await useDatabaseAuthState(orm, 'overlapping-saves')).state.creds.nextPreKeyId).toBe(5);
  });

  it('gets the keys that exist in one batch, overwrites and deletes keys set to null', async () => {
    const { state } = await useDatabaseAuthState(orm, 'keys');
    await state.keys.set({
      session: { '447700900123.0': Buffer.from('session-a'), '447700900456.0': Buffer.from('session-b') },
      'pre-key': { '1': { public: Buffer.from([1, 1]), private: Buffer.from([2, 2]) } },
      'sender-key-memory': { '120363000000000000@g.us': { '447700900123@s.whatsapp.net': true } },
      'app-state-sync-key': { AAAAAQ: proto.Message.AppStateSyncKeyData.fromObject({ keyData: Buffer.from([9, 8, 7]), timestamp: 1700000000 }) },
      'device-list': { '447700900123': ['0', '4'] },
    });

    const sessions = await state.keys.get('session', ['447700900123.0', '447700900456.0', '447700900999.0']);
    expect(Object.keys(sessions).sort()).toEqual(['447700900123.0', '447700900456.0']);
    expect(Buffer.from(sessions['447700900123.0']!).toString()).toBe('session-a');
    const preKeys = await state.keys.get('pre-key', ['1']);
    expect(Buffer.from(preKeys['1']!.private)).toEqual(Buffer.from([2, 2]));
    expect(await state.keys.get('sender-key-memory', ['120363000000000000@g.us'])).toEqual({ '120363000000000000@g.us': { '447700900123@s.whatsapp.net': true } });
    const syncKey = (await state.keys.get('app-state-sync-key', ['AAAAAQ']))['AAAAAQ'];
    expect(syncKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(syncKey!.keyData!)).toEqual(Buffer.from([9, 8, 7]));
    expect(await state.keys.get('device-list', ['447700900123'])).toEqual({ '447700900123': ['0', '4'] });
    // The same id under another type is another key.
    expect(await state.keys.get('sender-key', ['447700900123.0'])).toEqual({});

    await state.keys.set({ session: { '447700900123.0': Buffer.from('session-a2'), '447700900456.0': null } });
    const after = await state.keys.get('session', ['447700900123.0', '447700900456.0']);
    expect(Object.keys(after)).toEqual(['447700900123.0']);
    expect(Buffer.from(after['447700900123.0']!).toString()).toBe('session-a2');
    expect(await state.keys.get('session', [])).toEqual({});
  });

  it('keeps a key with a very long id', async () => {
    const { state } = await useDatabaseAuthState(orm, 'long-ids');
    const id = `120363000000000000@g.us::${'x'.repeat(400)}::0`;
    await state.keys.set({ 'sender-key': { [id]: Buffer.from('long') } });
    const found = await state.keys.get('sender-key', [id]);
    expect(Buffer.from(found[id]!).toString()).toBe('long');
  });

  it('keeps two sessions apart and clears one without touching the other', async () => {
    const alpha = await useDatabaseAuthState(orm, 'alpha');
    const beta = await useDatabaseAuthState(orm, 'beta');
    alpha.state.creds.registered = true;
    await alpha.saveCreds();
    await beta.saveCreds();
    await alpha.state.keys.set({ session: { 'shared.0': Buffer.from('alpha') } });
    await beta.state.keys.set({ session: { 'shared.0': Buffer.from('beta') } });

    expect(Buffer.from((await alpha.state.keys.get('session', ['shared.0']))['shared.0']!).toString()).toBe('alpha');
    expect(Buffer.from((await beta.state.keys.get('session', ['shared.0']))['shared.0']!).toString()).toBe('beta');
    expect((await useDatabaseAuthState(orm, 'beta')).state.creds.registered).toBe(false);

    await alpha.clear();
    const em = orm.em.fork();
    expect(await em.count(WhatsAppAuth, { session: 'alpha' })).toBe(0);
    expect(await em.count(WhatsAppAuth, { session: 'beta' })).toBe(2);
    const relinked = await useDatabaseAuthState(orm, 'alpha');
    expect(relinked.state.creds.registered).toBe(false);
    expect(await relinked.state.keys.get('session', ['shared.0'])).toEqual({});
  });

  it('refuses credentials it cannot read, and session names that do not fit the table', async () => {
    const em = orm.em.fork();
    em.create(WhatsAppAuth, { session: 'broken', key: 'creds', value: '{"registered":true}' });
    await em.flush();
    await expect(useDatabaseAuthState(orm, 'broken')).rejects.toThrow(WhatsAppCredsUnreadableError);
    await expect(useDatabaseAuthState(orm, 'a'.repeat(65))).rejects.toThrow();
  });
});
