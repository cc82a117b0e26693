import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { z } from 'zod';
import { BufferJSON, initAuthCreds, proto } from '@whiskeysockets/baileys';
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap } from '@whiskeysockets/baileys';
import { WhatsAppAuth } from './whatsapp-auth.entity.ts';

/** A WhatsApp session's auth state kept in the database, with the calls that persist and remove it. */
export interface DatabaseAuthState {
  state: AuthenticationState;
  /** Writes the current credentials; Baileys mutates `state.creds` in place and emits `creds.update`. */
  saveCreds: () => Promise<void>;
  /** Removes everything stored for the session (after a logout the keys are worthless). */
  clear: () => Promise<void>;
}

/** Stored credentials could not be read back; the session has to be linked again. */
export class WhatsAppCredsUnreadableError extends Error {
  override name = 'WhatsAppCredsUnreadableError';
}

const CREDS_KEY = 'creds';
// The key column is varchar(300); longer signal ids (none seen in practice) are stored under a digest.
const MAX_KEY_LENGTH = 300;
const sessionName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, - or _');

const bytes = z.instanceof(Uint8Array);
const keyPair = z.object({ public: bytes, private: bytes });
/** Enough of the credentials' shape to know a row is credentials and not something else or truncated. */
const storedCreds = z.looseObject({
  noiseKey: keyPair,
  pairingEphemeralKeyPair: keyPair,
  signedIdentityKey: keyPair,
  signedPreKey: z.looseObject({ keyPair, signature: bytes, keyId: z.number() }),
  registrationId: z.number(),
  advSecretKey: z.string(),
  registered: z.boolean().optional(),
});

/** What each kind of signal key holds once revived; a value that does not fit is treated as missing. */
const keyValues: { [T in keyof SignalDataTypeMap]: z.ZodType<SignalDataTypeMap[T]> } = {
  'pre-key': keyPair,
  session: bytes,
  'sender-key': bytes,
  'sender-key-memory': z.record(z.string(), z.boolean()),
  'app-state-sync-key': z.looseObject({}).transform((v) => proto.Message.AppStateSyncKeyData.fromObject(v)),
  'app-state-sync-version': z.looseObject({
    version: z.number(),
    hash: z.instanceof(Buffer),
    indexValueMap: z.record(z.string(), z.object({ valueMac: bytes })),
  }),
  'lid-mapping': z.string(),
  'device-list': z.array(z.string()),
  tctoken: z.object({ token: z.instanceof(Buffer), timestamp: z.string().optional(), senderTimestamp: z.number().optional() }),
  'identity-key': bytes,
};

const serialise = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const revive = (text: string): unknown => JSON.parse(text, BufferJSON.reviver) as unknown;

/** The row key of a signal key: the type never contains '/', so `type/id` cannot collide across types. */
function rowKey(type: string, id: string): string {
  const key = `${type}/${id}`;
  return key.length <= MAX_KEY_LENGTH ? key : `${type}/#${createHash('sha256').update(id).digest('hex')}`;
}

function reviveCreds(session: string, text: string): AuthenticationCreds {
  const parsed = storedCreds.safeParse(revive(text));
  if (!parsed.success) throw new WhatsAppCredsUnreadableError(`stored WhatsApp credentials of session "${session}" are unreadable; run npm run whatsapp:link`);
  // The checked fields are the ones Baileys cannot do without; the rest is Baileys' own JSON, written by saveCreds.
  return parsed.data as unknown as AuthenticationCreds;
}

/**
 * Baileys' auth state (credentials and signal keys) for one session, kept in the `whatsapp_auth` table like
 * `useMultiFileAuthState` keeps it in files: values are JSON with Buffers encoded by `BufferJSON`, `keys.get`
 * reads a batch in one query, `keys.set` writes a batch in one transaction and deletes the keys set to null.
 */
export async function useDatabaseAuthState(orm: MikroORM, session: string): Promise<DatabaseAuthState> {
  sessionName.parse(session);
  const stored = await orm.em.fork().findOne(WhatsAppAuth, { session, key: CREDS_KEY });
  const creds = stored ? reviveCreds(session, stored.value) : initAuthCreds();

  // Saves run one after another and serialise the credentials when they run, so the last write is the newest.
  let saving: Promise<void> = Promise.resolve();
  const saveCreds = (): Promise<void> => {
    const next = saving.then(async () => {
      await orm.em.fork().upsert(WhatsAppAuth, { session, key: CREDS_KEY, value: serialise(creds), updatedAt: new Date() });
    });
    saving = next.catch(() => undefined);
    return next;
  };

  const get = async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> => {
    const found: { [id: string]: SignalDataTypeMap[T] } = {};
    if (ids.length === 0) return found;
    const idByKey = new Map(ids.map((id) => [rowKey(type, id), id]));
    const rows = await orm.em.fork().find(WhatsAppAuth, { session, key: { $in: [...idByKey.keys()] } });
    const schema: z.ZodType<SignalDataTypeMap[T]> = keyValues[type];
    for (const row of rows) {
      const id = idByKey.get(row.key);
      const value = schema.safeParse(revive(row.value));
      if (id !== undefined && value.success) found[id] = value.data;
    }
    return found;
  };

  const set = async (data: SignalDataSet): Promise<void> => {
    const upserts: { session: string; key: string; value: string; updatedAt: Date }[] = [];
    const deletes: string[] = [];
    const now = new Date();
    for (const [type, values] of Object.entries(data)) {
      for (const [id, value] of Object.entries(values ?? {})) {
        const key = rowKey(type, id);
        if (value === null || value === undefined) deletes.push(key);
        else upserts.push({ session, key, value: serialise(value), updatedAt: now });
      }
    }
    if (upserts.length === 0 && deletes.length === 0) return;
    // Rows in key order, so two concurrent batches lock them in the same order and cannot deadlock.
    upserts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    await orm.em.fork().transactional(async (tx) => {
      if (upserts.length > 0) await tx.upsertMany(WhatsAppAuth, upserts);
      if (deletes.length > 0) await tx.nativeDelete(WhatsAppAuth, { session, key: { $in: deletes } });
    });
  };

  const clear = async (): Promise<void> => {
    await saving;
    await orm.em.fork().nativeDelete(WhatsAppAuth, { session });
  };

  return { state: { creds, keys: { get, set } }, saveCreds, clear };
}
