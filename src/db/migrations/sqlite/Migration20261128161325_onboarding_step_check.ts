import { Migration } from '@mikro-orm/migrations';

export class Migration20261128161325_onboarding_step_check extends Migration {

  override name = 'Migration20261128161325_onboarding_step_check';

  override up(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`elders__temp_alter\` (\`id\` text not null primary key, \`name\` text not null, \`timezone\` text not null, \`locale\` text not null default 'en-GB', \`onboarding_step\` text check (\`onboarding_step\` in ('name', 'city', 'confirm_timezone', 'region')) null, \`city\` text null, \`proposed_timezone\` text null, \`created_at\` datetime not null);`);
    this.addSql(`insert into \`elders__temp_alter\` select \`id\`, \`name\`, \`timezone\`, \`locale\`, \`onboarding_step\`, \`city\`, \`proposed_timezone\`, \`created_at\` from \`elders\`;`);
    this.addSql(`drop table \`elders\`;`);
    this.addSql(`alter table \`elders__temp_alter\` rename to \`elders\`;`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`elders__temp_alter\` (\`id\` TEXT not null primary key, \`name\` TEXT not null, \`timezone\` TEXT not null, \`locale\` TEXT not null default 'en-GB', \`onboarding_step\` TEXT null, \`city\` TEXT null, \`proposed_timezone\` TEXT null, \`created_at\` datetime not null);`);
    this.addSql(`insert into \`elders__temp_alter\` select \`id\`, \`name\`, \`timezone\`, \`locale\`, \`onboarding_step\`, \`city\`, \`proposed_timezone\`, \`created_at\` from \`elders\`;`);
    this.addSql(`drop table \`elders\`;`);
    this.addSql(`alter table \`elders__temp_alter\` rename to \`elders\`;`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
