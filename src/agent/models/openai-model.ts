import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../../config.ts';

/** The settings of a remote OpenAI-compatible model. */
export type OpenAIModelConfig = Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS'>;

/** Sent as the key to local OpenAI-compatible servers (Ollama, vLLM) that need none but the client requires one. */
export const PLACEHOLDER_API_KEY = 'not-needed';

/**
 * A ChatOpenAI for OpenAI or any server speaking its chat-completions API. Each request times out after
 * OPENAI_TIMEOUT_MS; 429 and 5xx answers and dropped connections are retried with exponential backoff by
 * LangChain's caller (up to `maxRetries` times); temperature 0 so the same message gets the same answer.
 */
export function buildOpenAIModel(config: OpenAIModelConfig, options: { maxRetries?: number } = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: config.OPENAI_MODEL,
    apiKey: config.OPENAI_API_KEY || PLACEHOLDER_API_KEY,
    configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {},
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 2,
    temperature: 0,
    useResponsesApi: false,
  });
}
