import type { MikroORM } from '@mikro-orm/core';
import type { ButtonActionRegistry, ChatCommandRegistry } from '../button-actions.ts';
import type { DeliveryQueue } from '../../messaging/outbox.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import { Onboarding, OnboardingButtons } from './onboarding.ts';
import { FamilyConversations } from './family-conversations.ts';
import { ElderChoiceButtons, createFamilyCommands, type CaregiverRequests, type FamilyDeps } from './family-commands.ts';
import { AlertButtons } from './alert-acknowledgement.ts';
import { PrivacyButtons } from './privacy.ts';
import { NotifyButtons, notifyCommand } from './notify-command.ts';
import { SummaryTimeButtons, summaryCommand } from './summary-command.ts';
import { DEFAULT_SUMMARY_TIME } from './summary-time.ts';
import { dispatchDueAlerts } from './alert-sweep.ts';
import { DEFAULT_ATTEMPT_LIMITS, pruneInviteAttempts, type InviteAttemptLimits } from './invite-attempts.ts';
import { ALERT_REPEAT_MINUTES, CHECKIN_MINUTES } from './emergency-alert.task.ts';
import { CheckInButtons, escalateSilentCheckIns, type CheckInDeps } from './check-ins.ts';

/** Settings of the family features; every one has a default. */
export interface FamilyOptions {
  /** Hours an invite code stays valid (default 24). */
  inviteTtlHours?: number;
  /** Minutes between repeats of an unacknowledged alert (default: the emergency task's). */
  alertRepeatMinutes?: number;
  /** Minutes a safety check-in waits for the elder's answer before the family is told (default 5). */
  checkInMinutes?: number;
  /** Minutes after a shared activity during which family messages are replies to it (default 180). */
  activityReplyWindowMinutes?: number;
  attemptLimits?: InviteAttemptLimits;
  /** A server secret mixed into invite-code hashes. */
  inviteCodePepper?: string;
  /** The assistant's handling of caregivers' requests for their elder. */
  caregiverRequests?: CaregiverRequests;
  /** The deployment's daily summary time 'HH:mm' (FAMILY_SUMMARY_TIME), shown by /summary to families that kept it (default 20:00). */
  summaryTime?: string;
  /** Called when someone joins a family circle in a private chat. */
  onJoined?: FamilyDeps['onJoined'];
}

/** A periodic sweep, as the scheduler runs it. */
export interface FamilySweep {
  name: string;
  run(now: Date): Promise<unknown>;
}

/**
 * Registers the family commands (/start, /invite, /join, /link, /elder, /remove, /forget, /export, /notify,
 * /summary) and buttons (onboarding, elder choice, "I'm on it", forget, dose-notice settings, summary time), and returns the router's conversations hook and
 * the sweeps (alert repeats, silent check-ins, pruning old invite attempts) and the check-in answers for the composition
 * root to wire.
 */
export function registerFamilyFeatures(deps: {
  orm: MikroORM;
  clock: Clock;
  delivery: DeliveryQueue;
  buttons: ButtonActionRegistry;
  commands: ChatCommandRegistry;
  logger: Logger;
  defaults: { timezone: string; locale: string };
  options?: FamilyOptions;
}): { conversations: FamilyConversations; sweeps: FamilySweep[]; checkIns: CheckInDeps } {
  const { orm, clock, delivery, logger } = deps;
  const options = deps.options ?? {};
  const onboarding = new Onboarding({ orm, clock, defaults: deps.defaults });
  const family: FamilyDeps = {
    orm,
    clock,
    delivery,
    logger,
    onboarding,
    invites: {
      ttlHours: options.inviteTtlHours ?? 24,
      limits: options.attemptLimits ?? DEFAULT_ATTEMPT_LIMITS,
      ...(options.inviteCodePepper ? { pepper: options.inviteCodePepper } : {}),
    },
    activityReplyWindowMinutes: options.activityReplyWindowMinutes ?? 180,
    ...(options.caregiverRequests ? { caregiverRequests: options.caregiverRequests } : {}),
    ...(options.onJoined ? { onJoined: options.onJoined } : {}),
  };
  const repeatMinutes = options.alertRepeatMinutes ?? ALERT_REPEAT_MINUTES;
  const checkIns = { orm, delivery, clock, checkInMinutes: options.checkInMinutes ?? CHECKIN_MINUTES, repeatMinutes };
  for (const command of createFamilyCommands(family)) deps.commands.register(command);
  const summary = { orm, logger, defaultTime: options.summaryTime ?? DEFAULT_SUMMARY_TIME };
  deps.commands.register(notifyCommand({ orm, logger })).register(summaryCommand(summary));
  deps.buttons
    .register(new OnboardingButtons(onboarding))
    .register(new ElderChoiceButtons(family))
    .register(new AlertButtons({ orm, delivery, clock }))
    .register(new CheckInButtons(checkIns))
    .register(new PrivacyButtons({ orm, delivery, clock, logger }))
    .register(new NotifyButtons({ orm, logger }))
    .register(new SummaryTimeButtons(summary));
  return {
    conversations: new FamilyConversations(family),
    checkIns,
    sweeps: [
      { name: 'family-alerts', run: (now) => dispatchDueAlerts(orm, delivery, now, { repeatMinutes }) },
      { name: 'silent-check-ins', run: (now) => escalateSilentCheckIns(checkIns, now) },
      { name: 'invite-attempts-prune', run: (now) => pruneInviteAttempts(orm.em.fork(), now) },
    ],
  };
}
