import { Migration } from '@mikro-orm/migrations';

export class Migration20261203191126_delivery_lanes extends Migration {

  override name = 'Migration20261203191126_delivery_lanes';

  override up(): void | Promise<void> {
    this.addSql(`alter table "message_log" add "lane" text not null default 'reminder', add "due_at" timestamptz null, add "late_text" text null, add "sending_until" timestamptz null;`);
    this.addSql(`create index "message_log_queued_chat_index" on "message_log" ("chat_id", "created_at") where "status" = 'queued';`);
    this.addSql(`alter table "message_log" add constraint "message_log_lane_check" check ("lane" in ('alert', 'escalation', 'reply', 'reminder', 'digest'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "message_log_queued_chat_index";`);
    this.addSql(`alter table "message_log" drop constraint "message_log_lane_check";`);
    this.addSql(`alter table "message_log" drop column "lane", drop column "due_at", drop column "late_text", drop column "sending_until";`);
  }

}
