import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { Booking } from '../../src/tasks/bookings/booking.entity.ts';
import { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import { DEFAULT_VENUES_FILE, findVenue, seedVenues } from '../../src/tasks/bookings/venue-directory.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeChannel } from '../support/fake-channel.ts';
import { aConfirmedTask, aFamilyCircle, anElder, outboxTo, unusedAgent } from '../support/factories.ts';
import { aBookableVenue, bookingButtons, pressedBy } from './booking-factories.ts';

const VENUES_FILE = DEFAULT_VENUES_FILE;

describe.each(MODES)('the venue directory (%s)', (mode) => {
  let storage: TestStorage;
  let app: App;
  const clock = new FakeClock('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    storage = testStorage(mode);
    app = await startTestApp(storage, { clock, channels: [new FakeChannel()], agent: unusedAgent, role: 'front' });
    await app.executor?.stop();
    await seedVenues(app.orm, VENUES_FILE);
    await aBookableVenue(app.orm, { name: 'The Barbers', kind: 'salon', address: '9 Mill Lane', services: { haircut: { minutes: 30, staff: 1 } } });
    await aBookableVenue(app.orm, { name: 'Olive Tree', address: '3 Bridge Street' });
  });
  afterAll(async () => {
    await app.stop();
    await storage.cleanup();
  });

  it('loads the directory file once, however often it is seeded, and takes edits to it', async () => {
    const before = await app.orm.em.fork().count(Venue, {});
    expect(await seedVenues(app.orm, VENUES_FILE)).toEqual({ created: 0, updated: 5 });
    expect(await app.orm.em.fork().count(Venue, {})).toBe(before);
    const edited = join(tmpdir(), `venues-${process.pid}-${mode}.json`);
    writeFileSync(edited, JSON.stringify([{ name: 'OLIVE GARDEN', kind: 'restaurant', timezone: 'Europe/London', openingHours: { mon: [['12:00', '15:00']] }, capacityPerSlot: 12 }]));
    try {
      await Promise.all([seedVenues(app.orm, edited), seedVenues(app.orm, edited)]);
    } finally {
      rmSync(edited, { force: true });
    }
    const olive = await app.orm.em.fork().find(Venue, { kind: 'restaurant', name: { $in: ['Olive Garden', 'OLIVE GARDEN'] } });
    expect(olive).toHaveLength(1);
    expect(olive[0]?.capacityPerSlot).toBe(12);
    await seedVenues(app.orm, VENUES_FILE);
    expect((await app.orm.em.fork().findOneOrFail(Venue, { name: 'Olive Garden' })).capacityPerSlot).toBe(40);
  });

  it('forgives spelling and finds a venue by the street said after its name', async () => {
    const em = app.orm.em.fork();
    const name = async (said: string, kind: 'restaurant' | 'salon' = 'restaurant') => {
      const match = await findVenue(em, said, kind);
      return match.kind === 'found' ? match.venue.name : match.kind === 'choose' ? match.venues.map((v) => v.name) : null;
    };
    expect(await name('olive gardn')).toBe('Olive Garden');
    expect(await name('OLIVE GARDEN')).toBe('Olive Garden');
    expect(await name('the red lion pub')).toBe('The Red Lion');
    expect(await name("rosie's tea rooms")).toBe("Rosie's Tea Room");
    expect(await name('the barber on King St', 'salon')).toBe('The Barber');
    expect(await name('the barber on mill lane', 'salon')).toBe('The Barbers');
    expect(await name("tony's", 'salon')).toBe("Tony's Hair Salon");
    expect(await name('olive')).toEqual(['Olive Garden', 'Olive Tree']);
    expect(await name('The Blue Parrot')).toBeNull();
    expect(await name('Olive Garden 1a2b3c')).toBeNull();
  });

  it('books a seeded venue from a misspelt name', async () => {
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: 'olive gardn', party_size: 2, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const booking = await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id });
    expect((await outboxTo(app, who.account.chatId)).at(-1)?.text).toBe(`Booked: Olive Garden, 2 people, Wednesday 25 November at 7:00 pm. Your reference is ${booking.reference}.`);
  });

  it('asks which venue when several match, and the pick reads the booking back', async () => {
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: 'olive', party_size: 2, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect(await app.orm.em.fork().count(Booking, { taskId: task.id })).toBe(0);
    const ask = (await outboxTo(app, who.account.chatId)).at(-1);
    expect(ask?.text).toBe('I know 2 places like "olive". Which one do you mean?');
    expect(ask?.buttons).toEqual([[{ label: 'Olive Garden, 14 High Street', data: `venuepick:${task.id}:0` }], [{ label: 'Olive Tree, 3 Bridge Street', data: `venuepick:${task.id}:1` }]]);
    const [readBack] = await bookingButtons(app)(`venuepick:${task.id}:1`, pressedBy(who.account, who.elder));
    expect(readBack?.text).toBe('Olive Tree, 2 people, Wednesday 25 November at 7:00 pm. Shall I book it?');
  });

  it('asks the family for a venue the directory does not know', async () => {
    const who = await anElder(app.orm);
    await aFamilyCircle(app.orm, who.elder);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: 'The Blue Parrot', party_size: 3, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect((await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id })).status).toBe('requested');
    expect((await app.orm.em.fork().findOneOrFail(Venue, { name: 'The Blue Parrot' })).provider).toBe('family');
  });

  it('books a haircut at the barber named by its street, for as long as the service takes', async () => {
    const who = await anElder(app.orm);
    const task = await aConfirmedTask(app, who, 'book_salon', { venue: 'the barber on King St', service: 'haircut', start: '2026-11-25T10:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    const booking = await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id });
    expect(booking).toMatchObject({ status: 'confirmed', service: 'haircut' });
    expect(booking.endAt.getTime() - booking.startAt.getTime()).toBe(30 * 60_000);
    expect((await outboxTo(app, who.account.chatId)).at(-1)?.text).toBe(`Booked: haircut at The Barber, Wednesday 25 November at 10:00 am. Your reference is ${booking.reference}.`);
  });

  it('asks the family for a partner venue while no partner is configured', async () => {
    const venue = await aBookableVenue(app.orm, { name: 'Partner Place', provider: 'partner' });
    const who = await anElder(app.orm);
    await aFamilyCircle(app.orm, who.elder);
    const task = await aConfirmedTask(app, who, 'book_restaurant', { venue: venue.name, party_size: 2, start: '2026-11-25T19:00' });
    expect(await app.runner.run(task.id)).toBe('succeeded');
    expect((await app.orm.em.fork().findOneOrFail(Booking, { taskId: task.id })).status).toBe('requested');
  });
});
