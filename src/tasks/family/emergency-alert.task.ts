import { randomUUID } from 'node:crypto';
import type { TaskHandler } from '../task-handler.ts';
import { Alert } from './alert.entity.ts';
import { tellFamily } from './family-notifier.ts';
import { emergencyAlertArgs, type EmergencyAlertArgs } from '../tool-args.ts';

/** Minutes before an unacknowledged alert is sent to the family again. */
export const ALERT_REPEAT_MINUTES = 3;

/** The number to call for help where the elder lives, from their timezone; 112 works in most of the world. */
export function emergencyNumber(timezone: string): string {
  if (timezone === 'Europe/London') return '999';
  if (timezone.startsWith('America/')) return '911';
  if (timezone.startsWith('Australia/')) return '000';
  return '112';
}

/** What the elder is told once her alert went out to `told` people: always with the number to call where she lives. */
export function sayAlertSent(told: number, timezone: string): string {
  const call = `If you are in danger, call ${emergencyNumber(timezone)}.`;
  return told > 0 ? `I've alerted your family. ${call}` : `No family is linked yet, so I could not alert anyone. ${call}`;
}

/**
 * emergency_alert: opens an alert and sends an urgent message with an "I'm on it" button to every linked
 * person at once, without waiting for a yes. The alert stays open, due again in a few minutes, until
 * someone acknowledges it. The elder is always told the local emergency number.
 */
export const emergencyAlertTask: TaskHandler<EmergencyAlertArgs> = {
  kind: 'emergency_alert',
  label: 'alert your family',
  schema: emergencyAlertArgs,
  groupCommit: true,
  skipConfirmation: true,
  readBack: (args) => `I'll alert your family now: "${args.description}". Shall I send it?`,
  async execute(args, ctx) {
    const now = ctx.clock.now();
    const alert = ctx.em.create(Alert, {
      id: randomUUID(),
      elderId: ctx.elder.id,
      taskId: ctx.task.id,
      description: args.description,
      status: 'open',
      nextNotifyAt: new Date(now.getTime() + ALERT_REPEAT_MINUTES * 60_000),
      notifyCount: 0,
      acknowledgedByAccountId: null,
      acknowledgedAt: null,
      createdAt: now,
    });
    const name = ctx.elder.name;
    const told = await tellFamily(ctx, {
      text: `URGENT: ${name} needs help: "${args.description}". Please check on ${name} now.`,
      buttons: [[{ label: "I'm on it", data: `ack:${alert.id}` }]],
      topic: 'alert',
    });
    if (told > 0) alert.notifyCount = 1;
    return { result: { alertId: alert.id, told }, reply: sayAlertSent(told, ctx.elder.timezone) };
  },
};
