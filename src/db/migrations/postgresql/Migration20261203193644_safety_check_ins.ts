import { Migration } from '@mikro-orm/migrations';

export class Migration20261203193644_safety_check_ins extends Migration {

  override name = 'Migration20261203193644_safety_check_ins';

  override up(): void | Promise<void> {
    this.addSql(`create table "check_ins" ("id" uuid not null, "elder_id" uuid not null, "task_id" uuid null, "description" text not null, "category" text null, "status" text not null default 'waiting', "channel" text not null, "chat_id" varchar(128) not null, "answered_at" timestamptz null, "alert_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "check_ins" add constraint "check_ins_task_id_unique" unique ("task_id");`);
    this.addSql(`create index "check_ins_status_created_at_index" on "check_ins" ("status", "created_at");`);
    this.addSql(`create index "check_ins_elder_id_status_index" on "check_ins" ("elder_id", "status");`);

    this.addSql(`alter table "alerts" add "kind" text not null default 'emergency';`);
    this.addSql(`alter table "alerts" add constraint "alerts_kind_check" check ("kind" in ('emergency', 'despair', 'silent_check_in'));`);

    this.addSql(`alter table "check_ins" add constraint "check_ins_category_check" check ("category" in ('stroke', 'heart', 'breathing', 'faint', 'fall', 'sugar', 'injury', 'medicine', 'home', 'lost', 'despair', 'help', 'unwell'));`);
    this.addSql(`alter table "check_ins" add constraint "check_ins_status_check" check ("status" in ('waiting', 'ok', 'help', 'escalated'));`);
    this.addSql(`alter table "check_ins" add constraint "check_ins_channel_check" check ("channel" in ('terminal', 'telegram', 'whatsapp'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "check_ins" cascade;`);

    this.addSql(`alter table "alerts" drop constraint "alerts_kind_check";`);
    this.addSql(`alter table "alerts" drop column "kind";`);
  }

}
