import type { ActionReply, Actor, ButtonAction, ChatCommand } from '../button-actions.ts';
import { MedicationSchedule } from './medication-schedule.entity.ts';
import { doseName } from './dose-messages.ts';
import { managedElder, tellAboutChange, type MedicineChangeDeps } from './medicine-changes.ts';
import { CAN_MANAGE, NOT_LINKED_REPLY, NotLinkedError, repliesUnlessNotLinked, requireLink } from '../family/access.ts';

/** The longest dose the medicine table keeps. */
const MAX_DOSE_CHARS = 100;
/** Telegram refuses button data over 64 bytes, and the new dose travels in the Yes button. */
const MAX_BUTTON_BYTES = 64;
const USAGE = 'Please write the medicine and the new dose from the prescription, like "/meddose Metformin 500mg".';

/** The Yes/No data of a dose read-back; the dose goes last, so it may hold any character. */
const buttonData = (scheduleId: string, answer: 'yes' | 'no', dose: string): string => `meddose:${scheduleId}:${answer}:${dose}`;

/** "1000mg" from "1000 mg", "to 1000mg" or "500mg to 1000mg": the dose the family wrote, spaces tidied. */
function newDoseOf(text: string): string {
  const dose = text.trim().replace(/\s+/g, ' ');
  const from = /^\d.*?\s+to\s+(\d.*)$/i.exec(dose);
  return from ? from[1]! : dose;
}

/**
 * Records a new dose amount for a medicine, for the elder or a caregiver: only what the reminders say changes,
 * never the times. The dose is set only when it is still the one read back (`from`), so a second press of
 * the same Yes changes nothing. The elder and the family are told; `changed` is false when nothing changed.
 */
export async function changeMedicineDose(
  deps: MedicineChangeDeps,
  request: { actorAccountId: string; scheduleId: string; dose: string },
): Promise<{ schedule: MedicationSchedule; from: string | null; changed: boolean }> {
  const em = deps.orm.em.fork();
  const schedule = await em.findOne(MedicationSchedule, { id: request.scheduleId });
  if (!schedule) throw new NotLinkedError(request.actorAccountId, 'unknown');
  await requireLink(em, request.actorAccountId, schedule.elderId, CAN_MANAGE);
  const from = schedule.dose ?? null;
  if (schedule.status === 'stopped' || from === request.dose) return { schedule, from, changed: false };
  const updated = await em.nativeUpdate(MedicationSchedule, { id: schedule.id, dose: from }, { dose: request.dose });
  if (updated === 0) return { schedule: await em.fork().findOneOrFail(MedicationSchedule, { id: schedule.id }), from, changed: false };
  schedule.dose = request.dose;
  await tellAboutChange(deps, schedule, request.actorAccountId, (who) =>
    from ? `${who} changed the dose of ${schedule.medicine} from ${from} to ${request.dose}.` : `${who} set the dose of ${schedule.medicine} to ${request.dose}.`,
  );
  return { schedule, from, changed: true };
}

/**
 * The `/meddose <medicine> <dose>` command ("/meddose Metformin 1000mg", "/meddose Mum Metformin 1000mg"): finds
 * the medicine and reads the change back with Yes/No. Only the elder or a linked caregiver may; it records
 * the dose the family was given and says nothing about what the dose should be.
 */
export function medicineDoseCommand(deps: MedicineChangeDeps): ChatCommand {
  return {
    name: 'meddose',
    description: 'Record a new dose the doctor gave',
    audience: { chats: ['private'], people: ['elder', 'caregiver'] },
    handle: async (args, _sender, actor) => {
      if (!actor) return [{ text: NOT_LINKED_REPLY }];
      // The dose is from the first word that starts with a digit: "Vitamin D3 1000 IU" is Vitamin D3, 1000 IU.
      const m = /^(.*?)\s+(?:to\s+)?(\d.*)$/is.exec(args.trim());
      if (!m) return [{ text: USAGE }];
      const dose = newDoseOf(m[2]!);
      const managed = await managedElder(deps, actor, m[1]!, '/meddose Mum Metformin 500mg');
      if ('refusal' in managed) return [managed.refusal];
      const { elder, em } = managed;
      const words = m[1]!.toLowerCase();
      const schedules = await em.find(MedicationSchedule, { elderId: elder.id, status: { $in: ['active', 'paused'] } });
      const matches = schedules.filter((s) => words.includes(s.medicine.toLowerCase()));
      if (matches.length !== 1) return [{ text: 'I could not tell which medicine you mean. Send /medicines to see them.' }];
      const schedule = matches[0]!;
      if (schedule.dose === dose) return [{ text: `${schedule.medicine} is already ${dose}.` }];
      if (dose.length > MAX_DOSE_CHARS || Buffer.byteLength(buttonData(schedule.id, 'yes', dose)) > MAX_BUTTON_BYTES) {
        return [{ text: `That dose is too long for me to read back. Please write it shorter, like "/meddose ${schedule.medicine} 500mg".` }];
      }
      const question = schedule.dose
        ? `Change ${schedule.medicine} from ${schedule.dose} to ${dose} for ${elder.name}?`
        : `Set the dose of ${schedule.medicine} to ${dose} for ${elder.name}?`;
      return [
        {
          text: `${question} The reminders will say "${schedule.medicine} ${dose}" from now on; the times stay the same.`,
          buttons: [[{ label: 'Yes', data: buttonData(schedule.id, 'yes', dose) }, { label: 'No', data: buttonData(schedule.id, 'no', dose) }]],
        },
      ];
    },
  };
}

/** The `/meddose` read-back buttons (`meddose:<scheduleId>:yes|no:<dose>`); a second Yes changes nothing. */
export class MedicineDoseButtons implements ButtonAction {
  readonly prefix = 'meddose';
  private readonly deps: MedicineChangeDeps;

  constructor(deps: MedicineChangeDeps) {
    this.deps = deps;
  }

  async handle(data: string, actor: Actor): Promise<ActionReply[]> {
    const m = /^meddose:([0-9a-f-]{36}):(yes|no):(.+)$/s.exec(data);
    if (!m) return [{ text: 'Sorry, that button no longer works. Send /medicines to see them.' }];
    const [, scheduleId, answer, dose] = m as unknown as [string, string, 'yes' | 'no', string];
    return repliesUnlessNotLinked(async () => {
      if (answer === 'no') {
        const em = this.deps.orm.em.fork();
        const schedule = await em.findOne(MedicationSchedule, { id: scheduleId });
        // An unknown schedule is answered like someone else's: nothing tells a stranger which ids exist.
        if (!schedule) throw new NotLinkedError(actor.account.id, 'unknown');
        await requireLink(em, actor.account.id, schedule.elderId, CAN_MANAGE);
        return [{ text: `All right, I left ${doseName(schedule)} as it was.` }];
      }
      const { schedule, changed } = await changeMedicineDose(this.deps, { actorAccountId: actor.account.id, scheduleId, dose });
      if (changed) return [{ text: `Done. ${schedule.medicine} is now ${dose}. The reminders will say "${doseName(schedule)}".` }];
      if (schedule.dose === dose) return [{ text: `${schedule.medicine} is already ${dose}.` }];
      return [{ text: `I could not change ${doseName(schedule)}. Please check /medicines.` }];
    });
  }
}
