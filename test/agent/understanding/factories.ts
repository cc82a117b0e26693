import { expect } from '@jest/globals';
import type { ConversationTurn, ToolName, Understanding, UnderstandingInput } from '../../../src/agent/understanding/types.ts';
import { understand } from '../../../src/agent/understanding/understand.ts';

/** Builds an understanding input; by default a Tuesday morning in London with no history. */
export function aMessage(text: string, overrides: Partial<Omit<UnderstandingInput, 'text'>> = {}): UnderstandingInput {
  return { text, now: '2026-11-24T10:00', timezone: 'Europe/London', history: [], ...overrides };
}

/** A short conversation: the elder's request followed by the assistant's question. */
export const askedAbout = (request: string, question: string): ConversationTurn[] => [
  { role: 'user', text: request },
  { role: 'assistant', text: question },
];

/** Understands a message and asserts it became a call of `tool`, returning its arguments. */
export function callOf(tool: ToolName, input: UnderstandingInput): Record<string, unknown> {
  const result = understand(input);
  expect(result).toMatchObject({ kind: 'tool', tool });
  return result.kind === 'tool' ? result.args : {};
}

/** Understands a message and asserts it became a clarifying question, returning it. */
export function clarificationOf(input: UnderstandingInput): Extract<Understanding, { kind: 'clarify' }> {
  const result = understand(input);
  expect(result.kind).toBe('clarify');
  if (result.kind !== 'clarify') throw new Error(`expected a question, got ${JSON.stringify(result)}`);
  expect(result.question.trim().endsWith('?')).toBe(true);
  return result;
}

/** Understands a message and asserts the assistant only chats, returning the chat intent. */
export function chatIntentOf(input: UnderstandingInput): string {
  const result = understand(input);
  expect(result.kind).toBe('chat');
  return result.kind === 'chat' ? result.intent : '';
}
