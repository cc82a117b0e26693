import type { TaskHandler } from '../task-handler.ts';
import { PermanentTaskError } from '../task-errors.ts';
import { NO_FAMILY_LINKED, tellFamily } from './family-notifier.ts';
import { notifyFamilyArgs, type NotifyFamilyArgs } from '../tool-args.ts';

/** notify_family: relays the elder's words to the family circle and every linked person, marked when urgent. */
export const notifyFamilyTask: TaskHandler<NotifyFamilyArgs> = {
  kind: 'notify_family',
  label: 'tell your family',
  schema: notifyFamilyArgs,
  groupCommit: true,
  readBack: (args) => `I'll tell your family${args.urgent ? ', marked urgent' : ''}: "${args.message}". Shall I send it?`,
  async execute(args, ctx) {
    const text = `${args.urgent ? 'URGENT: ' : ''}${ctx.elder.name} says: ${args.message}`;
    const told = await tellFamily(ctx, { text, topic: 'message' });
    if (told === 0) throw new PermanentTaskError('no family linked', NO_FAMILY_LINKED);
    return { result: { told, urgent: args.urgent ?? false }, reply: 'Done. I have told your family.' };
  },
};
