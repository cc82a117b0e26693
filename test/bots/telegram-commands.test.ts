import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { Telegraf } from 'telegraf';
import { FakeClock } from '../../src/lib/clock.ts';
import { createLogger, type Logger } from '../../src/lib/logger.ts';
import { TelegramChannel } from '../../src/bots/telegram/telegram-channel.ts';
import { publishBotProfile } from '../../src/bots/telegram/telegram-profile.ts';
import type { App } from '../../src/app.ts';
import { ABOUT_THE_ASSISTANT } from '../../src/tasks/help-command.ts';
import { MODES, startTestApp, testStorage, type TestStorage } from '../support/test-app.ts';
import { FakeTelegramServer, aTelegramUser } from '../support/fake-telegram-server.ts';

/** A logger whose JSON lines are kept for assertions. */
const aRecordingLogger = (): { logger: Logger; lines: () => string } => {
  const sink = new PassThrough();
  const chunks: string[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { logger: createLogger('warn', sink), lines: () => chunks.join('') };
};

const SETTERS = ['setMyCommands', 'setMyDescription', 'setMyShortDescription'];

// The bot's command menus and descriptions, published by the real app's Telegram channel to the fake Bot API.
describe.each(MODES)("the bot's command menu and description on Telegram (%s)", (mode) => {
  const clock = new FakeClock('2026-12-02T10:00:00Z');
  let fake: FakeTelegramServer;
  const started: { app: App; storage: TestStorage }[] = [];

  /** Starts a process of the app (its own storage) talking to the fake Bot API; returns its Telegram channel. */
  async function aProcess(logger: Logger = createLogger('silent')): Promise<TelegramChannel> {
    const storage = testStorage(mode);
    const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, logger, pollTimeoutSeconds: 1 });
    const app = await startTestApp(storage, { clock, channels: [channel], logger });
    started.push({ app, storage });
    return channel;
  }

  beforeEach(async () => {
    fake = await FakeTelegramServer.start();
  });
  afterEach(async () => {
    for (const { app, storage } of started.splice(0)) {
      await app.stop();
      await storage.cleanup();
    }
    await fake.close();
  });

  it('registers the private-chat and group menus from the registered commands, and both descriptions, at start', async () => {
    const channel = await aProcess();
    expect(await channel.profilePublication()).toEqual({ changed: ['commands:private', 'commands:group', 'description', 'short description'] });
    const privateMenu = fake.commandsFor('all_private_chats');
    const groupMenu = fake.commandsFor('all_group_chats');
    expect(privateMenu.map((c) => c.command)).toEqual(['start', 'help', 'medicines', 'medtime', 'meddose', 'invite', 'join', 'elder', 'remove', 'forget', 'export', 'addvenue']);
    expect(groupMenu.map((c) => c.command)).toEqual(['help', 'link', 'notify', 'summary', 'addvenue']);
    expect(privateMenu.find((c) => c.command === 'medicines')?.description).toBe('See the medicines, and pause or stop one');
    expect(groupMenu.find((c) => c.command === 'notify')?.description).toBe('Choose which medicine news the family hears');
    // English is the only language the assistant speaks: the menus are every language's, nothing per language.
    expect(fake.callsOf('setMyCommands').map((c) => c.params.language_code)).toEqual([undefined, undefined]);
    expect(fake.callsOf('setMyCommands').map((c) => c.params.scope)).toEqual([{ type: 'all_private_chats' }, { type: 'all_group_chats' }]);
    expect(fake.profileText()).toEqual({ description: ABOUT_THE_ASSISTANT.description, shortDescription: ABOUT_THE_ASSISTANT.shortDescription });
  });

  it('only reads when another process has already published the same menus and descriptions', async () => {
    await (await aProcess()).profilePublication();
    const setsBefore = fake.calls.filter((c) => SETTERS.includes(c.method)).length;
    const readsBefore = fake.calls.filter((c) => c.method.startsWith('getMy')).length;

    expect(await (await aProcess()).profilePublication()).toEqual({ changed: [] });
    expect(fake.calls.filter((c) => c.method.startsWith('getMy')).length).toBe(readsBefore + 4);
    expect(fake.calls.filter((c) => SETTERS.includes(c.method)).length).toBe(setsBefore);
  });

  it('keeps answering messages when Telegram refuses setMyCommands with a 429, logs a warning, and publishes at the next start', async () => {
    fake.failNext('setMyCommands', { error_code: 429, description: 'Too Many Requests: retry after 30', parameters: { retry_after: 30 } });
    const { logger, lines } = aRecordingLogger();
    const channel = await aProcess(logger);
    expect(await channel.profilePublication()).toEqual({ changed: [], failed: { part: 'commands:private', error: '429 Too Many Requests: retry after 30', retryAfterSeconds: 30 } });
    expect(lines()).toMatch(/"retryAfterSeconds":30.*not published; the next start tries again/);
    // Flood control holds for every method: nothing more was asked of Telegram after the 429.
    expect(fake.callsOf('setMyDescription')).toEqual([]);
    expect(fake.commandsFor('all_private_chats')).toEqual([]);

    const dorothy = aTelegramUser({ first_name: 'Dot' });
    fake.userSays(dorothy, '/help');
    expect((await fake.waitForMessage(dorothy.id, () => true)).text).toMatch(/\/start – Say hello and get started/);

    expect((await (await aProcess()).profilePublication())?.changed).toEqual(['commands:private', 'commands:group', 'description', 'short description']);
    expect(fake.commandsFor('all_private_chats').length).toBeGreaterThan(0);
  });

  it('starts and answers when the Bot API cannot be reached for the menus at all', async () => {
    fake.failNext('getMyCommands', { error_code: 502, description: 'Bad Gateway' });
    const channel = await aProcess();
    expect((await channel.profilePublication())?.failed?.part).toBe('commands:private');
    const dorothy = aTelegramUser({ first_name: 'Dot' });
    fake.userSays(dorothy, '/help');
    expect((await fake.waitForMessage(dorothy.id, () => true)).text).toMatch(/\/join – Join a family with an invite code/);
  });
});

describe('publishing a bot profile', () => {
  let fake: FakeTelegramServer;
  beforeEach(async () => {
    fake = await FakeTelegramServer.start();
  });
  afterEach(async () => {
    await fake.close();
  });
  const telegram = () => new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } }).telegram;
  const profile = (privateMenu: { name: string; description: string }[]) => ({ commands: { private: privateMenu, group: [{ name: 'help', description: 'What I can do' }] }, description: 'About', shortDescription: 'Short' });

  it('publishes nothing and warns when Telegram would refuse a command (a capital letter, an empty description)', async () => {
    const { logger, lines } = aRecordingLogger();
    const outcome = await publishBotProfile(telegram(), profile([{ name: 'Help', description: 'What I can do' }, { name: 'medicines', description: ' ' }]), { logger });
    expect(outcome.changed).toEqual([]);
    expect(outcome.failed?.part).toBe('profile');
    expect(fake.calls).toEqual([]);
    expect(lines()).toMatch(/Telegram would refuse it/);
  });

  it('republishes only the menu that changed', async () => {
    const logger = createLogger('silent');
    expect((await publishBotProfile(telegram(), profile([{ name: 'help', description: 'What I can do' }]), { logger })).changed).toEqual(['commands:private', 'commands:group', 'description', 'short description']);
    const outcome = await publishBotProfile(telegram(), profile([{ name: 'help', description: 'What I can do' }, { name: 'medicines', description: 'Your medicines' }]), { logger });
    expect(outcome).toEqual({ changed: ['commands:private'] });
    expect(fake.commandsFor('all_private_chats')).toEqual([
      { command: 'help', description: 'What I can do' },
      { command: 'medicines', description: 'Your medicines' },
    ]);
  });

  it('goes on to the descriptions when one menu is refused for itself (a 400), and reports the refusal', async () => {
    fake.failNext('setMyCommands', { error_code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' });
    const outcome = await publishBotProfile(telegram(), profile([{ name: 'help', description: 'What I can do' }]), { logger: createLogger('silent') });
    expect(outcome).toEqual({ changed: ['commands:group', 'description', 'short description'], failed: { part: 'commands:private', error: '400 Bad Request: BOT_COMMAND_INVALID' } });
  });
});
