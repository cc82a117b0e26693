import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { MedicationSchedule } from '../../src/tasks/medicines/medication-schedule.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import { dispatchDueDoses } from '../../src/tasks/medicines/dose-dispatch.ts';
import { registerMedicineFeatures } from '../../src/tasks/medicines/register-medicine-features.ts';
import { ButtonActionRegistry, ChatCommandRegistry, type Actor } from '../../src/tasks/button-actions.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { anElder } from '../support/factories.ts';
import { aFamilyMember, aSchedule, actorOf, appDelivery } from './medicine-factories.ts';

describe.each(MODES)('changing a dose amount by chat (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  const buttons = new ButtonActionRegistry();
  const commands = new ChatCommandRegistry();
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-12-01T06:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
    registerMedicineFeatures({ orm: app.orm, clock, delivery, buttons, commands });
  });
  afterAll(async () => {
    await delivery.close();
    await app.stop();
    await storage.cleanup();
  });

  const press = (data: string, actor: Actor) => buttons.find(data)!.handle(data, actor);
  const doseNow = async (id: string) => (await app.orm.em.fork().findOneOrFail(MedicationSchedule, { id })).dose;
  const sent = async (chatId: string) => (await app.orm.em.fork().find(MessageLog, { chatId, direction: 'out' }, { orderBy: { createdAt: 'asc', id: 'asc' } })).map((m) => m.text);
  /** Types a command as `account`, in its private chat or in a group. */
  const type = (text: string, account: ChannelAccount, actor: Actor) => {
    const match = commands.match(text)!;
    return match.command.handle(match.args, { channel: 'telegram', userId: account.externalUserId, chatId: actor.chat.chatId, chatType: actor.chat.chatType }, actor);
  };

  it('reads the new dose back, records it only after Yes, tells the elder and the family, and the next reminder says it', async () => {
    clock.set('2026-12-01T06:00:00Z');
    const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
    const { account: ann, groupChatId } = await aFamilyMember(app.orm, elder, { role: 'caregiver', name: 'Ann', group: true });
    const { account: tom } = await aFamilyMember(app.orm, elder, { role: 'family', name: 'Tom' });
    const schedule = await aSchedule(app.orm, elder, clock.now());
    const inGroup = actorOf(ann, null, { chatId: groupChatId!, chatType: 'group' });

    const [question] = await type('/meddose Metformin 1000mg', ann, inGroup);
    expect(question?.text).toBe('Change Metformin from 500mg to 1000mg for Margaret? The reminders will say "Metformin 1000mg" from now on; the times stay the same.');
    expect(question?.buttons?.[0]?.map((b) => b.label)).toEqual(['Yes', 'No']);
    expect(await doseNow(schedule.id)).toBe('500mg');

    const done = await press(question!.buttons![0]![0]!.data, inGroup);
    expect(done).toEqual([{ text: 'Done. Metformin is now 1000mg. The reminders will say "Metformin 1000mg".' }]);
    expect(await doseNow(schedule.id)).toBe('1000mg');
    const news = 'Ann changed the dose of Metformin from 500mg to 1000mg.';
    expect(await sent(account.chatId)).toEqual([news]);
    expect(await sent(tom.chatId)).toEqual([news]);
    expect(await sent(groupChatId!)).toEqual([news]);

    // A second press of the same Yes changes nothing and tells nobody again.
    expect(await press(question!.buttons![0]![0]!.data, inGroup)).toEqual([{ text: 'Metformin is already 1000mg.' }]);
    expect(await sent(account.chatId)).toEqual([news]);

    clock.set('2026-12-01T08:00:00Z');
    await dispatchDueDoses(app.orm, delivery, clock.now(), { lateWindowMinutes: 120 });
    expect((await sent(account.chatId)).at(-1)).toBe('Time for your Metformin 1000mg (8:00 am).');
  });

  it("lets the elder change their own dose, and leaves it as it was when they press No", async () => {
    clock.set('2026-12-02T06:00:00Z');
    const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
    const schedule = await aSchedule(app.orm, elder, clock.now(), { medicine: 'Vitamin D3', dose: null });
    const own = actorOf(account, elder);

    const [question] = await type('/meddose vitamin d3 to 2 tablets', account, own);
    expect(question?.text).toBe('Set the dose of Vitamin D3 to 2 tablets for Margaret? The reminders will say "Vitamin D3 2 tablets" from now on; the times stay the same.');
    expect(await press(question!.buttons![0]![1]!.data, own)).toEqual([{ text: 'All right, I left Vitamin D3 as it was.' }]);
    expect(await doseNow(schedule.id)).toBeNull();

    const [again] = await type('/meddose Vitamin D3 2 tablets', account, own);
    expect(await press(again!.buttons![0]![0]!.data, own)).toEqual([{ text: 'Done. Vitamin D3 is now 2 tablets. The reminders will say "Vitamin D3 2 tablets".' }]);
    expect(await doseNow(schedule.id)).toBe('2 tablets');
    // The elder made the change: their own chat is not told about it.
    expect(await sent(account.chatId)).toEqual([]);
  });

  it('refuses a family member and a stranger kindly, and changes nothing', async () => {
    clock.set('2026-12-03T06:00:00Z');
    const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
    const { account: tom } = await aFamilyMember(app.orm, elder, { role: 'family', name: 'Tom' });
    const em = app.orm.em.fork();
    const strangerId = randomUUID();
    const stranger = em.create(ChannelAccount, { id: randomUUID(), channel: 'telegram', externalUserId: strangerId, chatId: `chat-${strangerId}`, role: 'family', elderId: null, active: true });
    await em.flush();
    const schedule = await aSchedule(app.orm, elder, clock.now());

    expect(await type('/meddose Metformin 1000mg', tom, actorOf(tom, null))).toEqual([{ text: 'Sorry, only Margaret or a caregiver can change medicines.' }]);
    expect(await type('/meddose Metformin 1000mg', stranger, actorOf(stranger, null))).toEqual([{ text: NOT_LINKED_REPLY }]);
    for (const outsider of [tom, stranger]) {
      expect(await press(`meddose:${schedule.id}:yes:1000mg`, actorOf(outsider, null))).toEqual([{ text: NOT_LINKED_REPLY }]);
      expect(await press(`meddose:${schedule.id}:no:1000mg`, actorOf(outsider, null))).toEqual([{ text: NOT_LINKED_REPLY }]);
    }
    expect(await doseNow(schedule.id)).toBe('500mg');
    expect(await sent(account.chatId)).toEqual([]);
  });

  it('asks again when the medicine or the dose is unclear, or the dose too long to read back', async () => {
    clock.set('2026-12-04T06:00:00Z');
    const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
    const schedule = await aSchedule(app.orm, elder, clock.now());
    const own = actorOf(account, elder);

    expect(await type('/meddose Metformin', account, own)).toEqual([{ text: 'Please write the medicine and the new dose from the prescription, like "/meddose Metformin 500mg".' }]);
    expect(await type('/meddose Aspirin 75mg', account, own)).toEqual([{ text: 'I could not tell which medicine you mean. Send /medicines to see them.' }]);
    expect(await type('/meddose Metformin 500mg', account, own)).toEqual([{ text: 'Metformin is already 500mg.' }]);
    expect(await type('/meddose Metformin 2 tablets of 500mg with food', account, own)).toEqual([
      { text: 'That dose is too long for me to read back. Please write it shorter, like "/meddose Metformin 500mg".' },
    ]);
    expect(await doseNow(schedule.id)).toBe('500mg');
  });

  it('says how to change a dose in the /medicines list', async () => {
    clock.set('2026-12-05T06:00:00Z');
    const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
    await aSchedule(app.orm, elder, clock.now());
    const [heading] = await type('/medicines', account, actorOf(account, elder));
    expect(heading?.text).toBe(
      'Margaret\'s medicines. To change a time, write like "/medtime Metformin 9pm".\n' +
        'Change dose: write /meddose, the medicine and the new dose on the prescription, like "/meddose Metformin 500mg".',
    );
  });
});
