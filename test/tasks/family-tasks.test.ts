import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import type { Agent, AgentDecision } from '../../src/agent/agent.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { Activity } from '../../src/tasks/family/activity.entity.ts';
import { Alert } from '../../src/tasks/family/alert.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { OutboxBatch } from '../../src/messaging/outbox.ts';
import { createTaskHandlers } from '../../src/tasks/task-handlers.ts';
import { emergencyAlertTask, emergencyNumber } from '../../src/tasks/family/emergency-alert.task.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import type { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, aFamilyCircle, aFamilyMember, anElder, outboxTo } from '../support/factories.ts';

const handlers = createTaskHandlers();
const readBack = (kind: string, args: Record<string, unknown>, elder: Elder): string => {
  const handler = handlers.get(kind)!;
  return handler.readBack(handler.schema.parse(args), elder);
};

describe('the emergency number said to the elder', () => {
  it.each([
    ['Europe/London', '999'],
    ['America/New_York', '911'],
    ['America/Los_Angeles', '911'],
    ['Australia/Sydney', '000'],
    ['Asia/Kolkata', '112'],
    ['Europe/Paris', '112'],
  ])('is the local one for %s', (timezone, number) => {
    expect(emergencyNumber(timezone)).toBe(number);
  });
});

describe.each(MODES)('family tasks (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  const channel = new FakeChannel();
  // Tuesday 24 November 2026, 10:00 in London (UTC+0 in winter).
  const clock = new FakeClock('2026-11-24T10:00:00Z');
  // What the agent decides for the next message, set by the test that talks through the chat.
  const script: AgentDecision[] = [];
  const scriptedAgent: Agent = {
    respond: async () => {
      const next = script.shift();
      if (!next) throw new Error('the agent was asked more than the test scripted');
      return next;
    },
  };

  beforeAll(async () => {
    storage = testStorage(mode);
    // A front process: no BullMQ worker, so each test drives the runner by hand.
    app = await startTestApp(storage, { clock, channels: [channel], agent: scriptedAgent, role: 'front' });
    await app.executor?.stop();
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  const lastTextTo = async (chatId: string): Promise<string | undefined> => (await outboxTo(app, chatId)).at(-1)?.text;

  /** An elder with a family circle, a family member and a caregiver, plus people who must never be told. */
  async function anElderWithFamily(overrides: { timezone?: string } = {}) {
    const who = await anElder(app.orm, overrides);
    const circle = await aFamilyCircle(app.orm, who.elder);
    const daughter = await aFamilyMember(app.orm, who.elder, { name: 'Sarah' });
    const carer = await aFamilyMember(app.orm, who.elder, { role: 'caregiver', channel: 'whatsapp', name: 'Priya' });
    const removed = await aFamilyMember(app.orm, who.elder, { removed: true });
    const inactive = await aFamilyMember(app.orm, who.elder, { inactive: true });
    const other = await anElder(app.orm, { name: 'Albert' });
    const otherCircle = await aFamilyCircle(app.orm, other.elder);
    const otherFamily = await aFamilyMember(app.orm, other.elder);
    return {
      ...who,
      told: [`telegram:${circle.groupChatId}`, `telegram:${daughter.account.chatId}`, `whatsapp:${carer.account.chatId}`].sort(),
      neverTold: [removed.account.chatId, inactive.account.chatId, otherCircle.groupChatId, otherFamily.account.chatId],
    };
  }

  async function familyMessages(elderId: string, elderChatId: string): Promise<MessageLog[]> {
    const all = await app.orm.em.fork().find(MessageLog, { elderId, direction: 'out' });
    return all.filter((m) => m.chatId !== elderChatId);
  }

  async function expectNeverTold(chatIds: string[]): Promise<void> {
    for (const chatId of chatIds) expect(await outboxTo(app, chatId)).toEqual([]);
  }

  describe('notify_family', () => {
    it("reads the elder's words back, marked when urgent", async () => {
      const { elder } = await anElder(app.orm);
      expect(readBack('notify_family', { message: "I'll be late for lunch" }, elder)).toBe(`I'll tell your family: "I'll be late for lunch". Shall I send it?`);
      expect(readBack('notify_family', { message: 'the boiler is broken', urgent: true }, elder)).toBe(
        `I'll tell your family, marked urgent: "the boiler is broken". Shall I send it?`,
      );
    });

    it('relays "Margaret says: …" once to the family circle and every linked person, and to nobody else', async () => {
      const family = await anElderWithFamily();
      const task = await aConfirmedTask(app, family, 'notify_family', { message: "I'll be late for lunch" });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      const told = await familyMessages(family.elder.id, family.account.chatId);
      expect(told.map((m) => `${m.channel}:${m.chatId}`).sort()).toEqual(family.told);
      for (const m of told) {
        expect(m.text).toBe("Margaret says: I'll be late for lunch");
        expect(m.idempotencyKey).toMatch(new RegExp(`^family:${task.id}:message:`));
      }
      await expectNeverTold(family.neverTold);
      expect(await lastTextTo(family.account.chatId)).toBe('Done. I have told your family.');
    });

    it('marks an urgent message URGENT', async () => {
      const family = await anElderWithFamily();
      const task = await aConfirmedTask(app, family, 'notify_family', { message: 'the boiler is broken', urgent: true });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      const told = await familyMessages(family.elder.id, family.account.chatId);
      expect(told).toHaveLength(3);
      for (const m of told) expect(m.text).toBe('URGENT: Margaret says: the boiler is broken');
    });

    it('tells the elder that no family is linked yet and how to add them', async () => {
      const who = await anElder(app.orm);
      // A removed link does not count as family.
      await aFamilyMember(app.orm, who.elder, { removed: true });
      const task = await aConfirmedTask(app, who, 'notify_family', { message: 'hello' });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(who.account.chatId)).toBe(
        'Sorry, I could not tell your family. No family is linked yet. To add someone, type /invite and give them the invite code. Nothing has been done.',
      );
      expect(await familyMessages(who.elder.id, who.account.chatId)).toEqual([]);
    });
  });

  describe('share_activity', () => {
    it('reads the activity back', async () => {
      const { elder } = await anElder(app.orm);
      expect(readBack('share_activity', { activity: 'a walk in the park' }, elder)).toBe(`I'll share with your family: "a walk in the park". Shall I share it?`);
    });

    it('records the activity once and shares "Margaret shared: …" with the family only', async () => {
      const family = await anElderWithFamily();
      const task = await aConfirmedTask(app, family, 'share_activity', { activity: 'a walk in the park' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      const activities = await app.orm.em.fork().find(Activity, { elderId: family.elder.id });
      expect(activities).toHaveLength(1);
      expect(activities[0]).toMatchObject({ taskId: task.id, text: 'a walk in the park' });
      const told = await familyMessages(family.elder.id, family.account.chatId);
      expect(told.map((m) => `${m.channel}:${m.chatId}`).sort()).toEqual(family.told);
      for (const m of told) expect(m.text).toBe('Margaret shared: a walk in the park');
      await expectNeverTold(family.neverTold);
      expect(await lastTextTo(family.account.chatId)).toBe('Shared with your family.');
    });

    it('still saves the activity when nobody is linked, and says so', async () => {
      const who = await anElder(app.orm);
      const task = await aConfirmedTask(app, who, 'share_activity', { activity: 'baked a cake' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.orm.em.fork().count(Activity, { elderId: who.elder.id })).toBe(1);
      expect(await lastTextTo(who.account.chatId)).toBe("I've saved it. No family is linked yet, so nobody else can see it for now.");
    });
  });

  describe('emergency_alert', () => {
    async function sayInChat(account: ChannelAccount, text: string, decision: AgentDecision): Promise<void> {
      script.push(decision);
      await channel.say(account.externalUserId, text);
    }

    it('alerts everyone linked at once, without asking for a yes, with an "I\'m on it" button', async () => {
      const family = await anElderWithFamily();
      await sayInChat(family.account, "I've fallen in the kitchen", {
        kind: 'tool',
        tool: 'emergency_alert',
        args: { description: "I've fallen in the kitchen" },
        confidence: 1,
      });

      // No read-back: the task was queued as soon as the message came in.
      const tasks = await app.orm.em.fork().find(Task, { elderId: family.elder.id });
      expect(tasks.map((t) => [t.kind, t.status])).toEqual([['emergency_alert', 'queued']]);
      expect((await outboxTo(app, family.account.chatId)).filter((m) => m.text.includes('Shall I'))).toEqual([]);

      const task = tasks[0]!;
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      const alerts = await app.orm.em.fork().find(Alert, { elderId: family.elder.id });
      expect(alerts).toHaveLength(1);
      const alert = alerts[0]!;
      expect(alert).toMatchObject({ taskId: task.id, status: 'open', description: "I've fallen in the kitchen", notifyCount: 1 });
      expect(alert.nextNotifyAt?.toISOString()).toBe('2026-11-24T10:03:00.000Z');

      const told = await familyMessages(family.elder.id, family.account.chatId);
      expect(told.map((m) => `${m.channel}:${m.chatId}`).sort()).toEqual(family.told);
      for (const m of told) {
        expect(m.text).toBe(`URGENT: Margaret needs help: "I've fallen in the kitchen". Please check on Margaret now.`);
        expect(m.buttons).toEqual([[{ label: "I'm on it", data: `ack:${alert.id}` }]]);
      }
      await expectNeverTold(family.neverTold);
      // Who was told, and what to do now with her country's number, in two short sentences.
      expect(await lastTextTo(family.account.chatId)).toBe("I've told Sarah, Priya and your family group. If you can, call 999 now.");
    });

    it('reads back an emergency the agent marks for a yes, and alerts nobody until the elder says yes', async () => {
      const family = await anElderWithFamily();
      await sayInChat(family.account, 'my daughter says to raise the alarm', {
        kind: 'tool',
        tool: 'emergency_alert',
        args: { description: 'Margaret needs help' },
        confidence: 0.8,
        confirmFirst: true,
      });
      const tasks = await app.orm.em.fork().find(Task, { elderId: family.elder.id });
      expect(tasks.map((t) => [t.kind, t.status])).toEqual([['emergency_alert', 'pending_confirmation']]);
      const readBack = (await outboxTo(app, family.account.chatId)).at(-1)!;
      expect(readBack.text).toBe('I\'ll alert your family now: "Margaret needs help". Shall I send it?');
      expect(readBack.buttons?.[0]?.map((b) => b.label)).toEqual(['Yes', 'No']);
      expect(await app.orm.em.fork().count(Alert, { elderId: family.elder.id })).toBe(0);
      await expectNeverTold([...family.neverTold, ...family.told]);
    });

    it('tells an elder with nobody linked that no one was alerted, with the local emergency number', async () => {
      const who = await anElder(app.orm, { timezone: 'America/New_York' });
      const task = await app.tasks.submit({ elder: who.elder, kind: 'emergency_alert', args: { description: 'chest pain' }, requestedByAccountId: who.account.id, replyChannel: 'telegram', replyChatId: who.account.chatId });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await lastTextTo(who.account.chatId)).toBe('No family is linked yet, so I could not alert anyone. If you can, call 911 now.');
      const alert = await app.orm.em.fork().findOneOrFail(Alert, { elderId: who.elder.id });
      expect(alert).toMatchObject({ status: 'open', notifyCount: 0 });
    });

    it('cannot commit a second alert or second messages when the same task is executed again', async () => {
      const family = await anElderWithFamily({ timezone: 'Australia/Sydney' });
      const task = await app.tasks.submit({ elder: family.elder, kind: 'emergency_alert', args: { description: 'I feel faint' }, requestedByAccountId: family.account.id, replyChannel: 'telegram', replyChatId: family.account.chatId });
      const executeOnce = async (): Promise<string | undefined> =>
        app.orm.em.fork().transactional(async (tx) => {
          const outcome = await emergencyAlertTask.execute({ description: 'I feel faint' }, { em: tx, task, elder: family.elder, outbox: new OutboxBatch(), clock });
          await tx.flush();
          return outcome.reply;
        });
      expect(await executeOnce()).toBe("I've told Sarah, Priya and your family group. If you can, call 000 now.");
      await expect(executeOnce()).rejects.toThrow();
      expect(await app.orm.em.fork().count(Alert, { elderId: family.elder.id })).toBe(1);
      expect(await familyMessages(family.elder.id, family.account.chatId)).toHaveLength(3);
    });
  });
});
