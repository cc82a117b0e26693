import { describe, it, expect } from '@jest/globals';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { LangChainAgent, REPAIR_FAILED_QUESTION, trimHistory } from '../../src/agent/langchain-agent.ts';
import { OfflineChatModel } from '../../src/agent/models/offline-chat-model.ts';
import type { AgentInput } from '../../src/agent/agent.ts';
import type { ConversationTurn } from '../../src/agent/understanding/types.ts';
import { localToInstant } from '../../src/lib/local-time.ts';

/** A chat model that answers from a script and records what it was sent: the seam for the agent loop. */
class ScriptedChatModel extends BaseChatModel {
  readonly calls: BaseMessage[][] = [];
  private readonly script: AIMessage[];

  constructor(script: AIMessage[]) {
    super({});
    this.script = script;
  }

  override _llmType(): string {
    return 'scripted';
  }

  override bindTools(): this {
    return this;
  }

  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.calls.push(messages);
    const message = this.script[this.calls.length - 1] ?? new AIMessage('(script exhausted)');
    return { generations: [{ text: message.text, message }] };
  }
}

let callSeq = 0;
const aToolCall = (name: string, args: Record<string, unknown>) =>
  new AIMessage({ content: '', tool_calls: [{ id: `call_${++callSeq}`, name, args, type: 'tool_call' }] });

const anInput = (text: string, over: Partial<Omit<AgentInput, 'text'>> & { local?: string } = {}): AgentInput => {
  const timezone = over.elder?.timezone ?? 'Europe/London';
  return {
    elder: over.elder ?? { id: 'elder-1', name: 'Margaret', timezone },
    text,
    history: over.history ?? [],
    now: over.now ?? localToInstant(over.local ?? '2026-11-24T10:00', timezone),
  };
};

const offlineAgent = () => new LangChainAgent({ model: new OfflineChatModel() });

describe('LangChainAgent with the offline model', () => {
  it('decides on a tool call with validated contract arguments and the parser confidence', async () => {
    const decision = await offlineAgent().respond(anInput('Book me a table for 4 at Olive Garden tomorrow 7pm.'));
    expect(decision).toMatchObject({ kind: 'tool', tool: 'book_restaurant', args: { party_size: 4, start: '2026-11-25T19:00' } });
    expect(decision.kind === 'tool' && decision.confidence).toBeGreaterThan(0);
  });

  it('returns one clarifying question when a detail is missing', async () => {
    const decision = await offlineAgent().respond(anInput('table for 2 at Luigi\'s'));
    expect(decision).toMatchObject({ kind: 'reply', clarifying: true });
    expect(decision.kind === 'reply' && decision.text).toContain('?');
  });

  it('answers thanks in words without calling a tool', async () => {
    const decision = await offlineAgent().respond(anInput('thank you so much dear'));
    expect(decision.kind).toBe('reply');
  });

  it('replays the conversation so an answer to its question completes the booking', async () => {
    const history: ConversationTurn[] = [
      { role: 'user', text: 'book me a haircut at Headmasters' },
      { role: 'assistant', text: 'Happy to. What day and time would suit you?' },
    ];
    const decision = await offlineAgent().respond(anInput('Friday at 11 please', { history }));
    expect(decision).toMatchObject({ kind: 'tool', tool: 'book_salon', args: { start: '2026-11-27T11:00' } });
  });

  it('serves many elders from one agent, each with their own clock', async () => {
    const agent = offlineAgent();
    const london = await agent.respond(anInput('what do I have today?', { local: '2026-11-24T10:00' }));
    const sydney = await agent.respond(
      anInput('what do I have today?', { elder: { id: 'e2', name: 'Joan', timezone: 'Australia/Sydney' }, local: '2026-12-13T21:40' }),
    );
    expect(london).toMatchObject({ tool: 'get_schedule', args: { date: '2026-11-24' } });
    expect(sydney).toMatchObject({ tool: 'get_schedule', args: { date: '2026-12-13' } });
  });
});

describe('LangChainAgent around any tool-calling model', () => {
  it("gives the model the elder's name and a context line computed from this message's time", async () => {
    const model = new ScriptedChatModel([new AIMessage('Hello Margaret!')]);
    await new LangChainAgent({ model }).respond(anInput('hello there', { local: '2026-11-24T10:00' }));
    const system = model.calls[0]![0]!;
    expect(SystemMessage.isInstance(system)).toBe(true);
    expect(system.text).toContain('Margaret');
    expect(system.text).toContain('Context: now=2026-11-24T10:00 weekday=Tuesday timezone=Europe/London');
  });

  it('stops after the first valid tool call, so a remote model costs one round trip', async () => {
    const model = new ScriptedChatModel([aToolCall('set_reminder', { text: 'call Sarah', at: '2026-11-25T17:00' })]);
    const decision = await new LangChainAgent({ model, defaultConfidence: 0.7 }).respond(anInput('Remind me to call Sarah tomorrow at 5pm'));
    expect(decision).toEqual({ kind: 'tool', tool: 'set_reminder', args: { text: 'call Sarah', at: '2026-11-25T17:00' }, confidence: 0.7 });
    expect(model.calls).toHaveLength(1);
  });

  it('returns arguments as the schema normalises them (trimmed, times sorted and unique)', async () => {
    const model = new ScriptedChatModel([aToolCall('add_medication', { medicine: ' Metformin ', times: ['20:00', '08:00', '08:00'] })]);
    const decision = await new LangChainAgent({ model }).respond(anInput('metformin at 8 and 8'));
    expect(decision).toMatchObject({ kind: 'tool', args: { medicine: 'Metformin', times: ['08:00', '20:00'] } });
  });

  it('sends refused arguments back to the model once and uses the repaired call', async () => {
    const model = new ScriptedChatModel([
      aToolCall('book_restaurant', { venue: 'Olive Garden', party_size: 'four', start: 'tomorrow 7pm' }),
      aToolCall('book_restaurant', { venue: 'Olive Garden', party_size: 4, start: '2026-11-25T19:00' }),
    ]);
    const decision = await new LangChainAgent({ model }).respond(anInput('Book a table for four at Olive Garden tomorrow 7pm'));
    expect(decision).toMatchObject({ kind: 'tool', tool: 'book_restaurant', args: { party_size: 4, start: '2026-11-25T19:00' } });
    expect(model.calls).toHaveLength(2);
    const toolError = model.calls[1]!.at(-1)!;
    expect(toolError.type).toBe('tool');
    expect(toolError.text).toMatch(/party_size|start/);
  });

  it('asks a clarifying question after one failed repair instead of calling the model a third time', async () => {
    const bad = () => aToolCall('set_reminder', { text: 'call Sarah', at: 'tomorrow' });
    const model = new ScriptedChatModel([bad(), bad(), bad()]);
    const decision = await new LangChainAgent({ model, understand: () => ({ kind: 'chat', intent: 'unknown', reply: 'Hm.' }) }).respond(
      anInput('remind me to call Sarah tomorrow'),
    );
    expect(decision).toEqual({ kind: 'reply', text: REPAIR_FAILED_QUESTION, clarifying: true });
    expect(model.calls).toHaveLength(2);
  });

  it('treats a call to a tool that does not exist like refused arguments', async () => {
    const model = new ScriptedChatModel([aToolCall('transfer_money', { amount: 500 }), new AIMessage('I cannot do that. Anything else?')]);
    const decision = await new LangChainAgent({ model, understand: () => ({ kind: 'chat', intent: 'unknown', reply: 'Hm.' }) }).respond(
      anInput('send 500 pounds to my grandson'),
    );
    expect(decision).toMatchObject({ kind: 'reply', clarifying: true });
    expect(model.calls).toHaveLength(2);
  });

  it("answers with the model's words, marking it clarifying when it asks a question", async () => {
    const model = new ScriptedChatModel([new AIMessage('Which day would you like?')]);
    const decision = await new LangChainAgent({ model }).respond(anInput('book me at the hairdresser'));
    expect(decision).toEqual({ kind: 'reply', text: 'Which day would you like?', clarifying: true });
  });

  it('sends only the most recent turns of a long conversation to the model', async () => {
    const model = new ScriptedChatModel([new AIMessage('Yes?')]);
    const history: ConversationTurn[] = Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `turn ${i}` }));
    await new LangChainAgent({ model, historyBudget: { turns: 6, chars: 4000 } }).respond(anInput('and then?', { history }));
    const sent = model.calls[0]!.slice(1).map((m) => m.text);
    expect(sent).toEqual(['turn 34', 'turn 35', 'turn 36', 'turn 37', 'turn 38', 'turn 39', 'and then?']);
  });
});

describe('trimHistory', () => {
  it('keeps the newest turns that fit the character budget', () => {
    const turns: ConversationTurn[] = [
      { role: 'user', text: 'a'.repeat(50) },
      { role: 'assistant', text: 'b'.repeat(30) },
      { role: 'user', text: 'c'.repeat(30) },
    ];
    expect(trimHistory(turns, { turns: 10, chars: 70 }).map((t) => t.text[0])).toEqual(['b', 'c']);
  });
});
