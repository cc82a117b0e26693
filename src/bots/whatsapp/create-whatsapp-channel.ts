import type { MikroORM } from '@mikro-orm/core';
import { isJidBroadcast, isJidNewsletter, makeCacheableSignalKeyStore, makeWASocket } from '@whiskeysockets/baileys';
import { useDatabaseAuthState } from './database-auth-state.ts';
import { WhatsAppChannel, type WhatsAppChannelOptions, type WhatsAppSocketFactory } from './whatsapp-channel.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Config } from '../../config.ts';

/** The WhatsApp part of the configuration (validated with the rest in src/config.ts). */
export type WhatsAppConfig = Pick<Config, 'WHATSAPP_ENABLED' | 'WHATSAPP_SESSION' | 'WHATSAPP_MIN_SEND_INTERVAL_MS' | 'WHATSAPP_MAX_SEND_JITTER_MS'>;

/**
 * Opens Baileys sockets on the session's auth state in the database, reading it afresh for each connection.
 * Baileys logs only warnings and errors: at info it describes every frame.
 */
export function baileysSocketFactory(deps: { orm: MikroORM; session: string; logger: Logger }): WhatsAppSocketFactory {
  const quiet = deps.logger.levelVal >= deps.logger.levels.values.warn! ? deps.logger.level : 'warn';
  const logger = deps.logger.child({ channel: 'whatsapp', session: deps.session, module: 'baileys' }, { level: quiet });
  return async () => {
    const auth = await useDatabaseAuthState(deps.orm, deps.session);
    const socket = makeWASocket({
      auth: { creds: auth.state.creds, keys: makeCacheableSignalKeyStore(auth.state.keys, logger) },
      logger,
      // The phone keeps its notifications, and the assistant does not download years of chats it will not read.
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldIgnoreJid: (jid) => isJidBroadcast(jid) || isJidNewsletter(jid),
    });
    return { socket, saveCreds: auth.saveCreds, clearAuth: auth.clear };
  };
}

/** Builds the WhatsApp channel from config, or nothing when WhatsApp is not enabled. */
export function createWhatsAppChannel(deps: {
  config: WhatsAppConfig;
  orm: MikroORM;
  logger: Logger;
  overrides?: Partial<WhatsAppChannelOptions>;
}): WhatsAppChannel | undefined {
  const { config } = deps;
  if (config.WHATSAPP_ENABLED !== 'true') return undefined;
  return new WhatsAppChannel({
    socketFactory: baileysSocketFactory({ orm: deps.orm, session: config.WHATSAPP_SESSION, logger: deps.logger }),
    logger: deps.logger,
    session: config.WHATSAPP_SESSION,
    minSendIntervalMs: config.WHATSAPP_MIN_SEND_INTERVAL_MS,
    maxSendJitterMs: config.WHATSAPP_MAX_SEND_JITTER_MS,
    ...deps.overrides,
  });
}
