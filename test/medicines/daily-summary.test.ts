import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { sendDailySummaries } from '../../src/tasks/medicines/daily-summary.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aBooking, aFamilyCircle, aFamilyMember, aMedicationSchedule, anActivity, anElder, aVenue, outboxTo } from '../support/factories.ts';
import { aDose, appDelivery, at } from './medicine-factories.ts';

describe.each(MODES)('daily summary for the family (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  const channel = new FakeChannel();
  const clock = new FakeClock('2026-11-25T06:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
  });
  afterAll(async () => {
    await delivery.close();
    await app.stop();
    await storage.cleanup();
  });

  /** Runs the summary sweep at an instant, then lets delivery finish. */
  const sweep = async (now: string) => {
    clock.set(now);
    const sent = await sendDailySummaries(app.orm, delivery, at(now));
    await app.settle();
    return sent;
  };
  const texts = async (chatId: string) => (await outboxTo(app, chatId)).map((m) => m.text);

  it("sends Margaret's day at 20:00 her time, not at 19:59, to the family group and each linked person", async () => {
    const { elder, account } = await anElder(app.orm, { name: 'Margaret' });
    const circle = await aFamilyCircle(app.orm, elder);
    const { account: sarah } = await aFamilyMember(app.orm, elder, { name: 'Sarah' });
    const metformin = await aMedicationSchedule(app.orm, elder, { medicine: 'Metformin', dose: '500mg', times: ['08:00', '21:00'] });
    const amlodipine = await aMedicationSchedule(app.orm, elder, { medicine: 'Amlodipine', dose: '5mg', times: ['09:15'] });
    const vitamin = await aMedicationSchedule(app.orm, elder, { medicine: 'Vitamin D', dose: null, times: ['13:00'] });
    const aspirin = await aMedicationSchedule(app.orm, elder, { medicine: 'Aspirin', dose: '75mg', times: ['18:00'] });
    await aDose(app.orm, metformin, at('2026-11-25T08:00:00Z'), '08:00', 'taken');
    await aDose(app.orm, metformin, at('2026-11-24T21:00:00Z'), '21:00', 'missed');
    await aDose(app.orm, amlodipine, at('2026-11-25T09:15:00Z'), '09:15', 'missed');
    await aDose(app.orm, vitamin, at('2026-11-25T13:00:00Z'), '13:00', 'skipped');
    await aDose(app.orm, aspirin, at('2026-11-25T18:00:00Z'), '18:00', 'pending');
    const olive = await aVenue(app.orm, { name: 'Olive Garden' });
    const salon = await aVenue(app.orm, { name: 'Hair by Joan', kind: 'salon' });
    await aBooking(app.orm, elder, olive, '2026-11-25T13:00', { partySize: 2 });
    await aBooking(app.orm, elder, salon, '2026-11-26T10:30', { status: 'requested', service: 'haircut', partySize: null });
    await aBooking(app.orm, elder, olive, '2026-11-26T19:00', { status: 'cancelled' });
    await aBooking(app.orm, elder, olive, '2026-11-27T12:00');
    await anActivity(app.orm, elder, at('2026-11-25T11:00:00Z'), 'a walk in the park');
    await anActivity(app.orm, elder, at('2026-11-25T15:30:00Z'), 'lunch with Joan');
    await anActivity(app.orm, elder, at('2026-11-24T15:30:00Z'), 'yesterday’s bingo');

    await sweep('2026-11-25T19:59:00Z');
    expect(await texts(circle.groupChatId)).toEqual([]);

    await sweep('2026-11-25T20:00:00Z');
    const summary = [
      "Margaret's Wednesday 25 November:",
      'Amlodipine 5mg: 9:15 am missed',
      'Aspirin 75mg: 6:00 pm not answered yet',
      'Metformin 500mg: 8:00 am taken, 9:00 pm still to come',
      'Vitamin D: 1:00 pm skipped',
      'Today: Olive Garden at 1:00 pm, table for 2',
      'Tomorrow: Hair by Joan at 10:30 am, haircut (not confirmed yet)',
      'Shared today: a walk in the park; lunch with Joan',
    ].join('\n');
    expect(await texts(circle.groupChatId)).toEqual([summary]);
    expect(await texts(sarah.chatId)).toEqual([summary]);
    expect(await texts(account.chatId)).toEqual([]);
    const delivered = await channel.waitFor((m) => m.chatId === circle.groupChatId);
    expect(delivered.text).toBe(summary);
    const rows = await app.orm.em.fork().find(MessageLog, { chatId: circle.groupChatId });
    expect(rows[0]!.idempotencyKey).toBe(`summary:${elder.id}:2026-11-25:circle:${circle.id}`);

    await sweep('2026-11-25T20:01:00Z');
    await sweep('2026-11-25T23:59:00Z');
    expect(await texts(circle.groupChatId)).toHaveLength(1);
    expect(await texts(sarah.chatId)).toHaveLength(1);
  });

  it('sends once when two sweeps run at the same moment', async () => {
    const { elder } = await anElder(app.orm, { name: 'Arthur' });
    const circle = await aFamilyCircle(app.orm, elder);
    clock.set('2026-11-26T20:05:00Z');
    await Promise.all([sendDailySummaries(app.orm, delivery, at('2026-11-26T20:05:00Z')), sendDailySummaries(app.orm, delivery, at('2026-11-26T20:05:00Z'))]);
    await app.settle();
    expect(await texts(circle.groupChatId)).toEqual(["Arthur's Thursday 26 November:\nNo medicines today."]);
  });

  it("uses the elder's own timezone for the time and the date", async () => {
    const { elder } = await anElder(app.orm, { name: 'Dot', timezone: 'America/New_York' });
    const { account: sarah } = await aFamilyMember(app.orm, elder);
    // 19:59 and 20:00 on Wednesday in New York are already Thursday in UTC.
    await sweep('2026-11-26T00:59:00Z');
    expect(await texts(sarah.chatId)).toEqual([]);
    await sweep('2026-11-26T01:00:00Z');
    expect(await texts(sarah.chatId)).toEqual(["Dot's Wednesday 25 November:\nNo medicines today."]);
  });

  it('sends late after downtime on the same evening, but never for a day that has passed', async () => {
    const { elder } = await anElder(app.orm, { name: 'Edna' });
    const { account: sarah } = await aFamilyMember(app.orm, elder);
    // Down all evening on the 27th: just after midnight it is the 28th, and before that day's summary time.
    await sweep('2026-11-28T00:10:00Z');
    expect(await texts(sarah.chatId)).toEqual([]);
    await sweep('2026-11-28T23:30:00Z');
    expect(await texts(sarah.chatId)).toEqual(["Edna's Saturday 28 November:\nNo medicines today."]);
  });

  it('says nothing for an elder with no family, and leaves out removed family members', async () => {
    const { elder, account } = await anElder(app.orm, { name: 'Lonely' });
    const { account: gone } = await aFamilyMember(app.orm, elder, { removed: true });
    await sweep('2026-11-29T20:00:00Z');
    expect(await texts(account.chatId)).toEqual([]);
    expect(await texts(gone.chatId)).toEqual([]);
  });

  it('sends at another summary time when told to', async () => {
    const { elder } = await anElder(app.orm, { name: 'Ivy', timezone: 'Europe/Paris' });
    const { account: sarah } = await aFamilyMember(app.orm, elder);
    // 18:29 and 18:30 in Paris on Tuesday 1 December.
    clock.set('2026-12-01T17:29:00Z');
    await sendDailySummaries(app.orm, delivery, at('2026-12-01T17:29:00Z'), { summaryTime: '18:30' });
    expect(await texts(sarah.chatId)).toEqual([]);
    await sendDailySummaries(app.orm, delivery, at('2026-12-01T17:30:00Z'), { summaryTime: '18:30' });
    expect(await texts(sarah.chatId)).toEqual(["Ivy's Tuesday 1 December:\nNo medicines today."]);
    await expect(sendDailySummaries(app.orm, delivery, at('2026-12-01T17:30:00Z'), { summaryTime: '8pm' })).rejects.toThrow(RangeError);
  });

  it('reads elders in batches, however many there are', async () => {
    const families = [];
    for (let i = 0; i < 5; i++) {
      const { elder } = await anElder(app.orm, { name: `Elder ${i}`, timezone: 'Asia/Tokyo' });
      families.push((await aFamilyMember(app.orm, elder)).account);
    }
    clock.set('2026-11-30T11:00:00Z');
    await sendDailySummaries(app.orm, delivery, at('2026-11-30T11:00:00Z'), { batchSize: 2 });
    await app.settle();
    for (const [i, account] of families.entries()) expect(await texts(account.chatId)).toEqual([`Elder ${i}'s Monday 30 November:\nNo medicines today.`]);
  });
});
