import type { OutboundMessage } from '../../src/bots/channel-port.ts';
import type { ChannelName } from '../../src/tasks/elders/channel-account.entity.ts';
import { FakeChannel } from './fake-channel.ts';

/**
 * A FakeChannel whose sends take time (as a platform's HTTP call does), so a backlog builds up and the order in
 * which the delivery lanes hand messages out can be seen. `refuse` can turn a send down with an error (a paced
 * group, a 429) before it is recorded.
 */
export class TimedChannel extends FakeChannel {
  sendMs: number;
  refuse: ((message: OutboundMessage) => Error | undefined) | undefined;
  /** Sends started and not finished: the most ever at once tells how many were in flight. */
  inFlight = 0;
  mostInFlight = 0;

  constructor(options: { name?: ChannelName; sendMs?: number } = {}) {
    super(options.name ?? 'telegram');
    this.sendMs = options.sendMs ?? 5;
  }

  override async send(message: OutboundMessage): Promise<void> {
    const refused = this.refuse?.(message);
    if (refused) throw refused;
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, this.sendMs));
      await super.send(message);
    } finally {
      this.inFlight--;
    }
  }

  /** The texts sent so far, in order. */
  texts(): string[] {
    return this.sent.map((m) => m.text);
  }
}
