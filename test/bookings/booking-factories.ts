import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { Venue } from '../../src/tasks/bookings/venue.entity.ts';
import type { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import type { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { bookingButtonActions } from '../../src/tasks/bookings/booking-buttons.ts';
import { createTaskHandlers } from '../../src/tasks/task-handlers.ts';
import type { Actor, ButtonAction } from '../../src/tasks/button-actions.ts';
import type { App } from '../../src/app.ts';

/** Lunch and dinner every day, as a restaurant's opening hours. */
export const LUNCH_AND_DINNER: Record<string, [string, string][]> = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['12:00', '14:30'], ['17:30', '22:00']]]),
);

/** Saves a venue with its own reservation book (provider 'builtin'); a unique name unless given. */
export async function aBookableVenue(
  orm: MikroORM,
  overrides: Partial<Pick<Venue, 'name' | 'kind' | 'timezone' | 'address' | 'phone' | 'openingHours' | 'capacityPerSlot' | 'services' | 'provider'>> = {},
): Promise<Venue> {
  const em = orm.em.fork();
  const venue = em.create(Venue, {
    id: randomUUID(),
    name: `Bistro ${randomUUID().slice(0, 8)}`,
    kind: 'restaurant',
    address: null,
    phone: null,
    timezone: 'Europe/London',
    openingHours: LUNCH_AND_DINNER,
    capacityPerSlot: 8,
    services: null,
    provider: 'builtin',
    partnerRef: null,
    ...overrides,
  });
  await em.flush();
  return venue;
}

/** The booking buttons as the composition root registers them, by prefix. */
export function bookingButtons(app: App): (data: string, actor: Actor) => Promise<{ text: string; buttons?: { label: string; data: string }[][] }[]> {
  const actions = bookingButtonActions({ orm: app.orm, tasks: app.tasks, handlers: createTaskHandlers(), delivery: { enqueueDeliveries: async () => {} }, clock: app.clock });
  const byPrefix = new Map<string, ButtonAction>(actions.map((a) => [a.prefix, a]));
  return (data, actor) => byPrefix.get(data.split(':', 1)[0]!)!.handle(data, actor);
}

/** Someone pressing a button in their private chat. */
export function pressedBy(account: ChannelAccount, elder: Elder | null = null): Actor {
  return { account, elder, chat: { channel: account.channel, chatId: account.chatId, chatType: 'private' } };
}
