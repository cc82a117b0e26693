import { Migration } from '@mikro-orm/migrations';

export class Migration20261128054844_family extends Migration {

  override name = 'Migration20261128054844_family';

  override up(): void | Promise<void> {
    this.addSql(`create table \`elder_choices\` (\`id\` text not null primary key, \`account_id\` text not null, \`elder_id\` text not null, \`nickname\` text null, \`chosen_at\` datetime null);`);
    this.addSql(`create index \`elder_choices_elder_id_index\` on \`elder_choices\` (\`elder_id\`);`);
    this.addSql(`create unique index \`elder_choices_account_id_elder_id_unique\` on \`elder_choices\` (\`account_id\`, \`elder_id\`);`);

    this.addSql(`create table \`invite_attempts\` (\`id\` text not null primary key, \`scope\` text not null, \`attempted_at\` datetime not null);`);
    this.addSql(`create index \`invite_attempts_scope_attempted_at_index\` on \`invite_attempts\` (\`scope\`, \`attempted_at\`);`);
    this.addSql(`create index \`invite_attempts_attempted_at_index\` on \`invite_attempts\` (\`attempted_at\`);`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`elders__temp_alter\` (\`id\` text not null primary key, \`name\` text not null, \`timezone\` text not null, \`locale\` text not null default 'en-GB', \`onboarding_step\` text null, \`city\` text null, \`proposed_timezone\` text null, \`created_at\` datetime not null);`);
    this.addSql(`insert into \`elders__temp_alter\` select \`id\`, \`name\`, \`timezone\`, \`locale\`, null as \`onboarding_step\`, null as \`city\`, null as \`proposed_timezone\`, \`created_at\` from \`elders\`;`);
    this.addSql(`drop table \`elders\`;`);
    this.addSql(`alter table \`elders__temp_alter\` rename to \`elders\`;`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`elder_choices\`;`);
    this.addSql(`drop table if exists \`invite_attempts\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`elders__temp_alter\` (\`id\` TEXT not null primary key, \`name\` TEXT not null, \`timezone\` TEXT not null, \`locale\` TEXT not null default 'en-GB', \`created_at\` datetime not null);`);
    this.addSql(`insert into \`elders__temp_alter\` select \`id\`, \`name\`, \`timezone\`, \`locale\`, \`created_at\` from \`elders\`;`);
    this.addSql(`drop table \`elders\`;`);
    this.addSql(`alter table \`elders__temp_alter\` rename to \`elders\`;`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
