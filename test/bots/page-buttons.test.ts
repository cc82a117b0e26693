import { describe, it, expect } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { FakeClock } from '../../src/lib/clock.ts';
import { linkButton } from '../../src/messaging/message-log.entity.ts';
import { inlineKeyboard } from '../../src/bots/telegram/telegram-channel.ts';
import { WhatsAppButtonMemory, whatsAppText } from '../../src/bots/whatsapp/whatsapp-mapping.ts';
import { TerminalChannel } from '../../src/bots/terminal-channel.ts';

const PAGE = 'https://view.example.org/family/?elder=5b0f8a52-58f4-4a8e-9d0e-0a4a3f1d2c11';
const rows = [[linkButton("See Margaret's week", PAGE)], [{ label: 'Yes', data: 'yes:1' }]];

describe('a button that opens a page, on each channel', () => {
  it("is a Mini App button in a Telegram private chat and a link button in a group, where Telegram allows no Mini App", () => {
    expect(inlineKeyboard(rows, '424242')).toEqual({ inline_keyboard: [[{ text: "See Margaret's week", web_app: { url: PAGE } }], [{ text: 'Yes', callback_data: 'yes:1' }]] });
    expect(inlineKeyboard(rows, '-1001234567890')).toEqual({ inline_keyboard: [[{ text: "See Margaret's week", url: PAGE }], [{ text: 'Yes', callback_data: 'yes:1' }]] });
  });

  it('is a link under the text on WhatsApp, and the numbered choices count only the other buttons', () => {
    expect(whatsAppText({ chatId: 'c', text: "Margaret's day.", buttons: rows })).toBe(`Margaret's day.\n\nSee Margaret's week: ${PAGE}\n\nReply 1 for Yes.`);
    expect(whatsAppText({ chatId: 'c', text: 'Plain.' })).toBe('Plain.');
    const memory = new WhatsAppButtonMemory({ clock: new FakeClock('2026-11-25T19:00:00Z') });
    memory.remember('c', rows);
    const sender = { channel: 'whatsapp' as const, userId: 'u', chatId: 'c', chatType: 'private' as const };
    expect(memory.resolve({ kind: 'message', sender, updateId: '1', text: '1' })).toEqual({ kind: 'button', sender, updateId: '1', data: 'yes:1' });
  });

  it('is a link in the terminal, and the numbers are the choices', async () => {
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const terminal = new TerminalChannel({ input: new PassThrough(), output, userId: 'local', displayName: 'Grandma', settle: async () => undefined });
    await terminal.send({ chatId: terminal.chatId, text: "Margaret's day.", buttons: rows });
    expect(written).toBe(`Assistant: Margaret's day.\n  See Margaret's week: ${PAGE}\n  [1] Yes\n`);
  });
});
