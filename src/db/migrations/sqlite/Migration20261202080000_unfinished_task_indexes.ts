import { Migration } from '@mikro-orm/migrations';

export class Migration20261202080000_unfinished_task_indexes extends Migration {

  override name = 'Migration20261202080000_unfinished_task_indexes';

  override up(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`tasks__temp_alter\` (\`id\` text not null primary key, \`elder_id\` text not null, \`kind\` text not null, \`args\` json not null, \`status\` text check (\`status\` in ('pending_confirmation', 'queued', 'running', 'succeeded', 'failed', 'cancelled')) not null, \`attempts\` integer not null default 0, \`max_attempts\` integer not null default 5, \`idempotency_key\` text not null, \`result\` json null, \`error\` text null, \`run_after\` datetime null, \`lease_expires_at\` datetime null, \`requested_by_account_id\` text null, \`reply_channel\` text check (\`reply_channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`reply_chat_id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`finished_at\` datetime null, constraint \`tasks_finished_at_check\` check ((finished_at is null) = (status <> 'succeeded' and status <> 'failed' and status <> 'cancelled')));`);
    this.addSql(`insert into \`tasks__temp_alter\` select \`id\`, \`elder_id\`, \`kind\`, \`args\`, \`status\`, \`attempts\`, \`max_attempts\`, \`idempotency_key\`, \`result\`, \`error\`, \`run_after\`, \`lease_expires_at\`, \`requested_by_account_id\`, \`reply_channel\`, \`reply_chat_id\`, \`created_at\`, \`updated_at\`, \`finished_at\` from \`tasks\`;`);
    this.addSql(`drop table \`tasks\`;`);
    this.addSql(`alter table \`tasks__temp_alter\` rename to \`tasks\`;`);
    this.addSql(`create unique index \`tasks_idempotency_key_unique\` on \`tasks\` (\`idempotency_key\`);`);
    this.addSql(`create index "tasks_unfinished_elder_index" on "tasks" ("elder_id", "requested_by_account_id") where "finished_at" is null;`);
    this.addSql(`create index "tasks_unfinished_created_index" on "tasks" ("created_at") where "finished_at" is null;`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`tasks__temp_alter\` (\`id\` TEXT not null primary key, \`elder_id\` TEXT not null, \`kind\` TEXT not null, \`args\` json not null, \`status\` TEXT check (\`status\` in ('pending_confirmation', 'queued', 'running', 'succeeded', 'failed', 'cancelled')) not null, \`attempts\` INTEGER not null default 0, \`max_attempts\` INTEGER not null default 5, \`idempotency_key\` TEXT not null, \`result\` json null, \`error\` TEXT null, \`run_after\` datetime null, \`lease_expires_at\` datetime null, \`requested_by_account_id\` TEXT null, \`reply_channel\` TEXT check (\`reply_channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`reply_chat_id\` TEXT not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`finished_at\` datetime null);`);
    this.addSql(`insert into \`tasks__temp_alter\` select \`id\`, \`elder_id\`, \`kind\`, \`args\`, \`status\`, \`attempts\`, \`max_attempts\`, \`idempotency_key\`, \`result\`, \`error\`, \`run_after\`, \`lease_expires_at\`, \`requested_by_account_id\`, \`reply_channel\`, \`reply_chat_id\`, \`created_at\`, \`updated_at\`, \`finished_at\` from \`tasks\`;`);
    this.addSql(`drop table \`tasks\`;`);
    this.addSql(`alter table \`tasks__temp_alter\` rename to \`tasks\`;`);
    this.addSql(`create index \`tasks_elder_id_status_index\` on \`tasks\` (\`elder_id\`, \`status\`);`);
    this.addSql(`create index \`tasks_status_run_after_index\` on \`tasks\` (\`status\`, \`run_after\`);`);
    this.addSql(`create unique index \`tasks_idempotency_key_unique\` on \`tasks\` (\`idempotency_key\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
