import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Logger } from '../../lib/logger.ts';
import { REMOTE_UPDATES_IN_FLIGHT, TelegramChannel, type TelegramChannelOptions, type VoiceTranscriber } from './telegram-channel.ts';

/**
 * Optional voice settings (not yet in config.ts): TELEGRAM_TRANSCRIBE=true sends voice messages to the
 * OpenAI-compatible `/audio/transcriptions` endpoint at OPENAI_BASE_URL with OPENAI_API_KEY.
 */
export interface TelegramTranscriptionSettings {
  TELEGRAM_TRANSCRIBE: 'true' | 'false';
  TELEGRAM_TRANSCRIBE_MODEL: string;
}

const transcriptionResponse = z.object({ text: z.string() });

/** Transcribes audio with an OpenAI-compatible endpoint (OpenAI's Whisper, or a local whisper server). */
export class OpenAITranscriber implements VoiceTranscriber {
  private readonly baseURL: string;
  private readonly apiKey: string | undefined;
  private readonly model: string;
  private readonly timeoutMs: number;

  constructor(settings: { baseURL: string; apiKey?: string; model: string; timeoutMs: number }) {
    this.baseURL = settings.baseURL.replace(/\/+$/, '');
    this.apiKey = settings.apiKey;
    this.model = settings.model;
    this.timeoutMs = settings.timeoutMs;
  }

  async transcribe(audio: Buffer, fileName: string): Promise<string> {
    const form = new FormData();
    form.append('model', this.model);
    form.append('file', new Blob([new Uint8Array(audio)], { type: 'audio/ogg' }), fileName);
    const response = await fetch(`${this.baseURL}/audio/transcriptions`, {
      method: 'POST',
      headers: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
      body: form,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`transcription endpoint answered ${response.status}`);
    return transcriptionResponse.parse(await response.json()).text;
  }
}

/** Updates in flight with the offline model: its work is CPU and a few statements, so more at once only interleave. */
export const OFFLINE_UPDATES_IN_FLIGHT = 8;

/**
 * How many updates one process handles at once. With the offline model a handful keep the CPU busy; more only
 * share it, so that every message of a burst finishes late instead of the first ones early (Telegram bench (b):
 * p99 57–194 ms with 100, 63–103 ms with 8, and 10% less CPU a message). A remote model needs many in flight.
 */
export function updatesInFlight(config: Pick<Config, 'model' | 'TELEGRAM_UPDATES_IN_FLIGHT'>): number {
  return config.TELEGRAM_UPDATES_IN_FLIGHT ?? (config.model === 'offline' ? OFFLINE_UPDATES_IN_FLIGHT : REMOTE_UPDATES_IN_FLIGHT);
}

/**
 * The Telegram channel the configuration asks for, or undefined when TELEGRAM_BOT_TOKEN is not set. It polls;
 * to receive by webhook instead, mount it on the HTTP server with `mountTelegramWebhook` before it starts.
 */
export function createTelegramChannel(
  config: Config & Partial<TelegramTranscriptionSettings>,
  logger: Logger,
  overrides: Partial<Omit<TelegramChannelOptions, 'token' | 'logger'>> = {},
): TelegramChannel | undefined {
  if (!config.TELEGRAM_BOT_TOKEN) return undefined;
  const transcriber =
    config.TELEGRAM_TRANSCRIBE === 'true' && (config.OPENAI_BASE_URL || config.OPENAI_API_KEY)
      ? new OpenAITranscriber({
          baseURL: config.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
          ...(config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY } : {}),
          model: config.TELEGRAM_TRANSCRIBE_MODEL ?? 'whisper-1',
          timeoutMs: config.OPENAI_TIMEOUT_MS,
        })
      : undefined;
  return new TelegramChannel({
    token: config.TELEGRAM_BOT_TOKEN,
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
    logger,
    maxUpdatesInFlight: updatesInFlight(config),
    ...(transcriber ? { transcriber } : {}),
    // Bulk sends with allow_paid_broadcast, at up to 1,000/s, for 0.1 Telegram Star each.
    ...(config.TELEGRAM_PAID_BROADCAST === 'true' ? { paidBroadcast: { perSecond: config.TELEGRAM_PAID_BROADCAST_PER_SECOND } } : {}),
    ...overrides,
  });
}
