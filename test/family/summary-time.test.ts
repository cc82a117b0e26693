import { describe, it, expect, beforeAll, afterAll, jest } from '@jest/globals';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import { sendDailySummaries } from '../../src/tasks/medicines/daily-summary.ts';
import { sendWeeklyCharts } from '../../src/tasks/medicines/weekly-chart.ts';
import type { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aMedicationSchedule, anElder, outboxTo } from '../support/factories.ts';
import { aDose, aFamilyMember, appDelivery, at } from '../medicines/medicine-factories.ts';
import { FamilyChat, type Person } from './family-chat.ts';

const CODE = /(?:FAMILY|CAREGIVER)-[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}/;

describe.each(MODES)("the family's own daily summary time (%s)", (mode) => {
  let storage: TestStorage;
  let app: App;
  let delivery: ReturnType<typeof appDelivery>;
  let chat: FamilyChat;
  let dir: string;
  const channel = new FakeChannel();
  // Tuesday 1 December 2026; Brisbane is UTC+10 all year.
  const clock = new FakeClock('2026-12-01T00:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [channel] });
    delivery = appDelivery(app, storage);
    chat = new FamilyChat(app);
    dir = mkdtempSync(join(tmpdir(), 'grandma-summary-time-'));
  });
  afterAll(async () => {
    await delivery.close();
    await app.stop();
    await storage.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const person = (account: ChannelAccount): Person => ({ userId: account.externalUserId, displayName: account.displayName ?? 'Someone' });
  const texts = async (chatId: string) => (await outboxTo(app, chatId)).map((m) => m.text);
  const last = async (chatId: string) => (await outboxTo(app, chatId)).at(-1);
  const storedTime = async (elder: Elder) => (await app.orm.em.fork().findOneOrFail(FamilyCircle, { elderId: elder.id })).summaryTime;
  /** Runs the daily summary sweep at an instant, as the scheduler's tick does with the deployment's 20:00. */
  const sweep = async (now: string) => {
    clock.set(now);
    const sent = await sendDailySummaries(app.orm, delivery, at(now), { summaryTime: '20:00', batchSize: 2 });
    await app.settle();
    return sent;
  };
  /** An elder in Brisbane with a family group and Sarah in it. */
  const aFamily = async (name: string) => {
    const { elder, account } = await anElder(app.orm, { name, timezone: 'Australia/Brisbane' });
    const { account: sarah, groupChatId } = await aFamilyMember(app.orm, elder, { name: 'Sarah', group: true });
    return { elder, account, sarah, group: groupChatId! };
  };
  /** Sets the family's time through the chat: `/summary <args>` in the group, then Yes. */
  const choose = async (family: { sarah: ChannelAccount; group: string }, args: string) => {
    await chat.say(person(family.sarah), `/summary ${args}`, family.group);
    await app.settle();
    await chat.press(person(family.sarah), (await last(family.group))!.buttons![0]![0]!.data, family.group);
    await app.settle();
  };

  it('shows the usual time on /summary, reads 7pm back in plain words, and sets it only after Yes', async () => {
    clock.set('2026-12-01T00:00:00Z');
    const { elder, sarah, group } = await aFamily('Margaret Smith');
    const circle = await app.orm.em.fork().findOneOrFail(FamilyCircle, { elderId: elder.id });

    await chat.say(person(sarah), '/summary', group);
    await app.settle();
    expect(await last(group)).toMatchObject({
      text: 'Margaret\'s daily summary comes at 8:00 pm Brisbane time each evening (the usual time), with the week\'s chart on Sundays. To change it, write like "/summary 7pm", or "/summary off" to stop it.',
      buttons: null,
    });

    await chat.say(person(sarah), '/summary 7pm', group);
    await app.settle();
    expect(await last(group)).toMatchObject({
      text: 'The daily summary will come at 7:00 pm Brisbane time each evening. OK?',
      buttons: [[{ label: 'Yes', data: `summary:${circle.id}:1900:yes` }, { label: 'No', data: `summary:${circle.id}:1900:no` }]],
    });
    expect(await storedTime(elder)).toBeNull();

    await chat.press(person(sarah), `summary:${circle.id}:1900:no`, group);
    await app.settle();
    expect((await last(group))?.text).toBe('All right, I left the daily summary as it was.');
    expect(await storedTime(elder)).toBeNull();

    await chat.press(person(sarah), `summary:${circle.id}:1900:yes`, group);
    await app.settle();
    expect((await last(group))?.text).toBe('Done. The daily summary will come at 7:00 pm Brisbane time each evening.');
    expect(await storedTime(elder)).toBe('19:00');
    await chat.press(person(sarah), `summary:${circle.id}:1900:yes`, group);
    await app.settle();
    expect((await last(group))?.text).toBe("That's already so. The daily summary will come at 7:00 pm Brisbane time each evening.");

    await chat.say(person(sarah), '/summary 7:30 am', group);
    await app.settle();
    expect((await last(group))?.text).toBe('The daily summary will come at 7:30 am Brisbane time each morning. OK?');
    await chat.say(person(sarah), '/summary teatime', group);
    await app.settle();
    expect((await last(group))?.text).toBe('Sorry, I didn\'t understand that time. To change it, write like "/summary 7pm", or "/summary off" to stop it.');
    expect(await storedTime(elder)).toBe('19:00');
  });

  it("sends each family's summary at its own time in the elder's timezone, once a day, however the elders fall in batches", async () => {
    const early = await aFamily('Ada');
    const usual = await aFamily('Bea');
    const late = await aFamily('Cora');
    const off = await aFamily('Dot');
    await choose(early, '7pm');
    await choose(late, '9:30pm');
    await choose(off, 'off');
    expect(await storedTime(off.elder)).toBe('off');
    const summaryOf = (name: string) => [`${name}'s Wednesday 2 December:\nNo medicines today.`];

    // 18:59 in Brisbane on Wednesday 2 December: nobody yet.
    await sweep('2026-12-02T08:59:00Z');
    for (const f of [early, usual, late, off]) expect(await texts(f.sarah.chatId)).toEqual([]);
    await sweep('2026-12-02T09:00:00Z');
    expect(await texts(early.sarah.chatId)).toEqual(summaryOf('Ada'));
    expect(await texts(usual.sarah.chatId)).toEqual([]);
    await sweep('2026-12-02T10:00:00Z');
    expect(await texts(usual.sarah.chatId)).toEqual(summaryOf('Bea'));
    expect(await texts(late.sarah.chatId)).toEqual([]);
    await sweep('2026-12-02T11:30:00Z');
    await sweep('2026-12-02T13:59:00Z');
    expect(await texts(early.sarah.chatId)).toEqual(summaryOf('Ada'));
    expect(await texts(usual.sarah.chatId)).toEqual(summaryOf('Bea'));
    expect(await texts(late.sarah.chatId)).toEqual(summaryOf('Cora'));
    expect(await texts(off.sarah.chatId)).toEqual([]);
    expect((await texts(late.group)).filter((t) => t.startsWith("Cora's"))).toEqual(summaryOf('Cora'));

    // Moved earlier after today's went out: nothing more today, and tomorrow at the new time.
    await choose(usual, '6pm');
    await sweep('2026-12-02T13:59:30Z');
    expect(await texts(usual.sarah.chatId)).toEqual(summaryOf('Bea'));
    await sweep('2026-12-03T07:59:00Z');
    expect(await texts(usual.sarah.chatId)).toHaveLength(1);
    await sweep('2026-12-03T08:00:00Z');
    expect(await texts(usual.sarah.chatId)).toEqual([...summaryOf('Bea'), "Bea's Thursday 3 December:\nNo medicines today."]);
  });

  it('stops the summary and the Sunday chart on /summary off, and the chart follows a chosen time', async () => {
    const morning = await aFamily('Edna');
    const stopped = await aFamily('Flo');
    for (const f of [morning, stopped]) {
      const schedule = await aMedicationSchedule(app.orm, f.elder, { times: ['08:00'] });
      // 8:00 am in Brisbane on Friday 4 December, answered.
      await aDose(app.orm, schedule, at('2026-12-03T22:00:00Z'), '08:00', 'taken');
    }
    await choose(morning, '9am');

    await chat.say(person(stopped.sarah), '/summary off', stopped.group);
    await app.settle();
    const circle = await app.orm.em.fork().findOneOrFail(FamilyCircle, { elderId: stopped.elder.id });
    expect(await last(stopped.group)).toMatchObject({
      text: "Stop Flo's daily summary and Sunday chart? I won't send the daily summary or the Sunday chart any more. I'll still tell you at once when Flo hasn't answered a reminder. OK?",
      buttons: [[{ label: 'Yes', data: `summary:${circle.id}:off:yes` }, { label: 'No', data: `summary:${circle.id}:off:no` }]],
    });
    await chat.press(person(stopped.sarah), `summary:${circle.id}:off:yes`, stopped.group);
    await app.settle();
    expect((await last(stopped.group))?.text).toBe("Done. I won't send the daily summary or the Sunday chart any more. I'll still tell you at once when Flo hasn't answered a reminder.");
    await chat.say(person(stopped.sarah), '/summary', stopped.group);
    await app.settle();
    expect((await last(stopped.group))?.text).toBe('Flo\'s daily summary is off: no evening summary and no Sunday chart. To start it again, write like "/summary 8pm".');

    // Sunday 6 December in Brisbane: 8:59 am, then 9:00 am, then 11:59 pm.
    const charts = async (now: string) => {
      clock.set(now);
      await sendWeeklyCharts(app.orm, delivery, at(now), { dir, summaryTime: '20:00' });
      await app.settle();
    };
    await charts('2026-12-05T22:59:00Z');
    expect((await outboxTo(app, morning.sarah.chatId)).filter((m) => m.photo)).toEqual([]);
    await charts('2026-12-05T23:00:00Z');
    const photos = (await outboxTo(app, morning.sarah.chatId)).filter((m) => m.photo);
    expect(photos.map((m) => m.text)).toEqual(["Edna's medicines this week, to Sunday 6 December: 1 of 1 dose taken."]);
    await charts('2026-12-06T13:59:00Z');
    await sweep('2026-12-06T13:59:00Z');
    expect((await outboxTo(app, morning.sarah.chatId)).filter((m) => m.photo)).toHaveLength(1);
    expect(await texts(stopped.sarah.chatId)).toEqual([]);
  });

  it('reads a batch of due elders with the same number of queries, however many families chose their own time', async () => {
    const earlyBirds = [];
    for (const name of ['Ivy', 'Joan']) earlyBirds.push(await aFamily(name));
    for (const f of earlyBirds) await choose(f, '5am');
    // logQuery is how the ORM reports every statement it runs; protected, so reached through a cast.
    const connection = app.orm.em.getConnection() as unknown as { logQuery(...args: unknown[]): void };
    // Messages are staged but not handed to delivery, so no delivery worker's queries are counted.
    const staged = { enqueueDeliveries: async () => undefined };
    // Only the sweep's own statements count, not those of workers the app runs meanwhile.
    const sweepContext = new AsyncLocalStorage<true>();
    /** The database statements (through the ORM) of one sweep, and how many families it reached. */
    const queriesOf = async (now: string) => {
      const statements: string[] = [];
      const spy = jest.spyOn(connection, 'logQuery').mockImplementation((sql: unknown) => {
        if (sweepContext.getStore()) statements.push(String(sql).slice(0, 60));
      });
      try {
        const sent = await sweepContext.run(true, () => sendDailySummaries(app.orm, staged, at(now), { summaryTime: '20:00' }));
        return { sent, queries: statements };
      } finally {
        spy.mockRestore();
      }
    };
    await app.settle();
    // 5:00 am in Brisbane (7:00 pm the day before in London: nobody else is due).
    const few = await queriesOf('2026-12-07T19:00:00Z');
    for (const name of ['Kay', 'Lil', 'May', 'Nan', 'Ona', 'Pat']) earlyBirds.push(await aFamily(name));
    for (const f of earlyBirds.slice(2)) await choose(f, '5am');
    const many = await queriesOf('2026-12-08T19:00:00Z');
    expect(few.sent).toBe(2);
    expect(many.sent).toBe(8);
    expect(few.queries.length).toBeGreaterThan(5);
    expect(many.queries).toEqual(few.queries);
  });

  it('refuses /summary and its buttons to someone not linked to the elder, and changes nothing', async () => {
    const family = await aFamily('Gwen');
    const circle = await app.orm.em.fork().findOneOrFail(FamilyCircle, { elderId: family.elder.id });
    const { account: removed } = await aFamilyMember(app.orm, (await anElder(app.orm, { name: 'Other' })).elder, { name: 'Mallory' });
    const mallory = person(removed);

    await chat.say(mallory, '/summary 7pm', family.group);
    await app.settle();
    expect((await last(family.group))?.text).toBe(NOT_LINKED_REPLY);
    await chat.press(mallory, `summary:${circle.id}:1900:yes`, family.group);
    await chat.press(mallory, `summary:${circle.id}:off:yes`, family.group);
    await app.settle();
    expect((await last(family.group))?.text).toBe(NOT_LINKED_REPLY);
    expect(await storedTime(family.elder)).toBeNull();

    await chat.say(person(family.sarah), '/summary 7pm');
    await app.settle();
    expect((await last(family.sarah.chatId))?.text).toBe('Please send /summary in your family group: the summary time belongs to the whole family.');
  });

  it('mentions /notify and /summary when a family group is linked', async () => {
    const { account } = await anElder(app.orm, { name: 'Hilda' });
    await chat.say(person(account), '/invite');
    await app.settle();
    const code = CODE.exec((await texts(account.chatId)).join('\n'))![0];
    await chat.say({ userId: 'hilda-son', displayName: 'Jim' }, `/link ${code}`, 'group-hilda');
    await app.settle();
    const reply = (await last('group-hilda'))?.text ?? '';
    expect(reply).toMatch(/^This group is now Hilda's family circle\./);
    expect(reply).toContain('Send /notify to choose which dose news you hear, and /summary to choose when the daily summary comes.');
  });
});
