import { describe, it, expect } from '@jest/globals';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { InviteCode } from '../../src/tasks/family/invite-code.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { ElderChoice } from '../../src/tasks/family/elder-choice.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { CAN_MANAGE, CAN_SEE, NotLinkedError, requireLink } from '../../src/tasks/family/access.ts';
import { answerFamilyQuestion } from '../../src/tasks/family/family-questions.ts';
import { createInviteCode } from '../../src/tasks/family/invite-codes.ts';
import { DEFAULT_ATTEMPT_LIMITS } from '../../src/tasks/family/invite-attempts.ts';
import { chooseElder, listMembers, removeMember } from '../../src/tasks/family/family-members.ts';
import { exportElderData, forgetElder } from '../../src/tasks/family/privacy.ts';
import { acknowledgeAlert } from '../../src/tasks/family/alert-acknowledgement.ts';
import type { ChannelAccount as Account } from '../../src/tasks/elders/channel-account.entity.ts';
import { MODES, useTestDatabase } from '../support/test-app.ts';
import { aFamilyMember, aMedicationSchedule, anElder, anOpenAlert } from '../support/factories.ts';

const NOW = new Date('2026-11-24T10:00:00Z');
const delivery = { enqueueDeliveries: async () => undefined };
const privateChat = (a: Account) => ({ channel: a.channel, chatId: a.chatId, chatType: 'private' as const });

describe.each(MODES)('authorization in the family services (%s database)', (mode) => {
  const orm = useTestDatabase(mode);

  /** Margaret with a daughter and a caregiver; Joan with her own family member; a stranger; a removed caregiver; a deactivated account. */
  const aCircle = async () => {
    const margaret = await anElder(orm);
    const sarah = await aFamilyMember(orm, margaret.elder, { name: 'Sarah' });
    const carer = await aFamilyMember(orm, margaret.elder, { role: 'caregiver', name: 'Claire' });
    const joan = await anElder(orm, { name: 'Joan' });
    const olly = await aFamilyMember(orm, joan.elder, { name: 'Olly' });
    const removed = await aFamilyMember(orm, margaret.elder, { role: 'caregiver', removed: true, name: 'Carol' });
    const inactive = await aFamilyMember(orm, margaret.elder, { inactive: true, name: 'Ivy' });
    const stranger = await anElder(orm, { name: 'Mallory' });
    await aMedicationSchedule(orm, margaret.elder);
    const intruders = { stranger: stranger.account, 'another family': olly.account, 'a removed caregiver': removed.account, 'a deactivated account': inactive.account };
    return { margaret, sarah, carer, joan, intruders };
  };

  const snapshot = async (elderId: string) => {
    const em = orm.em.fork();
    return JSON.stringify({
      elder: await em.findOne(Elder, { id: elderId }),
      links: await em.find(CaregiverLink, { elderId }, { orderBy: { id: 'asc' } }),
      codes: await em.count(InviteCode, { elderId }),
      choices: await em.find(ElderChoice, { elderId }, { orderBy: { id: 'asc' } }),
      alerts: await em.find(Alert, { elderId }, { orderBy: { id: 'asc' } }),
      messages: await em.count(MessageLog, {}),
      accounts: await em.count(ChannelAccount, {}),
    });
  };

  it('refuses every read and change to a stranger, another family, a removed caregiver and a deactivated account', async () => {
    const { margaret, intruders } = await aCircle();
    const elderId = margaret.elder.id;
    const alert = await anOpenAlert(orm, margaret.elder);
    const before = await snapshot(elderId);
    for (const [who, account] of Object.entries(intruders)) {
      const actorAccountId = account.id;
      const attempts: [string, () => Promise<unknown>][] = [
        ['doses', () => answerFamilyQuestion(orm, { actorAccountId, elderId, question: { kind: 'doses', day: 'today' }, now: NOW })],
        ['plans', () => answerFamilyQuestion(orm, { actorAccountId, elderId, question: { kind: 'plans', range: 'week' }, now: NOW })],
        ['appointment', () => answerFamilyQuestion(orm, { actorAccountId, elderId, question: { kind: 'appointment', keywords: ['hair'] }, now: NOW })],
        ['invite', () => createInviteCode(orm, { actorAccountId, elderId, role: 'caregiver', now: NOW }, { ttlHours: 24, limits: DEFAULT_ATTEMPT_LIMITS })],
        ['members', () => listMembers(orm, { actorAccountId, elderId })],
        ['remove', () => removeMember(orm, { actorAccountId, elderId, name: 'Sarah', now: NOW })],
        ['choose', () => chooseElder(orm, { actorAccountId, elderId, nickname: 'Mum', now: NOW })],
        ['export', () => exportElderData(orm, { actorAccountId, elderId, now: NOW })],
        ['forget', () => forgetElder(orm, delivery, { actorAccountId, elderId })],
        ['acknowledge', () => acknowledgeAlert(orm, delivery, { alertId: alert.id, actor: { account, chat: privateChat(account) }, now: NOW })],
      ];
      for (const [what, attempt] of attempts) {
        await expect(attempt().then(() => `${who} was allowed to ${what}`)).rejects.toBeInstanceOf(NotLinkedError);
      }
    }
    expect(await snapshot(elderId)).toBe(before);
  });

  it('lets the family see, caregivers manage, and only the elder delete', async () => {
    const { margaret, sarah, carer } = await aCircle();
    const elderId = margaret.elder.id;
    expect(await requireLink(orm.em.fork(), margaret.account.id, elderId, CAN_SEE)).toBe('elder');
    expect(await requireLink(orm.em.fork(), sarah.account.id, elderId, CAN_SEE)).toBe('family');
    expect(await requireLink(orm.em.fork(), carer.account.id, elderId, CAN_MANAGE)).toBe('caregiver');
    await expect(requireLink(orm.em.fork(), sarah.account.id, elderId, CAN_MANAGE)).rejects.toBeInstanceOf(NotLinkedError);

    await expect(exportElderData(orm, { actorAccountId: sarah.account.id, elderId, now: NOW })).rejects.toBeInstanceOf(NotLinkedError);
    await expect(exportElderData(orm, { actorAccountId: carer.account.id, elderId, now: NOW })).resolves.toMatchObject({ elder: { id: elderId } });
    await expect(forgetElder(orm, delivery, { actorAccountId: carer.account.id, elderId })).rejects.toBeInstanceOf(NotLinkedError);
    await expect(removeMember(orm, { actorAccountId: sarah.account.id, elderId, name: 'Claire', now: NOW })).rejects.toBeInstanceOf(NotLinkedError);
    // A caregiver removes family members, not other caregivers; the elder removes anyone.
    expect(await removeMember(orm, { actorAccountId: carer.account.id, elderId, name: 'Claire', now: NOW })).toEqual({ kind: 'not_allowed' });
    expect(await removeMember(orm, { actorAccountId: carer.account.id, elderId, name: 'sarah', now: NOW })).toMatchObject({ kind: 'removed', member: { name: 'Sarah' } });
    await expect(answerFamilyQuestion(orm, { actorAccountId: sarah.account.id, elderId, question: { kind: 'doses', day: 'today' }, now: NOW })).rejects.toBeInstanceOf(NotLinkedError);
    expect(await removeMember(orm, { actorAccountId: margaret.account.id, elderId, name: 'Claire', now: NOW })).toMatchObject({ kind: 'removed' });
    await expect(createInviteCode(orm, { actorAccountId: carer.account.id, elderId, role: 'family', now: NOW }, { ttlHours: 24, limits: DEFAULT_ATTEMPT_LIMITS })).rejects.toBeInstanceOf(NotLinkedError);
  });

  it('lets any linked person acknowledge an alert once, but not the elder', async () => {
    const { margaret, sarah, carer } = await aCircle();
    const alert = await anOpenAlert(orm, margaret.elder);
    const actor = (a: Account) => ({ account: a, chat: privateChat(a) });
    await expect(acknowledgeAlert(orm, delivery, { alertId: alert.id, actor: actor(margaret.account), now: NOW })).rejects.toBeInstanceOf(NotLinkedError);
    const [first, second] = await Promise.all([
      acknowledgeAlert(orm, delivery, { alertId: alert.id, actor: actor(sarah.account), now: NOW }),
      acknowledgeAlert(orm, delivery, { alertId: alert.id, actor: actor(carer.account), now: NOW }),
    ]);
    const thanked = [first, second].filter((r) => /I've told Margaret and the family/.test(r[0]!.text));
    expect(thanked).toHaveLength(1);
    const row = await orm.em.fork().findOneOrFail(Alert, { id: alert.id });
    expect(row).toMatchObject({ status: 'acknowledged', nextNotifyAt: null });
    expect(await orm.em.fork().count(MessageLog, { text: { $like: '%has seen your alert and is on it.' } })).toBe(1);
  });
});
