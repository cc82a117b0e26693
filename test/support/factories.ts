import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { Elder } from '../../src/tasks/elders/elder.entity.ts';
import { ChannelAccount } from '../../src/tasks/elders/channel-account.entity.ts';
import type { Agent } from '../../src/agent/agent.ts';

/** Saves an elder with their own channel account; override any field. */
export async function anElder(orm: MikroORM, overrides: Partial<Pick<Elder, 'name' | 'timezone'>> & { channel?: ChannelAccount['channel'] } = {}): Promise<{ elder: Elder; account: ChannelAccount }> {
  const em = orm.em.fork();
  const elder = em.create(Elder, { id: randomUUID(), name: overrides.name ?? 'Margaret', timezone: overrides.timezone ?? 'Europe/London', locale: 'en-GB' });
  const userId = randomUUID();
  const account = em.create(ChannelAccount, {
    id: randomUUID(),
    channel: overrides.channel ?? 'telegram',
    externalUserId: userId,
    chatId: `chat-${userId}`,
    role: 'elder',
    elderId: elder.id,
    active: true,
  });
  await em.flush();
  return { elder, account };
}

/** An agent for tests that exercise the task path only; it must never be asked anything. */
export const unusedAgent: Agent = {
  respond: async () => {
    throw new Error('the agent should not be called in this test');
  },
};
