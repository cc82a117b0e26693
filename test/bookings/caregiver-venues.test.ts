import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import { Task } from '../../src/tasks/task.entity.ts';
import { createTaskHandlers } from '../../src/tasks/task-handlers.ts';
import { createVenueCommands, parseVenueLine } from '../../src/tasks/bookings/venue-commands.ts';
import { DEFAULT_OPENING_HOURS } from '../../src/tasks/bookings/add-venue.task.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import type { Actor, ChatCommand } from '../../src/tasks/button-actions.ts';
import type { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import type { FamilyCircle } from '../../src/tasks/family/family-circle.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, aFamilyCircle, aFamilyMember, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { aBookableVenue, bookingButtons } from './booking-factories.ts';

describe('reading an /addvenue line', () => {
  it('reads the name, the kind, an address with commas and a phone number', () => {
    expect(parseVenueLine("Rosa's Trattoria, restaurant, 12 High St, Bath, 020 7946 0000")).toEqual({
      kind: 'venue',
      venue: { name: "Rosa's Trattoria", kind: 'restaurant', address: '12 High St, Bath', phone: '020 7946 0000' },
    });
    expect(parseVenueLine('Curl Up and Dye, hairdresser')).toEqual({ kind: 'venue', venue: { name: 'Curl Up and Dye', kind: 'salon' } });
    expect(parseVenueLine('The Anchor, pub, +44 20 7946 0001')).toEqual({ kind: 'venue', venue: { name: 'The Anchor', kind: 'restaurant', phone: '+44 20 7946 0001' } });
  });

  it('asks whether it is a restaurant or a salon when the kind is missing, and shows an example when the line is empty', () => {
    const unclear = parseVenueLine("Rosa's Trattoria, 12 High St");
    expect(unclear.kind === 'unclear' && unclear.reply.startsWith("Is Rosa's Trattoria a restaurant or a salon?")).toBe(true);
    const empty = parseVenueLine('');
    expect(empty.kind === 'unclear' && empty.reply.includes("/addvenue Rosa's Trattoria, restaurant, 12 High St, 020 7946 0000")).toBe(true);
  });
});

describe.each(MODES)('caregivers adding venues by chat (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  let addvenue: ChatCommand;
  // Tuesday 24 November 2026, 10:00 in London.
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
    addvenue = createVenueCommands({ orm: app.orm, tasks: app.tasks, handlers: createTaskHandlers() })[0]!;
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  const inGroup = (account: ChannelAccount, circle: FamilyCircle): Actor => ({ account, elder: null, chat: { channel: circle.channel, chatId: circle.groupChatId, chatType: 'group' } });
  const typed = (actor: Actor, line: string) =>
    addvenue.handle(line, { channel: actor.chat.channel, userId: actor.account.externalUserId, chatId: actor.chat.chatId, chatType: actor.chat.chatType }, actor);
  const unique = (name: string): string => `${name} ${randomUUID().slice(0, 6)}`;

  async function aFamilyGroup(timezone = 'Europe/London') {
    const who = await anElder(app.orm, { timezone });
    const circle = await aFamilyCircle(app.orm, who.elder);
    const carer = await aFamilyMember(app.orm, who.elder, { role: 'caregiver', name: 'Priya' });
    return { who, circle, carer, actor: inGroup(carer.account, circle) };
  }

  it('reads a caregiver\'s venue back in the family group, saves it on yes in the elder\'s timezone with the family as its provider, and the elder can book it by name', async () => {
    const { who, circle, actor } = await aFamilyGroup('America/New_York');
    const name = unique("Rosa's Trattoria");
    const [readBack] = await typed(actor, `${name}, restaurant, 12 High St, 020 7946 0000`);
    const task = await app.orm.em.fork().findOneOrFail(Task, { kind: 'add_venue', requestedByAccountId: actor.account.id });
    expect(readBack?.text).toBe(`Add ${name} (restaurant), 12 High St, phone 020 7946 0000 to the places Margaret can book? I'll ask the family to make each booking there.`);
    expect(readBack?.buttons).toEqual([[{ label: 'Yes', data: `addvenue:${task.id}:yes` }, { label: 'No', data: `addvenue:${task.id}:no` }]]);
    expect(await app.orm.em.fork().count(Venue, { name })).toBe(0);

    const press = bookingButtons(app);
    expect(await press(`addvenue:${task.id}:yes`, actor)).toEqual([]);
    expect((await press(`addvenue:${task.id}:yes`, actor))[0]?.text).toBe('That was already answered.');
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const venue = await app.orm.em.fork().findOneOrFail(Venue, { name });
    expect(venue).toMatchObject({ kind: 'restaurant', address: '12 High St', phone: '020 7946 0000', timezone: 'America/New_York', provider: 'family', capacityPerSlot: null, openingHours: DEFAULT_OPENING_HOURS.restaurant });
    expect((await outboxTo(app, circle.groupChatId)).at(-1)?.text).toBe(`Done for Margaret. Added ${name} to the places I can book. When Margaret asks for it by name, I'll ask the family to make the booking.`);

    // The elder books it by name, in lower case: the family is asked to make the booking.
    const booking = await aConfirmedTask(app, who, 'book_restaurant', { venue: name.toLowerCase(), party_size: 2, start: '2026-11-25T19:00' });
    expect(await app.runner.run(booking.id)).toBe('succeeded');
    expect((await outboxTo(app, circle.groupChatId)).at(-1)?.text).toContain(`Margaret would like a table for 2 at ${name} on Wednesday 25 November at 7:00 pm. Could you book it?`);
  });

  it('refuses anyone not linked to the elder, including a removed caregiver, and proposes nothing', async () => {
    const { circle } = await aFamilyGroup();
    const stranger = await anElder(app.orm);
    const otherFamily = await aFamilyMember(app.orm, stranger.elder, { role: 'caregiver' });
    const removed = await aFamilyMember(app.orm, (await anElder(app.orm)).elder, { role: 'caregiver', removed: true });
    for (const account of [stranger.account, otherFamily.account, removed.account]) {
      expect((await typed(inGroup(account, circle), "Rosa's, restaurant"))[0]?.text).toBe(NOT_LINKED_REPLY);
      expect(await app.orm.em.fork().count(Task, { kind: 'add_venue', requestedByAccountId: account.id })).toBe(0);
    }
  });

  it('lets only the person who asked answer, and No adds nothing', async () => {
    const { who, actor } = await aFamilyGroup();
    const other = await aFamilyMember(app.orm, who.elder, { role: 'caregiver', name: 'Tom' });
    const name = unique('Curl Up and Dye');
    await typed(actor, `${name}, salon`);
    const task = await app.orm.em.fork().findOneOrFail(Task, { kind: 'add_venue', requestedByAccountId: actor.account.id });
    const press = bookingButtons(app);
    expect((await press(`addvenue:${task.id}:yes`, { ...actor, account: other.account }))[0]?.text).toBe('Sorry, that button no longer works.');
    expect((await press(`addvenue:${task.id}:no`, actor))[0]?.text).toBe("Okay, I won't add it.");
    expect((await app.orm.em.fork().findOneOrFail(Task, { id: task.id })).status).toBe('cancelled');
    expect(await app.orm.em.fork().count(Venue, { name })).toBe(0);
  });

  it('leaves a venue already in the directory as it is, whatever provider it has', async () => {
    const { actor } = await aFamilyGroup();
    const existing = await aBookableVenue(app.orm);
    await typed(actor, `${existing.name.toUpperCase()}, restaurant, 1 Other Road`);
    const task = await app.orm.em.fork().findOneOrFail(Task, { kind: 'add_venue', requestedByAccountId: actor.account.id });
    await bookingButtons(app)(`addvenue:${task.id}:yes`, actor);
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const venues = await app.orm.em.fork().find(Venue, { kind: 'restaurant', name: { $like: `${existing.name.slice(0, 6)}%` } });
    expect(venues.filter((v) => v.name.toLowerCase() === existing.name.toLowerCase())).toHaveLength(1);
    expect(venues.find((v) => v.id === existing.id)).toMatchObject({ provider: 'builtin', address: null });
  });
});
