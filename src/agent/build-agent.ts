import type { Agent, AgentDecision, AgentInput } from './agent.ts';
import { LangChainAgent } from './langchain-agent.ts';
import { OfflineChatModel } from './models/offline-chat-model.ts';
import { buildOpenAIModel } from './models/openai-model.ts';
import { SafetyFirstAgent } from './safety-first-agent.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../lib/logger.ts';

/** An offline tool call at least this sure is used in hybrid mode without asking the remote model. */
export const HYBRID_CONFIDENCE = 0.85;

type RemoteErrorSummary = { name: string; causes: string[]; status?: number; code?: string };

const className = (e: Error): string => (e.constructor.name && e.constructor.name !== 'Error' ? e.constructor.name : e.name);

/**
 * What a failed remote call is logged as: the error's class (LangChain's MiddlewareError wrapper skipped), the
 * classes of its causes, its HTTP status and code — never a message, which could echo the elder's words.
 */
export function describeRemoteError(err: unknown): RemoteErrorSummary {
  if (!(err instanceof Error)) return { name: typeof err, causes: [] };
  const chain: (Error & { status?: unknown; code?: unknown })[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  const named = chain.find((e) => className(e) !== 'MiddlewareError') ?? err;
  const summary: RemoteErrorSummary = { name: className(named), causes: chain.slice(chain.indexOf(named) + 1).map(className) };
  const status = chain.find((e) => typeof e.status === 'number')?.status;
  const code = chain.find((e) => typeof e.code === 'string')?.code;
  if (typeof status === 'number') summary.status = status;
  if (typeof code === 'string') summary.code = code;
  return summary;
}

/** How RemoteWithFallbackAgent paces a failing remote model. */
export interface FallbackOptions {
  /** After a failure, messages go straight to the offline model for this long (no retries per message). */
  cooldownMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/**
 * The remote model, and the offline agent when it fails or runs out of time: the elder always gets an answer.
 * After a failure the remote model rests for a cool-down, so an outage costs one slow answer, not one per message.
 */
export class RemoteWithFallbackAgent implements Agent {
  private readonly remote: Agent;
  private readonly offline: Agent;
  private readonly logger: Logger;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private restingUntil = 0;

  constructor(remote: Agent, offline: Agent, logger: Logger, options: FallbackOptions = {}) {
    this.remote = remote;
    this.offline = offline;
    this.logger = logger;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Answers with the remote model; `offlineDecision` lets a caller that already asked the offline agent reuse its answer. */
  async respond(input: AgentInput, offlineDecision?: AgentDecision): Promise<AgentDecision> {
    if (this.now() < this.restingUntil) return offlineDecision ?? this.offline.respond(input);
    try {
      return await this.remote.respond(input);
    } catch (err) {
      this.restingUntil = this.now() + this.cooldownMs;
      this.logger.warn(
        { elderId: input.elder.id, err: describeRemoteError(err), cooldownMs: this.cooldownMs },
        'remote model failed; answering with the offline model',
      );
      return offlineDecision ?? this.offline.respond(input);
    }
  }
}

/**
 * Offline first: a sure offline tool call is used at once, for free; anything else —
 * a question, a chat reply, an unsure call — goes to the remote model, which falls back to the offline answer.
 */
export class HybridAgent implements Agent {
  private readonly offline: Agent;
  private readonly remote: RemoteWithFallbackAgent;

  constructor(offline: Agent, remote: RemoteWithFallbackAgent) {
    this.offline = offline;
    this.remote = remote;
  }

  async respond(input: AgentInput): Promise<AgentDecision> {
    const decision = await this.offline.respond(input);
    if (decision.kind === 'tool' && decision.confidence >= HYBRID_CONFIDENCE) return decision;
    return this.remote.respond(input, decision);
  }
}

/**
 * Builds the agent the configuration asks for — offline, remote with offline fallback, or hybrid — always behind
 * the safety screen, so an emergency in her own words is raised in every mode before any model is asked.
 */
export async function buildAgent(config: Config, logger: Logger, options: { fallback?: FallbackOptions } = {}): Promise<Agent> {
  return new SafetyFirstAgent(await buildModelAgent(config, logger, options), logger);
}

/** The model agent of the configuration, without the safety screen. */
async function buildModelAgent(config: Config, logger: Logger, options: { fallback?: FallbackOptions }): Promise<Agent> {
  const offline = new LangChainAgent({ model: new OfflineChatModel(), logger });
  if (config.model === 'offline') return offline;
  const remote = new RemoteWithFallbackAgent(
    new LangChainAgent({
      model: buildOpenAIModel(config),
      // Room for one retry or the repair round; past it the offline answer is better than waiting.
      turnTimeoutMs: 2 * config.OPENAI_TIMEOUT_MS,
      logger,
    }),
    offline,
    logger,
    options.fallback,
  );
  return config.model === 'hybrid' ? new HybridAgent(offline, remote) : remote;
}
