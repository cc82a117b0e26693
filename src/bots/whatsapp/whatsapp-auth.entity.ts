import { defineEntity, p } from '@mikro-orm/core';

/**
 * One piece of a WhatsApp session's auth state (credentials or a signal key), serialised as JSON.
 * Kept in the database, not in files, so any process can restart the connection.
 */
export const WhatsAppAuthSchema = defineEntity({
  name: 'WhatsAppAuth',
  tableName: 'whatsapp_auth',
  properties: {
    session: p.string().length(64).primary(),
    key: p.string().length(300).primary(),
    value: p.text(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

/** A stored auth-state entry. */
export class WhatsAppAuth extends WhatsAppAuthSchema.class {}
WhatsAppAuthSchema.setClass(WhatsAppAuth);
