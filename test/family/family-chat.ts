import type { App } from '../../src/app.ts';
import type { ChannelName } from '../../src/tasks/elders/channel-account.entity.ts';

/** Someone writing to the assistant: their id on the channel and the name the channel shows. */
export interface Person {
  userId: string;
  displayName: string;
}

/**
 * Sends inbound updates straight to the app's router, as a channel would, from private chats and from group
 * chats (FakeChannel only speaks in private chats). Replies are delivered to the test's FakeChannel as usual.
 */
export class FamilyChat {
  private readonly app: App;
  private readonly channel: ChannelName;
  private seq = 0;

  constructor(app: App, channel: ChannelName = 'telegram') {
    this.app = app;
    this.channel = channel;
  }

  /** A person writes in their private chat ("chat-<userId>"), or in a group when `group` is given. */
  async say(person: Person, text: string, group?: string): Promise<void> {
    await this.app.router!.route({ kind: 'message', sender: this.sender(person, group), updateId: `f${++this.seq}`, text });
  }

  /** A person presses a button in their private chat, or in a group. */
  async press(person: Person, data: string, group?: string): Promise<void> {
    await this.app.router!.route({ kind: 'button', sender: this.sender(person, group), updateId: `f${++this.seq}`, data });
  }

  private sender(person: Person, group?: string) {
    return {
      channel: this.channel,
      userId: person.userId,
      chatId: group ?? `chat-${person.userId}`,
      chatType: group ? ('group' as const) : ('private' as const),
      displayName: person.displayName,
    };
  }
}
