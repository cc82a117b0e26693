import { createInterface } from 'node:readline';
import type { Channel, Inbound, OutboundMessage } from './channel-port.ts';

/**
 * A chat in the terminal with one elder: reads lines from standard input (a terminal or a pipe), prints the
 * assistant's replies, and shows buttons as numbered choices; typing the number presses the button.
 * After each line, `settle` waits for the work it caused, so piped conversations read naturally.
 */
export class TerminalChannel implements Channel {
  readonly name = 'terminal' as const;
  private readonly input: NodeJS.ReadableStream;
  private readonly output: NodeJS.WritableStream;
  private readonly userId: string;
  private readonly displayName: string;
  private readonly settle: () => Promise<void>;
  private lastButtons: { label: string; data: string }[] = [];
  private updateSeq = 0;
  private closed: Promise<void> | undefined;

  constructor(deps: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; userId: string; displayName: string; settle: () => Promise<void> }) {
    this.input = deps.input;
    this.output = deps.output;
    this.userId = deps.userId;
    this.displayName = deps.displayName;
    this.settle = deps.settle;
  }

  /** The chat id the terminal elder's messages come from. */
  get chatId(): string {
    return `terminal:${this.userId}`;
  }

  get exclusiveChatId(): string {
    return this.chatId;
  }

  async start(onInbound: (inbound: Inbound) => Promise<void>): Promise<void> {
    const lines = createInterface({ input: this.input, terminal: false });
    const sender = { channel: this.name, userId: this.userId, chatId: this.chatId, chatType: 'private' as const, displayName: this.displayName };
    const interactive = 'isTTY' in this.input && Boolean(this.input.isTTY);
    this.closed = (async () => {
      if (interactive) this.output.write('Type a message for the assistant (Ctrl+D to leave).\n> ');
      for await (const raw of lines) {
        const line = raw.trim();
        if (line.length > 0) {
          if (!interactive) this.output.write(`You: ${line}\n`);
          const updateId = `${Date.now()}-${this.updateSeq++}`;
          const choice = /^\d+$/.test(line) ? this.lastButtons[Number(line) - 1] : undefined;
          this.lastButtons = [];
          await onInbound(choice ? { kind: 'button', sender, updateId, data: choice.data } : { kind: 'message', sender, updateId, text: line });
          await this.settle();
        }
        if (interactive) this.output.write('> ');
      }
      await this.settle();
    })();
  }

  /** Resolves when standard input has ended and the work it caused has settled. */
  whenInputEnds(): Promise<void> {
    return this.closed ?? Promise.resolve();
  }

  async send(message: OutboundMessage): Promise<void> {
    let text = `Assistant: ${message.text}\n`;
    // A page button is a link to open; the others are numbered choices.
    for (const link of (message.buttons ?? []).flat().filter((b) => b.url)) text += `  ${link.label}: ${link.url}\n`;
    const buttons = (message.buttons ?? []).flat().filter((b) => !b.url);
    if (buttons.length > 0) {
      this.lastButtons = buttons;
      text += `${buttons.map((b, i) => `  [${i + 1}] ${b.label}`).join('')}\n`;
    }
    if (message.photo) text += `  (picture: ${message.photo})\n`;
    this.output.write(text);
  }

  async stop(): Promise<void> {
    this.lastButtons = [];
  }
}
