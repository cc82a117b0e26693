import { randomUUID } from 'node:crypto';
import type { TaskHandler } from '../task-handler.ts';
import { Activity } from './activity.entity.ts';
import { tellFamily } from './family-notifier.ts';
import { shareActivityArgs, type ShareActivityArgs } from '../tool-args.ts';

/** share_activity: records something the elder did and shares it with the family; kept even when nobody is linked. */
export const shareActivityTask: TaskHandler<ShareActivityArgs> = {
  kind: 'share_activity',
  label: 'share that with your family',
  schema: shareActivityArgs,
  groupCommit: true,
  readBack: (args) => `I'll share with your family: "${args.activity}". Shall I share it?`,
  async execute(args, ctx) {
    const activity = ctx.em.create(Activity, { id: randomUUID(), elderId: ctx.elder.id, taskId: ctx.task.id, text: args.activity, photoRef: null, createdAt: ctx.clock.now() });
    const told = await tellFamily(ctx, { text: `${ctx.elder.name} shared: ${args.activity}`, topic: 'activity' });
    return {
      result: { activityId: activity.id, told },
      reply: told > 0 ? 'Shared with your family.' : "I've saved it. No family is linked yet, so nobody else can see it for now.",
    };
  },
};
