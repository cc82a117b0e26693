import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/core';
import { openDatabase } from '../../src/db/orm.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { InviteCode } from '../../src/tasks/family/invite-code.entity.ts';
import { NotLinkedError } from '../../src/tasks/family/access.ts';
import { DEFAULT_ATTEMPT_LIMITS } from '../../src/tasks/family/invite-attempts.ts';
import {
  INVITE_ALPHABET,
  INVITE_SYMBOLS,
  createInviteCode,
  hashInviteCode,
  normaliseInviteCode,
  randomInviteSecret,
  redeemInviteCode,
  type InviteSettings,
  type LinkRole,
  type Redemption,
} from '../../src/tasks/family/invite-codes.ts';
import { MODES, testStorage, type TestStorage } from '../support/test-app.ts';
import { aFamilyCircle, aFamilyMember, anElder } from '../support/factories.ts';

const settings: InviteSettings = { ttlHours: 24, limits: DEFAULT_ATTEMPT_LIMITS };
const NOW = new Date('2026-11-24T10:00:00Z');
let seq = 0;
const person = (overrides: Partial<Redemption> = {}): Omit<Redemption, 'code'> => ({
  channel: 'telegram',
  userId: `user-${++seq}`,
  chatId: `chat-user-${seq}`,
  chatType: 'private',
  displayName: 'Sarah',
  purpose: 'join',
  now: NOW,
  ...overrides,
});

describe('invite code format', () => {
  it('uses no 0/O, 1/l/I and carries at least 40 bits in 9 symbols', () => {
    for (const c of '0O1lI') expect(INVITE_ALPHABET).not.toContain(c);
    expect(new Set(INVITE_ALPHABET).size).toBe(INVITE_ALPHABET.length);
    expect(INVITE_SYMBOLS * Math.log2(INVITE_ALPHABET.length)).toBeGreaterThanOrEqual(40);
    const secrets = Array.from({ length: 500 }, randomInviteSecret);
    for (const s of secrets) expect(s).toMatch(new RegExp(`^[${INVITE_ALPHABET}]{${INVITE_SYMBOLS}}$`));
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('reads a code typed loosely: any case, spaces or dashes, with or without the role word', () => {
    expect(normaliseInviteCode('FAMILY-K7M-Q2X-PRT')).toBe('K7MQ2XPRT');
    expect(normaliseInviteCode('k7m q2x prt')).toBe('K7MQ2XPRT');
    expect(normaliseInviteCode('caregiver k7m-q2x-prt')).toBe('K7MQ2XPRT');
    expect(normaliseInviteCode('K7M-Q2X-PR0')).toBeNull();
    expect(normaliseInviteCode('K7M-Q2X')).toBeNull();
  });
});

describe.each(MODES)('invite codes (%s database)', (mode) => {
  let storage: TestStorage;
  let orm: MikroORM;

  beforeAll(async () => {
    storage = testStorage(mode);
    orm = await openDatabase(storage.database);
  });
  afterAll(async () => {
    await orm.close();
    await storage.cleanup();
  });

  const issue = async (role: LinkRole = 'family') => {
    const margaret = await anElder(orm);
    const invite = await createInviteCode(orm, { actorAccountId: margaret.account.id, elderId: margaret.elder.id, role, now: NOW }, settings);
    return { margaret, invite };
  };

  it('names the role in the code, stores only its hash, and expires it after 24 hours', async () => {
    const { margaret, invite } = await issue('caregiver');
    expect(invite.code).toMatch(/^CAREGIVER-[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}$/);
    const row = await orm.em.fork().findOneOrFail(InviteCode, { elderId: margaret.elder.id });
    expect(row.codeHash).toBe(hashInviteCode(normaliseInviteCode(invite.code)!));
    expect(JSON.stringify(row)).not.toContain(normaliseInviteCode(invite.code));
    expect(row.expiresAt.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect(row.role).toBe('caregiver');

    const late = await redeemInviteCode(orm, { code: invite.code, ...person({ now: new Date('2026-11-25T10:00:00Z') }) }, settings);
    expect(late).toEqual({ kind: 'wrong' });
  });

  it('links the first person and refuses the same code afterwards', async () => {
    const { margaret, invite } = await issue();
    const sarah = person();
    const joined = await redeemInviteCode(orm, { code: invite.code.toLowerCase(), ...sarah }, settings);
    expect(joined).toMatchObject({ kind: 'joined', elderId: margaret.elder.id, role: 'family' });
    expect(await redeemInviteCode(orm, { code: invite.code, ...person() }, settings)).toEqual({ kind: 'wrong' });
    expect(await orm.em.fork().count(CaregiverLink, { elderId: margaret.elder.id, removedAt: null })).toBe(1);
  });

  it('gives one link when many people redeem the same code at once', async () => {
    const { margaret, invite } = await issue();
    const results = await Promise.all(Array.from({ length: 8 }, () => redeemInviteCode(orm, { code: invite.code, ...person() }, settings)));
    expect(results.filter((r) => r.kind === 'joined')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'wrong')).toHaveLength(7);
    expect(await orm.em.fork().count(CaregiverLink, { elderId: margaret.elder.id })).toBe(1);
  });

  it('refuses an account after five wrong codes, in every process, until the window has passed', async () => {
    const { invite } = await issue();
    const guesser = person();
    for (let i = 0; i < 5; i++) expect((await redeemInviteCode(orm, { code: 'FAMILY-222-222-222', ...guesser }, settings)).kind).toBe('wrong');
    expect((await redeemInviteCode(orm, { code: invite.code, ...guesser }, settings)).kind).toBe('rate_limited');
    // Another process sharing the database sees the same attempts.
    const other = await openDatabase(storage.database);
    try {
      expect((await redeemInviteCode(other, { code: invite.code, ...guesser }, settings)).kind).toBe('rate_limited');
    } finally {
      await other.close();
    }
    const later = new Date(NOW.getTime() + 16 * 60_000);
    expect((await redeemInviteCode(orm, { code: invite.code, ...guesser, now: later }, settings)).kind).toBe('joined');
  });

  it('refuses a group chat after five wrong codes from different people in it', async () => {
    const { invite } = await issue();
    const group = { chatId: `group-${++seq}`, chatType: 'group' as const, purpose: 'link' as const };
    for (let i = 0; i < 5; i++) await redeemInviteCode(orm, { code: 'FAMILY-333-333-333', ...person(group) }, settings);
    expect((await redeemInviteCode(orm, { code: invite.code, ...person(group) }, settings)).kind).toBe('rate_limited');
  });

  it("counts tries of an elder's used or expired codes against that elder", async () => {
    const { margaret, invite } = await issue();
    await redeemInviteCode(orm, { code: invite.code, ...person() }, settings);
    for (let i = 0; i < DEFAULT_ATTEMPT_LIMITS.elder.max; i++) await redeemInviteCode(orm, { code: invite.code, ...person() }, settings);
    const fresh = await createInviteCode(orm, { actorAccountId: margaret.account.id, elderId: margaret.elder.id, role: 'family', now: NOW }, settings);
    expect((await redeemInviteCode(orm, { code: fresh.code, ...person() }, settings)).kind).toBe('rate_limited');
    const nextHour = new Date(NOW.getTime() + 61 * 60_000);
    expect((await redeemInviteCode(orm, { code: fresh.code, ...person({ now: nextHour }) }, settings)).kind).toBe('joined');
  });

  it('upgrades a family member with a caregiver code and brings back a removed one, without a second link row', async () => {
    const margaret = await anElder(orm);
    const { account, link } = await aFamilyMember(orm, margaret.elder, { removed: true });
    const code = (await createInviteCode(orm, { actorAccountId: margaret.account.id, elderId: margaret.elder.id, role: 'caregiver', now: NOW }, settings)).code;
    const result = await redeemInviteCode(orm, { code, ...person({ userId: account.externalUserId, chatId: account.chatId }) }, settings);
    expect(result).toMatchObject({ kind: 'joined', role: 'caregiver' });
    const links = await orm.em.fork().find(CaregiverLink, { elderId: margaret.elder.id });
    expect(links).toEqual([expect.objectContaining({ id: link.id, role: 'caregiver', removedAt: null })]);
  });

  it('tells a member who is already linked, and the elder using their own code, without using the code', async () => {
    const { margaret, invite } = await issue();
    const sarah = await aFamilyMember(orm, margaret.elder);
    expect(await redeemInviteCode(orm, { code: invite.code, ...person({ userId: sarah.account.externalUserId }) }, settings)).toMatchObject({ kind: 'already' });
    expect(await redeemInviteCode(orm, { code: invite.code, ...person({ userId: margaret.account.externalUserId }) }, settings)).toEqual({ kind: 'own_code' });
    expect((await orm.em.fork().findOneOrFail(InviteCode, { elderId: margaret.elder.id })).usedAt).toBeNull();
  });

  it('makes a group the family circle with /link, and refuses a group that is another elder’s circle', async () => {
    const { margaret, invite } = await issue();
    const group = `group-${++seq}`;
    const linked = await redeemInviteCode(orm, { code: invite.code, ...person({ chatId: group, chatType: 'group', purpose: 'link' }) }, settings);
    expect(linked.kind).toBe('joined');
    expect(await orm.em.fork().findOne(FamilyCircle, { elderId: margaret.elder.id })).toMatchObject({ groupChatId: group });

    const joan = await anElder(orm, { name: 'Joan' });
    const joans = await aFamilyCircle(orm, joan.elder);
    const second = await createInviteCode(orm, { actorAccountId: margaret.account.id, elderId: margaret.elder.id, role: 'family', now: NOW }, settings);
    const taken = await redeemInviteCode(orm, { code: second.code, ...person({ chatId: joans.groupChatId, chatType: 'group', purpose: 'link' }) }, settings);
    expect(taken).toEqual({ kind: 'group_taken' });
    expect((await orm.em.fork().findOneOrFail(InviteCode, { codeHash: hashInviteCode(normaliseInviteCode(second.code)!) })).usedAt).toBeNull();
  });

  it('lets only the elder and their caregivers make codes', async () => {
    const margaret = await anElder(orm);
    const caregiver = await aFamilyMember(orm, margaret.elder, { role: 'caregiver' });
    const family = await aFamilyMember(orm, margaret.elder, { role: 'family' });
    const removed = await aFamilyMember(orm, margaret.elder, { role: 'caregiver', removed: true });
    const joan = await anElder(orm, { name: 'Joan' });
    const make = (actorAccountId: string) => createInviteCode(orm, { actorAccountId, elderId: margaret.elder.id, role: 'family', now: NOW }, settings);
    await expect(make(caregiver.account.id)).resolves.toMatchObject({ role: 'family' });
    for (const refused of [family.account.id, removed.account.id, joan.account.id]) await expect(make(refused)).rejects.toBeInstanceOf(NotLinkedError);
    expect(await orm.em.fork().count(InviteCode, { elderId: margaret.elder.id })).toBe(1);
  });
});
