import { Migration } from '@mikro-orm/migrations';

export class Migration20261203193644_safety_check_ins extends Migration {

  override name = 'Migration20261203193644_safety_check_ins';

  override up(): void | Promise<void> {
    this.addSql(`create table \`check_ins\` (\`id\` text not null primary key, \`elder_id\` text not null, \`task_id\` text null, \`description\` text not null, \`category\` text check (\`category\` in ('stroke', 'heart', 'breathing', 'faint', 'fall', 'sugar', 'injury', 'medicine', 'home', 'lost', 'despair', 'help', 'unwell')) null, \`status\` text check (\`status\` in ('waiting', 'ok', 'help', 'escalated')) not null default 'waiting', \`channel\` text check (\`channel\` in ('terminal', 'telegram', 'whatsapp')) not null, \`chat_id\` text not null, \`answered_at\` datetime null, \`alert_id\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`check_ins_task_id_unique\` on \`check_ins\` (\`task_id\`);`);
    this.addSql(`create index \`check_ins_status_created_at_index\` on \`check_ins\` (\`status\`, \`created_at\`);`);
    this.addSql(`create index \`check_ins_elder_id_status_index\` on \`check_ins\` (\`elder_id\`, \`status\`);`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`alerts__temp_alter\` (\`id\` text not null primary key, \`elder_id\` text not null, \`task_id\` text null, \`description\` text not null, \`status\` text check (\`status\` in ('open', 'acknowledged', 'resolved')) not null default 'open', \`kind\` text check (\`kind\` in ('emergency', 'despair', 'silent_check_in')) not null default 'emergency', \`next_notify_at\` datetime null, \`notify_count\` integer not null default 0, \`acknowledged_by_account_id\` text null, \`acknowledged_at\` datetime null, \`created_at\` datetime not null);`);
    this.addSql(`insert into \`alerts__temp_alter\` select \`id\`, \`elder_id\`, \`task_id\`, \`description\`, \`status\`, 'emergency' as \`kind\`, \`next_notify_at\`, \`notify_count\`, \`acknowledged_by_account_id\`, \`acknowledged_at\`, \`created_at\` from \`alerts\`;`);
    this.addSql(`drop table \`alerts\`;`);
    this.addSql(`alter table \`alerts__temp_alter\` rename to \`alerts\`;`);
    this.addSql(`create index \`alerts_elder_id_index\` on \`alerts\` (\`elder_id\`);`);
    this.addSql(`create unique index \`alerts_task_id_unique\` on \`alerts\` (\`task_id\`);`);
    this.addSql(`create index \`alerts_status_next_notify_at_index\` on \`alerts\` (\`status\`, \`next_notify_at\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`check_ins\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`alerts__temp_alter\` (\`id\` TEXT not null primary key, \`elder_id\` TEXT not null, \`task_id\` TEXT null, \`description\` TEXT not null, \`status\` TEXT check (\`status\` in ('open', 'acknowledged', 'resolved')) not null default 'open', \`next_notify_at\` datetime null, \`notify_count\` INTEGER not null default 0, \`acknowledged_by_account_id\` TEXT null, \`acknowledged_at\` datetime null, \`created_at\` datetime not null);`);
    this.addSql(`insert into \`alerts__temp_alter\` select \`id\`, \`elder_id\`, \`task_id\`, \`description\`, \`status\`, \`next_notify_at\`, \`notify_count\`, \`acknowledged_by_account_id\`, \`acknowledged_at\`, \`created_at\` from \`alerts\`;`);
    this.addSql(`drop table \`alerts\`;`);
    this.addSql(`alter table \`alerts__temp_alter\` rename to \`alerts\`;`);
    this.addSql(`create index \`alerts_status_next_notify_at_index\` on \`alerts\` (\`status\`, \`next_notify_at\`);`);
    this.addSql(`create unique index \`alerts_task_id_unique\` on \`alerts\` (\`task_id\`);`);
    this.addSql(`create index \`alerts_elder_id_index\` on \`alerts\` (\`elder_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
