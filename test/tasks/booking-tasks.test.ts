import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import { MessageLog } from '../../src/messaging/message-log.entity.ts';
import { createTaskHandlers } from '../../src/tasks/task-handlers.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aBooking, aConfirmedTask, aFamilyCircle, aFamilyMember, anElder, aVenue, outboxTo, unusedAgent } from '../support/factories.ts';

const handlers = createTaskHandlers();
const readBack = (kind: string, args: Record<string, unknown>, elder: Elder): string => {
  const handler = handlers.get(kind)!;
  return handler.readBack(handler.schema.parse(args), elder);
};
// Venues are shared by every elder, so each test names its own.
const unique = (name: string): string => `${name} ${randomUUID().slice(0, 6)}`;

describe.each(MODES)('booking tasks (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  // Tuesday 24 November 2026, 10:00 in London (UTC+0 in winter).
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    // A front process: no BullMQ worker, so each test drives the runner by hand.
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  const lastTextTo = async (chatId: string): Promise<string | undefined> => (await outboxTo(app, chatId)).at(-1)?.text;

  /** An elder with a family circle and a caregiver, plus a removed link and another elder's family who must never be told. */
  async function anElderWithFamily() {
    const who = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, who.elder);
    const carer = await aFamilyMember(app.orm, who.elder, { role: 'caregiver', name: 'Priya' });
    const removed = await aFamilyMember(app.orm, who.elder, { removed: true });
    const other = await anElder(app.orm, { name: 'Albert' });
    const otherFamily = await aFamilyMember(app.orm, other.elder);
    return { ...who, circle, told: [circle.groupChatId, carer.account.chatId].sort(), neverTold: [removed.account.chatId, otherFamily.account.chatId] };
  }

  async function familyMessages(elderId: string, elderChatId: string): Promise<MessageLog[]> {
    const all = await app.orm.em.fork().find(MessageLog, { elderId, direction: 'out' });
    return all.filter((m) => m.chatId !== elderChatId);
  }

  describe('book_restaurant and book_salon', () => {
    it('reads the booking back with the venue, the party and the local day and time', async () => {
      const { elder } = await anElder(app.orm);
      expect(readBack('book_restaurant', { venue: 'Olive Garden', party_size: 4, start: '2026-11-25T19:00' }, elder)).toBe(
        'Olive Garden, 4 people, Wednesday 25 November at 7:00 pm. Shall I book it?',
      );
      expect(readBack('book_restaurant', { venue: 'The Red Lion', party_size: 1, start: '2026-11-26T12:30', notes: 'wheelchair access' }, elder)).toBe(
        'The Red Lion, 1 person, Thursday 26 November at 12:30 pm (wheelchair access). Shall I book it?',
      );
      expect(readBack('book_salon', { venue: "Tony's", service: 'Haircut', start: '2026-11-26T10:00' }, elder)).toBe("Haircut at Tony's, Thursday 26 November at 10:00 am. Shall I book it?");
      expect(readBack('book_salon', { venue: "Tony's", start: '2026-11-26T10:00' }, elder)).toBe("Tony's, Thursday 26 November at 10:00 am. Shall I book it?");
    });

    it('asks the family to book a new venue, once, with Booked and Can\'t buttons and a readable reference', async () => {
      const family = await anElderWithFamily();
      const name = unique('Olive Garden');
      const task = await aConfirmedTask(app, family, 'book_restaurant', { venue: name, party_size: 4, start: '2026-11-25T19:00', notes: 'a quiet table' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      const em = app.orm.em.fork();
      const venues = await em.find(Venue, { name });
      expect(venues).toHaveLength(1);
      expect(venues[0]).toMatchObject({ kind: 'restaurant', provider: 'family', timezone: 'Europe/London' });
      const bookings = await em.find(Booking, { elderId: family.elder.id });
      expect(bookings).toHaveLength(1);
      const booking = bookings[0]!;
      expect(booking).toMatchObject({ venueId: venues[0]!.id, taskId: task.id, status: 'requested', partySize: 4, service: null, localStart: '2026-11-25T19:00', notes: 'a quiet table' });
      expect(booking.startAt.toISOString()).toBe('2026-11-25T19:00:00.000Z');
      expect(booking.endAt.toISOString()).toBe('2026-11-25T20:30:00.000Z');
      expect(booking.reference).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);

      const told = await familyMessages(family.elder.id, family.account.chatId);
      expect(told.map((m) => m.chatId).sort()).toEqual(family.told);
      for (const m of told) {
        expect(m.text).toBe(`Margaret would like a table for 4 at ${name} on Wednesday 25 November at 7:00 pm. Could you book it?\nNotes: a quiet table\nReference: ${booking.reference}`);
        expect(m.buttons).toEqual([[{ label: 'Booked', data: `booked:${booking.id}` }, { label: "Can't", data: `cantbook:${booking.id}` }]]);
      }
      for (const chatId of family.neverTold) expect(await outboxTo(app, chatId)).toEqual([]);
      expect(await lastTextTo(family.account.chatId)).toBe(`I've asked your family to book ${name} for 4 people on Wednesday 25 November at 7:00 pm. I'll tell you when they answer.`);
    });

    it('finds a known venue whatever the case of its name', async () => {
      const family = await anElderWithFamily();
      const name = unique('The Red Lion');
      const venue = await aVenue(app.orm, { name });
      const task = await aConfirmedTask(app, family, 'book_restaurant', { venue: name.toLowerCase(), party_size: 2, start: '2026-11-26T12:30' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      const em = app.orm.em.fork();
      expect((await em.findOneOrFail(Booking, { taskId: task.id })).venueId).toBe(venue.id);
      expect(await em.count(Venue, { name: name.toLowerCase() })).toBe(0);
    });

    it('answers a repeated request with the booking already made, and books nothing twice', async () => {
      const family = await anElderWithFamily();
      const name = unique('The Anchor');
      await aVenue(app.orm, { name });
      const args = { venue: name, party_size: 2, start: '2026-11-27T19:00' };
      const first = await aConfirmedTask(app, family, 'book_restaurant', args);
      expect(await app.runner.run(first.id)).toBe('succeeded');
      const again = await aConfirmedTask(app, family, 'book_restaurant', { ...args, venue: name.toUpperCase() });
      expect(await app.runner.run(again.id)).toBe('succeeded');
      expect(await app.orm.em.fork().count(Booking, { elderId: family.elder.id })).toBe(1);
      expect(await lastTextTo(family.account.chatId)).toBe(`You already have a table at ${name} on Friday 27 November at 7:00 pm. I am still waiting to hear back about it.`);
    });

    it('asks the family to book a salon appointment for the service', async () => {
      const family = await anElderWithFamily();
      const name = unique("Tony's");
      const task = await aConfirmedTask(app, family, 'book_salon', { venue: name, service: 'haircut', start: '2026-11-26T10:00' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      const booking = await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id });
      expect(booking).toMatchObject({ service: 'haircut', partySize: null, status: 'requested' });
      expect(booking.endAt.getTime() - booking.startAt.getTime()).toBe(60 * 60_000);
      const told = await outboxTo(app, family.circle.groupChatId);
      expect(told.map((m) => m.text)).toEqual([`Margaret would like a haircut at ${name} on Thursday 26 November at 10:00 am. Could you book it?\nReference: ${booking.reference}`]);
      expect(await lastTextTo(family.account.chatId)).toBe(`I've asked your family to book your haircut at ${name} on Thursday 26 November at 10:00 am. I'll tell you when they answer.`);
    });

    it('tells the elder simply when nobody can book it, and saves nothing', async () => {
      const who = await anElder(app.orm);
      await aFamilyMember(app.orm, who.elder, { removed: true });
      const name = unique('Olive Garden');
      const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: name, party_size: 2, start: '2026-11-25T19:00' });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(who.account.chatId)).toBe("Sorry, I could not book your table. I can't book there yet, and no family is linked to help. Nothing has been done.");
      const em = app.orm.em.fork();
      expect(await em.count(Booking, { elderId: who.elder.id })).toBe(0);
      expect(await em.count(Venue, { name })).toBe(0);
    });

    it('tells the elder when the time has already passed', async () => {
      const family = await anElderWithFamily();
      const task = await aConfirmedTask(app, family, 'book_restaurant', { venue: unique('Olive Garden'), party_size: 2, start: '2026-11-24T09:00' });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(family.account.chatId)).toBe('Sorry, I could not book your table. That time has already passed. Nothing has been done.');
      expect(await familyMessages(family.elder.id, family.account.chatId)).toEqual([]);
    });
  });

  describe('cancel_booking', () => {
    it('reads back which booking it will cancel', async () => {
      const { elder } = await anElder(app.orm);
      expect(readBack('cancel_booking', { venue: 'Olive Garden', date: '2026-11-25' }, elder)).toBe("I'll cancel your booking at Olive Garden on Wednesday 25 November. Shall I cancel it?");
      expect(readBack('cancel_booking', { date: '2026-11-25' }, elder)).toBe("I'll cancel your booking on Wednesday 25 November. Shall I cancel it?");
      expect(readBack('cancel_booking', {}, elder)).toBe("I'll cancel your booking. Shall I cancel it?");
    });

    it('cancels the one upcoming booking whose venue contains the name given, and tells the family', async () => {
      const family = await anElderWithFamily();
      const olive = await aVenue(app.orm, { name: 'Olive Garden' });
      const tonys = await aVenue(app.orm, { name: "Tony's", kind: 'salon' });
      const booking = await aBooking(app.orm, family.elder, olive, '2026-11-25T19:00', { partySize: 4 });
      const salon = await aBooking(app.orm, family.elder, tonys, '2026-11-25T10:00');
      const past = await aBooking(app.orm, family.elder, olive, '2026-11-20T19:00');
      const task = await aConfirmedTask(app, family, 'cancel_booking', { venue: 'olive' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect(await app.runner.run(task.id)).toBe('skipped');

      const em = app.orm.em.fork();
      expect((await em.findOneOrFail(Booking, { id: booking.id })).status).toBe('cancelled');
      expect((await em.findOneOrFail(Booking, { id: salon.id })).status).toBe('confirmed');
      expect((await em.findOneOrFail(Booking, { id: past.id })).status).toBe('confirmed');
      const told = await familyMessages(family.elder.id, family.account.chatId);
      expect(told.map((m) => m.chatId).sort()).toEqual(family.told);
      for (const m of told) {
        expect(m.text).toBe(`Margaret has cancelled the booking at Olive Garden on Wednesday 25 November at 7:00 pm (reference ${booking.reference}). Please let Olive Garden know.`);
      }
      for (const chatId of family.neverTold) expect(await outboxTo(app, chatId)).toEqual([]);
      expect(await lastTextTo(family.account.chatId)).toBe('Done. Your booking at Olive Garden on Wednesday 25 November at 7:00 pm is cancelled. I have asked your family to let Olive Garden know.');
    });

    it("cancels a booking still waiting for the family by its local date, and tells them not to book it", async () => {
      const family = await anElderWithFamily();
      const olive = await aVenue(app.orm, { name: 'Olive Garden' });
      const booking = await aBooking(app.orm, family.elder, olive, '2026-11-26T12:30', { status: 'requested' });
      await aBooking(app.orm, family.elder, olive, '2026-11-27T12:30');
      const task = await aConfirmedTask(app, family, 'cancel_booking', { date: '2026-11-26' });
      expect(await app.runner.run(task.id)).toBe('succeeded');
      expect((await app.orm.em.fork().findOneOrFail(Booking, { id: booking.id })).status).toBe('cancelled');
      expect((await outboxTo(app, family.circle.groupChatId)).map((m) => m.text)).toEqual([
        `Margaret no longer needs the booking at Olive Garden on Thursday 26 November at 12:30 pm (reference ${booking.reference}). Please don't book it.`,
      ]);
      expect(await lastTextTo(family.account.chatId)).toBe('Done. Your booking at Olive Garden on Thursday 26 November at 12:30 pm is cancelled.');
    });

    it("says it couldn't find the booking when none matches, and cancels nothing", async () => {
      const family = await anElderWithFamily();
      const olive = await aVenue(app.orm, { name: 'Olive Garden' });
      const cancelled = await aBooking(app.orm, family.elder, olive, '2026-11-25T19:00', { status: 'cancelled' });
      const other = await anElder(app.orm, { name: 'Albert' });
      const theirs = await aBooking(app.orm, other.elder, olive, '2026-11-25T19:00');
      const task = await aConfirmedTask(app, family, 'cancel_booking', { venue: 'Olive Garden' });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(family.account.chatId)).toBe("Sorry, I could not cancel your booking. I couldn't find that booking. Nothing has been done.");
      const em = app.orm.em.fork();
      expect((await em.findOneOrFail(Booking, { id: cancelled.id })).status).toBe('cancelled');
      expect((await em.findOneOrFail(Booking, { id: theirs.id })).status).toBe('confirmed');
      expect(await familyMessages(family.elder.id, family.account.chatId)).toEqual([]);
    });

    it('asks which one when several bookings match, naming them, and cancels none', async () => {
      const family = await anElderWithFamily();
      const olive = await aVenue(app.orm, { name: 'Olive Garden' });
      const tonys = await aVenue(app.orm, { name: "Tony's", kind: 'salon' });
      await aBooking(app.orm, family.elder, olive, '2026-11-25T19:00');
      await aBooking(app.orm, family.elder, tonys, '2026-11-25T10:00', { status: 'requested' });
      const task = await aConfirmedTask(app, family, 'cancel_booking', { date: '2026-11-25' });
      expect(await app.runner.run(task.id)).toBe('failed');
      expect(await lastTextTo(family.account.chatId)).toBe(
        "Sorry, I could not cancel your booking. You have 2 bookings: Tony's on Wednesday 25 November at 10:00 am; Olive Garden on Wednesday 25 November at 7:00 pm. Which one shall I cancel? Nothing has been done.",
      );
      expect(await app.orm.em.fork().count(Booking, { elderId: family.elder.id, status: 'cancelled' })).toBe(0);
    });
  });
});
