import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { NOT_LINKED_REPLY } from '../../src/tasks/family/access.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, aFamilyCircle, aFamilyMember, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { bookingButtons, pressedBy } from './booking-factories.ts';

describe.each(MODES)("the family's Booked and Can't buttons (%s)", (mode) => {
  let storage: TestStorage;
  let app: App;
  let press: ReturnType<typeof bookingButtons>;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
    press = bookingButtons(app);
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  /** An elder whose family was asked to book a table at a venue the directory does not know. */
  async function aRequestedBooking() {
    const who = await anElder(app.orm);
    const circle = await aFamilyCircle(app.orm, who.elder);
    const sarah = await aFamilyMember(app.orm, who.elder, { name: 'Sarah' });
    const name = `The Crown ${randomUUID().slice(0, 6)}`;
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: name, party_size: 2, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const booking = await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id });
    expect(booking.status).toBe('requested');
    return { ...who, circle, sarah, name, booking };
  }

  it('confirms the booking when a linked family member presses Booked, tells the elder once, and a second press changes nothing', async () => {
    const { account, circle, sarah, name, booking } = await aRequestedBooking();
    const [thanks] = await press(`booked:${booking.id}`, pressedBy(sarah.account));
    expect(thanks?.text).toBe(`Thank you. I've told Margaret it's booked (reference ${booking.reference}).`);
    expect((await app.orm.em.fork().findOneOrFail(Booking, { id: booking.id })).status).toBe('confirmed');
    expect((await outboxTo(app, account.chatId)).at(-1)?.text).toBe(`Booked: ${name}, 2 people, Wednesday 25 November at 7:00 pm. Your reference is ${booking.reference}.`);
    expect((await outboxTo(app, circle.groupChatId)).at(-1)?.text).toBe(`Sarah booked ${name}, 2 people, Wednesday 25 November at 7:00 pm for Margaret.`);

    const before = (await outboxTo(app, account.chatId)).length;
    expect((await press(`booked:${booking.id}`, pressedBy(sarah.account)))[0]?.text).toBe('That was already answered: it is booked.');
    expect((await press(`cantbook:${booking.id}`, pressedBy(sarah.account)))[0]?.text).toBe('That was already answered: it is booked.');
    expect(await outboxTo(app, account.chatId)).toHaveLength(before);
    expect((await app.orm.em.fork().findOneOrFail(Booking, { id: booking.id })).status).toBe('confirmed');
  });

  it("marks the booking failed when the family can't, and tells the elder kindly", async () => {
    const { account, sarah, name, booking } = await aRequestedBooking();
    expect((await press(`cantbook:${booking.id}`, pressedBy(sarah.account)))[0]?.text).toBe("Thank you. I've told Margaret it couldn't be booked.");
    expect((await app.orm.em.fork().findOneOrFail(Booking, { id: booking.id })).status).toBe('failed');
    expect((await outboxTo(app, account.chatId)).at(-1)?.text).toBe(`Sorry, your family couldn't book ${name}, 2 people, Wednesday 25 November at 7:00 pm. Would you like to try another day or place?`);
  });

  it('refuses a press by someone not linked to the elder, and by a removed family member, and changes nothing', async () => {
    const { elder, booking } = await aRequestedBooking();
    const other = await anElder(app.orm, { name: 'Albert' });
    const otherFamily = await aFamilyMember(app.orm, other.elder);
    const removed = await aFamilyMember(app.orm, elder, { removed: true });
    expect((await press(`booked:${booking.id}`, pressedBy(otherFamily.account)))[0]?.text).toBe(NOT_LINKED_REPLY);
    expect((await press(`booked:${booking.id}`, pressedBy(removed.account)))[0]?.text).toBe(NOT_LINKED_REPLY);
    expect((await app.orm.em.fork().findOneOrFail(Booking, { id: booking.id })).status).toBe('requested');
  });
});
