import { createHash } from 'node:crypto';
import { BaseChatModel, type BaseChatModelParams, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { z } from 'zod';
import { understand as understandMessage } from '../understanding/understand.ts';
import type { ConversationTurn, Understanding, UnderstandingInput } from '../understanding/types.ts';
import { parseContextLine } from '../system-prompt.ts';

/** The offline parser's verdict, exposed on `response_metadata.offline` for hybrid routing and tests. */
export interface OfflineVerdict {
  kind: Understanding['kind'];
  /** The parser's confidence in a tool call; 0 when it asked or chatted. */
  confidence: number;
  tool: string | null;
}

/** The prompt had no context line, so the offline model cannot know the elder's date and time. */
export class MissingContextLineError extends Error {
  override name = 'MissingContextLineError';
}

/** Said after a tool answered, so an agent loop around the offline model always ends. */
export const AFTER_TOOL_REPLY = 'Noted.';
/** Said when the tool call could not be made with valid arguments. */
export const AFTER_TOOL_ERROR_REPLY = "Sorry, I didn't quite understand. Could you say it another way?";

/** Options of the offline model: the parser is injectable so tests can drive a seam, the real one otherwise. */
export interface OfflineChatModelFields extends BaseChatModelParams {
  understand?: (input: UnderstandingInput) => Understanding;
  /** Names of the tools it may call; undefined before bindTools. */
  toolNames?: readonly string[];
}

/**
 * A deterministic, network-free chat model around the offline parser. It reads the elder's clock from the
 * system prompt's context line, the new message and the earlier turns, and answers like a tool-calling model:
 * a tool call for a complete request, otherwise the parser's question or reply as text.
 */
export class OfflineChatModel extends BaseChatModel {
  private readonly understandFn: (input: UnderstandingInput) => Understanding;
  private readonly toolNames: readonly string[] | undefined;

  constructor(fields: OfflineChatModelFields = {}) {
    const { understand, toolNames, ...rest } = fields;
    super(rest);
    this.understandFn = understand ?? understandMessage;
    this.toolNames = toolNames;
  }

  override _llmType(): string {
    return 'offline';
  }

  /** A copy of the model that may call these tools (by name). */
  override bindTools(tools: BindToolsInput[]): OfflineChatModel {
    const names = tools.map((t) => convertToOpenAITool(t).function.name);
    return new OfflineChatModel({ understand: this.understandFn, toolNames: names });
  }

  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const message = this.answerNow(messages);
    return { generations: [{ text: message.text, message }] };
  }

  /** The answer `_generate` gives, without LangChain's run machinery around it (it is synchronous and deterministic). */
  answerNow(messages: BaseMessage[]): AIMessage {
    const last = messages.at(-1);
    if (last && ToolMessage.isInstance(last)) {
      return new AIMessage({ content: last.status === 'error' ? AFTER_TOOL_ERROR_REPLY : AFTER_TOOL_REPLY });
    }
    const system = messages.find((m) => SystemMessage.isInstance(m));
    const context = system ? parseContextLine(system.text) : null;
    if (!context) throw new MissingContextLineError('the offline model needs the system prompt\'s "Context: now=…" line');

    const lastHumanIndex = messages.findLastIndex((m) => HumanMessage.isInstance(m));
    const text = lastHumanIndex >= 0 ? messages[lastHumanIndex]!.text : '';
    const history: ConversationTurn[] = [];
    for (const m of messages.slice(0, Math.max(lastHumanIndex, 0))) {
      if (HumanMessage.isInstance(m) && m.text.trim()) history.push({ role: 'user', text: m.text });
      else if (AIMessage.isInstance(m) && m.text.trim()) history.push({ role: 'assistant', text: m.text });
    }

    const understanding = this.understandFn({ text, now: context.now, timezone: context.timezone, history });
    const callable = understanding.kind === 'tool' && (!this.toolNames || this.toolNames.includes(understanding.tool));
    const verdict: OfflineVerdict = {
      kind: understanding.kind,
      confidence: understanding.kind === 'tool' ? understanding.confidence : 0,
      tool: understanding.kind === 'chat' ? null : understanding.tool,
    };
    const response_metadata = { model_provider: 'offline', offline: verdict };

    if (understanding.kind === 'tool' && callable) {
      const id = `offline_${createHash('sha256').update(`${context.now}\n${text}`).digest('hex').slice(0, 16)}`;
      return new AIMessage({
        content: '',
        tool_calls: [{ id, name: understanding.tool, args: understanding.args, type: 'tool_call' }],
        response_metadata,
      });
    }
    const content =
      understanding.kind === 'clarify' ? understanding.question : understanding.kind === 'chat' ? understanding.reply : AFTER_TOOL_ERROR_REPLY;
    return new AIMessage({ content, response_metadata });
  }
}

const verdictSchema = z.object({
  kind: z.enum(['tool', 'clarify', 'chat']),
  confidence: z.number(),
  tool: z.string().nullable(),
});

/** The offline verdict of a message produced by the offline model, or null for any other model's message. */
export function offlineVerdictOf(message: BaseMessage): OfflineVerdict | null {
  const metadata: Record<string, unknown> = message.response_metadata ?? {};
  const parsed = verdictSchema.safeParse(metadata['offline']);
  return parsed.success ? parsed.data : null;
}
