import { defineEntity, p } from '@mikro-orm/core';

/**
 * One wrong invite code, counted against a scope (the sender's account, the group chat, the elder whose
 * code it was). Kept in the database so the limit holds across processes; `scope` is a hash, never a phone
 * number or a code.
 */
export const InviteAttemptSchema = defineEntity({
  name: 'InviteAttempt',
  tableName: 'invite_attempts',
  indexes: [{ properties: ['scope', 'attemptedAt'] }, { properties: ['attemptedAt'] }],
  properties: {
    id: p.uuid().primary(),
    scope: p.string().length(64),
    attemptedAt: p.datetime(),
  },
});

/** A failed invite attempt as loaded from the database. */
export class InviteAttempt extends InviteAttemptSchema.class {}
InviteAttemptSchema.setClass(InviteAttempt);
