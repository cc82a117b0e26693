import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Update } from 'telegraf/types';
import type { TelegramChannel } from './telegram-channel.ts';

/** The header Telegram sends the webhook secret in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Telegram's rule for secret_token: 1-256 of A-Z, a-z, 0-9, _ and -. */
const webhookOptions = z.object({
  url: z.url(),
  secret: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'TELEGRAM_WEBHOOK_SECRET must be 1-256 of A-Z a-z 0-9 _ -'),
  path: z.string().startsWith('/').optional(),
});

// Only the id is checked here: the secret header already shows the body came from Telegram.
const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

/**
 * Receives Telegram updates on the HTTP server: mounts POST `path` (by default the path of the webhook URL),
 * answers 401 unless the X-Telegram-Bot-Api-Secret-Token header is the secret, and switches the channel to
 * webhook mode, so its `start` calls setWebhook with the URL and secret. Call before the server listens.
 */
export function mountTelegramWebhook(http: FastifyInstance, channel: TelegramChannel, options: { url: string; secret: string | undefined; path?: string }): void {
  const { url, secret, path } = webhookOptions.parse(options);
  channel.useWebhook({ url, secret });
  http.post(path ?? new URL(url).pathname, async (request, reply) => {
    const header = request.headers[SECRET_HEADER];
    if (!channel.isWebhookSecret(typeof header === 'string' ? header : undefined)) return reply.code(401).send({ ok: false });
    const parsed = updateShape.safeParse(request.body);
    // A malformed body is answered 200 so Telegram does not retry it forever.
    if (!parsed.success) return reply.code(200).send({ ok: true });
    // Not started yet (or stopping): Telegram retries the update later.
    if (!(await channel.acceptWebhookUpdate(parsed.data as unknown as Update))) return reply.code(503).send({ ok: false });
    return reply.code(200).send({ ok: true });
  });
}
