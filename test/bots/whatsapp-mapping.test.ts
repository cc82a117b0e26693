import { describe, it, expect } from '@jest/globals';
import type { WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys';
import { mapWhatsAppMessage, numberedChoices, whatsAppText, WhatsAppButtonMemory } from '../../src/bots/whatsapp/whatsapp-mapping.ts';
import type { InboundMessage } from '../../src/bots/channel-port.ts';
import { FakeClock } from '../../src/lib/clock.ts';

const MARGARET = '447700900123@s.whatsapp.net';
const FAMILY_GROUP = '120363025246125486@g.us';

/** A message as Baileys hands it over, from Margaret's private chat unless the key says otherwise. */
function aWhatsAppMessage(message: proto.IMessage | null, key: Partial<WAMessageKey> = {}, pushName = 'Margaret'): WAMessage {
  return { key: { remoteJid: MARGARET, fromMe: false, id: 'MSG1', ...key }, message, pushName, messageTimestamp: 1_764_000_000 };
}

function aTextFrom(chatId: string, text: string, updateId = 'MSG1'): InboundMessage {
  return { kind: 'message', sender: { channel: 'whatsapp', userId: chatId, chatId, chatType: 'private' }, updateId, text };
}

describe('a WhatsApp message as the assistant sees it', () => {
  it('takes the text of a plain message, with the sender, the chat and the message id', () => {
    expect(mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'remind me to call Sarah' }))).toEqual({
      kind: 'message',
      sender: { channel: 'whatsapp', userId: MARGARET, chatId: MARGARET, chatType: 'private', displayName: 'Margaret' },
      updateId: 'MSG1',
      text: 'remind me to call Sarah',
    });
  });

  it('takes the text of an extended text message (a reply or a link) and of a disappearing message', () => {
    expect(mapWhatsAppMessage(aWhatsAppMessage({ extendedTextMessage: { text: 'yes please', contextInfo: { stanzaId: 'OLD' } } }))).toMatchObject({ kind: 'message', text: 'yes please' });
    expect(mapWhatsAppMessage(aWhatsAppMessage({ ephemeralMessage: { message: { conversation: 'hello' } } }))).toMatchObject({ kind: 'message', text: 'hello' });
  });

  it('gives an image as a photo reference with its caption as the text', () => {
    const withCaption = mapWhatsAppMessage(aWhatsAppMessage({ imageMessage: { caption: 'my new tablets', mimetype: 'image/jpeg' } }, { id: 'IMG7' }));
    expect(withCaption).toMatchObject({ kind: 'message', text: 'my new tablets', photo: `whatsapp:${MARGARET}/IMG7`, updateId: 'IMG7' });
    expect(mapWhatsAppMessage(aWhatsAppMessage({ imageMessage: { mimetype: 'image/jpeg' } }))).toMatchObject({ kind: 'message', text: '' });
  });

  it('gives a voice note as a marker for the channel, and ignores other audio', () => {
    expect(mapWhatsAppMessage(aWhatsAppMessage({ audioMessage: { ptt: true, seconds: 7, mimetype: 'audio/ogg; codecs=opus' } }))).toEqual({
      kind: 'voice',
      sender: { channel: 'whatsapp', userId: MARGARET, chatId: MARGARET, chatType: 'private', displayName: 'Margaret' },
      updateId: 'MSG1',
      seconds: 7,
    });
    expect(mapWhatsAppMessage(aWhatsAppMessage({ audioMessage: { ptt: false, seconds: 180 } }))).toBeNull();
  });

  it('makes a group message a group chat with the participant as the sender', () => {
    const mapped = mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'Mum, your appointment is at 3' }, { remoteJid: FAMILY_GROUP, participant: '447700900456:2@s.whatsapp.net' }, 'Sarah'));
    expect(mapped).toMatchObject({
      kind: 'message',
      sender: { channel: 'whatsapp', userId: '447700900456@s.whatsapp.net', chatId: FAMILY_GROUP, chatType: 'group', displayName: 'Sarah' },
    });
  });

  it('knows a person, and keeps their private chat, by their phone number whether WhatsApp addressed the message to it or to their LID', () => {
    const byLid = mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'hi' }, { remoteJid: '123456789012345@lid', remoteJidAlt: MARGARET }));
    expect(byLid?.sender).toMatchObject({ userId: MARGARET, chatId: MARGARET });
    const inGroup = mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'hi' }, { remoteJid: FAMILY_GROUP, participant: '987654321098765@lid', participantAlt: '447700900456@s.whatsapp.net' }));
    expect(inGroup?.sender.userId).toBe('447700900456@s.whatsapp.net');
    const lidOnly = mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'hi' }, { remoteJid: '123456789012345@lid' }));
    expect(lidOnly?.sender).toMatchObject({ userId: '123456789012345@lid', chatId: '123456789012345@lid' });
  });

  it('ignores the assistant’s own messages, status updates, broadcasts, protocol messages, reactions and what it cannot read', () => {
    expect(mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'sent by me' }, { fromMe: true }))).toBeNull();
    expect(mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'my holiday' }, { remoteJid: 'status@broadcast', participant: MARGARET }))).toBeNull();
    expect(mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'to everyone' }, { remoteJid: '1764000000@broadcast' }))).toBeNull();
    expect(mapWhatsAppMessage(aWhatsAppMessage({ protocolMessage: { type: 0, key: { id: 'OLD' } } }))).toBeNull();
    expect(mapWhatsAppMessage(aWhatsAppMessage({ reactionMessage: { text: '👍', key: { id: 'OLD' } } }))).toBeNull();
    expect(mapWhatsAppMessage(aWhatsAppMessage({ stickerMessage: { mimetype: 'image/webp' } }))).toBeNull();
    expect(mapWhatsAppMessage(aWhatsAppMessage(null))).toBeNull();
    expect(mapWhatsAppMessage(aWhatsAppMessage({ conversation: 'no id' }, { id: null }))).toBeNull();
  });
});

describe('buttons on WhatsApp', () => {
  const yesNo = [[{ label: 'Yes', data: 'confirm:t1:yes' }, { label: 'No', data: 'confirm:t1:no' }]];

  it('are written under the message as numbered choices', () => {
    expect(numberedChoices(yesNo.flat())).toBe('Reply 1 for Yes, 2 for No.');
    expect(whatsAppText({ chatId: MARGARET, text: 'Shall I set it?', buttons: yesNo })).toBe('Shall I set it?\n\nReply 1 for Yes, 2 for No.');
    expect(whatsAppText({ chatId: MARGARET, text: 'All set.' })).toBe('All set.');
    expect(whatsAppText({ chatId: MARGARET, text: 'Which?', buttons: [[{ label: 'Tuesday', data: 'a' }], [{ label: 'Wednesday', data: 'b' }, { label: 'Neither', data: 'c' }]] })).toBe(
      'Which?\n\nReply 1 for Tuesday, 2 for Wednesday, 3 for Neither.',
    );
  });

  it('are pressed by replying with their number or their label in any case', () => {
    const memory = new WhatsAppButtonMemory({ clock: new FakeClock('2026-11-24T10:00:00Z') });
    memory.remember(MARGARET, yesNo);
    expect(memory.resolve(aTextFrom(MARGARET, '2', 'R1'))).toEqual({ kind: 'button', sender: aTextFrom(MARGARET, '').sender, updateId: 'R1', data: 'confirm:t1:no' });
    memory.remember(MARGARET, yesNo);
    expect(memory.resolve(aTextFrom(MARGARET, ' 1. '))).toMatchObject({ kind: 'button', data: 'confirm:t1:yes' });
    memory.remember(MARGARET, yesNo);
    expect(memory.resolve(aTextFrom(MARGARET, 'YES!'))).toMatchObject({ kind: 'button', data: 'confirm:t1:yes' });
  });

  it('are pressed once: the offer is used up by the reply, whatever it was', () => {
    const memory = new WhatsAppButtonMemory({ clock: new FakeClock('2026-11-24T10:00:00Z') });
    memory.remember(MARGARET, yesNo);
    expect(memory.resolve(aTextFrom(MARGARET, 'what time is it?'))).toMatchObject({ kind: 'message', text: 'what time is it?' });
    expect(memory.resolve(aTextFrom(MARGARET, '1'))).toMatchObject({ kind: 'message', text: '1' });
    memory.remember(MARGARET, yesNo);
    expect(memory.resolve(aTextFrom(MARGARET, '3'))).toMatchObject({ kind: 'message', text: '3' });
  });

  it('belong to their chat and lapse after a day; a message without buttons keeps the last ones', () => {
    const clock = new FakeClock('2026-11-24T10:00:00Z');
    const memory = new WhatsAppButtonMemory({ clock });
    memory.remember(MARGARET, yesNo);
    memory.remember(MARGARET, undefined);
    expect(memory.resolve(aTextFrom('447700900456@s.whatsapp.net', '1'))).toMatchObject({ kind: 'message' });
    expect(memory.resolve(aTextFrom(MARGARET, '1'))).toMatchObject({ kind: 'button' });
    memory.remember(MARGARET, yesNo);
    clock.advance(25 * 60 * 60 * 1000);
    expect(memory.resolve(aTextFrom(MARGARET, '1'))).toMatchObject({ kind: 'message', text: '1' });
  });

  it('forget the oldest chats first when they are full', () => {
    const memory = new WhatsAppButtonMemory({ clock: new FakeClock('2026-11-24T10:00:00Z'), maxChats: 2 });
    memory.remember('a@s.whatsapp.net', yesNo);
    memory.remember('b@s.whatsapp.net', yesNo);
    memory.remember('c@s.whatsapp.net', yesNo);
    expect(memory.resolve(aTextFrom('a@s.whatsapp.net', '1'))).toMatchObject({ kind: 'message' });
    expect(memory.resolve(aTextFrom('c@s.whatsapp.net', '1'))).toMatchObject({ kind: 'button' });
  });
});
