import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { Reminder } from '../../src/tasks/reminders/reminder.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aFamilyCircle, aFamilyMember, aMedicationSchedule, aReminder, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { FamilyChat, type Person } from './family-chat.ts';

describe.each(MODES)('privacy: export, forget and removing a member (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let chat: FamilyChat;
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const as = (account: ChannelAccount, name: string): Person => ({ userId: account.externalUserId, displayName: name });
  const lastTo = async (chatId: string) => (await outboxTo(app, chatId)).at(-1)!;

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel], agent: unusedAgent });
    chat = new FamilyChat(app);
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  const aFamily = async () => {
    const margaret = await anElder(app.orm);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const carer = await aFamilyMember(app.orm, margaret.elder, { role: 'caregiver', name: 'Claire' });
    const circle = await aFamilyCircle(app.orm, margaret.elder);
    await aMedicationSchedule(app.orm, margaret.elder, { medicine: 'Metformin' });
    await aReminder(app.orm, margaret.elder, margaret.account, '2026-11-25T17:00');
    return { margaret, sarah, carer, circle };
  };

  it("gives the elder and a caregiver the elder's data as JSON, without code hashes; the family gets none", async () => {
    const f = await aFamily();
    await chat.say(as(f.margaret.account, 'Margaret'), '/invite');
    await chat.say(as(f.carer.account, 'Claire'), '/export');
    const json = (await outboxTo(app, f.carer.account.chatId)).find((m) => m.text.startsWith('{'))!;
    const data = JSON.parse(json.text) as { elder: { name: string }; members: { name: string; role: string }[]; records: Record<string, { medicine?: string }[]> };
    expect(data.elder.name).toBe('Margaret');
    expect(data.members).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Sarah', role: 'family' }), expect.objectContaining({ name: 'Claire', role: 'caregiver' })]));
    expect(data.records.medication_schedules).toEqual([expect.objectContaining({ medicine: 'Metformin' })]);
    expect(data.records.reminders).toHaveLength(1);
    expect(data.records.invite_codes).toHaveLength(1);
    expect(json.text).not.toContain('codeHash');

    await chat.say(as(f.sarah.account, 'Sarah'), '/export');
    expect((await lastTo(f.sarah.account.chatId)).text).toMatch(/not linked/);
    await chat.say(as(f.carer.account, 'Claire'), '/export', f.circle.groupChatId);
    expect((await lastTo(f.circle.groupChatId)).text).toBe('Please ask me that in a private chat.');
  });

  it("deletes everything about the elder after the read-back and a yes, and tells the family; no keeps it", async () => {
    const f = await aFamily();
    const margaret = as(f.margaret.account, 'Margaret');
    await chat.say(margaret, '/forget me');
    const readBack = await lastTo(f.margaret.account.chatId);
    expect(readBack.text).toMatch(/This deletes everything I keep about you.*Shall I go ahead\?/);
    const [yes, no] = readBack.buttons![0]!;
    await chat.press(margaret, no!.data);
    expect((await lastTo(f.margaret.account.chatId)).text).toBe("Okay, I've kept everything as it is.");
    expect(await app.orm.em.fork().count(Elder, { id: f.margaret.elder.id })).toBe(1);

    await chat.press(margaret, yes!.data);
    expect((await lastTo(f.margaret.account.chatId)).text).toMatch(/^Done\. I've deleted everything/);
    const em = app.orm.em.fork();
    const elderId = f.margaret.elder.id;
    expect(await em.count(Elder, { id: elderId })).toBe(0);
    for (const entity of [ChannelAccount, CaregiverLink, FamilyCircle, MedicationSchedule, Reminder, MessageLog] as const) {
      expect(await em.count(entity as typeof MessageLog, { elderId })).toBe(0);
    }
    expect((await lastTo(f.sarah.account.chatId)).text).toBe("Margaret asked me to delete their data, so I won't send news or alerts about Margaret any more.");
    // Family accounts stay: they are the family's, not the elder's.
    expect(await em.count(ChannelAccount, { id: f.sarah.account.id })).toBe(1);
  });

  it("refuses /forget naming somebody else instead of offering to delete the sender's own data, and deletes nothing", async () => {
    const f = await aFamily();
    const margaret = as(f.margaret.account, 'Margaret');
    await chat.say(margaret, '/forget Dorothy');
    const reply = await lastTo(f.margaret.account.chatId);
    expect(reply.text).toBe('/forget only deletes what I keep about you, never anyone else. Nothing has been deleted.');
    expect(reply.buttons ?? []).toEqual([]);
    await chat.say(as(f.sarah.account, 'Sarah'), "/forget Margaret's data");
    expect((await lastTo(f.sarah.account.chatId)).text).toBe('/forget only deletes what I keep about you, never anyone else. Nothing has been deleted.');
    // Her own name is still her.
    await chat.say(margaret, '/forget Margaret');
    expect((await lastTo(f.margaret.account.chatId)).text).toMatch(/This deletes everything I keep about you/);
    expect(await app.orm.em.fork().count(Elder, { id: f.margaret.elder.id })).toBe(1);
  });

  it('tells an elder who sends /elder that it is for family members, without asking for an invite code', async () => {
    const f = await aFamily();
    await chat.say(as(f.margaret.account, 'Margaret'), '/elder Dorothy');
    const reply = (await lastTo(f.margaret.account.chatId)).text;
    expect(reply).toMatch(/for family members who help more than one person/);
    expect(reply).not.toMatch(/join/);
  });

  it('expires an old forget button', async () => {
    const f = await aFamily();
    const margaret = as(f.margaret.account, 'Margaret');
    await chat.say(margaret, '/forget');
    const yes = (await lastTo(f.margaret.account.chatId)).buttons![0]![0]!;
    clock.set('2026-11-24T11:00:00Z');
    await chat.press(margaret, yes.data);
    expect((await lastTo(f.margaret.account.chatId)).text).toMatch(/That button has expired/);
    expect(await app.orm.em.fork().count(Elder, { id: f.margaret.elder.id })).toBe(1);
  });

  it('lets a family member forget themself, leaving the elder untouched', async () => {
    const f = await aFamily();
    const sarah = as(f.sarah.account, 'Sarah');
    await chat.say(sarah, '/forget me');
    const readBack = await lastTo(f.sarah.account.chatId);
    expect(readBack.text).toMatch(/removes you from every family circle/);
    await chat.press(sarah, readBack.buttons![0]![0]!.data);
    const em = app.orm.em.fork();
    expect(await em.count(ChannelAccount, { id: f.sarah.account.id })).toBe(0);
    expect(await em.count(CaregiverLink, { accountId: f.sarah.account.id })).toBe(0);
    expect(await em.count(Elder, { id: f.margaret.elder.id })).toBe(1);
  });

  it('lets a caregiver remove a family member, who is told and then refused', async () => {
    const f = await aFamily();
    const claire = as(f.carer.account, 'Claire');
    await chat.say(claire, '/remove');
    expect((await lastTo(f.carer.account.chatId)).text).toBe("Who should I remove from Margaret's family circle? Linked now: Claire (caregiver), Sarah (family). Send /remove NAME.");
    await chat.say(claire, '/remove Sarah');
    expect((await lastTo(f.carer.account.chatId)).text).toBe("Sarah is no longer in Margaret's family circle.");
    expect((await lastTo(f.sarah.account.chatId)).text).toBe("You are no longer in Margaret's family circle.");
    await chat.say(as(f.sarah.account, 'Sarah'), 'Did Margaret take her pills today?');
    expect((await lastTo(f.sarah.account.chatId)).text).toMatch(/You're not linked to anyone yet/);
    await chat.say(as(f.sarah.account, 'Sarah'), 'Did Mum take her pills today?', f.circle.groupChatId);
    expect((await lastTo(f.circle.groupChatId))?.text ?? '').not.toMatch(/Metformin/);
  });
});
