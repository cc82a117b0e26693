import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { ActionReply, Actor, ButtonAction, ChatCommand } from '../button-actions.ts';
import type { DeliveryQueue } from '../../messaging/outbox.ts';
import type { Clock } from '../../lib/clock.ts';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { firstDoseFrom } from './dose-schedule.ts';
import { doseName, sayDoseTime } from './dose-messages.ts';
import { Elder } from '../elders/elder.entity.ts';
import { CAN_MANAGE, NOT_LINKED, NOT_LINKED_REPLY, NotLinkedError, orNotLinked, requireLink } from '../family/access.ts';
import { elderForActor } from '../family/family-members.ts';
import { findFamilyChats } from '../family/family-notifier.ts';
import { sendMessages } from '../family/family-messages.ts';
import { ChannelAccount } from '../elders/channel-account.entity.ts';
import { instantToLocal, sayLocalDateTime } from '../../lib/local-time.ts';

/** What the medicine commands and buttons need. */
export interface MedicineChangeDeps {
  orm: MikroORM;
  clock: Clock;
  delivery: DeliveryQueue;
}

/** A change the elder or a caregiver can make to a medicine. */
export const MEDICINE_CHANGES = ['pause', 'resume', 'stop'] as const;
type MedicineChange = (typeof MEDICINE_CHANGES)[number];

const NEWS: Record<MedicineChange, (who: string, name: string) => string> = {
  pause: (who, name) => `${who} paused ${name}. No reminders until it is resumed.`,
  resume: (who, name) => `${who} resumed ${name}.`,
  stop: (who, name) => `${who} stopped ${name}. No more reminders for it.`,
};

/** "21:00" from "9pm", "9:30 am", "21:00" or "0930"; null when it is not a clock time. */
export function parseClockTime(text: string): string | null {
  const m = /^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/i.exec(text.trim());
  if (!m) return null;
  let hours = Number(m[1]);
  const minutes = Number(m[2] ?? '0');
  const half = m[3]?.toLowerCase().replace(/\./g, '');
  if (half) {
    if (hours < 1 || hours > 12) return null;
    hours = (hours % 12) + (half === 'pm' ? 12 : 0);
  } else if (m[2] === undefined) {
    return null;
  }
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}
const NO_MEDICINES: ActionReply = { text: 'There are no medicines set up yet.' };

/** What a medicine's state means, in a short sentence. */
function describe(s: MedicationSchedule): string {
  const name = doseName(s);
  if (s.status === 'paused') return `${name}: paused.`;
  const when = s.nextDoseAt ? ` Next dose ${sayLocalDateTime(instantToLocal(s.nextDoseAt, s.timezone), s.timezone)}.` : '';
  return `${name} at ${s.times.map(sayDoseTime).join(', ')}.${when}`;
}

/** The buttons for one medicine: only the changes that make sense for its state. */
function changeButtons(s: MedicationSchedule): ActionReply['buttons'] {
  const change: MedicineChange = s.status === 'paused' ? 'resume' : 'pause';
  return [
    [
      { label: change === 'pause' ? 'Pause' : 'Resume', data: `med:${change}:${s.id}` },
      { label: 'Stop', data: `med:stop:${s.id}` },
    ],
  ];
}

/**
 * The elder a command is about (from the chat, or "Mum" in the text) when the actor may manage their medicines,
 * with an entity manager to go on with; otherwise the reply that says why not. `example` shows how to name them.
 */
export async function managedElder(deps: MedicineChangeDeps, actor: Actor, text: string, example: string): Promise<{ elder: Elder; em: EntityManager } | { refusal: ActionReply }> {
  const target = await elderForActor(deps.orm, actor, text);
  if (target.kind !== 'one') return { refusal: { text: target.kind === 'ask' ? `Please say who you mean, like "${example}".` : NOT_LINKED_REPLY } };
  const elder = target.linked.elder;
  const em = deps.orm.em.fork();
  try {
    await requireLink(em, actor.account.id, elder.id, CAN_MANAGE);
  } catch (err) {
    if (err instanceof NotLinkedError) return { refusal: { text: target.linked.role === 'family' ? `Sorry, only ${elder.name} or a caregiver can change medicines.` : NOT_LINKED_REPLY } };
    throw err;
  }
  return { elder, em };
}

/** Lists the elder's medicines that are not stopped, one message each with its buttons. */
export async function listMedicines(deps: MedicineChangeDeps, actor: Actor, text: string): Promise<ActionReply[]> {
  const managed = await managedElder(deps, actor, text, '/medicines Mum');
  if ('refusal' in managed) return [managed.refusal];
  const { elder, em } = managed;
  const schedules = await em.find(MedicationSchedule, { elderId: elder.id, status: { $in: ['active', 'paused'] } }, { orderBy: { medicine: 'asc' } });
  if (schedules.length === 0) return [NO_MEDICINES];
  const example = schedules[0]!;
  const hints =
    `${elder.name}'s medicines. To change a time, write like "/medtime ${example.medicine} 9pm".\n` +
    `Change dose: write /meddose, the medicine and the new dose on the prescription, like "/meddose ${example.medicine} ${example.dose ?? '1 tablet'}".`;
  return [{ text: hints }, ...schedules.map((s) => ({ text: describe(s), buttons: changeButtons(s) }))];
}

/**
 * Pauses, resumes or stops a medicine for the elder or a caregiver. Pausing and stopping clear the next dose
 * time so the dispatch sweep (which only claims active schedules) sends nothing; resuming sets it to the first
 * dose from now. The elder and the family are told; `changed` is false when there was nothing to change.
 */
export async function changeMedicine(
  deps: MedicineChangeDeps,
  request: { actorAccountId: string; scheduleId: string; change: MedicineChange },
): Promise<{ schedule: MedicationSchedule; changed: boolean }> {
  const em = deps.orm.em.fork();
  const schedule = await em.findOne(MedicationSchedule, { id: request.scheduleId });
  if (!schedule) throw new NotLinkedError(request.actorAccountId, 'unknown');
  await requireLink(em, request.actorAccountId, schedule.elderId, CAN_MANAGE);
  const now = deps.clock.now();
  const wanted = request.change === 'pause' ? 'paused' : request.change === 'stop' ? 'stopped' : 'active';
  // Pressing twice, or a stopped medicine being paused, changes nothing.
  if (schedule.status === wanted || schedule.status === 'stopped') return { schedule, changed: false };
  const nextDoseAt = wanted === 'active' ? (firstDoseFrom(schedule, now)?.dueAt ?? null) : null;
  // Only the press that finds the status unchanged since it read it makes the change and tells the family.
  const updated = await em.nativeUpdate(MedicationSchedule, { id: schedule.id, status: schedule.status }, { status: wanted, nextDoseAt });
  if (updated === 0) return { schedule: await em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id }), changed: false };
  Object.assign(schedule, { status: wanted, nextDoseAt });
  await tellAboutChange(deps, schedule, request.actorAccountId, NEWS[request.change]);
  return { schedule, changed: true };
}

/**
 * Tells the elder's own chats and the family's chats about a change to a medicine, except the chat of whoever
 * made it; `say` writes the news from who made it ("Sarah", or the elder's name) and the medicine's name.
 */
export async function tellAboutChange(deps: MedicineChangeDeps, schedule: MedicationSchedule, actorAccountId: string, say: (who: string, name: string) => string): Promise<void> {
  const em = deps.orm.em.fork();
  const actor = await em.findOne(ChannelAccount, { id: actorAccountId });
  const elder = await em.findOne(Elder, { id: schedule.elderId });
  const who = actor?.role === 'elder' ? (elder?.name ?? 'The elder') : (actor?.displayName ?? 'A caregiver');
  const news = say(who, doseName(schedule));
  const own = await em.find(ChannelAccount, { elderId: schedule.elderId, role: 'elder', active: true });
  const family = await findFamilyChats(em, schedule.elderId);
  await sendMessages(deps.orm, deps.delivery, [
    ...own.filter((a) => a.id !== actorAccountId).map((a) => ({ channel: a.channel, chatId: a.chatId, elderId: schedule.elderId, accountId: a.id, text: news })),
    ...family.filter((c) => c.accountId !== actorAccountId).map((c) => ({ channel: c.channel, chatId: c.chatId, elderId: schedule.elderId, accountId: c.accountId, text: news })),
  ]);
}

/**
 * Moves a one-time-a-day medicine to a new local time, for the elder or a caregiver, and sets its next dose
 * from now (a paused medicine keeps no next dose). Medicines taken several times a day are not changed here.
 */
export async function changeMedicineTime(
  deps: MedicineChangeDeps,
  request: { actorAccountId: string; scheduleId: string; time: string },
): Promise<{ schedule: MedicationSchedule; changed: boolean }> {
  const em = deps.orm.em.fork();
  const schedule = await em.findOne(MedicationSchedule, { id: request.scheduleId });
  if (!schedule) throw new NotLinkedError(request.actorAccountId, 'unknown');
  await requireLink(em, request.actorAccountId, schedule.elderId, CAN_MANAGE);
  if (schedule.status === 'stopped' || schedule.times.length !== 1 || schedule.times[0] === request.time) return { schedule, changed: false };
  schedule.times = [request.time];
  if (schedule.status === 'active') schedule.nextDoseAt = firstDoseFrom(schedule, deps.clock.now())?.dueAt ?? null;
  await em.flush();
  await tellAboutChange(deps, schedule, request.actorAccountId, (who, name) => `${who} moved ${name} to ${sayDoseTime(request.time)}.`);
  return { schedule, changed: true };
}

/**
 * Buttons `med:<change>:<id>` (reads back, asks Yes/No), `med:<change>:<id>:yes|no` (does it or not), and
 * `med:time:<id>:<HHmm>:yes|no` for a new time read back by `/medtime`.
 */
export class MedicineChangeButtons implements ButtonAction {
  readonly prefix = 'med';
  private readonly deps: MedicineChangeDeps;

  constructor(deps: MedicineChangeDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const [, change, scheduleId, ...rest] = data.split(':');
    if (!scheduleId || !(change === 'time' || MEDICINE_CHANGES.includes(change as MedicineChange))) return [];
    const em = this.deps.orm.em.fork();
    const schedule = await em.findOne(MedicationSchedule, { id: scheduleId });
    // An unknown schedule is answered like someone else's: nothing tells a stranger which ids exist.
    if (!schedule || (await orNotLinked(() => requireLink(em, actor.account.id, schedule.elderId, CAN_MANAGE))) === NOT_LINKED) return [{ text: NOT_LINKED_REPLY }];
    const answer = change === 'time' ? rest[1] : rest[0];
    if (answer === 'no') return [{ text: `All right, I left ${doseName(schedule)} as it was.` }];
    if (change === 'time') {
      const hhmm = rest[0] ?? '';
      const time = /^\d{4}$/.test(hhmm) ? `${hhmm.slice(0, 2)}:${hhmm.slice(2)}` : null;
      if (!time || answer !== 'yes') return [];
      const { schedule: after, changed } = await changeMedicineTime(this.deps, { actorAccountId: actor.account.id, scheduleId, time });
      if (!changed) return [{ text: `I could not change ${doseName(after)}. Please check /medicines.` }];
      return [{ text: `Done. ${doseName(after)} is now at ${sayDoseTime(time)}.${after.nextDoseAt ? ` Next dose ${sayLocalDateTime(instantToLocal(after.nextDoseAt, after.timezone), after.timezone)}.` : ''}` }];
    }
    if (answer !== 'yes') {
      const question =
        change === 'pause'
          ? `Pause ${doseName(schedule)}? I won't send reminders until you resume it.`
          : change === 'stop'
            ? `Stop ${doseName(schedule)} for good? I won't send reminders for it again.`
            : `Start ${doseName(schedule)} again, at ${schedule.times.map(sayDoseTime).join(', ')}?`;
      return [{ text: question, buttons: [[{ label: 'Yes', data: `med:${change}:${scheduleId}:yes` }, { label: 'No', data: `med:${change}:${scheduleId}:no` }]] }];
    }
    const { schedule: after, changed } = await changeMedicine(this.deps, { actorAccountId: actor.account.id, scheduleId, change: change as MedicineChange });
    if (!changed) return [{ text: `${doseName(after)} is already ${after.status}.` }];
    if (after.status === 'active' && after.nextDoseAt) {
      return [{ text: `Done. ${doseName(after)} is on again. Next dose ${sayLocalDateTime(instantToLocal(after.nextDoseAt, after.timezone), after.timezone)}.` }];
    }
    return [{ text: `Done. ${doseName(after)} is ${after.status}.` }];
  }
}

/** The `/medicines` command: lists the medicines with Pause/Resume/Stop buttons. */
export function medicinesCommand(deps: MedicineChangeDeps): ChatCommand {
  return {
    name: 'medicines',
    description: 'See the medicines, and pause or stop one',
    audience: { chats: ['private'], people: ['elder', 'caregiver'] },
    handle: async (args, _sender, actor) => (actor ? listMedicines(deps, actor, args) : [{ text: NOT_LINKED_REPLY }]),
  };
}

/** The `/medtime <medicine> <time>` command ("/medtime Metformin 9pm"): reads the new time back with Yes/No. */
export function medicineTimeCommand(deps: MedicineChangeDeps): ChatCommand {
  return {
    name: 'medtime',
    description: 'Move a medicine to a new time',
    audience: { chats: ['private'], people: ['elder', 'caregiver'] },
    handle: async (args, _sender, actor) => {
      if (!actor) return [{ text: NOT_LINKED_REPLY }];
      const m = /^(.*?)\s+(?:at\s+|to\s+)?(\d{1,2}(?:[:.]?\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?)$/i.exec(args.trim());
      const time = m ? parseClockTime(m[2]!) : null;
      if (!m || !time) return [{ text: 'Please write the medicine and the new time, like "/medtime Metformin 9pm".' }];
      const managed = await managedElder(deps, actor, m[1]!, '/medtime Mum Metformin 9pm');
      if ('refusal' in managed) return [managed.refusal];
      const { elder, em } = managed;
      const words = m[1]!.toLowerCase();
      const schedules = await em.find(MedicationSchedule, { elderId: elder.id, status: { $in: ['active', 'paused'] } });
      const matches = schedules.filter((s) => words.includes(s.medicine.toLowerCase()));
      if (matches.length !== 1) return [{ text: 'I could not tell which medicine you mean. Send /medicines to see them.' }];
      const schedule = matches[0]!;
      if (schedule.times.length !== 1) return [{ text: `${doseName(schedule)} is taken ${schedule.times.length} times a day. Please stop it and add it again with the new times.` }];
      const data = `med:time:${schedule.id}:${time.replace(':', '')}`;
      return [
        {
          text: `Move ${doseName(schedule)} from ${sayDoseTime(schedule.times[0]!)} to ${sayDoseTime(time)}, every day it is due?`,
          buttons: [[{ label: 'Yes', data: `${data}:yes` }, { label: 'No', data: `${data}:no` }]],
        },
      ];
    },
  };
}
