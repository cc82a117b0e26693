/**
 * Delivery lanes: every outbound message belongs to one, chosen where the message is created and stored on its
 * outbox row (so a restart or a flushed Redis keeps it). A lane says two things:
 *
 * - **which message goes first** — lanes are served first to last, so an emergency alert never waits behind
 *   the morning's reminders (only behind a message already in flight);
 * - **how it is paced** — unsolicited bulk (escalations, reminders, digests) shares the bot-wide rate
 *   (Telegram's ~30/s, `TELEGRAM_SENDS_PER_SECOND`); replies to someone who just wrote, and alerts, are held
 *   only to the per-chat and per-group limits.
 *
 * Choosing a lane for a new message: pass `lane` in the OutboundDraft (or a FamilyNotice).
 * - `alert` — an emergency alert, its repeats, and the messages of the emergency itself ("X is on it");
 * - `escalation` — check-ins and missed-dose escalations to the family, "I can no longer reach her";
 * - `reply` — an answer to a person who wrote (or pressed a button) in the last minute: read-backs, answers,
 *   button results, a task's reply on its first attempt (`laneOfTaskReply`);
 * - `reminder` (the default) — reminders, dose prompts and other timely notices nobody asked for just now;
 * - `digest` — summaries, charts and other digests, which can wait for everything else.
 * Without a lane a message is a `reminder`: paced as bulk, so a forgotten lane can never cause a 429 storm.
 */
export const LANES = ['alert', 'escalation', 'reply', 'reminder', 'digest'] as const;

/** One delivery lane (see LANES). */
export type Lane = (typeof LANES)[number];

/** The lane of a message created without one. */
export const DEFAULT_LANE: Lane = 'reminder';

/** Lanes first to last: 1 is served first. Also the BullMQ job priority (1 is BullMQ's highest). */
export const LANE_RANK: Readonly<Record<Lane, number>> = { alert: 1, escalation: 2, reply: 3, reminder: 4, digest: 5 };

const BULK: ReadonlySet<Lane> = new Set<Lane>(['escalation', 'reminder', 'digest']);

/** True for the lanes sent as unsolicited bulk, which share the bot-wide rate; false for alerts and replies. */
export function isBulkLane(lane: Lane): boolean {
  return BULK.has(lane);
}

/** How recently a person must have written for a message to them to count as a reply. */
export const REPLY_WINDOW_MS = 60_000;

/**
 * The lane of a task's reply: its first attempt runs as the person's "yes" (or their message) arrives, so it is
 * a reply; a retry comes seconds to minutes later, unasked, and goes as a reminder would.
 */
export function laneOfTaskReply(attempt: number): Lane {
  return attempt <= 1 ? 'reply' : DEFAULT_LANE;
}

/** The lane, or the default for a value that is not one (an old row, an unknown string). */
export function laneOrDefault(value: unknown): Lane {
  return typeof value === 'string' && (LANES as readonly string[]).includes(value) ? (value as Lane) : DEFAULT_LANE;
}
