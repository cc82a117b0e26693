import { createAgent, createMiddleware, dynamicSystemPromptMiddleware } from 'langchain';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage, type ToolCall } from '@langchain/core/messages';
import { z } from 'zod';
import type { Agent, AgentDecision, AgentInput } from './agent.ts';
import type { ConversationTurn, Understanding, UnderstandingInput } from './understanding/types.ts';
import { understand as understandMessage } from './understanding/understand.ts';
import { TOOL_ACKNOWLEDGEMENT, buildContractTools } from './tools.ts';
import { buildSystemPrompt } from './system-prompt.ts';
import { OfflineChatModel, offlineVerdictOf } from './models/offline-chat-model.ts';
import { TOOL_ARGS, isToolName } from '../tasks/tool-args.ts';
import { instantToLocal } from '../lib/local-time.ts';
import type { Logger } from '../lib/logger.ts';

/** How much of the conversation goes to the model: the most recent turns, within a character budget. */
export interface HistoryBudget {
  turns: number;
  chars: number;
}

/** What a LangChainAgent is built from. */
export interface LangChainAgentOptions {
  /** Any tool-calling chat model: the offline model, ChatOpenAI, or a fake in tests. */
  model: BaseChatModel;
  /** Confidence given to a tool call when the model does not report its own (remote models). */
  defaultConfidence?: number;
  historyBudget?: HistoryBudget;
  /** Budget for the whole turn (model calls, retries and the repair round); the call is aborted past it. */
  turnTimeoutMs?: number;
  /** The offline parser whose clarifying question is asked after a failed repair round (injectable for tests). */
  understand?: (input: UnderstandingInput) => Understanding;
  logger?: Logger;
}

/** Said when the model could not produce valid arguments even after its one repair round. */
export const REPAIR_FAILED_QUESTION = "Sorry, I didn't quite catch that. Could you tell me again what you'd like me to do?";
/** Said when the model answered with nothing. */
export const EMPTY_REPLY = "Sorry, I didn't quite understand. Could you say it another way?";

/** The model did not settle the turn within its time budget (a hung or very slow server). */
export class AgentTurnTimeoutError extends Error {
  override name = 'AgentTurnTimeoutError';
  constructor(timeoutMs: number, options?: ErrorOptions) {
    super(`the model did not answer within ${timeoutMs} ms`, options);
  }
}

const DEFAULT_BUDGET: HistoryBudget = { turns: 12, chars: 4000 };

/** Per-invocation context: the prompt is built from it, so the agent graph is shared by all elders. */
const promptContextSchema = z.object({
  elderName: z.string(),
  timezone: z.string(),
  nowIso: z.string(),
});
type PromptContext = z.infer<typeof promptContextSchema>;

/**
 * Allows one repair round: the model gets a second call only to fix arguments a tool refused (or tool-call
 * arguments that were not even JSON, which LangChain sets aside as invalid_tool_calls). It ends the run before
 * a third model call, or as soon as any tool call of this turn succeeded.
 */
const oneRepairRound = createMiddleware({
  name: 'OneRepairRound',
  beforeModel: {
    canJumpTo: ['end'],
    hook: (state) => {
      const turn = currentTurn(state.messages);
      const modelCalls = turn.filter((m) => AIMessage.isInstance(m)).length;
      const succeeded = turn.some((m) => ToolMessage.isInstance(m) && m.status !== 'error');
      if (modelCalls >= 2 || succeeded) return { jumpTo: 'end' as const };
      return undefined;
    },
  },
  afterModel: {
    canJumpTo: ['model'],
    hook: (state) => {
      const errors = unparsedCallErrors(state.messages.at(-1));
      return errors.length === 0 ? undefined : { messages: errors, jumpTo: 'model' as const };
    },
  },
});

/**
 * When a model answered with tool calls that were not even JSON (LangChain sets them aside as
 * invalid_tool_calls) and nothing else, one error per call, to send back for the repair round; else none.
 */
function unparsedCallErrors(last: BaseMessage | undefined): ToolMessage[] {
  if (!last || !AIMessage.isInstance(last) || last.tool_calls?.length) return [];
  return (last.invalid_tool_calls ?? [])
    .filter((c) => c.id)
    .map(
      (c) =>
        new ToolMessage({
          tool_call_id: c.id!,
          name: c.name ?? 'unknown',
          status: 'error',
          content: `Error: the arguments of ${c.name ?? 'this tool'} were not valid JSON (${c.error ?? 'unparseable'}). Call it again with a JSON object that fits its schema.`,
        }),
    );
}

/** What a contract tool answers a call, as the graph's tool node does: the acknowledgement, or the schema's refusal. */
function contractToolResult(call: ToolCall): ToolMessage {
  const id = call.id ?? '';
  if (!isToolName(call.name)) return new ToolMessage({ tool_call_id: id, name: call.name, status: 'error', content: `Error: ${call.name} is not a valid tool.` });
  const args = TOOL_ARGS[call.name].safeParse(call.args);
  if (args.success) return new ToolMessage({ tool_call_id: id, name: call.name, content: TOOL_ACKNOWLEDGEMENT });
  return new ToolMessage({ tool_call_id: id, name: call.name, status: 'error', content: `Error: ${z.prettifyError(args.error)}\n Please fix your mistakes.` });
}

/** The messages of the turn in progress: everything after the last message from the elder. */
const currentTurn = (messages: BaseMessage[]): BaseMessage[] =>
  messages.slice(messages.findLastIndex((m) => HumanMessage.isInstance(m)) + 1);

/** Keeps the most recent turns within the budget, oldest first. */
export function trimHistory(history: ConversationTurn[], budget: HistoryBudget): ConversationTurn[] {
  const kept: ConversationTurn[] = [];
  let chars = 0;
  for (const turn of history.slice(-budget.turns).reverse()) {
    chars += turn.text.length;
    if (chars > budget.chars) break;
    kept.push(turn);
  }
  return kept.reverse();
}

/**
 * The agent as a LangChain v1 agent graph (built once per model): the elder-first system prompt, the ten
 * contract tools (which only acknowledge) and at most one repair round for refused arguments. The offline
 * model takes the same steps without the graph (turnAtOnce); remote models run in it. The safety screen runs
 * before any of this (SafetyFirstAgent); an alert only a model raised is read back for a yes.
 */
export class LangChainAgent implements Agent {
  private readonly graph;
  /** The offline model with the contract tools bound, whose turns run without the graph (see turnAtOnce). */
  private readonly immediate: OfflineChatModel | undefined;
  private readonly defaultConfidence: number;
  private readonly budget: HistoryBudget;
  private readonly turnTimeoutMs: number | undefined;
  private readonly understand: (input: UnderstandingInput) => Understanding;
  private readonly logger: Logger | undefined;

  constructor(options: LangChainAgentOptions) {
    this.defaultConfidence = options.defaultConfidence ?? 0.9;
    this.budget = options.historyBudget ?? DEFAULT_BUDGET;
    this.turnTimeoutMs = options.turnTimeoutMs;
    this.understand = options.understand ?? understandMessage;
    this.logger = options.logger;
    const tools = buildContractTools();
    this.immediate = options.model instanceof OfflineChatModel ? options.model.bindTools(tools) : undefined;
    this.graph = createAgent({
      model: options.model,
      tools,
      contextSchema: promptContextSchema,
      middleware: [
        dynamicSystemPromptMiddleware<PromptContext>((_state, runtime) =>
          buildSystemPrompt({
            elderName: runtime.context.elderName,
            timezone: runtime.context.timezone,
            now: new Date(runtime.context.nowIso),
          }),
        ),
        oneRepairRound,
      ],
    });
  }

  async respond(input: AgentInput): Promise<AgentDecision> {
    const offline = this.offlineUnderstanding(input);

    const messages: BaseMessage[] = [
      ...trimHistory(input.history, this.budget).map((t) => (t.role === 'user' ? new HumanMessage(t.text) : new AIMessage(t.text))),
      new HumanMessage(input.text),
    ];
    if (this.immediate) return this.decide(this.turnAtOnce(this.immediate, messages, input), offline);
    const deadline = this.turnTimeoutMs ? AbortSignal.timeout(this.turnTimeoutMs) : undefined;
    try {
      const result = await this.graph.invoke(
        { messages },
        {
          context: { elderName: input.elder.name, timezone: input.elder.timezone, nowIso: input.now.toISOString() },
          recursionLimit: 12,
          ...(deadline ? { signal: deadline } : {}),
        },
      );
      return this.decide(result.messages.slice(messages.length), offline);
    } catch (err) {
      if (deadline?.aborted) throw new AgentTurnTimeoutError(this.turnTimeoutMs!, { cause: err });
      throw err;
    }
  }

  /**
   * The graph's turn, step for step, for a model that answers at once and always alike (the offline model):
   * the system prompt, the model, the contract tools it called (checked against their schemas as the tool node
   * does), and one repair round when no call was accepted. The graph's runnables, callbacks and run trees cost
   * some twenty times the offline model's own answer; the decisions are the same (tested case by case).
   */
  private turnAtOnce(model: OfflineChatModel, messages: BaseMessage[], input: AgentInput): BaseMessage[] {
    const system = new SystemMessage(buildSystemPrompt({ elderName: input.elder.name, timezone: input.elder.timezone, now: input.now }));
    const turn: BaseMessage[] = [];
    for (let calls = 0; calls < 2; calls++) {
      const answer = model.answerNow([system, ...messages, ...turn]);
      turn.push(answer);
      const unparsed = unparsedCallErrors(answer);
      if (unparsed.length > 0) {
        turn.push(...unparsed);
        continue;
      }
      if (!answer.tool_calls?.length) break;
      const results = answer.tool_calls.map(contractToolResult);
      turn.push(...results);
      if (results.some((r) => r.status !== 'error')) break;
    }
    return turn;
  }

  private offlineUnderstanding(input: AgentInput): Understanding | null {
    try {
      return this.understand({
        text: input.text,
        now: instantToLocal(input.now, input.elder.timezone),
        timezone: input.elder.timezone,
        history: input.history,
      });
    } catch (err) {
      this.logger?.warn({ elderId: input.elder.id, err: err instanceof Error ? err.name : typeof err }, 'offline parser failed; no clarifying question for this message');
      return null;
    }
  }

  /** Reads the turn's messages: the first tool call that succeeded, else a question after a failed repair, else the reply. */
  private decide(turn: BaseMessage[], offline: Understanding | null): AgentDecision {
    const results = new Map<string, ToolMessage>();
    for (const m of turn) if (ToolMessage.isInstance(m)) results.set(m.tool_call_id, m);

    let refused = 0;
    for (const m of turn) {
      if (!AIMessage.isInstance(m)) continue;
      refused += m.tool_calls?.length ? 0 : (m.invalid_tool_calls?.length ?? 0);
      for (const call of m.tool_calls ?? []) {
        const result = call.id ? results.get(call.id) : undefined;
        if (!result || result.status === 'error' || !isToolName(call.name)) {
          refused++;
          continue;
        }
        const args = TOOL_ARGS[call.name].safeParse(call.args);
        if (!args.success) {
          refused++;
          continue;
        }
        const confidence = offlineVerdictOf(m)?.confidence ?? this.defaultConfidence;
        // The safety screen would have raised a real emergency in the elder's words before the model ran.
        if (call.name === 'emergency_alert') return { kind: 'tool', tool: call.name, args: args.data, confidence, confirmFirst: true };
        return { kind: 'tool', tool: call.name, args: args.data, confidence };
      }
    }
    if (refused > 0) {
      this.logger?.debug({ refused }, 'tool arguments refused after the repair round');
      const question = offline?.kind === 'clarify' ? offline.question : REPAIR_FAILED_QUESTION;
      return { kind: 'reply', text: question, clarifying: true };
    }
    const last = turn.findLast((m) => AIMessage.isInstance(m));
    const text = last?.text.trim() || EMPTY_REPLY;
    return { kind: 'reply', text, clarifying: text.includes('?') };
  }
}
