import { describe, it, expect } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BaseChatModel, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { LangChainAgent, REPAIR_FAILED_QUESTION } from '../../src/agent/langchain-agent.ts';
import { OfflineChatModel } from '../../src/agent/models/offline-chat-model.ts';
import type { AgentInput } from '../../src/agent/agent.ts';
import type { Understanding } from '../../src/agent/understanding/types.ts';
import { readCorpus } from '../../src/cli/eval.ts';
import { localToInstant } from '../../src/lib/local-time.ts';

/**
 * The offline model behind an ordinary LangChain chat model, so the agent runs its turns through the
 * LangGraph agent graph (the agent only takes the graph-free path for the offline model itself).
 */
class ThroughTheGraph extends BaseChatModel {
  private readonly inner: OfflineChatModel;

  constructor(inner: OfflineChatModel) {
    super({});
    this.inner = inner;
  }

  override _llmType(): string {
    return 'offline-through-the-graph';
  }

  override bindTools(tools: BindToolsInput[]): ThroughTheGraph {
    return new ThroughTheGraph(this.inner.bindTools(tools));
  }

  override _generate(messages: BaseMessage[]): Promise<ChatResult> {
    return this.inner._generate(messages);
  }
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'eval');
const cases = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => readCorpus(join(FIXTURES, f)));

const inputOf = (c: (typeof cases)[number], text = c.text): AgentInput => ({
  elder: { id: `elder-${c.id}`, name: 'Margaret', timezone: c.tz },
  text,
  history: c.history,
  now: localToInstant(c.now, c.tz),
});

/** Ways an elder's message arrives that the corpus writes cleanly: cut short, shouted, without punctuation. */
const variants = (text: string): string[] => [text, text.slice(0, Math.ceil(text.length / 2)), text.toUpperCase(), text.replace(/[.,!?']/g, '')];

describe('the offline model without the graph', () => {
  it('has cases to compare', () => {
    expect(cases.length).toBeGreaterThan(200);
  });

  it('decides every corpus case, and its variants, exactly as the LangGraph agent does', async () => {
    const direct = new LangChainAgent({ model: new OfflineChatModel() });
    const viaGraph = new LangChainAgent({ model: new ThroughTheGraph(new OfflineChatModel()) });
    const differences: string[] = [];
    const kinds = new Set<string>();
    for (const c of cases) {
      for (const text of variants(c.text)) {
        const input = inputOf(c, text);
        const [a, b] = [await direct.respond(input), await viaGraph.respond(input)];
        kinds.add(a.kind === 'tool' ? a.tool : a.clarifying ? 'question' : 'reply');
        if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${c.id} ${JSON.stringify(text)}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
      }
    }
    expect(differences).toEqual([]);
    // The comparison covered every tool but emergency_alert (the safety screen raises it before any model), questions and plain replies.
    expect(kinds.size).toBeGreaterThanOrEqual(11);
  });

  it('takes the repair round like the graph when the arguments break the tool contract', async () => {
    // A parser that calls book_restaurant with a party size that is not a number: refused by the tool's schema.
    const broken = (): Understanding => ({ kind: 'tool', tool: 'book_restaurant', args: { venue: 'Olive Garden', party_size: 'lots', start: '2026-11-25T19:00' }, confidence: 0.9 });
    const c = cases[0]!;
    const direct = await new LangChainAgent({ model: new OfflineChatModel({ understand: broken }) }).respond(inputOf(c));
    const viaGraph = await new LangChainAgent({ model: new ThroughTheGraph(new OfflineChatModel({ understand: broken })) }).respond(inputOf(c));
    expect(direct).toEqual({ kind: 'reply', text: REPAIR_FAILED_QUESTION, clarifying: true });
    expect(viaGraph).toEqual(direct);
  });
});
