import { ElderSchema } from '../tasks/elders/elder.entity.ts';
import { ChannelAccountSchema } from '../tasks/elders/channel-account.entity.ts';
import { FamilyCircleSchema } from '../tasks/family/family-circle.entity.ts';
import { CaregiverLinkSchema } from '../tasks/family/caregiver-link.entity.ts';
import { InviteCodeSchema } from '../tasks/family/invite-code.entity.ts';
import { ActivitySchema } from '../tasks/family/activity.entity.ts';
import { AlertSchema } from '../tasks/family/alert.entity.ts';
import { ReminderSchema } from '../tasks/reminders/reminder.entity.ts';
import { MedicationScheduleSchema } from '../tasks/medicines/medication-schedule.entity.ts';
import { DoseEventSchema } from '../tasks/medicines/dose-event.entity.ts';
import { VenueSchema } from '../tasks/bookings/venue.entity.ts';
import { BookingSchema } from '../tasks/bookings/booking.entity.ts';
import { TaskSchema } from '../tasks/task.entity.ts';
import { MessageLogSchema } from '../messaging/message-log.entity.ts';
import { WhatsAppAuthSchema } from '../bots/whatsapp/whatsapp-auth.entity.ts';
import { InviteAttemptSchema } from '../tasks/family/invite-attempt.entity.ts';
import { ElderChoiceSchema } from '../tasks/family/elder-choice.entity.ts';
import { CheckInSchema } from '../tasks/family/check-in.entity.ts';

/** Every entity of the data model, registered with MikroORM explicitly (no folder discovery). */
export const entities = [
  ElderSchema,
  ChannelAccountSchema,
  FamilyCircleSchema,
  CaregiverLinkSchema,
  InviteCodeSchema,
  ActivitySchema,
  AlertSchema,
  ReminderSchema,
  MedicationScheduleSchema,
  DoseEventSchema,
  VenueSchema,
  BookingSchema,
  TaskSchema,
  MessageLogSchema,
  WhatsAppAuthSchema,
  InviteAttemptSchema,
  ElderChoiceSchema,
  CheckInSchema,
];
