import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import type { ChannelAccount, ChannelName } from '../../src/tasks/elders/channel-account.entity.ts';
import { ChannelAccount as ChannelAccountEntity } from '../../src/tasks/elders/channel-account.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { CaregiverLink } from '../../src/tasks/family/caregiver-link.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aFamilyCircle, aFamilyMember, anElder, outboxTo } from '../support/factories.ts';
import { FamilyChat, type Person } from './family-chat.ts';

/** The commands a help text lists ("/medicines – …" lines), in order. */
const commandsIn = (text: string): string[] => [...text.matchAll(/^\/([a-z_]+) – /gm)].map((m) => m[1]!);
/** The example sentences a help text gives ("• …" lines). */
const examplesIn = (text: string): string[] => [...text.matchAll(/^• (.+)$/gm)].map((m) => m[1]!);

// /help through the real router: what each person is told they can say, and the commands for their role.
describe.each(MODES)('/help for each person (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const chats = new Map<ChannelName, FamilyChat>();
  const as = (account: ChannelAccount, name: string): Person => ({ userId: account.externalUserId, displayName: name });

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel(), new FakeChannel('whatsapp'), new FakeChannel('terminal')] });
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  /** Says something and returns the texts of the replies it got in that chat. */
  async function say(person: Person, text: string, options: { group?: string; channel?: ChannelName } = {}): Promise<string[]> {
    const chatId = options.group ?? `chat-${person.userId}`;
    const before = (await outboxTo(app, chatId)).length;
    const channel = options.channel ?? 'telegram';
    // One chat per channel: its update ids are unique only within it.
    if (!chats.has(channel)) chats.set(channel, new FamilyChat(app, channel));
    await chats.get(channel)!.say(person, text, options.group);
    await app.settle();
    return (await outboxTo(app, chatId)).slice(before).map((m) => m.text);
  }

  /** The one help message a person gets for "/help". */
  async function help(person: Person, options: { group?: string; channel?: ChannelName } = {}): Promise<string> {
    const replies = await say(person, '/help', options);
    expect(replies).toHaveLength(1);
    return replies[0]!;
  }

  it("gives an elder four things to say, the way to raise the alarm, and her own commands; each example does what it says", async () => {
    const margaret = await anElder(app.orm);
    const me = as(margaret.account, 'Margaret');
    const text = await help(me);
    expect(examplesIn(text)).toHaveLength(4);
    expect(text).toMatch(/If something is wrong, tell me straight away and I'll alert your family\./);
    expect(commandsIn(text)).toEqual(['medicines', 'medtime', 'meddose', 'invite', 'remove', 'forget', 'export', 'addvenue']);

    // Every example is understood as the thing it shows: read back for a yes (then declined), or answered.
    for (const example of examplesIn(text)) {
      const replies = await say(me, example);
      expect(replies.join(' ')).toMatch(/Shall I (?:set|add|book) it\?|nothing coming up|You have/);
      if (/Shall I/.test(replies.join(' '))) expect(await say(me, 'no')).toEqual(['Okay, I won\'t do that.']);
    }
  });

  it("gives a family member questions about her elder by name and the family's commands, none of the caregiver's", async () => {
    const margaret = await anElder(app.orm);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const me = as(sarah.account, 'Sarah');
    const text = await help(me);
    expect(text).toMatch(/^You're linked to Margaret\. Ask me, for example:/);
    expect(examplesIn(text)).toEqual(['Did Margaret take the pills today?', "What's Margaret doing this week?", "When is Margaret's next booking?"]);
    expect(commandsIn(text)).toEqual(['elder', 'forget', 'addvenue']);
    // Each question is answered from Margaret's records, not passed on to her as a message.
    for (const example of examplesIn(text)) {
      const replies = await say(me, example);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatch(/Margaret/);
      expect(replies[0]).not.toMatch(/passed that on|Ask me things like/);
    }
  });

  it('gives a caregiver what they can arrange and ask about the elder they care for, and the commands that manage', async () => {
    const margaret = await anElder(app.orm);
    const george = await anElder(app.orm, { name: 'George Brown' });
    const ann = await aFamilyMember(app.orm, margaret.elder, { role: 'caregiver', name: 'Ann' });
    // Ann is also George's family: she is a caregiver for Margaret only.
    const em = app.orm.em.fork();
    em.create(CaregiverLink, { id: randomUUID(), elderId: george.elder.id, accountId: ann.account.id, role: 'family', removedAt: null });
    await em.flush();
    const text = await help(as(ann.account, 'Ann'));
    expect(text).toMatch(/^You're linked to (?:Margaret and George Brown|George Brown and Margaret)\. Ask me or arrange things, for example:/);
    expect(examplesIn(text)).toEqual(['Remind Margaret to call the surgery tomorrow at 10am', 'Add Donepezil 5mg for Margaret at 9pm', 'Did Margaret take the pills today?', "When is Margaret's next booking?"]);
    expect(text).toMatch(/I read back what you arrange and wait for your yes, and I tell Margaret who arranged it\./);
    expect(commandsIn(text)).toEqual(['medicines', 'medtime', 'meddose', 'invite', 'elder', 'remove', 'forget', 'export', 'addvenue']);
    // What she arranges is read back "For Margaret: …".
    await say(as(ann.account, 'Ann'), '/elder Margaret');
    for (const example of examplesIn(text).slice(0, 2)) {
      const replies = await say(as(ann.account, 'Ann'), example);
      expect(replies.join(' ')).toMatch(/^For Margaret: .*\?/);
      await say(as(ann.account, 'Ann'), 'no');
    }
  });

  it('tells someone not linked yet how to start or join, without registering them', async () => {
    const stranger: Person = { userId: `new-${randomUUID()}`, displayName: 'Steve' };
    const text = await help(stranger);
    expect(text).toMatch(/^Hello! I help older people/);
    expect(commandsIn(text)).toEqual(['start', 'join']);
    expect(await app.orm.em.fork().count(ChannelAccountEntity, { externalUserId: stranger.userId })).toBe(0);
  });

  it("answers in the family group with its questions and the group's commands, and tells an unlinked member nothing about the elder", async () => {
    const margaret = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, margaret.elder);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const inCircle = await help(as(sarah.account, 'Sarah'), { group: circle.groupChatId });
    expect(inCircle).toMatch(/^This is Margaret's family circle\. Ask me here, for example:/);
    expect(commandsIn(inCircle)).toEqual(['notify', 'summary', 'addvenue']);

    const own = await help(as(margaret.account, 'Margaret'), { group: circle.groupChatId });
    expect(own).toMatch(/^This is your family group/);
    expect(commandsIn(own)).toEqual(['notify', 'summary', 'addvenue']);

    const passerBy = await help({ userId: `pat-${randomUUID()}`, displayName: 'Pat' }, { group: circle.groupChatId });
    expect(passerBy).toMatch(/send it to me in a private chat with \/join/);
    expect(passerBy).not.toMatch(/Margaret/);
    expect(commandsIn(passerBy)).toEqual([]);

    const newGroup = await help(as(sarah.account, 'Sarah'), { group: `group-${randomUUID()}` });
    expect(commandsIn(newGroup)).toEqual(['link']);
  });

  it('answers /help on WhatsApp and in the terminal chat the same way, through the same registry', async () => {
    for (const channel of ['whatsapp', 'terminal'] as const) {
      const peggy = await anElder(app.orm, { name: 'Peggy', channel });
      const text = await help(as(peggy.account, 'Peggy'), { channel });
      expect(examplesIn(text)).toHaveLength(4);
      expect(commandsIn(text)).toContain('medicines');
    }
  });

  it('takes "/help" followed by words as a message, so an emergency in them raises the alarm', async () => {
    const margaret = await anElder(app.orm);
    await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const replies = await say(as(margaret.account, 'Margaret'), "/help I've fallen and can't get up");
    expect(replies.join(' ')).not.toMatch(/You can also send/);
    // The alert is raised by a task: at once in-process, by the BullMQ worker in scale mode.
    const deadline = Date.now() + 10_000;
    while ((await app.orm.em.fork().count(Alert, { elderId: margaret.elder.id })) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await app.orm.em.fork().count(Alert, { elderId: margaret.elder.id })).toBe(1);
  });
});
