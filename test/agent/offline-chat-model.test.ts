import { describe, it, expect } from '@jest/globals';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { MissingContextLineError, OfflineChatModel, offlineVerdictOf } from '../../src/agent/models/offline-chat-model.ts';
import { buildContractTools } from '../../src/agent/tools.ts';
import { buildSystemPrompt } from '../../src/agent/system-prompt.ts';
import { localToInstant } from '../../src/lib/local-time.ts';

const aPrompt = (local = '2026-11-24T10:00', timezone = 'Europe/London') =>
  new SystemMessage(buildSystemPrompt({ elderName: 'Margaret', timezone, now: localToInstant(local, timezone) }));
const aBoundModel = () => new OfflineChatModel().bindTools(buildContractTools());
const ask = (messages: BaseMessage[]) => aBoundModel().invoke(messages);

describe('OfflineChatModel', () => {
  it('calls book_restaurant with contract arguments resolved from the context line of the system prompt', async () => {
    const reply = await ask([aPrompt('2026-11-24T10:00'), new HumanMessage('Book me a table for 4 at Olive Garden tomorrow 7pm.')]);
    expect(reply.tool_calls).toHaveLength(1);
    const call = reply.tool_calls![0]!;
    expect(call.name).toBe('book_restaurant');
    expect(call.args).toMatchObject({ party_size: 4, start: '2026-11-25T19:00' });
    expect(String(call.args['venue'])).toMatch(/olive garden/i);
    expect(call.id).toMatch(/^offline_/);
  });

  it("resolves 'tomorrow' in the elder's timezone, not the server's", async () => {
    const reply = await ask([aPrompt('2026-12-13T21:40', 'Australia/Sydney'), new HumanMessage("what's on tomorrow")]);
    expect(reply.tool_calls?.[0]).toMatchObject({ name: 'get_schedule', args: { date: '2026-12-14' } });
  });

  it('completes a request started in earlier turns of the conversation', async () => {
    const reply = await ask([
      aPrompt('2026-11-24T10:00'),
      new HumanMessage("Can you book a table at Luigi's?"),
      new AIMessage('Of course. For how many people, and what day and time?'),
      new HumanMessage('just the two of us, 7pm tomorrow'),
    ]);
    expect(reply.tool_calls?.[0]).toMatchObject({ name: 'book_restaurant', args: { party_size: 2, start: '2026-11-25T19:00' } });
  });

  it('asks one question instead of calling a tool when the time is missing', async () => {
    const reply = await ask([aPrompt(), new HumanMessage('remind me to call the bank')]);
    expect(reply.tool_calls ?? []).toHaveLength(0);
    expect(reply.text).toContain('?');
    expect(offlineVerdictOf(reply)).toMatchObject({ kind: 'clarify', confidence: 0 });
  });

  it('answers a greeting in words', async () => {
    const reply = await ask([aPrompt(), new HumanMessage('Good morning! How are you today?')]);
    expect(reply.tool_calls ?? []).toHaveLength(0);
    expect(reply.text.length).toBeGreaterThan(0);
    expect(offlineVerdictOf(reply)?.kind).toBe('chat');
  });

  it("exposes the parser's confidence in a tool call for hybrid routing", async () => {
    const reply = await ask([aPrompt(), new HumanMessage('Book me a table for 4 at Olive Garden tomorrow 7pm.')]);
    const verdict = offlineVerdictOf(reply);
    expect(verdict).toMatchObject({ kind: 'tool', tool: 'book_restaurant' });
    expect(verdict!.confidence).toBeGreaterThan(0);
    expect(verdict!.confidence).toBeLessThanOrEqual(1);
  });

  it('gives the same answer, tool call id included, every time it is asked the same thing', async () => {
    const messages = [aPrompt(), new HumanMessage('Remind me to call Sarah tomorrow at 5pm')];
    const [a, b] = [await ask(messages), await ask(messages)];
    expect(a.tool_calls).toEqual(b.tool_calls);
  });

  it('ends the loop with a short words-only answer once a tool has answered', async () => {
    const call = { id: 'offline_1', name: 'log_dose', args: { status: 'taken' }, type: 'tool_call' as const };
    const reply = await ask([
      aPrompt(),
      new HumanMessage('I took my pills'),
      new AIMessage({ content: '', tool_calls: [call] }),
      new ToolMessage({ content: 'Noted.', tool_call_id: 'offline_1', name: 'log_dose' }),
    ]);
    expect(reply.tool_calls ?? []).toHaveLength(0);
    expect(reply.text.length).toBeGreaterThan(0);
  });

  it('does not call a tool that was not bound, and answers in words instead', async () => {
    const onlySchedule = buildContractTools().filter((t) => t.name === 'get_schedule');
    const reply = await new OfflineChatModel().bindTools(onlySchedule).invoke([aPrompt(), new HumanMessage('Remind me to call Sarah tomorrow at 5pm')]);
    expect(reply.tool_calls ?? []).toHaveLength(0);
  });

  it('refuses to guess the date when the system prompt has no context line', async () => {
    await expect(ask([new SystemMessage('You are helpful.'), new HumanMessage('what do I have today?')])).rejects.toBeInstanceOf(MissingContextLineError);
  });
});
