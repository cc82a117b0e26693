import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TaskHandler } from '../task-handler.ts';
import { Alert, type AlertKind } from './alert.entity.ts';
import { CheckIn } from './check-in.entity.ts';
import { findFamilyChats, tellFamily } from './family-notifier.ts';
import { SAFETY_CATEGORIES, emergencyNumber, localHelp } from './emergency-help.ts';
import { checkInButtons } from './check-ins.ts';
import { checkInQuestion, despairReply, emergencyReply, familyAlertText } from './alert-wording.ts';
import { emergencyAlertArgs } from '../tool-args.ts';

/** Minutes before an unacknowledged alert is sent to the family again. */
export const ALERT_REPEAT_MINUTES = 3;
/** Minutes a check-in waits for her answer before the family is told (CHECKIN_MINUTES). */
export const CHECKIN_MINUTES = 5;

/** The number to call where the elder lives (see emergency-help.ts). */
export { emergencyNumber };

/**
 * The emergency task's arguments: the contract's description (what a model may send), plus what the safety
 * screen adds — a check-in instead of an alert, the kind of danger, and whether it is about someone with her.
 */
export const emergencyAlertTaskArgs = emergencyAlertArgs.extend({
  check_in: z.boolean().optional(),
  category: z.enum(SAFETY_CATEGORIES).optional(),
  about: z.enum(['self', 'someone_else']).optional(),
});
/** Validated emergency task arguments. */
export type EmergencyAlertTaskArgs = z.infer<typeof emergencyAlertTaskArgs>;

/**
 * What the elder is told when the emergency task runs, given the names of the family chats told (null for a
 * group): the check-in question, the kind reply to despair, or who was told and what to do now.
 */
export function alertReply(args: EmergencyAlertTaskArgs, elder: { timezone: string; locale?: string | null }, told: (string | null)[], checkInMinutes = CHECKIN_MINUTES): string {
  const help = localHelp(elder.timezone, elder.locale ?? '');
  if (args.check_in) {
    return told.length > 0 ? checkInQuestion(told, checkInMinutes) : `I'm a little worried about you. Do you need help now? If you are in danger, call ${help.emergencyNumber}.`;
  }
  if (args.category === 'despair') return despairReply({ told, help });
  return emergencyReply({ told, category: args.category ?? null, aboutSomeoneElse: args.about === 'someone_else', description: args.description, help });
}

/**
 * emergency_alert, without waiting for a yes. A clear emergency opens an alert and sends an urgent message with
 * an "I'm on it" button to every linked person at once, and tells the elder who was told and what to do now
 * with her country's number. Despair gets a kind reply with a helpline, and the family is told gently. A
 * possible concern (`check_in`) only asks her, with [Get help now] [I'm OK]; the check-in sweep tells the
 * family if she stays silent. Alerts stay open, due again in a few minutes, until someone acknowledges them.
 */
export function emergencyAlertTaskFor(options: { checkInMinutes?: number } = {}): TaskHandler<EmergencyAlertTaskArgs> {
  const checkInMinutes = options.checkInMinutes ?? CHECKIN_MINUTES;
  return {
    kind: 'emergency_alert',
    label: 'alert your family',
    schema: emergencyAlertTaskArgs,
    groupCommit: true,
    skipConfirmation: true,
    readBack: (args) => `I'll alert your family now: "${args.description}". Shall I send it?`,
    async execute(args, ctx) {
      const now = ctx.clock.now();
      if (args.check_in) {
        const checkIn = ctx.em.create(CheckIn, {
          id: randomUUID(),
          elderId: ctx.elder.id,
          taskId: ctx.task.id,
          description: args.description,
          category: args.category ?? null,
          status: 'waiting',
          channel: ctx.task.replyChannel,
          chatId: ctx.task.replyChatId,
          answeredAt: null,
          alertId: null,
          createdAt: now,
        });
        const told = (await findFamilyChats(ctx.em, ctx.elder.id)).map((c) => c.name ?? null);
        const question = alertReply(args, ctx.elder, told, checkInMinutes);
        ctx.outbox.stage(ctx.em, {
          channel: ctx.task.replyChannel,
          chatId: ctx.task.replyChatId,
          elderId: ctx.elder.id,
          text: question,
          buttons: checkInButtons(checkIn.id),
          idempotencyKey: `checkin:${checkIn.id}:question`,
          lane: 'escalation',
        });
        return { result: { checkInId: checkIn.id } };
      }
      const kind: AlertKind = args.category === 'despair' ? 'despair' : 'emergency';
      const alert = ctx.em.create(Alert, {
        id: randomUUID(),
        elderId: ctx.elder.id,
        taskId: ctx.task.id,
        description: args.description,
        status: 'open',
        kind,
        nextNotifyAt: new Date(now.getTime() + ALERT_REPEAT_MINUTES * 60_000),
        notifyCount: 0,
        acknowledgedByAccountId: null,
        acknowledgedAt: null,
        createdAt: now,
      });
      const aboutSomeoneElse = args.about === 'someone_else';
      const chats = await findFamilyChats(ctx.em, ctx.elder.id);
      const told = await tellFamily(ctx, {
        text: familyAlertText(kind, { elderName: ctx.elder.name, description: args.description, aboutSomeoneElse }),
        buttons: [[{ label: "I'm on it", data: `ack:${alert.id}` }]],
        topic: 'alert',
        lane: 'alert',
      });
      if (told > 0) alert.notifyCount = 1;
      const reply = alertReply(args, ctx.elder, chats.map((c) => c.name ?? null));
      return { result: { alertId: alert.id, told }, reply, replyLane: 'alert' };
    },
  };
}

/** The emergency task with the default check-in wait. */
export const emergencyAlertTask = emergencyAlertTaskFor();
