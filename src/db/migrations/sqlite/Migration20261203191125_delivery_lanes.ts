import { Migration } from '@mikro-orm/migrations';

export class Migration20261203191125_delivery_lanes extends Migration {

  override name = 'Migration20261203191125_delivery_lanes';

  override up(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`message_log__temp_alter\` (\`id\` text not null primary key, \`direction\` text check (\`direction\` in ('in', 'out')) not null, \`channel\` text check (\`channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`chat_id\` text not null, \`elder_id\` text null, \`account_id\` text null, \`text\` text not null, \`buttons\` json null, \`photo\` text null, \`status\` text check (\`status\` in ('received', 'queued', 'sent', 'failed')) not null, \`idempotency_key\` text null, \`attempts\` integer not null default 0, \`error\` text null, \`created_at\` datetime not null, \`sent_at\` datetime null, \`lane\` text check (\`lane\` in ('alert', 'escalation', 'reply', 'reminder', 'digest')) not null default 'reminder', \`due_at\` datetime null, \`late_text\` text null, \`sending_until\` datetime null);`);
    this.addSql(`insert into \`message_log__temp_alter\` select \`id\`, \`direction\`, \`channel\`, \`chat_id\`, \`elder_id\`, \`account_id\`, \`text\`, \`buttons\`, \`photo\`, \`status\`, \`idempotency_key\`, \`attempts\`, \`error\`, \`created_at\`, \`sent_at\`, 'reminder' as \`lane\`, null as \`due_at\`, null as \`late_text\`, null as \`sending_until\` from \`message_log\`;`);
    this.addSql(`drop table \`message_log\`;`);
    this.addSql(`alter table \`message_log__temp_alter\` rename to \`message_log\`;`);
    this.addSql(`create unique index \`message_log_idempotency_key_unique\` on \`message_log\` (\`idempotency_key\`);`);
    this.addSql(`create index \`message_log_elder_id_created_at_index\` on \`message_log\` (\`elder_id\`, \`created_at\`);`);
    this.addSql(`create index \`message_log_status_created_at_index\` on \`message_log\` (\`status\`, \`created_at\`);`);
    this.addSql(`create index "message_log_queued_chat_index" on "message_log" ("chat_id", "created_at") where "status" = 'queued';`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`message_log__temp_alter\` (\`id\` TEXT not null primary key, \`direction\` TEXT check (\`direction\` in ('in', 'out')) not null, \`channel\` TEXT check (\`channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`chat_id\` TEXT not null, \`elder_id\` TEXT null, \`account_id\` TEXT null, \`text\` TEXT not null, \`buttons\` json null, \`photo\` TEXT null, \`status\` TEXT check (\`status\` in ('received', 'queued', 'sent', 'failed')) not null, \`idempotency_key\` TEXT null, \`attempts\` INTEGER not null default 0, \`error\` TEXT null, \`created_at\` datetime not null, \`sent_at\` datetime null);`);
    this.addSql(`insert into \`message_log__temp_alter\` select \`id\`, \`direction\`, \`channel\`, \`chat_id\`, \`elder_id\`, \`account_id\`, \`text\`, \`buttons\`, \`photo\`, \`status\`, \`idempotency_key\`, \`attempts\`, \`error\`, \`created_at\`, \`sent_at\` from \`message_log\`;`);
    this.addSql(`drop table \`message_log\`;`);
    this.addSql(`alter table \`message_log__temp_alter\` rename to \`message_log\`;`);
    this.addSql(`create index \`message_log_status_created_at_index\` on \`message_log\` (\`status\`, \`created_at\`);`);
    this.addSql(`create index \`message_log_elder_id_created_at_index\` on \`message_log\` (\`elder_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`message_log_idempotency_key_unique\` on \`message_log\` (\`idempotency_key\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
