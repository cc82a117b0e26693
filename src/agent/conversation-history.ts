import type { MikroORM } from '@mikro-orm/core';
import { MessageLog } from '../messaging/message-log.entity.ts';
import type { ConversationTurn } from './understanding/types.ts';

/**
 * The recent conversation in one chat, from the message log, trimmed to a budget of turns and characters
 * so a long-running chat never grows the model's input.
 */
export async function recentConversation(orm: MikroORM, chat: { channel: string; chatId: string }, budget = { turns: 12, chars: 4000 }): Promise<ConversationTurn[]> {
  const rows = await orm.em.fork().find(
    MessageLog,
    { channel: chat.channel as MessageLog['channel'], chatId: chat.chatId },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: budget.turns, fields: ['direction', 'text', 'createdAt'] },
  );
  const turns: ConversationTurn[] = [];
  let chars = 0;
  for (const row of rows) {
    chars += row.text.length;
    if (chars > budget.chars && turns.length > 0) break;
    turns.push({ role: row.direction === 'in' ? 'user' : 'assistant', text: row.text });
  }
  return turns.reverse();
}
