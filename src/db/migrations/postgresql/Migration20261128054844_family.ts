import { Migration } from '@mikro-orm/migrations';

export class Migration20261128054844_family extends Migration {

  override name = 'Migration20261128054844_family';

  override up(): void | Promise<void> {
    this.addSql(`create table "elder_choices" ("id" uuid not null, "account_id" uuid not null, "elder_id" uuid not null, "nickname" varchar(40) null, "chosen_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "elder_choices_elder_id_index" on "elder_choices" ("elder_id");`);
    this.addSql(`alter table "elder_choices" add constraint "elder_choices_account_id_elder_id_unique" unique ("account_id", "elder_id");`);

    this.addSql(`create table "invite_attempts" ("id" uuid not null, "scope" varchar(64) not null, "attempted_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "invite_attempts_scope_attempted_at_index" on "invite_attempts" ("scope", "attempted_at");`);
    this.addSql(`create index "invite_attempts_attempted_at_index" on "invite_attempts" ("attempted_at");`);

    this.addSql(`alter table "elders" add "onboarding_step" text null, add "city" varchar(120) null, add "proposed_timezone" varchar(64) null;`);
    this.addSql(`alter table "elders" add constraint "elders_onboarding_step_check" check ("onboarding_step" in ('name', 'city', 'confirm_timezone', 'region'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "elder_choices" cascade;`);
    this.addSql(`drop table if exists "invite_attempts" cascade;`);

    this.addSql(`alter table "elders" drop constraint "elders_onboarding_step_check";`);
    this.addSql(`alter table "elders" drop column "onboarding_step", drop column "city", drop column "proposed_timezone";`);
  }

}
