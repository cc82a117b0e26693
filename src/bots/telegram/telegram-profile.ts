import { TelegramError, type Telegram } from 'telegraf';
import { z } from 'zod';
import type { BotProfile } from '../channel-port.ts';
import type { Logger } from '../../lib/logger.ts';

/** Telegram's rules for a bot command (https://core.telegram.org/bots/api#botcommand); at most 100 per scope. */
const botCommands = z
  .array(z.object({ command: z.string().regex(/^[a-z0-9_]{1,32}$/, 'a command is 1-32 lowercase letters, digits or _'), description: z.string().trim().min(1).max(256) }))
  .max(100);

/** A profile as the Bot API takes it; the descriptions' limits are Telegram's (setMyDescription, setMyShortDescription). */
const telegramProfile = z.object({
  private: botCommands,
  group: botCommands,
  description: z.string().max(512),
  shortDescription: z.string().max(120),
});

type TelegrafSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

/** The command menu of every private chat, and of every group (Telegram's BotCommandScope types). */
const SCOPES = { private: { type: 'all_private_chats' }, group: { type: 'all_group_chats' } } as const;

/** What a publication did: the parts it changed, or the one Telegram refused and why. */
export interface ProfilePublication {
  changed: string[];
  failed?: { part: string; error: string; retryAfterSeconds?: number };
}

/**
 * Publishes the bot's command menus (private chats and groups) and its descriptions, changing only what differs
 * from what Telegram already has: a process that starts after another has published reads four things and writes
 * nothing. Registered for all languages (no language_code): every reply the assistant gives is in English.
 *
 * Never throws. A refusal (a 429 from Telegram's flood control, a network error) is logged as a warning and the
 * rest is left for the next start; nothing else waits for this, and the menus only help people find commands
 * that work without them.
 */
export async function publishBotProfile(telegram: Telegram, profile: BotProfile, options: { logger: Logger; signal?: AbortSignal }): Promise<ProfilePublication> {
  const { logger, signal } = options;
  const parsed = telegramProfile.safeParse({
    private: profile.commands.private.map((c) => ({ command: c.name, description: c.description })),
    group: profile.commands.group.map((c) => ({ command: c.name, description: c.description })),
    description: profile.description,
    shortDescription: profile.shortDescription,
  });
  if (!parsed.success) {
    const error = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    logger.warn({ err: error }, 'telegram command menu not published: Telegram would refuse it');
    return { changed: [], failed: { part: 'profile', error } };
  }
  const wanted = parsed.data;
  // telegraf types its signal as abort-controller's polyfill; the platform's AbortSignal is what it uses.
  const opts = signal ? { signal: signal as unknown as TelegrafSignal } : {};
  const parts: { part: string; publish: () => Promise<boolean> }[] = [
    ...(['private', 'group'] as const).map((chat) => ({
      part: `commands:${chat}`,
      publish: async () => {
        const scope = SCOPES[chat];
        const current = await telegram.callApi('getMyCommands', { scope }, opts);
        if (sameCommands(current, wanted[chat])) return false;
        await telegram.callApi('setMyCommands', { commands: wanted[chat], scope }, opts);
        return true;
      },
    })),
    {
      part: 'description',
      publish: async () => {
        if ((await telegram.callApi('getMyDescription', {}, opts)).description === wanted.description) return false;
        await telegram.callApi('setMyDescription', { description: wanted.description }, opts);
        return true;
      },
    },
    {
      part: 'short description',
      publish: async () => {
        if ((await telegram.callApi('getMyShortDescription', {}, opts)).short_description === wanted.shortDescription) return false;
        await telegram.callApi('setMyShortDescription', { short_description: wanted.shortDescription }, opts);
        return true;
      },
    },
  ];
  const changed: string[] = [];
  let failed: ProfilePublication['failed'];
  for (const { part, publish } of parts) {
    try {
      if (await publish()) changed.push(part);
    } catch (err) {
      if (signal?.aborted) break;
      const retryAfterSeconds = err instanceof TelegramError ? err.parameters?.retry_after : undefined;
      const error = err instanceof TelegramError ? `${err.code} ${err.description}` : err instanceof Error ? err.message : String(err);
      logger.warn({ part, err: error, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) }, 'telegram command menu or description not published; the next start tries again');
      failed ??= { part, error, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
      // Flood control holds for every method, and a network error for every call: asking again now only adds to it.
      if (retryAfterSeconds !== undefined || !(err instanceof TelegramError)) break;
    }
  }
  if (changed.length > 0) logger.info({ changed }, 'telegram command menu and description published');
  return failed ? { changed, failed } : { changed };
}

function sameCommands(current: readonly { command: string; description: string }[], wanted: readonly { command: string; description: string }[]): boolean {
  return current.length === wanted.length && current.every((c, i) => c.command === wanted[i]!.command && c.description === wanted[i]!.description);
}
