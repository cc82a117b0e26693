import { defineEntity, p } from '@mikro-orm/core';
import { LINK_ROLES } from './caregiver-link.entity.ts';

/** A one-time code that links a family member or caregiver to an elder. Only a hash of the code is stored. */
export const InviteCodeSchema = defineEntity({
  name: 'InviteCode',
  tableName: 'invite_codes',
  properties: {
    id: p.uuid().primary(),
    elderId: p.uuid().index(),
    codeHash: p.string().length(128).unique(),
    role: p.enum(LINK_ROLES),
    createdByAccountId: p.uuid().nullable(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    usedByAccountId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** An invite code as loaded from the database. */
export class InviteCode extends InviteCodeSchema.class {}
InviteCodeSchema.setClass(InviteCode);
