import { Migration } from '@mikro-orm/migrations';

export class Migration20261128044605_initial extends Migration {

  override name = 'Migration20261128044605_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "activities" ("id" uuid not null, "elder_id" uuid not null, "task_id" uuid null, "text" text not null, "photo_ref" varchar(512) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "activities" add constraint "activities_task_id_unique" unique ("task_id");`);
    this.addSql(`create index "activities_elder_id_created_at_index" on "activities" ("elder_id", "created_at");`);

    this.addSql(`create table "alerts" ("id" uuid not null, "elder_id" uuid not null, "task_id" uuid null, "description" text not null, "status" text not null default 'open', "next_notify_at" timestamptz null, "notify_count" int not null default 0, "acknowledged_by_account_id" uuid null, "acknowledged_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "alerts_elder_id_index" on "alerts" ("elder_id");`);
    this.addSql(`alter table "alerts" add constraint "alerts_task_id_unique" unique ("task_id");`);
    this.addSql(`create index "alerts_status_next_notify_at_index" on "alerts" ("status", "next_notify_at");`);

    this.addSql(`create table "bookings" ("id" uuid not null, "elder_id" uuid not null, "venue_id" uuid not null, "task_id" uuid null, "service" varchar(100) null, "party_size" int null, "start_at" timestamptz not null, "end_at" timestamptz not null, "local_start" varchar(16) not null, "status" text not null, "reference" varchar(16) not null, "provider_ref" varchar(200) null, "notes" text null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "bookings" add constraint "bookings_task_id_unique" unique ("task_id");`);
    this.addSql(`alter table "bookings" add constraint "bookings_reference_unique" unique ("reference");`);
    this.addSql(`create index "bookings_venue_id_start_at_index" on "bookings" ("venue_id", "start_at");`);
    this.addSql(`create index "bookings_elder_id_start_at_index" on "bookings" ("elder_id", "start_at");`);

    this.addSql(`create table "caregiver_links" ("id" uuid not null, "elder_id" uuid not null, "account_id" uuid not null, "role" text not null, "created_at" timestamptz not null, "removed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "caregiver_links_elder_id_index" on "caregiver_links" ("elder_id");`);
    this.addSql(`create index "caregiver_links_account_id_index" on "caregiver_links" ("account_id");`);
    this.addSql(`alter table "caregiver_links" add constraint "caregiver_links_elder_id_account_id_unique" unique ("elder_id", "account_id");`);

    this.addSql(`create table "channel_accounts" ("id" uuid not null, "channel" text not null, "external_user_id" varchar(128) not null, "chat_id" varchar(128) not null, "display_name" varchar(120) null, "role" text not null, "elder_id" uuid null, "active" boolean not null default true, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "channel_accounts_elder_id_index" on "channel_accounts" ("elder_id");`);
    this.addSql(`alter table "channel_accounts" add constraint "channel_accounts_channel_external_user_id_unique" unique ("channel", "external_user_id");`);

    this.addSql(`create table "dose_events" ("id" uuid not null, "schedule_id" uuid not null, "elder_id" uuid not null, "due_at" timestamptz not null, "local_time" varchar(5) not null, "status" text not null default 'pending', "snoozes" int not null default 0, "reminded_at" timestamptz null, "escalated_at" timestamptz null, "next_action_at" timestamptz null, "answered_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "dose_events_elder_id_due_at_index" on "dose_events" ("elder_id", "due_at");`);
    this.addSql(`create index "dose_events_status_next_action_at_index" on "dose_events" ("status", "next_action_at");`);
    this.addSql(`alter table "dose_events" add constraint "dose_events_schedule_id_due_at_unique" unique ("schedule_id", "due_at");`);

    this.addSql(`create table "elders" ("id" uuid not null, "name" varchar(120) not null, "timezone" varchar(64) not null, "locale" varchar(16) not null default 'en-GB', "created_at" timestamptz not null, primary key ("id"));`);

    this.addSql(`create table "family_circles" ("id" uuid not null, "elder_id" uuid not null, "channel" text not null, "group_chat_id" varchar(128) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "family_circles" add constraint "family_circles_elder_id_unique" unique ("elder_id");`);
    this.addSql(`alter table "family_circles" add constraint "family_circles_channel_group_chat_id_unique" unique ("channel", "group_chat_id");`);

    this.addSql(`create table "invite_codes" ("id" uuid not null, "elder_id" uuid not null, "code_hash" varchar(128) not null, "role" text not null, "created_by_account_id" uuid null, "expires_at" timestamptz not null, "used_at" timestamptz null, "used_by_account_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "invite_codes_elder_id_index" on "invite_codes" ("elder_id");`);
    this.addSql(`alter table "invite_codes" add constraint "invite_codes_code_hash_unique" unique ("code_hash");`);

    this.addSql(`create table "medication_schedules" ("id" uuid not null, "elder_id" uuid not null, "task_id" uuid null, "medicine" varchar(200) not null, "dose" varchar(100) null, "times" jsonb not null, "days" jsonb null, "start_date" varchar(10) null, "end_date" varchar(10) null, "notes" text null, "timezone" varchar(64) not null, "status" text not null default 'active', "next_dose_at" timestamptz null, "pill_count" int null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "medication_schedules_elder_id_index" on "medication_schedules" ("elder_id");`);
    this.addSql(`alter table "medication_schedules" add constraint "medication_schedules_task_id_unique" unique ("task_id");`);
    this.addSql(`create index "medication_schedules_status_next_dose_at_index" on "medication_schedules" ("status", "next_dose_at");`);

    this.addSql(`create table "message_log" ("id" uuid not null, "direction" text not null, "channel" text not null, "chat_id" varchar(128) not null, "elder_id" uuid null, "account_id" uuid null, "text" text not null, "buttons" jsonb null, "photo" text null, "status" text not null, "idempotency_key" varchar(200) null, "attempts" int not null default 0, "error" text null, "created_at" timestamptz not null, "sent_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "message_log" add constraint "message_log_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "message_log_elder_id_created_at_index" on "message_log" ("elder_id", "created_at");`);
    this.addSql(`create index "message_log_status_created_at_index" on "message_log" ("status", "created_at");`);

    this.addSql(`create table "reminders" ("id" uuid not null, "elder_id" uuid not null, "task_id" uuid null, "text" text not null, "local_at" varchar(16) not null, "timezone" varchar(64) not null, "repeat" text null, "status" text not null default 'active', "next_fire_at" timestamptz null, "last_fired_at" timestamptz null, "channel" text not null, "chat_id" varchar(128) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "reminders_elder_id_index" on "reminders" ("elder_id");`);
    this.addSql(`alter table "reminders" add constraint "reminders_task_id_unique" unique ("task_id");`);
    this.addSql(`create index "reminders_status_next_fire_at_index" on "reminders" ("status", "next_fire_at");`);

    this.addSql(`create table "tasks" ("id" uuid not null, "elder_id" uuid not null, "kind" varchar(40) not null, "args" jsonb not null, "status" text not null, "attempts" int not null default 0, "max_attempts" int not null default 5, "idempotency_key" varchar(200) not null, "result" jsonb null, "error" text null, "run_after" timestamptz null, "lease_expires_at" timestamptz null, "requested_by_account_id" uuid null, "reply_channel" text not null, "reply_chat_id" varchar(128) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "finished_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "tasks" add constraint "tasks_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "tasks_status_run_after_index" on "tasks" ("status", "run_after");`);
    this.addSql(`create index "tasks_elder_id_status_index" on "tasks" ("elder_id", "status");`);

    this.addSql(`create table "venues" ("id" uuid not null, "name" varchar(200) not null, "kind" text not null, "address" varchar(300) null, "phone" varchar(40) null, "timezone" varchar(64) not null, "opening_hours" jsonb not null, "capacity_per_slot" int null, "services" jsonb null, "provider" text not null default 'builtin', "partner_ref" varchar(200) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "venues_name_index" on "venues" ("name");`);

    this.addSql(`alter table "alerts" add constraint "alerts_status_check" check ("status" in ('open', 'acknowledged', 'resolved'));`);

    this.addSql(`alter table "bookings" add constraint "bookings_status_check" check ("status" in ('held', 'requested', 'confirmed', 'cancelled', 'failed'));`);

    this.addSql(`alter table "caregiver_links" add constraint "caregiver_links_role_check" check ("role" in ('family', 'caregiver'));`);

    this.addSql(`alter table "channel_accounts" add constraint "channel_accounts_channel_check" check ("channel" in ('terminal', 'telegram', 'whatsapp'));`);
    this.addSql(`alter table "channel_accounts" add constraint "channel_accounts_role_check" check ("role" in ('elder', 'family', 'caregiver'));`);

    this.addSql(`alter table "dose_events" add constraint "dose_events_status_check" check ("status" in ('pending', 'taken', 'skipped', 'missed'));`);

    this.addSql(`alter table "family_circles" add constraint "family_circles_channel_check" check ("channel" in ('terminal', 'telegram', 'whatsapp'));`);

    this.addSql(`alter table "invite_codes" add constraint "invite_codes_role_check" check ("role" in ('family', 'caregiver'));`);

    this.addSql(`alter table "medication_schedules" add constraint "medication_schedules_status_check" check ("status" in ('active', 'paused', 'stopped'));`);

    this.addSql(`alter table "message_log" add constraint "message_log_direction_check" check ("direction" in ('in', 'out'));`);
    this.addSql(`alter table "message_log" add constraint "message_log_channel_check" check ("channel" in ('terminal', 'telegram', 'whatsapp'));`);
    this.addSql(`alter table "message_log" add constraint "message_log_status_check" check ("status" in ('received', 'queued', 'sent', 'failed'));`);

    this.addSql(`alter table "reminders" add constraint "reminders_repeat_check" check ("repeat" in ('daily', 'weekly'));`);
    this.addSql(`alter table "reminders" add constraint "reminders_status_check" check ("status" in ('active', 'done', 'cancelled'));`);
    this.addSql(`alter table "reminders" add constraint "reminders_channel_check" check ("channel" in ('terminal', 'telegram', 'whatsapp'));`);

    this.addSql(`alter table "tasks" add constraint "tasks_status_check" check ("status" in ('pending_confirmation', 'queued', 'running', 'succeeded', 'failed', 'cancelled'));`);
    this.addSql(`alter table "tasks" add constraint "tasks_reply_channel_check" check ("reply_channel" in ('terminal', 'telegram', 'whatsapp'));`);

    this.addSql(`alter table "venues" add constraint "venues_kind_check" check ("kind" in ('restaurant', 'salon'));`);
    this.addSql(`alter table "venues" add constraint "venues_provider_check" check ("provider" in ('builtin', 'partner', 'family'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "activities" cascade;`);
    this.addSql(`drop table if exists "alerts" cascade;`);
    this.addSql(`drop table if exists "bookings" cascade;`);
    this.addSql(`drop table if exists "caregiver_links" cascade;`);
    this.addSql(`drop table if exists "channel_accounts" cascade;`);
    this.addSql(`drop table if exists "dose_events" cascade;`);
    this.addSql(`drop table if exists "elders" cascade;`);
    this.addSql(`drop table if exists "family_circles" cascade;`);
    this.addSql(`drop table if exists "invite_codes" cascade;`);
    this.addSql(`drop table if exists "medication_schedules" cascade;`);
    this.addSql(`drop table if exists "message_log" cascade;`);
    this.addSql(`drop table if exists "reminders" cascade;`);
    this.addSql(`drop table if exists "tasks" cascade;`);
    this.addSql(`drop table if exists "venues" cascade;`);
  }

}
