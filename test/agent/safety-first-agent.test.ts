import { afterEach, describe, expect, it } from '@jest/globals';
import { buildAgent } from '../../src/agent/build-agent.ts';
import type { AgentInput } from '../../src/agent/agent.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { localToInstant } from '../../src/lib/local-time.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer, type ScriptedReply } from '../support/fake-openai-server.ts';
import type { ConversationTurn } from '../../src/agent/understanding/types.ts';

const servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A remote model that misses every emergency: it shares the message as a nice activity. */
const aModelThatMisses = async (): Promise<FakeOpenAIServer> => {
  const misses: ScriptedReply = { kind: 'tool_call', name: 'share_activity', args: { activity: 'a quiet afternoon' } };
  const server = await startFakeOpenAIServer(Array.from({ length: 20 }, () => misses));
  servers.push(server);
  return server;
};

const anInput = (text: string, history: ConversationTurn[] = []): AgentInput => ({
  elder: { id: 'elder-1', name: 'Margaret', timezone: 'Europe/London' },
  text,
  history,
  now: localToInstant('2026-12-03T10:00', 'Europe/London'),
});

const MODES = ['offline', 'openai', 'hybrid'] as const;

describe.each(MODES)('the safety screen in %s mode', (mode) => {
  const anAgent = async () => {
    if (mode === 'offline') return { agent: await buildAgent(parseConfig({ MODEL: 'offline' }), createLogger('silent')), server: null };
    const server = await aModelThatMisses();
    const agent = await buildAgent(parseConfig({ MODEL: mode, OPENAI_BASE_URL: server.baseURL, OPENAI_TIMEOUT_MS: '3000' }), createLogger('silent'));
    return { agent, server };
  };

  it('raises a clear emergency at once, without asking any model', async () => {
    const { agent, server } = await anAgent();
    const decision = await agent.respond(anInput('my left arm is numb and my face feels weird'));
    expect(decision).toEqual({ kind: 'tool', tool: 'emergency_alert', args: { description: 'my left arm is numb and my face feels weird', category: 'stroke' }, confidence: 1 });
    expect(server?.requests ?? []).toHaveLength(0);
  });

  it('checks in on a possible concern instead of alerting', async () => {
    const { agent, server } = await anAgent();
    const decision = await agent.respond(anInput('I feel a bit off'));
    expect(decision).toMatchObject({ kind: 'tool', tool: 'emergency_alert', args: { description: 'I feel a bit off', check_in: true } });
    expect(server?.requests ?? []).toHaveLength(0);
  });

  it('answers despair, another person in danger and danger at home as alerts of their kind', async () => {
    const { agent } = await anAgent();
    expect(await agent.respond(anInput("I don't want to be here any more"))).toMatchObject({ tool: 'emergency_alert', args: { category: 'despair' } });
    expect(await agent.respond(anInput('my husband has collapsed'))).toMatchObject({ tool: 'emergency_alert', args: { about: 'someone_else' } });
    expect(await agent.respond(anInput('I can smell gas in the kitchen'))).toMatchObject({ tool: 'emergency_alert', args: { category: 'home' } });
  });

  it('raises an emergency in the middle of a booking', async () => {
    const { agent } = await anAgent();
    const history: ConversationTurn[] = [
      { role: 'user', text: 'book a table at the Copper Kettle' },
      { role: 'assistant', text: 'For how many people?' },
    ];
    expect(await agent.respond(anInput("I've just fallen over", history))).toMatchObject({ tool: 'emergency_alert' });
  });

  it('lets a calm message that shares the words through to the model', async () => {
    const { agent, server } = await anAgent();
    const decision = await agent.respond(anInput("I fell last winter but I'm fine"));
    expect(decision.kind === 'tool' && decision.tool === 'emergency_alert').toBe(false);
    if (mode === 'openai') expect(server!.requests).toHaveLength(1);
  });
});
