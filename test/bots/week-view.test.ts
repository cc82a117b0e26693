import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { TelegramChannel } from '../../src/bots/telegram/telegram-channel.ts';
import { TerminalChannel } from '../../src/bots/terminal-channel.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { FakeClock } from '../../src/lib/clock.ts';
import type { App } from '../../src/app.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeTelegramServer, aTelegramUser, type TgMessage, type TgUser } from '../support/fake-telegram-server.ts';

// Tuesday 24 November 2026, 10:00 in London.
const TUESDAY_MORNING = '2026-11-24T10:00:00Z';

/** What the week looks like after the medicine, the reminder and the table below were set up. */
const THIS_WEEK = [
  'From Tuesday 24 November to Sunday 29 November you have:',
  'Every day: Metformin 500mg at 8:00 am and 8:00 pm',
  'Thursday 26 November:',
  '- 5:00 pm: Reminder: call Sarah',
  'Saturday 28 November:',
  '- 7:00 pm: Table for 4 at Olive Garden',
].join('\n');

describe.each(MODES)('an elder asks what she has on this week, on Telegram with the real offline agent (%s)', (mode) => {
  let storage: TestStorage;
  let fake: FakeTelegramServer;
  let app: App;
  const clock = new FakeClock(TUESDAY_MORNING);

  beforeAll(async () => {
    storage = testStorage(mode);
    fake = await FakeTelegramServer.start();
    const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger: createLogger('silent'), pollTimeoutSeconds: 1 });
    app = await startTestApp(storage, { clock, channels: [channel] });
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
    await storage.cleanup();
  });

  /** Says something that is read back, presses Yes and waits for the confirmation that starts with `done`. */
  async function agree(who: TgUser, text: string, done: string): Promise<void> {
    const before = fake.messagesTo(who.id).length;
    fake.userSays(who, text);
    const readBack = await fake.waitForMessage(who.id, (m) => fake.messagesTo(who.id).indexOf(m) >= before && Boolean(m.reply_markup));
    fake.userPresses(who, readBack, readBack.reply_markup!.inline_keyboard[0]![0]!.callback_data!);
    await fake.waitForMessage(who.id, (m) => (m.text ?? '').startsWith(done));
  }

  it('lists every medicine time, reminder and booking of the week grouped by day, and a named day alone', async () => {
    const margaret = aTelegramUser({ first_name: 'Margaret' });
    await agree(margaret, 'add Metformin 500mg at 8am and 8pm', 'Added.');
    await agree(margaret, 'remind me to call Sarah on Thursday at 5pm', 'All set.');
    await agree(margaret, 'book a table for 4 at Olive Garden on Saturday at 7pm', 'Booked:');

    fake.userSays(margaret, 'what have I got on this week?');
    const week = await fake.waitForMessage(margaret.id, (m: TgMessage) => (m.text ?? '').startsWith('From Tuesday'));
    expect(week.text).toBe(THIS_WEEK);
    expect(week.reply_markup).toBeUndefined();

    fake.userSays(margaret, 'anything on next week?');
    const next = await fake.waitForMessage(margaret.id, (m: TgMessage) => (m.text ?? '').startsWith('From Monday 30 November'));
    expect(next.text).toBe(['From Monday 30 November to Sunday 6 December you have:', 'Every day: Metformin 500mg at 8:00 am and 8:00 pm'].join('\n'));

    fake.userSays(margaret, "what's on Thursday?");
    const thursday = await fake.waitForMessage(margaret.id, (m: TgMessage) => (m.text ?? '').startsWith('On Thursday 26 November'));
    expect(thursday.text).toBe(['On Thursday 26 November you have:', '- 8:00 am: Metformin 500mg', '- 5:00 pm: Reminder: call Sarah', '- 8:00 pm: Metformin 500mg'].join('\n'));
  });
});

describe('an elder asks what she has on this week in the terminal chat', () => {
  let storage: TestStorage;
  let app: App | undefined;
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));

  beforeAll(async () => {
    storage = testStorage('embedded');
    const terminal = new TerminalChannel({ input, output, userId: 'local', displayName: 'Grandma', settle: async () => app?.settle() });
    app = await startTestApp(storage, { clock: new FakeClock(TUESDAY_MORNING), channels: [terminal] });
  });
  afterAll(async () => {
    await app?.stop();
    await storage.cleanup();
  });

  /** Types a line and waits until the assistant has printed something that includes `expected`. */
  async function type(line: string, expected: string): Promise<void> {
    const from = printed.length;
    input.write(`${line}\n`);
    const deadline = Date.now() + 10_000;
    while (!printed.slice(from).includes(expected)) {
      if (Date.now() > deadline) throw new Error(`no "${expected}" after "${line}"; printed:\n${printed.slice(from)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('prints the week grouped by day after a medicine, a reminder and a table were set up with a yes each', async () => {
    await type('add Metformin 500mg at 8am and 8pm', '[1] Yes');
    await type('1', 'Added.');
    await type('remind me to call Sarah on Thursday at 5pm', '[1] Yes');
    await type('1', 'All set.');
    await type('book a table for 4 at Olive Garden on Saturday at 7pm', '[1] Yes');
    await type('1', 'Booked:');
    await type('what have I got on this week?', 'Table for 4');
    expect(printed).toContain(`Assistant: ${THIS_WEEK}\n`);
  });
});
