import { describe, it, expect } from '@jest/globals';
import { LangChainAgent } from '../../src/agent/langchain-agent.ts';
import { OfflineChatModel } from '../../src/agent/models/offline-chat-model.ts';
import { SafetyFirstAgent } from '../../src/agent/safety-first-agent.ts';
import { evalCaseSchema, type EvalCase } from '../../src/agent/eval-score.ts';
import { predict } from '../../src/cli/eval.ts';

const agent = new SafetyFirstAgent(new LangChainAgent({ model: new OfflineChatModel() }));

let seq = 0;
const aCase = (text: string, tz = 'Europe/London'): EvalCase =>
  evalCaseSchema.parse({ id: `reply-${++seq}`, now: '2026-11-24T10:00', tz, history: [], text, expect: { chat: true } });

describe('what the eval writes as the reply of each case', () => {
  it('writes the read-back the elder would be shown, with its question, for a tool call', async () => {
    const p = await predict(agent, aCase('book a table for 4 at the Swan on Friday at 7pm'), 'Grandma');
    expect(p.tool).toBe('book_restaurant');
    expect(p.reply).toBe('Swan, 4 people, Friday 27 November at 7:00 pm. Shall I book it?');
  });

  it('writes the reminder read-back with the weekday and her own words', async () => {
    const p = await predict(agent, aCase('Remind me to take the washing in at 6'), 'Grandma');
    expect(p.reply).toBe('I\'ll remind you: "take the washing in" on Tuesday 24 November at 6:00 pm. Shall I set it?');
  });

  it('writes what she is told for an emergency alert, which is sent without waiting for a yes', async () => {
    const p = await predict(agent, aCase("I've fallen and I can't get up", 'America/Chicago'), 'Grandma');
    expect(p.tool).toBe('emergency_alert');
    expect(p.reply).toBe("I've told your family group. If you can, call 911 now.");
  });

  it('writes the check-in question, with its buttons implied, for a possible concern', async () => {
    const p = await predict(agent, aCase('I feel a bit off today'), 'Grandma');
    expect(p.tool).toBe('emergency_alert');
    expect(p.args).toMatchObject({ check_in: true });
    expect(p.reply).toMatch(/^I'm a little worried about you\. Do you need help now\? If I don't hear from you in 5 minutes, I'll let your family group know\.$/);
  });

  it('writes the answer or the question when no tool is called', async () => {
    expect((await predict(agent, aCase('hello'), 'Grandma')).reply).toBe('Hello! It is lovely to hear from you. How can I help you today?');
    const question = await predict(agent, aCase('book a table for 2 at the Swan'), 'Grandma');
    expect(question.tool).toBeNull();
    expect(question.reply).toContain('?');
  });
});
