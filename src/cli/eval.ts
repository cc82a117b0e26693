import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfigOrExit, loadDotEnv } from '../config.ts';
import { createLogger } from '../lib/logger.ts';
import { localToInstant } from '../lib/local-time.ts';
import { buildAgent } from '../agent/build-agent.ts';
import { LangChainAgent } from '../agent/langchain-agent.ts';
import { SafetyFirstAgent } from '../agent/safety-first-agent.ts';
import { OfflineChatModel } from '../agent/models/offline-chat-model.ts';
import { understand } from '../agent/understanding/understand.ts';
import type { Agent } from '../agent/agent.ts';
import { evalCaseSchema, formatScore, scoreCorpus, type EvalCase, type Prediction } from '../agent/eval-score.ts';
import { secretsOfConfig } from '../lib/log-masking.ts';
import { createTaskHandlers } from '../tasks/task-handlers.ts';
import type { TaskHandlerRegistry } from '../tasks/task-handler.ts';
import { Elder } from '../tasks/elders/elder.entity.ts';
import { alertReply, emergencyAlertTaskArgs } from '../tasks/family/emergency-alert.task.ts';

const USAGE = 'usage: npm run eval -- --cases FILE [--out PREDICTIONS] [--model offline|openai|hybrid] [--router learned|rules] [--show-failures]';

/** Reads a JSON-lines corpus, validating every line; a bad line stops the run with its line number. */
export function readCorpus(path: string): EvalCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim())
    .map(({ line, n }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${path}:${n}: not JSON`);
      }
      const parsed = evalCaseSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${path}:${n}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
      return parsed.data;
    });
}

/**
 * What the elder is shown for a tool call, as the assistant would show it: the task's read-back with its
 * question; for an alert that is never held for a yes, what she is told once it went out. (The venue is as
 * she said it: the directory that settles it before a real read-back is not opened here.)
 */
export function toolReply(handlers: TaskHandlerRegistry, call: { tool: string; args: Record<string, unknown>; confirmFirst?: boolean }, elder: Elder): string {
  const handler = handlers.get(call.tool);
  if (!handler) return "Sorry, I can't do that yet.";
  // An alert is never held for a yes: she is told what was done (here with her family group told) and what to do now.
  if (handler.skipConfirmation && !call.confirmFirst) {
    const args = emergencyAlertTaskArgs.safeParse(call.args);
    return args.success ? alertReply(args.data, elder, [null]) : "Sorry, I didn't quite understand. Could you say it another way?";
  }
  const args = handler.schema.safeParse(call.args);
  return args.success ? handler.readBack(args.data, elder) : "Sorry, I didn't quite understand. Could you say it another way?";
}

/** Asks the agent about one case, at the case's clock and after its history, and records what it did and what the elder would be shown. */
export async function predict(agent: Agent, c: EvalCase, elderName: string, handlers: TaskHandlerRegistry = createTaskHandlers()): Promise<Prediction> {
  const elder = Object.assign(new Elder(), { id: `eval-${c.id}`, name: elderName, timezone: c.tz, locale: 'en-GB' });
  const decision = await agent.respond({ elder, text: c.text, history: c.history, now: localToInstant(c.now, c.tz) });
  return decision.kind === 'tool'
    ? { id: c.id, tool: decision.tool, args: decision.args, reply: toolReply(handlers, decision, elder) }
    : { id: c.id, tool: null, args: null, reply: decision.text };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      router: { type: 'string' },
      'show-failures': { type: 'boolean', default: false },
    },
  });
  const model = z.enum(['offline', 'openai', 'hybrid']).optional().safeParse(values.model);
  const router = z.enum(['learned', 'rules']).optional().safeParse(values.router);
  if (!values.cases || !model.success || !router.success || (router.data === 'rules' && model.data && model.data !== 'offline')) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  loadDotEnv();
  const config = loadConfigOrExit(model.data ? { ...process.env, MODEL: model.data } : process.env);
  const logger = createLogger(config.LOG_LEVEL, undefined, { secrets: secretsOfConfig(config) });
  const cases = readCorpus(values.cases);
  // --router rules measures the offline understanding with the hand-written routing alone (the design before the classifier).
  const agent =
    router.data === 'rules'
      ? new SafetyFirstAgent(
          new LangChainAgent({ model: new OfflineChatModel({ understand: (input) => understand(input, { router: 'rules' }) }), understand: (input) => understand(input, { router: 'rules' }), logger }),
          logger,
        )
      : await buildAgent(config, logger);

  const handlers = createTaskHandlers();
  const predictions: Prediction[] = [];
  for (const c of cases) {
    try {
      predictions.push(await predict(agent, c, config.CHAT_ELDER_NAME, handlers));
    } catch (err) {
      process.stderr.write(`${c.id}: ${(err as Error).name}: ${(err as Error).message}\n`);
      predictions.push({ id: c.id, tool: null, args: null, reply: '' });
    }
  }

  if (values.out) {
    writeFileSync(values.out, predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
    process.stdout.write(`wrote ${predictions.length} predictions to ${values.out}\n`);
    return;
  }
  process.stdout.write(`${formatScore(scoreCorpus(cases, predictions), { showFailures: values['show-failures'] })}\n`);
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
