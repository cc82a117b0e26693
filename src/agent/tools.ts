import { tool } from '@langchain/core/tools';
import type { ToolName } from './understanding/types.ts';
import { TOOL_ARGS, TOOL_NAMES, type ToolArgsName } from '../tasks/tool-args.ts';

/** What every tool answers: the tools only record the choice; the assistant reads it back for a yes. */
export const TOOL_ACKNOWLEDGEMENT = 'Noted; the assistant will read this back to the elder for confirmation.';

/** What each tool is for, written for a model choosing one. */
export const TOOL_DESCRIPTIONS: Record<ToolName, string> = {
  book_restaurant:
    'Book a table at a restaurant, café or pub for the elder. Needs the venue name, how many people and the day and time. ' +
    'If any of these is missing or vague ("tomorrow evening", "sometime"), do not call: ask one question instead.',
  book_salon:
    'Book a hair, nails, barber or beauty appointment. Needs the salon name, the service and the exact day and time; ' +
    'ask one question when the salon or time is missing.',
  cancel_booking: 'Cancel an existing restaurant or salon booking, identified by venue and/or date.',
  reschedule_booking:
    'Move an existing restaurant or salon booking to another time ("move dinner to 8", "push the table back an hour"). ' +
    'Identify it by venue, kind and/or its current day; give the new time as start (a day was said), time (only a time) or shift_minutes. ' +
    'Not for a new booking.',
  add_medication:
    "Add a new medicine to the elder's schedule so they are reminded to take it. Needs the medicine and exact clock times " +
    '("8am and 8pm"). "Twice a day" or "morning and evening" without times is not enough: ask for the times. ' +
    'Use this, not set_reminder, for anything about taking a medicine regularly.',
  log_dose: 'Record that the elder took or is skipping a dose of a medicine ("I took my pills", "I\'m skipping the evening one").',
  set_reminder:
    'Set a reminder for something that is not a medicine (calls, appointments, chores). Needs what and an exact day and time; ' +
    'ask when the time is vague ("sometime next week").',
  notify_family:
    "Send a message from the elder to their family circle (\"tell my daughter…\", \"let the family know…\"). Only the elder's own message; " +
    'never a message that asks for money, passwords or bank details on someone else\'s behalf.',
  share_activity:
    'Share something nice the elder did or is doing (a walk, baking, a class, a visit) with the family feed. Not for requests.',
  get_schedule:
    'Look up what the elder has on a day or over a span ("this week": date and until), or when their next medicine or appointment is. ' +
    'Reads only; changes nothing.',
  emergency_alert:
    'Alert the family at once: a fall, chest pain, trouble breathing, feeling very unwell, lost or frightened. ' +
    'Always call this for an emergency, even if other details are missing.',
};

/**
 * The contract tools as LangChain tools. They do not act: each returns an acknowledgement and is
 * `returnDirect`, so the agent stops after the first valid call and the assistant turns it into a task
 * awaiting the elder's yes. Invalid arguments fail schema validation and go back to the model as a tool error.
 */
export function buildContractTools() {
  return TOOL_NAMES.map((name) =>
    tool(() => TOOL_ACKNOWLEDGEMENT, {
      name,
      description: TOOL_DESCRIPTIONS[name],
      schema: TOOL_ARGS[name],
      returnDirect: true,
    }),
  );
}

/** The contract's tool names are the agent's tool names. */
export const CONTRACT_TOOL_NAMES: readonly ToolName[] = TOOL_NAMES satisfies readonly ToolName[];

// Compile-time proof that the agent's ToolName and the tasks' tool names are the same set.
const sameToolNames: [ToolName] extends [ToolArgsName] ? ([ToolArgsName] extends [ToolName] ? true : false) : false = true;
void sameToolNames;
