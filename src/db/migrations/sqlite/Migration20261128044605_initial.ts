import { Migration } from '@mikro-orm/migrations';

export class Migration20261128044605_initial extends Migration {

  override name = 'Migration20261128044605_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`activities\` (\`id\` text not null primary key, \`elder_id\` text not null, \`task_id\` text null, \`text\` text not null, \`photo_ref\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`activities_task_id_unique\` on \`activities\` (\`task_id\`);`);
    this.addSql(`create index \`activities_elder_id_created_at_index\` on \`activities\` (\`elder_id\`, \`created_at\`);`);

    this.addSql(`create table \`alerts\` (\`id\` text not null primary key, \`elder_id\` text not null, \`task_id\` text null, \`description\` text not null, \`status\` text check (\`status\` in ('open', 'acknowledged', 'resolved')) not null default 'open', \`next_notify_at\` datetime null, \`notify_count\` integer not null default 0, \`acknowledged_by_account_id\` text null, \`acknowledged_at\` datetime null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`alerts_elder_id_index\` on \`alerts\` (\`elder_id\`);`);
    this.addSql(`create unique index \`alerts_task_id_unique\` on \`alerts\` (\`task_id\`);`);
    this.addSql(`create index \`alerts_status_next_notify_at_index\` on \`alerts\` (\`status\`, \`next_notify_at\`);`);

    this.addSql(`create table \`bookings\` (\`id\` text not null primary key, \`elder_id\` text not null, \`venue_id\` text not null, \`task_id\` text null, \`service\` text null, \`party_size\` integer null, \`start_at\` datetime not null, \`end_at\` datetime not null, \`local_start\` text not null, \`status\` text check (\`status\` in ('held', 'requested', 'confirmed', 'cancelled', 'failed')) not null, \`reference\` text not null, \`provider_ref\` text null, \`notes\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`bookings_task_id_unique\` on \`bookings\` (\`task_id\`);`);
    this.addSql(`create unique index \`bookings_reference_unique\` on \`bookings\` (\`reference\`);`);
    this.addSql(`create index \`bookings_venue_id_start_at_index\` on \`bookings\` (\`venue_id\`, \`start_at\`);`);
    this.addSql(`create index \`bookings_elder_id_start_at_index\` on \`bookings\` (\`elder_id\`, \`start_at\`);`);

    this.addSql(`create table \`caregiver_links\` (\`id\` text not null primary key, \`elder_id\` text not null, \`account_id\` text not null, \`role\` text check (\`role\` in ('family', 'caregiver')) not null, \`created_at\` datetime not null, \`removed_at\` datetime null);`);
    this.addSql(`create index \`caregiver_links_elder_id_index\` on \`caregiver_links\` (\`elder_id\`);`);
    this.addSql(`create index \`caregiver_links_account_id_index\` on \`caregiver_links\` (\`account_id\`);`);
    this.addSql(`create unique index \`caregiver_links_elder_id_account_id_unique\` on \`caregiver_links\` (\`elder_id\`, \`account_id\`);`);

    this.addSql(`create table \`channel_accounts\` (\`id\` text not null primary key, \`channel\` text check (\`channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`external_user_id\` text not null, \`chat_id\` text not null, \`display_name\` text null, \`role\` text check (\`role\` in ('elder', 'family', 'caregiver')) not null, \`elder_id\` text null, \`active\` integer not null default true, \`created_at\` datetime not null);`);
    this.addSql(`create index \`channel_accounts_elder_id_index\` on \`channel_accounts\` (\`elder_id\`);`);
    this.addSql(`create unique index \`channel_accounts_channel_external_user_id_unique\` on \`channel_accounts\` (\`channel\`, \`external_user_id\`);`);

    this.addSql(`create table \`dose_events\` (\`id\` text not null primary key, \`schedule_id\` text not null, \`elder_id\` text not null, \`due_at\` datetime not null, \`local_time\` text not null, \`status\` text check (\`status\` in ('pending', 'taken', 'skipped', 'missed')) not null default 'pending', \`snoozes\` integer not null default 0, \`reminded_at\` datetime null, \`escalated_at\` datetime null, \`next_action_at\` datetime null, \`answered_at\` datetime null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`dose_events_elder_id_due_at_index\` on \`dose_events\` (\`elder_id\`, \`due_at\`);`);
    this.addSql(`create index \`dose_events_status_next_action_at_index\` on \`dose_events\` (\`status\`, \`next_action_at\`);`);
    this.addSql(`create unique index \`dose_events_schedule_id_due_at_unique\` on \`dose_events\` (\`schedule_id\`, \`due_at\`);`);

    this.addSql(`create table \`elders\` (\`id\` text not null primary key, \`name\` text not null, \`timezone\` text not null, \`locale\` text not null default 'en-GB', \`created_at\` datetime not null);`);

    this.addSql(`create table \`family_circles\` (\`id\` text not null primary key, \`elder_id\` text not null, \`channel\` text check (\`channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`group_chat_id\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`family_circles_elder_id_unique\` on \`family_circles\` (\`elder_id\`);`);
    this.addSql(`create unique index \`family_circles_channel_group_chat_id_unique\` on \`family_circles\` (\`channel\`, \`group_chat_id\`);`);

    this.addSql(`create table \`invite_codes\` (\`id\` text not null primary key, \`elder_id\` text not null, \`code_hash\` text not null, \`role\` text check (\`role\` in ('family', 'caregiver')) not null, \`created_by_account_id\` text null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`used_by_account_id\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`invite_codes_elder_id_index\` on \`invite_codes\` (\`elder_id\`);`);
    this.addSql(`create unique index \`invite_codes_code_hash_unique\` on \`invite_codes\` (\`code_hash\`);`);

    this.addSql(`create table \`medication_schedules\` (\`id\` text not null primary key, \`elder_id\` text not null, \`task_id\` text null, \`medicine\` text not null, \`dose\` text null, \`times\` json not null, \`days\` json null, \`start_date\` text null, \`end_date\` text null, \`notes\` text null, \`timezone\` text not null, \`status\` text check (\`status\` in ('active', 'paused', 'stopped')) not null default 'active', \`next_dose_at\` datetime null, \`pill_count\` integer null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`medication_schedules_elder_id_index\` on \`medication_schedules\` (\`elder_id\`);`);
    this.addSql(`create unique index \`medication_schedules_task_id_unique\` on \`medication_schedules\` (\`task_id\`);`);
    this.addSql(`create index \`medication_schedules_status_next_dose_at_index\` on \`medication_schedules\` (\`status\`, \`next_dose_at\`);`);

    this.addSql(`create table \`message_log\` (\`id\` text not null primary key, \`direction\` text check (\`direction\` in ('in', 'out')) not null, \`channel\` text check (\`channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`chat_id\` text not null, \`elder_id\` text null, \`account_id\` text null, \`text\` text not null, \`buttons\` json null, \`photo\` text null, \`status\` text check (\`status\` in ('received', 'queued', 'sent', 'failed')) not null, \`idempotency_key\` text null, \`attempts\` integer not null default 0, \`error\` text null, \`created_at\` datetime not null, \`sent_at\` datetime null);`);
    this.addSql(`create unique index \`message_log_idempotency_key_unique\` on \`message_log\` (\`idempotency_key\`);`);
    this.addSql(`create index \`message_log_elder_id_created_at_index\` on \`message_log\` (\`elder_id\`, \`created_at\`);`);
    this.addSql(`create index \`message_log_status_created_at_index\` on \`message_log\` (\`status\`, \`created_at\`);`);

    this.addSql(`create table \`reminders\` (\`id\` text not null primary key, \`elder_id\` text not null, \`task_id\` text null, \`text\` text not null, \`local_at\` text not null, \`timezone\` text not null, \`repeat\` text check (\`repeat\` in ('daily', 'weekly')) null, \`status\` text check (\`status\` in ('active', 'done', 'cancelled')) not null default 'active', \`next_fire_at\` datetime null, \`last_fired_at\` datetime null, \`channel\` text check (\`channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`chat_id\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`reminders_elder_id_index\` on \`reminders\` (\`elder_id\`);`);
    this.addSql(`create unique index \`reminders_task_id_unique\` on \`reminders\` (\`task_id\`);`);
    this.addSql(`create index \`reminders_status_next_fire_at_index\` on \`reminders\` (\`status\`, \`next_fire_at\`);`);

    this.addSql(`create table \`tasks\` (\`id\` text not null primary key, \`elder_id\` text not null, \`kind\` text not null, \`args\` json not null, \`status\` text check (\`status\` in ('pending_confirmation', 'queued', 'running', 'succeeded', 'failed', 'cancelled')) not null, \`attempts\` integer not null default 0, \`max_attempts\` integer not null default 5, \`idempotency_key\` text not null, \`result\` json null, \`error\` text null, \`run_after\` datetime null, \`lease_expires_at\` datetime null, \`requested_by_account_id\` text null, \`reply_channel\` text check (\`reply_channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`reply_chat_id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`finished_at\` datetime null);`);
    this.addSql(`create unique index \`tasks_idempotency_key_unique\` on \`tasks\` (\`idempotency_key\`);`);
    this.addSql(`create index \`tasks_status_run_after_index\` on \`tasks\` (\`status\`, \`run_after\`);`);
    this.addSql(`create index \`tasks_elder_id_status_index\` on \`tasks\` (\`elder_id\`, \`status\`);`);

    this.addSql(`create table \`venues\` (\`id\` text not null primary key, \`name\` text not null, \`kind\` text check (\`kind\` in ('restaurant', 'salon')) not null, \`address\` text null, \`phone\` text null, \`timezone\` text not null, \`opening_hours\` json not null, \`capacity_per_slot\` integer null, \`services\` json null, \`provider\` text check (\`provider\` in ('builtin', 'partner', 'family')) not null default 'builtin', \`partner_ref\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`venues_name_index\` on \`venues\` (\`name\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`activities\`;`);
    this.addSql(`drop table if exists \`alerts\`;`);
    this.addSql(`drop table if exists \`bookings\`;`);
    this.addSql(`drop table if exists \`caregiver_links\`;`);
    this.addSql(`drop table if exists \`channel_accounts\`;`);
    this.addSql(`drop table if exists \`dose_events\`;`);
    this.addSql(`drop table if exists \`elders\`;`);
    this.addSql(`drop table if exists \`family_circles\`;`);
    this.addSql(`drop table if exists \`invite_codes\`;`);
    this.addSql(`drop table if exists \`medication_schedules\`;`);
    this.addSql(`drop table if exists \`message_log\`;`);
    this.addSql(`drop table if exists \`reminders\`;`);
    this.addSql(`drop table if exists \`tasks\`;`);
    this.addSql(`drop table if exists \`venues\`;`);
  }

}
