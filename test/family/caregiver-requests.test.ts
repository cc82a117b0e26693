import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import type { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aFamilyCircle, aFamilyMember, anActivity, anElder, outboxTo } from '../support/factories.ts';
import { FamilyChat, type Person } from './family-chat.ts';

describe.each(MODES)('a caregiver asking for their elder (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let chat: FamilyChat;
  // Tuesday 24 November 2026, 10:00 in London.
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  const as = (account: ChannelAccount, name: string): Person => ({ userId: account.externalUserId, displayName: name });
  const last = async (chatId: string) => (await outboxTo(app, chatId)).at(-1);

  /** Waits until the queued task has run (in-process or on the BullMQ worker). */
  async function finished(taskId: string): Promise<Task> {
    await app.settle();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const task = await app.orm.em.fork().findOneOrFail(Task, { id: taskId });
      if (task.status === 'succeeded' || task.status === 'failed') return task;
      if (Date.now() > deadline) throw new Error(`task still ${task.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()] });
    chat = new FamilyChat(app);
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it('adds a medicine for Mum after reading it back to the caregiver, and tells Mum who arranged it', async () => {
    const margaret = await anElder(app.orm);
    const ann = await aFamilyMember(app.orm, margaret.elder, { role: 'caregiver', name: 'Ann' });
    await chat.say(as(ann.account, 'Ann'), 'add Donepezil 5mg for Mum at 9pm');
    const readBack = await last(ann.account.chatId);
    expect(readBack?.text).toBe('For Margaret: Donepezil 5mg every day at 9:00 pm. Shall I add it?');
    // Margaret's own conversation is untouched: nothing is waiting for her yes.
    expect(await app.tasks.pendingFor(margaret.elder.id, margaret.account.id)).toBeNull();

    const yes = readBack!.buttons![0]![0]!.data;
    await chat.press(as(ann.account, 'Ann'), yes);
    const task = await finished(yes.slice('yes:'.length));
    expect(task.status).toBe('succeeded');
    expect(await app.orm.em.fork().count(MedicationSchedule, { elderId: margaret.elder.id, medicine: 'Donepezil' })).toBe(1);
    expect((await last(ann.account.chatId))?.text).toBe("Done for Margaret. Added. I'll remind you to take your Donepezil 5mg, starting Tuesday 24 November at 9:00 pm.");
    expect((await last(margaret.account.chatId))?.text).toBe("Ann arranged this for you. Added. I'll remind you to take your Donepezil 5mg, starting Tuesday 24 November at 9:00 pm.");
  });

  it('takes a caregiver request in the family group too', async () => {
    const margaret = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, margaret.elder);
    const ann = await aFamilyMember(app.orm, margaret.elder, { role: 'caregiver', name: 'Ann' });
    await chat.say(as(ann.account, 'Ann'), 'please add Metformin 500mg for Mum at 8am', circle.groupChatId);
    expect((await last(circle.groupChatId))?.text).toBe('For Margaret: Metformin 500mg every day at 8:00 am. Shall I add it?');
  });

  it('does not act for a family member who is not a caregiver, nor let anyone else press the yes', async () => {
    const margaret = await anElder(app.orm);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    const ann = await aFamilyMember(app.orm, margaret.elder, { role: 'caregiver', name: 'Ann' });
    await chat.say(as(sarah.account, 'Sarah'), 'add Donepezil 5mg for Mum at 9pm');
    expect(await app.orm.em.fork().count(Task, { elderId: margaret.elder.id })).toBe(0);

    await chat.say(as(ann.account, 'Ann'), 'add Donepezil 5mg for Mum at 9pm');
    const yes = (await last(ann.account.chatId))!.buttons![0]![0]!.data;
    await chat.press(as(sarah.account, 'Sarah'), yes);
    expect((await last(sarah.account.chatId))?.text).toBe('Sorry, that button no longer works.');
    const other = await anElder(app.orm, { name: 'George' });
    await chat.press({ userId: other.account.externalUserId, displayName: 'George' }, yes);
    const task = await app.orm.em.fork().findOneOrFail(Task, { id: yes.slice('yes:'.length) });
    expect(task.status).toBe('pending_confirmation');
  });

  it('refuses a request for somebody the caregiver is not linked to, instead of arranging it for their own elder', async () => {
    const joan = await anElder(app.orm, { name: 'Joan' });
    const gus = await aFamilyMember(app.orm, joan.elder, { role: 'caregiver', name: 'Gus' });
    for (const text of ['add Donepezil 5mg for Margaret at 9pm', 'remind Margaret to call the surgery tomorrow at 10am', "cancel Dorothy's booking at Olive Garden"]) {
      await chat.say(as(gus.account, 'Gus'), text);
      expect((await last(gus.account.chatId))?.text).toMatch(/^Sorry, I can only arrange things for Joan here, and you are not linked to (Margaret|Dorothy)\.$/);
    }
    expect(await app.orm.em.fork().count(Task, { elderId: joan.elder.id })).toBe(0);
  });

  it("understands \"remind Margaret to call her sister\" as Margaret would say it (the reminder reads \"call my sister\")", async () => {
    const margaret = await anElder(app.orm);
    const ann = await aFamilyMember(app.orm, margaret.elder, { role: 'caregiver', name: 'Ann' });
    await chat.say(as(ann.account, 'Ann'), 'remind Margaret to call her sister tomorrow at 10am');
    expect((await last(ann.account.chatId))?.text).toBe('For Margaret: I\'ll remind you: "call my sister" on Wednesday 25 November at 10:00 am. Shall I set it?');
  });

  it("tells a family member that a request is not theirs to arrange, and does not pass it to the elder as a reply to her news", async () => {
    const margaret = await anElder(app.orm);
    const sarah = await aFamilyMember(app.orm, margaret.elder, { name: 'Sarah' });
    await anActivity(app.orm, margaret.elder, clock.now(), 'went for a walk');
    const before = (await outboxTo(app, margaret.account.chatId)).length;
    await chat.say(as(sarah.account, 'Sarah'), 'remind Mum to call the surgery tomorrow at 10am');
    expect((await last(sarah.account.chatId))?.text).toBe("Only Margaret or Margaret's caregiver can arrange that, so I haven't done anything. You can ask Margaret yourself.");
    expect(await outboxTo(app, margaret.account.chatId)).toHaveLength(before);
    expect(await app.orm.em.fork().count(Task, { elderId: margaret.elder.id })).toBe(0);
    // A real reply to her news still reaches her.
    await chat.say(as(sarah.account, 'Sarah'), 'Lovely! Was it sunny?');
    expect((await last(margaret.account.chatId))?.text).toBe('Sarah replied: Lovely! Was it sunny?');
  });

  // Every tool a caregiver may ask for, asked by people who may not: nothing is proposed for Margaret.
  const requests = [
    'add Donepezil 5mg for Mum at 9pm',
    'remind Mum to call the surgery tomorrow at 10am',
    'book a table for Mum at Olive Garden for 2 on friday at 7pm',
    'book Mum a haircut at The Barber on tuesday at 10am',
    "cancel Mum's hair appointment",
  ];
  const outsiders = [
    ['a family member (not a caregiver)', { name: 'Sarah' }],
    ['a removed caregiver', { role: 'caregiver', removed: true, name: 'Carol' }],
  ] as const;
  // (An account is only deactivated when it blocked the bot; writing again shows it unblocked and reactivates it.)
  it.each(outsiders)('proposes nothing for the elder when %s asks for any tool', async (_who, options) => {
    const margaret = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, margaret.elder);
    const outsider = await aFamilyMember(app.orm, margaret.elder, options);
    const georgesCarer = await aFamilyMember(app.orm, (await anElder(app.orm, { name: 'George' })).elder, { role: 'caregiver', name: 'Gus' });
    for (const person of [outsider, georgesCarer]) {
      for (const text of requests) {
        await chat.say(as(person.account, 'Someone'), text);
        await chat.say(as(person.account, 'Someone'), text, circle.groupChatId);
      }
    }
    expect(await app.orm.em.fork().count(Task, { elderId: margaret.elder.id })).toBe(0);
  });
});
